//! A set of catalog actions as a bitset: unions, intersections and complements over the
//! whole catalog (about 21,000 actions) stay cheap, which `*` and `NotAction` need.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionSet {
    words: Vec<u64>,
    size: usize,
}

impl ActionSet {
    pub fn empty(size: usize) -> ActionSet {
        ActionSet { words: vec![0; size.div_ceil(64)], size }
    }

    pub fn full(size: usize) -> ActionSet {
        ActionSet::empty(size).complement()
    }

    pub fn insert(&mut self, i: usize) {
        if i < self.size {
            self.words[i / 64] |= 1 << (i % 64);
        }
    }

    pub fn contains(&self, i: usize) -> bool {
        i < self.size && self.words[i / 64] & (1 << (i % 64)) != 0
    }

    pub fn union_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub fn intersect_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub fn subtract(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    pub fn complement(mut self) -> ActionSet {
        for w in &mut self.words {
            *w = !*w;
        }
        // Clear the bits past the end.
        if self.size % 64 != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << (self.size % 64)) - 1;
            }
        }
        self
    }

    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words
            .iter()
            .enumerate()
            .flat_map(|(wi, &w)| (0..64).filter(move |b| w & (1 << b) != 0).map(move |b| wi * 64 + b))
    }

    /// How many members fall in `range` (one service's actions).
    pub fn count_in(&self, range: std::ops::Range<usize>) -> usize {
        range.filter(|&i| self.contains(i)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::ActionSet;

    #[test]
    fn set_algebra() {
        let mut a = ActionSet::empty(130);
        a.insert(1);
        a.insert(129);
        assert_eq!(a.len(), 2);
        let full = ActionSet::full(130);
        assert_eq!(full.len(), 130);
        let c = a.clone().complement();
        assert_eq!(c.len(), 128);
        assert!(!c.contains(129) && c.contains(128));
        let mut d = full.clone();
        d.subtract(&a);
        assert_eq!(d, c);
        d.intersect_with(&a);
        assert!(d.is_empty());
        assert_eq!(a.iter().collect::<Vec<_>>(), [1, 129]);
        assert_eq!(full.count_in(0..10), 10);
    }
}

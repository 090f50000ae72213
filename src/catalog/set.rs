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
        if !self.size.is_multiple_of(64)
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << (self.size % 64)) - 1;
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
        self.masked_words(range).map(|(wi, mask)| (self.words[wi] & mask).count_ones() as usize).sum()
    }

    /// Whether this set and `other` share a member in `range`: a word at a time.
    pub fn meets_in(&self, other: &ActionSet, range: std::ops::Range<usize>) -> bool {
        self.masked_words(range).any(|(wi, mask)| self.words[wi] & other.words[wi] & mask != 0)
    }

    /// The words that `range` covers, each with the mask of its bits inside the range.
    fn masked_words(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = (usize, u64)> + '_ {
        let (start, end) = (range.start, range.end.min(self.words.len() * 64));
        let words = if start < end { start / 64..(end - 1) / 64 + 1 } else { 0..0 };
        words.map(move |wi| {
            let low = start.saturating_sub(wi * 64).min(64);
            let high = (end - wi * 64).min(64);
            let mask =
                if high >= 64 { u64::MAX } else { (1u64 << high) - 1 } & !if low == 0 { 0 } else { (1u64 << low) - 1 };
            (wi, mask)
        })
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
        assert_eq!(full.count_in(60..70), 10);
        assert_eq!(full.count_in(0..130), 130);
        assert_eq!(a.count_in(2..129), 0);
        assert_eq!(a.count_in(129..130), 1);
        assert_eq!(full.count_in(5..5), 0);
        assert!(a.meets_in(&full, 100..130) && !a.meets_in(&full, 2..129));
        // Every range agrees with counting member by member.
        let mut odd = ActionSet::empty(200);
        (1..200).step_by(3).for_each(|i| odd.insert(i));
        for start in 0..200 {
            for end in start..=200 {
                assert_eq!(odd.count_in(start..end), (start..end).filter(|&i| odd.contains(i)).count());
            }
        }
    }
}

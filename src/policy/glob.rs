//! Wildcard matching in near-linear time. A pattern `S0*S1*…*Sk` matches when `S0` is a
//! prefix, `Sk` a suffix and `S1…Sk-1` occur in order between them; taking each middle
//! segment at its leftmost occurrence is always right, so no backtracking is needed. Each
//! segment is found with a bit-parallel (Shift-And) scan in which `?` matches any
//! character: O(n·⌈k/64⌉) for a segment of k tokens over n characters, and the scans of
//! successive segments cover disjoint stretches of the text. A crafted pattern such as ten
//! thousand `?` around a `*` against 100,000 characters no longer takes seconds.

use std::collections::HashMap;

use super::pattern::Tok;

/// Glob match of `text` against `toks`. `fold` compares letters case-insensitively.
pub fn glob(toks: &[Tok], text: &str, fold: bool) -> bool {
    // The common shapes, without allocating: no `*` at all, or one `*` at the end.
    match toks.iter().filter(|t| **t == Tok::Any).count() {
        0 => return leads(toks, text, fold).is_some_and(|rest| rest.is_empty()),
        1 if toks.last() == Some(&Tok::Any) => return leads(&toks[..toks.len() - 1], text, fold).is_some(),
        _ => {}
    }
    let text: Vec<char> = text.chars().map(|c| key(c, fold)).collect();
    let segments: Vec<Vec<Tok>> = toks
        .split(|t| *t == Tok::Any)
        .map(|s| s.iter().map(|t| if let Tok::Ch(c) = t { Tok::Ch(key(*c, fold)) } else { *t }).collect())
        .collect();
    let (first, rest) = match segments.split_first() {
        Some(split) => split,
        None => return text.is_empty(),
    };
    let Some((last, middle)) = rest.split_last() else {
        return first.len() == text.len() && fits(first, &text);
    };
    if first.len() + last.len() > text.len() || !fits(first, &text) || !fits(last, &text[text.len() - last.len()..]) {
        return false;
    }
    let end = text.len() - last.len();
    let mut at = first.len();
    for segment in middle.iter().filter(|s| !s.is_empty()) {
        match find(segment, &text[at..end]) {
            Some(found) => at += found + segment.len(),
            None => return false,
        }
    }
    true
}

/// Whether `toks` (no `*`) match the start of `text`; what is left of the text if so.
fn leads<'t>(toks: &[Tok], text: &'t str, fold: bool) -> Option<&'t str> {
    let mut chars = text.chars();
    for t in toks {
        let c = chars.next()?;
        if let Tok::Ch(p) = t
            && key(*p, fold) != key(c, fold)
        {
            return None;
        }
    }
    Some(chars.as_str())
}

/// The character compared: itself, or its lower-case form when folding (a character whose
/// lower case is several characters stays as it is).
fn key(c: char, fold: bool) -> char {
    if !fold {
        return c;
    }
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(one), None) => one,
        _ => c,
    }
}

/// Whether a segment (no `*`) matches the start of `text`.
fn fits(segment: &[Tok], text: &[char]) -> bool {
    segment.len() <= text.len()
        && segment.iter().zip(text).all(|(t, c)| match t {
            Tok::Ch(p) => p == c,
            _ => true,
        })
}

/// Where a segment (no `*`, not empty) first occurs in `text`: Shift-And over 64-bit words.
fn find(segment: &[Tok], text: &[char]) -> Option<usize> {
    let k = segment.len();
    if k > text.len() {
        return None;
    }
    let words = k.div_ceil(64);
    // Bits of the positions any character matches (`?`), and of each literal character.
    let mut any = vec![0u64; words];
    let mut masks: HashMap<char, Vec<u64>> = HashMap::new();
    for (j, t) in segment.iter().enumerate() {
        match t {
            Tok::Ch(c) => masks.entry(*c).or_insert_with(|| vec![0; words])[j / 64] |= 1 << (j % 64),
            _ => any[j / 64] |= 1 << (j % 64),
        }
    }
    for mask in masks.values_mut() {
        mask.iter_mut().zip(&any).for_each(|(m, a)| *m |= a);
    }
    let top = (k - 1) % 64;
    let mut state = vec![0u64; words];
    for (i, c) in text.iter().enumerate() {
        let mask = masks.get(c).unwrap_or(&any);
        // state = ((state << 1) | 1) & mask, carried across words.
        let mut carry = 1u64;
        for w in 0..words {
            let next_carry = state[w] >> 63;
            state[w] = ((state[w] << 1) | carry) & mask[w];
            carry = next_carry;
        }
        if state[words - 1] >> top & 1 == 1 {
            return Some(i + 1 - k);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::glob;
    use crate::policy::pattern::Tok;

    fn toks(p: &str) -> Vec<Tok> {
        p.chars()
            .map(|c| match c {
                '*' => Tok::Any,
                '?' => Tok::One,
                c => Tok::Ch(c),
            })
            .collect()
    }

    /// The textbook recursive definition, for comparison.
    fn reference(p: &[Tok], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some((Tok::Any, rest)) => (0..=t.len()).any(|i| reference(rest, &t[i..])),
            Some((Tok::One, rest)) => !t.is_empty() && reference(rest, &t[1..]),
            Some((Tok::Ch(c), rest)) => t.first() == Some(c) && reference(rest, &t[1..]),
        }
    }

    #[test]
    fn agrees_with_the_definition_on_every_small_case() {
        let alphabet = ['a', 'b'];
        let pattern_alphabet = ['a', 'b', '*', '?'];
        let words = |len: usize, from: &[char]| -> Vec<String> {
            (0..from.len().pow(len as u32))
                .map(|mut n| {
                    (0..len)
                        .map(|_| {
                            let c = from[n % from.len()];
                            n /= from.len();
                            c
                        })
                        .collect()
                })
                .collect()
        };
        for plen in 0..=5 {
            for p in words(plen, &pattern_alphabet) {
                for tlen in 0..=6 {
                    for t in words(tlen, &alphabet) {
                        let chars: Vec<char> = t.chars().collect();
                        assert_eq!(glob(&toks(&p), &t, false), reference(&toks(&p), &chars), "{p:?} vs {t:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn long_segments_cross_word_boundaries() {
        let segment = "a".repeat(70) + "?" + &"b".repeat(70);
        let text = "c".repeat(100) + &"a".repeat(70) + "x" + &"b".repeat(70) + "tail";
        assert!(glob(&toks(&format!("*{segment}*")), &text, false));
        assert!(!glob(&toks(&format!("*{segment}c*")), &text, false));
    }

    #[test]
    fn folding_compares_letters_case_insensitively() {
        assert!(glob(&toks("S3:Get*"), "s3:getobject", true));
        assert!(!glob(&toks("S3:Get*"), "s3:getobject", false));
        assert!(glob(&toks("*ÄB?"), "xxäbc", true));
    }
}

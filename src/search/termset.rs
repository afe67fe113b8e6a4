//! A reusable set of packed CJK terms: it deduplicates one document's terms in a
//! single pass, which is several times faster than sorting them, and a long CJK
//! text emits each common character hundreds of times.

const INITIAL_SLOTS: usize = 4096;

/// Open addressing with linear probing; a slot holds `key + 1`, so 0 means empty.
pub struct TermSet {
    slots: Vec<u64>,
    /// Distinct keys in first-seen order, with the flag of their first occurrence.
    distinct: Vec<(u64, bool)>,
}

impl Default for TermSet {
    fn default() -> Self {
        TermSet {
            slots: vec![0; INITIAL_SLOTS],
            distinct: Vec::new(),
        }
    }
}

impl TermSet {
    /// Adds `key` unless present; the first occurrence's `flag` is the one kept.
    pub fn insert(&mut self, key: u64, flag: bool) {
        if (self.distinct.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        if place(&mut self.slots, key) {
            self.distinct.push((key, flag));
        }
    }

    pub fn distinct(&self) -> &[(u64, bool)] {
        &self.distinct
    }

    /// Empties the set for the next document; a table grown by one huge document
    /// shrinks back so later small ones don't pay to clear it.
    pub fn clear(&mut self) {
        if self.slots.len() > INITIAL_SLOTS * 4 && self.distinct.len() * 8 < self.slots.len() {
            self.slots = vec![0; INITIAL_SLOTS];
        } else {
            self.slots.fill(0);
        }
        self.distinct.clear();
    }

    fn grow(&mut self) {
        let mut slots = vec![0; self.slots.len() * 2];
        for &(key, _) in &self.distinct {
            place(&mut slots, key);
        }
        self.slots = slots;
    }
}

/// Puts `key` in `slots` (a power of two long, never full); false if already there.
fn place(slots: &mut [u64], key: u64) -> bool {
    let mask = slots.len() - 1;
    let stored = key + 1;
    let mut at = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask;
    loop {
        match slots[at] {
            0 => {
                slots[at] = stored;
                return true;
            }
            s if s == stored => return false,
            _ => at = (at + 1) & mask,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_first_occurrences_in_order() {
        let mut set = TermSet::default();
        for (key, flag) in [(5, true), (7, false), (5, false), (0, false), (7, true)] {
            set.insert(key, flag);
        }
        assert_eq!(set.distinct(), [(5, true), (7, false), (0, false)]);
        set.clear();
        set.insert(7, true);
        assert_eq!(set.distinct(), [(7, true)]);
    }

    #[test]
    fn grows_past_its_initial_size_and_shrinks_back() {
        let mut set = TermSet::default();
        for round in 0..2 {
            for key in 0..10_000u64 {
                set.insert(key * 3 + round, false);
                set.insert(key * 3 + round, true);
            }
            assert_eq!(set.distinct().len(), 10_000);
            assert!(set.distinct().iter().all(|&(_, flag)| !flag));
            set.clear();
        }
        set.insert(1, true);
        set.clear();
        assert_eq!(set.slots.len(), INITIAL_SLOTS);
    }
}

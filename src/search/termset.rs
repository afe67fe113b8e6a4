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
    /// A table only lightly used is emptied slot by slot rather than whole: most
    /// documents fill a few hundred slots of a table that an earlier long one grew.
    pub fn clear(&mut self) {
        let sparse = self.distinct.len() * 8 < self.slots.len();
        if self.slots.len() > INITIAL_SLOTS * 4 && sparse {
            self.slots = vec![0; INITIAL_SLOTS];
        } else if sparse {
            // Every key's slot is found before any is emptied: a probe stops at
            // the first empty slot, so emptying as we go would hide later keys.
            let used: Vec<usize> = self
                .distinct
                .iter()
                .map(|&(key, _)| slot_of(&self.slots, key))
                .collect();
            for at in used {
                self.slots[at] = 0;
            }
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
    let at = slot_of(slots, key);
    let empty = slots[at] == 0;
    slots[at] = key + 1;
    empty
}

/// The slot holding `key`, or the empty slot where it belongs.
fn slot_of(slots: &[u64], key: u64) -> usize {
    let mask = slots.len() - 1;
    let stored = key + 1;
    let mut at = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask;
    while slots[at] != 0 && slots[at] != stored {
        at = (at + 1) & mask;
    }
    at
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

    /// The sparse clear empties every slot, keys further along a probe chain
    /// included, and reinserted keys count as new.
    #[test]
    fn a_sparse_clear_empties_every_slot() {
        let mut set = TermSet::default();
        for key in 0..3_000u64 {
            set.insert(key, false);
        }
        set.clear(); // dense: the whole table is filled with zeros
                     // xorshift64 keys: about 40 of them share a home slot with another (a
                     // counting sequence would not, the multiplicative hash spreads it evenly).
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let keys: Vec<u64> = (0..900)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            })
            .collect();
        for round in 0..3 {
            for &key in &keys {
                set.insert(key, round == 0);
            }
            assert_eq!(set.distinct().len(), keys.len(), "round {round}");
            set.clear();
            assert!(set.slots.iter().all(|&slot| slot == 0), "round {round}");
        }
    }
}

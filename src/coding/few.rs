//! [`Few`]: a short list of scored codes kept on the stack. The HRCS rules rank, filter and
//! sort a handful of candidates per award (groups, the codes of a group, categories); with a
//! `Vec` each of those lists was a heap allocation per award, several per award in all. A
//! `Few` holds up to [`FEW`] items inline and moves to the heap only beyond that, so results
//! never depend on the size. It reads as a slice (`iter`, `len`, indexing, `sort_by`) and
//! collects and iterates by value like a `Vec`.

use std::fmt;
use std::ops::{Deref, DerefMut};

/// Items kept inline: every HRCS health category (21) fits, as do the codes of any group and
/// the eight groups.
pub const FEW: usize = 24;

/// A list of up to [`FEW`] `Copy` items without a heap allocation.
#[derive(Clone)]
pub struct Few<T: Copy> {
    len: usize,
    /// `None` until the first push, which fills the array with that item (so no `Default` is
    /// needed for the item type, and no unsafe code for uninitialised slots).
    items: Option<[T; FEW]>,
    /// Only when more than [`FEW`] items are pushed: all of them, in order.
    spilled: Option<std::vec::Vec<T>>,
}

impl<T: Copy> Few<T> {
    pub fn new() -> Few<T> {
        Few {
            len: 0,
            items: None,
            spilled: None,
        }
    }

    pub fn push(&mut self, x: T) {
        if let Some(v) = &mut self.spilled {
            v.push(x);
            return;
        }
        let items = self.items.get_or_insert([x; FEW]);
        if self.len < FEW {
            items[self.len] = x;
            self.len += 1;
        } else {
            let mut v = items.to_vec();
            v.push(x);
            self.spilled = Some(v);
        }
    }

    /// Keeps the items `keep` accepts, in order (as `Vec::retain`).
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        if let Some(v) = &mut self.spilled {
            v.retain(keep);
            return;
        }
        let Some(items) = &mut self.items else {
            return;
        };
        let all = *items;
        let mut kept = 0;
        for x in all[..self.len].iter().copied() {
            if keep(&x) {
                items[kept] = x;
                kept += 1;
            }
        }
        self.len = kept;
    }

    pub fn as_slice(&self) -> &[T] {
        match (&self.spilled, &self.items) {
            (Some(v), _) => v,
            (None, Some(items)) => &items[..self.len],
            (None, None) => &[],
        }
    }

    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match (&mut self.spilled, &mut self.items) {
            (Some(v), _) => v,
            (None, Some(items)) => &mut items[..self.len],
            (None, None) => &mut [],
        }
    }
}

impl<T: Copy> Default for Few<T> {
    fn default() -> Few<T> {
        Few::new()
    }
}

impl<T: Copy> Deref for Few<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T: Copy> DerefMut for Few<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T: Copy> FromIterator<T> for Few<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Few<T> {
        let mut few = Few::new();
        for x in iter {
            few.push(x);
        }
        few
    }
}

impl<T: Copy> Extend<T> for Few<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for x in iter {
            self.push(x);
        }
    }
}

/// Iterates a [`Few`] by value.
pub struct IntoIter<T: Copy> {
    few: Few<T>,
    next: usize,
}

impl<T: Copy> Iterator for IntoIter<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        let x = self.few.as_slice().get(self.next).copied();
        self.next += 1;
        x
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.few.len().saturating_sub(self.next);
        (left, Some(left))
    }
}

impl<T: Copy> ExactSizeIterator for IntoIter<T> {}

impl<T: Copy> IntoIterator for Few<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;
    fn into_iter(self) -> IntoIter<T> {
        IntoIter { few: self, next: 0 }
    }
}

impl<'a, T: Copy> IntoIterator for &'a Few<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: Copy + PartialEq> PartialEq for Few<T> {
    fn eq(&self, other: &Few<T>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Copy + PartialEq> PartialEq<std::vec::Vec<T>> for Few<T> {
    fn eq(&self, other: &std::vec::Vec<T>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Copy + fmt::Debug> fmt::Debug for Few<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_vec_below_and_beyond_the_inline_room() {
        for n in [0, 1, 5, FEW - 1, FEW, FEW + 1, 3 * FEW] {
            let few: Few<(u8, f64)> = (0..n).map(|i| (i as u8, i as f64)).collect();
            let vec: Vec<(u8, f64)> = (0..n).map(|i| (i as u8, i as f64)).collect();
            assert_eq!(few, vec);
            assert_eq!(few.len(), n);
            assert_eq!(few.clone().into_iter().collect::<Vec<_>>(), vec);
            let mut few = few;
            let mut vec = vec;
            few.retain(|x| x.0 % 3 != 1);
            vec.retain(|x| x.0 % 3 != 1);
            assert_eq!(few, vec);
            few.sort_by(|a, b| b.1.total_cmp(&a.1));
            vec.sort_by(|a, b| b.1.total_cmp(&a.1));
            assert_eq!(few, vec);
            few.push((200, 0.5));
            vec.push((200, 0.5));
            assert_eq!(few, vec);
        }
    }
}

//! Decoding a sequence into a vector allocated once, at its stored length. Serde caps
//! the first allocation and grows by doubling: on a warm run that is copies and fresh
//! pages for every large table. A stored length is never trusted further than the bytes
//! being decoded: no vector reserves more than twice their size.

use std::cell::Cell;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};

thread_local! {
    /// The size of the input being decoded on this thread.
    static BUDGET: Cell<usize> = const { Cell::new(0) };
}

/// Runs `decode` over an input of `bytes` bytes: vectors it decodes with `exact` reserve
/// no more than twice that.
pub fn within<T>(bytes: usize, decode: impl FnOnce() -> T) -> T {
    let before = BUDGET.replace(bytes);
    let value = decode();
    BUDGET.set(before);
    value
}

pub fn exact<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Exact<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Exact<T> {
        type Value = Vec<T>;

        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a sequence")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let most = 2 * BUDGET.get() / std::mem::size_of::<T>().max(1);
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(most));
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }
    }

    deserializer.deserialize_seq(Exact(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Table {
        #[serde(deserialize_with = "exact")]
        items: Vec<u64>,
    }

    #[test]
    fn a_length_beyond_the_bytes_is_an_error_not_a_huge_allocation() {
        // A length of 2^40 items, then three of them.
        let mut bytes = (1u64 << 40).to_le_bytes().to_vec();
        for item in [1u64, 2, 3] {
            bytes.extend(item.to_le_bytes());
        }
        let decoded: Result<Table, _> = within(bytes.len(), || bincode::deserialize(&bytes));
        assert!(decoded.is_err());
        let mut good = 3u64.to_le_bytes().to_vec();
        for item in [1u64, 2, 3] {
            good.extend(item.to_le_bytes());
        }
        let table: Table = within(good.len(), || bincode::deserialize(&good)).unwrap();
        assert_eq!(table.items, [1, 2, 3]);
        assert_eq!(table.items.capacity(), 3, "allocated once, at its length");
    }
}

//! A compact encoding for the largest tables the cache keeps (a summary's uses and
//! their attributes, the snapshot's sites and outcomes): every field a LEB128 varint,
//! lines and table indices as differences from the row before. A fixed-width encoding
//! spends 24 bytes on a use that takes 6 or 7 here, and every summary is written to, and
//! decoded from, the cache. The tables themselves are encoded beside their types
//! (`summary`, `cache::tables`); this module knows no type of the crate.

use serde::de::{SeqAccess, Visitor};
use serde::{Deserializer, Serializer};

pub(crate) fn put(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

pub(crate) fn put_delta(out: &mut Vec<u8>, value: u32, previous: u32) {
    let delta = i64::from(value) - i64::from(previous);
    put(out, ((delta << 1) ^ (delta >> 63)) as u64);
}

pub(crate) struct Reader<'b> {
    pub(crate) bytes: &'b [u8],
}

impl Reader<'_> {
    pub(crate) fn get(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    pub(crate) fn get_u32(&mut self) -> Option<u32> {
        u32::try_from(self.get()?).ok()
    }

    pub(crate) fn get_delta(&mut self, previous: u32) -> Option<u32> {
        let zigzag = self.get()?;
        let delta = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
        u32::try_from(i64::from(previous) + delta).ok()
    }
}

/// The bytes of a packed table, as bincode (or any format) wrote them.
pub(crate) struct Bytes;

impl<'de> Visitor<'de> for Bytes {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("packed bytes")
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Vec<u8>, E> {
        Ok(bytes.to_vec())
    }

    fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<Vec<u8>, E> {
        Ok(bytes)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut bytes = Vec::new();
        while let Some(byte) = seq.next_element()? {
            bytes.push(byte);
        }
        Ok(bytes)
    }
}

/// A packed table's bytes: a count, then `row`'s bytes for each (about `row_bytes` each).
pub(crate) fn pack<T, S: Serializer>(
    rows: &[T],
    row_bytes: usize,
    serializer: S,
    mut row: impl FnMut(&mut Vec<u8>, &T),
) -> Result<S::Ok, S::Error> {
    let mut out = Vec::with_capacity(rows.len() * row_bytes);
    put(&mut out, rows.len() as u64);
    for item in rows {
        row(&mut out, item);
    }
    serializer.serialize_bytes(&out)
}

/// A packed table's rows decoded from its bytes: a count, then `row` for each (`min_row`
/// bytes at least each, which bounds what a damaged count can allocate).
pub(crate) fn unpack<T, E: serde::de::Error>(
    bytes: &[u8],
    min_row: usize,
    what: &str,
    mut row: impl FnMut(&mut Reader) -> Option<T>,
) -> Result<Vec<T>, E> {
    let mut reader = Reader { bytes };
    let damaged = || E::custom(format!("damaged packed {what}"));
    let count = reader.get().ok_or_else(damaged)? as usize;
    let mut rows = Vec::with_capacity(count.min(bytes.len() / min_row));
    for _ in 0..count {
        rows.push(row(&mut reader).ok_or_else(damaged)?);
    }
    Ok(rows)
}

/// Numbers as differences from the one before (row offsets, sorted site ids).
pub mod numbers {
    use super::*;

    pub fn serialize<S: Serializer>(numbers: &[u32], serializer: S) -> Result<S::Ok, S::Error> {
        let mut previous = 0;
        pack(numbers, 2, serializer, |out, &number| {
            put_delta(out, number, previous);
            previous = number;
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u32>, D::Error> {
        let bytes = deserializer.deserialize_bytes(Bytes)?;
        let mut previous = 0;
        unpack(&bytes, 1, "numbers", |reader| {
            previous = reader.get_delta(previous)?;
            Some(previous)
        })
    }
}

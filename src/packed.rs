//! A compact encoding for the summary's largest tables, the uses and their attributes:
//! every field a LEB128 varint, lines and table indices as differences from the row
//! before. A fixed-width encoding spends 24 bytes on a use that takes 6 or 7 here, and
//! every summary is written to, and decoded from, the cache.

use serde::de::{Error as _, SeqAccess, Visitor};
use serde::{Deserializer, Serializer};

use crate::summary::{Position, Use, UseAttribute};

fn put(out: &mut Vec<u8>, mut value: u64) {
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

fn put_delta(out: &mut Vec<u8>, value: u32, previous: u32) {
    let delta = i64::from(value) - i64::from(previous);
    put(out, ((delta << 1) ^ (delta >> 63)) as u64);
}

struct Reader<'b> {
    bytes: &'b [u8],
}

impl Reader<'_> {
    fn get(&mut self) -> Option<u64> {
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

    fn get_u32(&mut self) -> Option<u32> {
        u32::try_from(self.get()?).ok()
    }

    fn get_delta(&mut self, previous: u32) -> Option<u32> {
        let zigzag = self.get()?;
        let delta = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
        u32::try_from(i64::from(previous) + delta).ok()
    }
}

/// The bytes of a packed table, as bincode (or any format) wrote them.
struct Bytes;

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

pub mod uses {
    use super::*;

    pub fn serialize<S: Serializer>(uses: &[Use], serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = Vec::with_capacity(uses.len() * 7);
        put(&mut out, uses.len() as u64);
        let (mut line, mut attributes) = (0, 0);
        for used in uses {
            put(&mut out, u64::from(used.name));
            put_delta(&mut out, used.position.line, line);
            put(&mut out, u64::from(used.position.col));
            put_delta(&mut out, used.attributes, attributes);
            put(&mut out, u64::from(used.attribute_count));
            // `u32::MAX` (a module-level name) is the common case: one byte.
            put(&mut out, u64::from(used.import.wrapping_add(1)));
            (line, attributes) = (used.position.line, used.attributes);
        }
        serializer.serialize_bytes(&out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Use>, D::Error> {
        let bytes = deserializer.deserialize_bytes(Bytes)?;
        let mut reader = Reader { bytes: &bytes };
        let damaged = || D::Error::custom("damaged packed uses");
        let count = reader.get().ok_or_else(damaged)? as usize;
        // Every use takes six bytes or more: a count beyond that is damage.
        let mut uses = Vec::with_capacity(count.min(bytes.len() / 6));
        let (mut line, mut attributes) = (0, 0);
        for _ in 0..count {
            let mut row = || -> Option<Use> {
                let name = reader.get_u32()?;
                line = reader.get_delta(line)?;
                let col = reader.get_u32()?;
                attributes = reader.get_delta(attributes)?;
                let attribute_count = reader.get_u32()?;
                let import = reader.get_u32()?.wrapping_sub(1);
                Some(Use {
                    name,
                    position: Position { line, col },
                    attributes,
                    attribute_count,
                    import,
                })
            };
            uses.push(row().ok_or_else(damaged)?);
        }
        Ok(uses)
    }
}

pub mod attributes {
    use super::*;

    pub fn serialize<S: Serializer>(
        attributes: &[UseAttribute],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut out = Vec::with_capacity(attributes.len() * 4);
        put(&mut out, attributes.len() as u64);
        let mut line = 0;
        for attribute in attributes {
            put(&mut out, u64::from(attribute.name));
            put_delta(&mut out, attribute.position.line, line);
            put(&mut out, u64::from(attribute.position.col));
            line = attribute.position.line;
        }
        serializer.serialize_bytes(&out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<UseAttribute>, D::Error> {
        let bytes = deserializer.deserialize_bytes(Bytes)?;
        let mut reader = Reader { bytes: &bytes };
        let damaged = || D::Error::custom("damaged packed attributes");
        let count = reader.get().ok_or_else(damaged)? as usize;
        let mut attributes = Vec::with_capacity(count.min(bytes.len() / 3));
        let mut line = 0;
        for _ in 0..count {
            let mut row = || -> Option<UseAttribute> {
                let name = reader.get_u32()?;
                line = reader.get_delta(line)?;
                let col = reader.get_u32()?;
                Some(UseAttribute {
                    name,
                    position: Position { line, col },
                })
            };
            attributes.push(row().ok_or_else(damaged)?);
        }
        Ok(attributes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Table {
        #[serde(with = "uses")]
        uses: Vec<Use>,
        #[serde(with = "attributes")]
        attributes: Vec<UseAttribute>,
    }

    #[test]
    fn uses_and_attributes_survive_packing_and_damage_is_an_error() {
        let at = |line, col| Position { line, col };
        let table = Table {
            uses: vec![
                Use {
                    name: 3,
                    position: at(10, 5),
                    attributes: 0,
                    attribute_count: 2,
                    import: u32::MAX,
                },
                // Out of source order (a decorator read after its function's body).
                Use {
                    name: 0,
                    position: at(2, 1),
                    attributes: 2,
                    attribute_count: 0,
                    import: 7,
                },
                Use {
                    name: u32::MAX - 1,
                    position: at(u32::MAX, u32::MAX),
                    attributes: u32::MAX,
                    attribute_count: 0,
                    import: 0,
                },
            ],
            attributes: vec![
                UseAttribute {
                    name: 1,
                    position: at(10, 9),
                },
                UseAttribute {
                    name: 2,
                    position: at(11, 1),
                },
            ],
        };
        let bytes = bincode::serialize(&table).unwrap();
        assert_eq!(bincode::deserialize::<Table>(&bytes).unwrap(), table);
        for cut in [8, 12, bytes.len() - 1] {
            assert!(
                bincode::deserialize::<Table>(&bytes[..cut]).is_err(),
                "{cut}"
            );
        }
    }
}

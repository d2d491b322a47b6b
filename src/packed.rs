//! A compact encoding for the summary's largest tables, the uses and their attributes:
//! every field a LEB128 varint, lines and table indices as differences from the row
//! before. A fixed-width encoding spends 24 bytes on a use that takes 6 or 7 here, and
//! every summary is written to, and decoded from, the cache.

use serde::de::{SeqAccess, Visitor};
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
        let (mut line, mut attributes) = (0, 0);
        pack(uses, 6, serializer, |out, used| {
            put(out, u64::from(used.name));
            put_delta(out, used.position.line, line);
            put(out, u64::from(used.position.col));
            put_delta(out, used.attributes, attributes);
            // `u32::MAX` (a module-level name) is the common case: one byte.
            put(out, u64::from(used.import.wrapping_add(1)));
            (line, attributes) = (used.position.line, used.attributes);
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Use>, D::Error> {
        let bytes = deserializer.deserialize_bytes(Bytes)?;
        // Every use takes five bytes or more.
        let (mut line, mut attributes) = (0, 0);
        unpack(&bytes, 5, "uses", |reader| {
            let name = reader.get_u32()?;
            line = reader.get_delta(line)?;
            let col = reader.get_u32()?;
            attributes = reader.get_delta(attributes)?;
            let import = reader.get_u32()?.wrapping_sub(1);
            Some(Use {
                name,
                position: Position { line, col },
                attributes,
                import,
            })
        })
    }
}

pub mod attributes {
    use super::*;

    pub fn serialize<S: Serializer>(
        attributes: &[UseAttribute],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut line = 0;
        pack(attributes, 4, serializer, |out, attribute| {
            put(out, u64::from(attribute.name));
            put_delta(out, attribute.position.line, line);
            put(out, u64::from(attribute.position.col));
            line = attribute.position.line;
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<UseAttribute>, D::Error> {
        let bytes = deserializer.deserialize_bytes(Bytes)?;
        let mut line = 0;
        unpack(&bytes, 3, "attributes", |reader| {
            let name = reader.get_u32()?;
            line = reader.get_delta(line)?;
            let col = reader.get_u32()?;
            Some(UseAttribute {
                name,
                position: Position { line, col },
            })
        })
    }
}

/// A packed table's bytes: a count, then `row`'s bytes for each (about `row_bytes` each).
fn pack<T, S: Serializer>(
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
fn unpack<T, E: serde::de::Error>(
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

/// The snapshot's import sites: each field a varint, the context flags one byte.
/// Import sites, packed one after another (their count is the site offsets' last): the
/// snapshot keeps them packed, and a restore decodes them one at a time into the sites
/// they become, never all at once beside them.
pub mod sites {
    use super::*;
    use crate::summary::Context;

    /// An import site without its text: enough to rebuild the graph.
    #[derive(Clone, Copy, Debug)]
    pub struct StoredSite {
        pub import: u32,
        /// Index into the snapshot's site strings, `u32::MAX` when the import climbs
        /// above the top.
        pub target: u32,
        pub node: StoredNode,
        pub context: Context,
    }

    #[derive(Clone, Copy, Debug)]
    pub enum StoredNode {
        None,
        Internal(u32),
        /// A top-level package outside the repository (index into the site strings):
        /// external modules are numbered again in the order sites name them.
        External(u32),
    }

    /// Appends `site` to `out`.
    pub fn put_site(out: &mut Vec<u8>, site: StoredSite) {
        put(out, u64::from(site.import));
        put(out, u64::from(site.target.wrapping_add(1)));
        put(
            out,
            match site.node {
                StoredNode::None => 0,
                StoredNode::Internal(id) => 1 + 2 * u64::from(id),
                StoredNode::External(name) => 2 + 2 * u64::from(name),
            },
        );
        let c = site.context;
        out.push(
            u8::from(c.type_checking)
                | u8::from(c.try_import) << 1
                | u8::from(c.function) << 2
                | u8::from(c.conditional) << 3,
        );
    }

    /// Reads packed sites in order.
    pub struct SiteReader<'b> {
        reader: Reader<'b>,
    }

    impl<'b> SiteReader<'b> {
        pub fn new(bytes: &'b [u8]) -> Self {
            SiteReader {
                reader: Reader { bytes },
            }
        }

        /// Passes over `count` sites: each ends in four bytes below 0x80 (three varints'
        /// last bytes and the flags), so no number is decoded.
        pub fn skip(&mut self, count: usize) {
            let mut ends = 4 * count;
            let bytes = self.reader.bytes;
            let mut at = 0;
            while ends > 0 && at < bytes.len() {
                ends -= usize::from(bytes[at] < 0x80);
                at += 1;
            }
            self.reader.bytes = &bytes[at..];
        }

        /// The next site; `None` at the end or where the bytes are damaged.
        pub fn next_site(&mut self) -> Option<StoredSite> {
            let reader = &mut self.reader;
            let import = reader.get_u32()?;
            let target = reader.get_u32()?.wrapping_sub(1);
            let node = match reader.get()? {
                0 => StoredNode::None,
                n => {
                    let id = u32::try_from((n - 1) / 2).ok()?;
                    if n % 2 == 1 {
                        StoredNode::Internal(id)
                    } else {
                        StoredNode::External(id)
                    }
                }
            };
            let (&flags, rest) = reader.bytes.split_first()?;
            reader.bytes = rest;
            if flags > 0b1111 {
                return None;
            }
            let context = Context {
                type_checking: flags & 1 != 0,
                try_import: flags & 2 != 0,
                function: flags & 4 != 0,
                conditional: flags & 8 != 0,
            };
            Some(StoredSite {
                import,
                target,
                node,
                context,
            })
        }
    }

    /// Whether `bytes` are exactly `count` sites whose string indices are below
    /// `strings`: what a restore may then decode without checking again.
    pub fn valid(bytes: &[u8], count: usize, strings: usize) -> bool {
        let mut reader = SiteReader::new(bytes);
        let known = |index: u32| index == u32::MAX || (index as usize) < strings;
        (0..count).all(|_| {
            reader.next_site().is_some_and(|site| {
                known(site.target)
                    && match site.node {
                        StoredNode::External(name) => (name as usize) < strings,
                        _ => true,
                    }
            })
        }) && reader.reader.bytes.is_empty()
    }

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        deserializer.deserialize_bytes(Bytes)
    }
}

/// Each site's outcome: the kind in one byte, the hops a varint.
pub mod outcomes {
    use super::*;
    use crate::index::{Outcome, SiteOutcome};

    const KINDS: [Outcome; 6] = [
        Outcome::Definition,
        Outcome::Module,
        Outcome::Compiled,
        Outcome::External,
        Outcome::Unresolved,
        Outcome::Cycle,
    ];

    pub fn serialize<S: Serializer>(
        outcomes: &[SiteOutcome],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        pack(outcomes, 2, serializer, |out, site| {
            let kind = KINDS.iter().position(|&k| k == site.outcome).unwrap_or(0);
            out.push(kind as u8);
            put(out, u64::from(site.hops));
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<SiteOutcome>, D::Error> {
        let bytes = deserializer.deserialize_bytes(Bytes)?;
        unpack(&bytes, 2, "outcomes", |reader| {
            let (&kind, rest) = reader.bytes.split_first()?;
            reader.bytes = rest;
            let outcome = *KINDS.get(usize::from(kind))?;
            Some(SiteOutcome {
                outcome,
                hops: reader.get_u32()?,
            })
        })
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
                    import: u32::MAX,
                },
                // Out of source order (a decorator read after its function's body).
                Use {
                    name: 0,
                    position: at(2, 1),
                    attributes: 2,
                    import: 7,
                },
                Use {
                    name: u32::MAX - 1,
                    position: at(u32::MAX, u32::MAX),
                    attributes: u32::MAX,
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

    #[derive(serde::Serialize, serde::Deserialize, Debug)]
    struct Index {
        #[serde(with = "outcomes")]
        outcomes: Vec<crate::index::SiteOutcome>,
        #[serde(with = "numbers")]
        numbers: Vec<u32>,
    }

    #[test]
    fn the_snapshot_index_survives_packing_and_damage_is_an_error() {
        use crate::index::{Outcome, SiteOutcome};
        use crate::summary::Context;
        use sites::{StoredNode, StoredSite};
        let site = |import, target, node, context| StoredSite {
            import,
            target,
            node,
            context,
        };
        let stored = vec![
            site(0, u32::MAX, StoredNode::None, Context::default()),
            site(
                3,
                0,
                StoredNode::Internal(u32::MAX),
                Context {
                    type_checking: true,
                    conditional: true,
                    ..Context::default()
                },
            ),
            site(
                u32::MAX,
                7,
                StoredNode::External(u32::MAX),
                Context {
                    try_import: true,
                    function: true,
                    ..Context::default()
                },
            ),
        ];
        let mut packed = Vec::new();
        for &site in &stored {
            sites::put_site(&mut packed, site);
        }
        let mut reader = sites::SiteReader::new(&packed);
        let back: Vec<_> = std::iter::from_fn(|| reader.next_site()).collect();
        assert_eq!(format!("{back:?}"), format!("{stored:?}"));
        let mut skipping = sites::SiteReader::new(&packed);
        skipping.skip(2);
        assert_eq!(
            format!("{:?}", skipping.next_site()),
            format!("{:?}", Some(stored[2]))
        );
        skipping.skip(5);
        assert!(skipping.next_site().is_none());
        // Index 7 and `u32::MAX` name strings: valid only with that many strings.
        assert!(!sites::valid(&packed, 3, 8));
        assert!(!sites::valid(&packed, 2, usize::MAX));
        assert!(!sites::valid(&packed[..packed.len() - 1], 3, usize::MAX));
        assert!(sites::valid(&packed, 3, usize::MAX));
        let index = Index {
            outcomes: vec![
                SiteOutcome {
                    outcome: Outcome::Cycle,
                    hops: u32::MAX,
                },
                SiteOutcome {
                    outcome: Outcome::Definition,
                    hops: 0,
                },
            ],
            numbers: vec![5, 2, u32::MAX, 0, 0],
        };
        let bytes = bincode::serialize(&index).unwrap();
        let back: Index = bincode::deserialize(&bytes).unwrap();
        assert_eq!(format!("{back:?}"), format!("{index:?}"));
        for cut in [8, 20, bytes.len() - 1] {
            assert!(
                bincode::deserialize::<Index>(&bytes[..cut]).is_err(),
                "{cut}"
            );
        }
    }
}

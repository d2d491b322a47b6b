//! The snapshot's index tables, packed (`crate::packed`): its import sites and each
//! site's outcome.

/// The snapshot's import sites: each field a varint, the context flags one byte.
/// Import sites, packed one after another (their count is the site offsets' last): the
/// snapshot keeps them packed, and a restore decodes them one at a time into the sites
/// they become, never all at once beside them.
pub mod sites {
    use serde::{Deserializer, Serializer};

    use crate::packed::{Bytes, Reader, put};
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
    use serde::{Deserializer, Serializer};

    use crate::outcome::{Outcome, SiteOutcome};
    use crate::packed::{Bytes, pack, put, unpack};

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
    use crate::packed::numbers;

    #[derive(serde::Serialize, serde::Deserialize, Debug)]
    struct Index {
        #[serde(with = "outcomes")]
        outcomes: Vec<crate::outcome::SiteOutcome>,
        #[serde(with = "numbers")]
        numbers: Vec<u32>,
    }

    #[test]
    fn the_snapshot_index_survives_packing_and_damage_is_an_error() {
        use crate::outcome::{Outcome, SiteOutcome};
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

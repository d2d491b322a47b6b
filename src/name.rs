//! `Name`: text interned for the whole run. Names, module paths and statements recur
//! across thousands of files, and a repository's summaries are all held at once: each
//! is stored once, and a `Name` is 8 bytes, `Copy`, compared by address, hashed by the
//! hash of its text and ordered as its text. Never freed (the process is short-lived).
//!
//! The table grows with what is interned: a `check` of one file interns a few thousand
//! names, a cold run over a large repository a few hundred thousand. (ustr, used before,
//! allocated 12.6 MB up front, all of it touched by a hash table's spread: a tenth of a
//! small run's memory.)

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ptr::NonNull;
use std::sync::Mutex;

/// A `Name` points at this, and the text's bytes follow it.
#[repr(C)]
struct Header {
    hash: u64,
    len: usize,
}

const HEADER: usize = std::mem::size_of::<Header>();

#[derive(Clone, Copy)]
pub struct Name(NonNull<Header>);

// SAFETY: a `Name` points at text that is never written again nor freed.
unsafe impl Send for Name {}
unsafe impl Sync for Name {}

impl Name {
    pub fn as_str(&self) -> &'static str {
        // SAFETY: the header and the `len` bytes after it were written once, as UTF-8
        // text, before the `Name` was made, and live as long as the process.
        unsafe {
            let header = self.0.as_ptr();
            let text = header.cast::<u8>().add(HEADER);
            let bytes = std::slice::from_raw_parts(text, (*header).len);
            std::str::from_utf8_unchecked(bytes)
        }
    }

    fn text_hash(&self) -> u64 {
        // SAFETY: as in `as_str`.
        unsafe { (*self.0.as_ptr()).hash }
    }

    /// `text` interned, its hash (`hash_of`) already known.
    fn with_hash(text: &str, hash: u64) -> Name {
        let shard = &TABLE[(hash >> 40) as usize % SHARDS];
        let mut shard = shard
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(&name) = shard.names.find(hash, |name| name.as_str() == text) {
            return name;
        }
        let name = shard.store(text, hash);
        shard.names.insert_unique(hash, name, Name::text_hash);
        name
    }
}

fn hash_of(text: &str) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(text.as_bytes());
    hasher.finish()
}

/// Shards of the table, each behind its own lock: threads interning at once rarely wait.
const SHARDS: usize = 32;

/// Text is stored in blocks of this many bytes; longer text in a block of its own.
const BLOCK: usize = 16 * 1024;

static TABLE: [Mutex<Shard>; SHARDS] = [const { Mutex::new(Shard::EMPTY) }; SHARDS];

struct Shard {
    names: hashbrown::HashTable<Name>,
    /// The unused rest of the shard's current block.
    free: *mut u8,
    free_len: usize,
}

// SAFETY: `free` is only used under the shard's lock.
unsafe impl Send for Shard {}

impl Shard {
    const EMPTY: Shard = Shard {
        names: hashbrown::HashTable::new(),
        free: std::ptr::null_mut(),
        free_len: 0,
    };

    /// Copies `text` after a header into the shard's block (a new one when it does not
    /// fit), for good.
    fn store(&mut self, text: &str, hash: u64) -> Name {
        // Headers stay aligned: each entry takes a whole number of headers' alignment.
        let align = std::mem::align_of::<Header>();
        let size = (HEADER + text.len()).next_multiple_of(align);
        let at = if size > BLOCK / 4 {
            leaked_block(size)
        } else {
            if size > self.free_len {
                self.free = leaked_block(BLOCK);
                self.free_len = BLOCK;
            }
            let at = self.free;
            // SAFETY: `size <= free_len`: still inside the block.
            self.free = unsafe { self.free.add(size) };
            self.free_len -= size;
            at
        };
        // SAFETY: `at` starts `size` bytes of a leaked block that nothing else uses,
        // aligned for a header (blocks are, and every entry is a multiple of it).
        unsafe {
            let header = at.cast::<Header>();
            header.write(Header {
                hash,
                len: text.len(),
            });
            std::ptr::copy_nonoverlapping(text.as_ptr(), at.add(HEADER), text.len());
            Name(NonNull::new_unchecked(header))
        }
    }
}

/// `size` bytes, aligned for a header, that are never freed.
fn leaked_block(size: usize) -> *mut u8 {
    let words = size.div_ceil(std::mem::size_of::<u64>());
    Box::leak(vec![0u64; words].into_boxed_slice())
        .as_mut_ptr()
        .cast()
}

/// Slots of a thread's cache of recently interned names.
const RECENT_NAMES: usize = 4096;

thread_local! {
    /// The names a thread interned lately, by a hash of their text: the same names and
    /// statements recur file after file, and a hit here takes neither a shard's lock nor
    /// its probe.
    static RECENT: std::cell::RefCell<[Option<Name>; RECENT_NAMES]> =
        const { std::cell::RefCell::new([None; RECENT_NAMES]) };
}

/// `text` interned: the same `Name` as `Name::from(text)`, found sooner when the thread
/// interned it lately.
pub fn intern(text: &str) -> Name {
    let hash = hash_of(text);
    let slot = hash as usize % RECENT_NAMES;
    RECENT.with_borrow_mut(|recent| match recent[slot] {
        Some(name) if name.as_str() == text => name,
        _ => {
            let name = Name::with_hash(text, hash);
            recent[slot] = Some(name);
            name
        }
    })
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::with_hash(text, hash_of(text))
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name::from(text.as_str())
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.as_str().to_owned()
    }
}

impl Default for Name {
    fn default() -> Name {
        Name::from("")
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.0 == other.0
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text_hash().hash(state);
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Name, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Name, E> {
                Ok(Name::from(text))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_the_same_name_and_other_text_another() {
        let a = Name::from("pkg.core.Widget");
        assert_eq!(a, Name::from(String::from("pkg.core.Widget")));
        assert_eq!(a, intern("pkg.core.Widget"));
        assert_eq!(a.as_ptr(), intern("pkg.core.Widget").as_ptr());
        assert_ne!(a, Name::from("pkg.core.Widge"));
        assert_eq!(a.as_str(), "pkg.core.Widget");
        assert_eq!(Name::default().as_str(), "");
        assert_eq!(Name::default(), Name::from(""));
    }

    #[test]
    fn a_recently_interned_name_is_the_name_of_its_own_text() {
        // More texts than the cache has slots: every slot is shared and overwritten.
        let texts: Vec<String> = (0..3 * RECENT_NAMES).map(|i| format!("name_{i}")).collect();
        for _ in 0..2 {
            for text in &texts {
                let name = intern(text);
                assert_eq!(name.as_str(), text);
                assert_eq!(name, Name::from(text.as_str()));
            }
        }
    }

    #[test]
    fn names_order_and_print_as_their_text() {
        let mut names: Vec<Name> = ["b", "a.c", "a", "ä"].map(Name::from).to_vec();
        names.sort();
        assert_eq!(names, ["a", "a.c", "b", "ä"]);
        assert_eq!(format!("{} {:?}", names[1], names[1]), "a.c \"a.c\"");
    }

    #[test]
    fn text_of_every_length_and_from_many_threads_is_kept_whole() {
        // Longer than a block's share (a block of its own), and many that fill blocks.
        let long = "x".repeat(BLOCK * 2 + 3);
        let texts: Vec<String> = (0..20_000)
            .map(|i| format!("name_{i}_{}", "y".repeat(i % 97)))
            .chain([long, String::new(), "é".repeat(5)])
            .collect();
        let names: Vec<Vec<Name>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| texts.iter().map(|t| intern(t)).collect::<Vec<_>>()))
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(names[0][i].as_str(), text);
            assert!(names.iter().all(|n| n[i] == names[0][i]));
        }
    }

    #[test]
    fn a_name_is_written_and_read_back_as_its_text() {
        let name = Name::from("pkg.api");
        let json = serde_json::to_string(&name).unwrap();
        assert_eq!(json, "\"pkg.api\"");
        assert_eq!(serde_json::from_str::<Name>(&json).unwrap(), name);
    }
}

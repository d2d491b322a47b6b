//! Why a test is selected, and where the walk that selected it started.

use serde::Serialize;

/// Why a test file is selected: how it is linked to the change nearest it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The test file itself changed.
    Changed,
    /// It imports (through any chain) a changed module.
    Import,
    /// A string of it names a changed module (`mock.patch`, `import_module`).
    String,
    /// A `conftest.py` above it changed or reaches the change.
    Conftest,
    /// It imports a module the change removed.
    RemovedModule,
    /// It names a changed file's path in a string.
    NamesPath,
    /// It reads a changed definition, or one that reads it (`--symbols`).
    Reference,
    /// The change touched pytest's settings or an `always` glob.
    Always,
}

impl Reason {
    pub fn name(self) -> &'static str {
        match self {
            Reason::Changed => "changed",
            Reason::Import => "import",
            Reason::String => "string",
            Reason::Conftest => "conftest",
            Reason::RemovedModule => "removed-module",
            Reason::NamesPath => "names-path",
            Reason::Reference => "reference",
            Reason::Always => "always",
        }
    }
}

/// Where a walk starts: a module the change touches, and how.
#[derive(Clone, Copy, Debug)]
pub struct Origin {
    /// Index into the changes.
    pub change: usize,
    pub reason: Reason,
    /// The file and line that make the link (an import of a removed module, a string
    /// naming a changed file).
    pub at: Option<(usize, u32)>,
}

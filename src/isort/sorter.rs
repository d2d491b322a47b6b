//! The import style as it applies to one file: the section each imported module
//! belongs to, and the file's indentation.

use std::path::{Path, PathBuf};

use super::settings::Settings;
use crate::environment::Environment;

/// The sections of a block, in ruff's default order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Future,
    StandardLibrary,
    ThirdParty,
    FirstParty,
    LocalFolder,
}

/// The style as it applies to one file: its package (for ruff's same-package rule) and
/// its indentation.
pub struct Sorter<'a> {
    pub settings: &'a Settings,
    pub environment: &'a Environment,
    /// Files the change being written creates.
    pub created: &'a [PathBuf],
    /// The top folder of the packages holding the file.
    pub package: Option<PathBuf>,
    /// One level of the file's indentation.
    pub indentation: String,
}

impl Sorter<'_> {
    /// The section of `module` (imported with `level` dots), as ruff categorizes it.
    pub fn section(&self, module: &str, level: u32) -> Section {
        let base = module.split('.').next().unwrap_or(module);
        if level == 0 && base == "__future__" {
            return Section::Future;
        }
        if level > 0 {
            return Section::LocalFolder;
        }
        let settings = self.settings;
        // The longest dotted prefix that a known-* pattern matches decides.
        let prefixes = module
            .match_indices('.')
            .map(|(at, _)| &module[..at])
            .chain([module])
            .rev();
        for prefix in prefixes {
            for (patterns, section) in [
                (&settings.known_first_party, Section::FirstParty),
                (&settings.known_third_party, Section::ThirdParty),
                (&settings.known_local_folder, Section::LocalFolder),
                (&settings.extra_standard_library, Section::StandardLibrary),
            ] {
                if patterns.iter().any(|p| p.is_match(prefix)) {
                    return section;
                }
            }
        }
        if self.environment.in_stdlib(base) {
            return Section::StandardLibrary;
        }
        let same_package = self
            .package
            .as_ref()
            .is_some_and(|p| p.file_name().is_some_and(|name| name == base));
        // The whole module path, as ruff checks it: `SRC/a/b` a folder, or `SRC/a/b.py` or
        // `.pyi` a file (an extension module of the repository is not first-party).
        let relative: PathBuf = module.split('.').collect();
        let in_sources = settings.src.iter().any(|dir| {
            let path = dir.join(&relative);
            self.is_dir(&path)
                || self.is_file(&path.with_extension("py"))
                || self.is_file(&path.with_extension("pyi"))
        });
        if (settings.detect_same_package && same_package) || in_sources || module == "__main__" {
            return Section::FirstParty;
        }
        Section::ThirdParty
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
            || self
                .created
                .iter()
                .any(|f| f.starts_with(path) && f != path)
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file() || self.created.iter().any(|f| f == path)
    }
}

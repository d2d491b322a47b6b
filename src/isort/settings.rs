//! The project's import-sorting settings, as ruff reads them: `line-length` and `src` of
//! `[tool.ruff]` (or `ruff.toml`), and `[tool.ruff.lint.isort]`.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};

/// Ruff's isort settings that decide the order and layout of an import block. A setting
/// this reader does not model is kept in `unsupported`: no block is reordered then.
#[derive(Debug)]
pub struct Settings {
    pub line_length: usize,
    /// Folders whose top-level packages and modules are first-party (ruff's `src`).
    pub src: Vec<PathBuf>,
    pub known_first_party: Vec<GlobMatcher>,
    pub known_third_party: Vec<GlobMatcher>,
    pub known_local_folder: Vec<GlobMatcher>,
    pub extra_standard_library: Vec<GlobMatcher>,
    pub force_sort_within_sections: bool,
    pub case_sensitive: bool,
    pub order_by_type: bool,
    pub combine_as_imports: bool,
    pub force_single_line: bool,
    pub split_on_trailing_comma: bool,
    pub closest_to_furthest: bool,
    pub detect_same_package: bool,
    pub from_first: bool,
    pub lines_between_types: usize,
    pub force_wrap_aliases: bool,
    /// Blank lines after a top-level block followed by code: -1, one before a
    /// statement and two before a `def` or `class`.
    pub lines_after_imports: i64,
    pub unsupported: Option<String>,
}

impl Settings {
    /// Ruff's defaults for a project at `root`.
    pub fn defaults(root: &Path) -> Settings {
        Settings {
            line_length: 88,
            src: vec![root.to_path_buf(), root.join("src")],
            known_first_party: Vec::new(),
            known_third_party: Vec::new(),
            known_local_folder: Vec::new(),
            extra_standard_library: Vec::new(),
            force_sort_within_sections: false,
            case_sensitive: false,
            order_by_type: true,
            combine_as_imports: false,
            force_single_line: false,
            split_on_trailing_comma: true,
            closest_to_furthest: false,
            detect_same_package: true,
            from_first: false,
            lines_between_types: 0,
            force_wrap_aliases: false,
            lines_after_imports: -1,
            unsupported: None,
        }
    }

    /// The settings of the ruff configuration at `root` (`.ruff.toml`, `ruff.toml`, then
    /// `[tool.ruff]` of `pyproject.toml`, as ruff looks for them); the defaults without.
    pub fn read(root: &Path) -> Settings {
        let mut settings = Settings::defaults(root);
        let text = |name: &str| {
            crate::read::small_text(&root.join(name), crate::read::MAX_SETTINGS_BYTES).ok()
        };
        let table = if let Some(text) = text(".ruff.toml").or_else(|| text("ruff.toml")) {
            text.parse::<toml::Table>().ok()
        } else {
            text("pyproject.toml")
                .and_then(|text| text.parse::<toml::Table>().ok())
                .and_then(|t| t.get("tool")?.get("ruff")?.as_table().cloned())
        };
        if let Some(table) = table {
            settings.apply(root, &table);
        }
        settings
    }

    fn apply(&mut self, root: &Path, ruff: &toml::Table) {
        if let Some(length) = ruff.get("line-length").and_then(toml::Value::as_integer) {
            self.line_length = usize::try_from(length).unwrap_or(88);
        }
        if let Some(src) = ruff.get("src").and_then(toml::Value::as_array) {
            self.src = src
                .iter()
                .filter_map(toml::Value::as_str)
                .map(|dir| root.join(dir))
                .collect();
        }
        let isort = ruff
            .get("lint")
            .and_then(|lint| lint.get("isort"))
            .or_else(|| ruff.get("isort"))
            .and_then(toml::Value::as_table);
        for (key, value) in isort.into_iter().flatten() {
            let flag = value.as_bool();
            let globs = || {
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(toml::Value::as_str)
                    .filter_map(|p| Glob::new(p).ok().map(|g| g.compile_matcher()))
                    .collect()
            };
            match (key.as_str(), flag) {
                ("known-first-party", _) => self.known_first_party = globs(),
                ("known-third-party", _) => self.known_third_party = globs(),
                ("known-local-folder", _) => self.known_local_folder = globs(),
                ("extra-standard-library", _) => self.extra_standard_library = globs(),
                ("force-sort-within-sections", Some(on)) => self.force_sort_within_sections = on,
                ("case-sensitive", Some(on)) => self.case_sensitive = on,
                ("order-by-type", Some(on)) => self.order_by_type = on,
                ("combine-as-imports", Some(on)) => self.combine_as_imports = on,
                ("force-single-line", Some(on)) => self.force_single_line = on,
                ("split-on-trailing-comma", Some(on)) => self.split_on_trailing_comma = on,
                ("detect-same-package", Some(on)) => self.detect_same_package = on,
                ("from-first", Some(on)) => self.from_first = on,
                ("force-wrap-aliases", Some(on)) => self.force_wrap_aliases = on,
                ("relative-imports-order", _) => {
                    self.closest_to_furthest = value.as_str() == Some("closest-to-furthest")
                }
                ("lines-between-types", _) => {
                    self.lines_between_types = value
                        .as_integer()
                        .and_then(|n| usize::try_from(n).ok())
                        .unwrap_or(0)
                }
                ("lines-after-imports", _) => {
                    self.lines_after_imports = value.as_integer().unwrap_or(-1)
                }
                // Imports ruff adds: never changed here.
                ("required-imports", _) => {}
                (other, _) => self.unsupported = Some(other.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruff_settings_come_from_pyproject_and_unknown_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.ruff]\nline-length = 100\nsrc = [\"lib\"]\n\n[tool.ruff.lint.isort]\n\
             known-first-party = [\"app*\"]\ncombine-as-imports = true\n\
             section-order = [\"future\"]\n",
        )
        .unwrap();
        let settings = Settings::read(dir.path());
        assert_eq!(settings.line_length, 100);
        assert_eq!(settings.src, vec![dir.path().join("lib")]);
        assert!(settings.known_first_party[0].is_match("application"));
        assert!(settings.combine_as_imports);
        assert_eq!(settings.unsupported.as_deref(), Some("section-order"));
        // A ruff.toml wins over pyproject.toml, as in ruff.
        std::fs::write(dir.path().join("ruff.toml"), "line-length = 79\n").unwrap();
        let settings = Settings::read(dir.path());
        assert_eq!((settings.line_length, settings.unsupported), (79, None));
    }
}

//! Which files pytest collects as test modules: `python_files` from the project's pytest
//! settings (`pytest.ini`, `[tool.pytest.ini_options]`, `tox.ini`, `setup.cfg`, looked up
//! in pytest's order), `test_*.py *_test.py` when none says otherwise.

use std::path::Path;

use anyhow::{Result, anyhow};
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::read::{MAX_SETTINGS_BYTES, small_text};

const DEFAULT_PYTHON_FILES: &str = "test_*.py *_test.py";

/// The `python_files` patterns in force, and the file that set them.
pub struct TestFilePatterns {
    set: GlobSet,
    pub patterns: Vec<String>,
    pub source: Option<String>,
}

impl TestFilePatterns {
    /// The patterns of the pytest settings at `root`.
    pub fn read(root: &Path) -> Result<TestFilePatterns> {
        let (value, source) = match configured(root)? {
            Some((value, source)) => (value, Some(source)),
            None => (DEFAULT_PYTHON_FILES.to_string(), None),
        };
        let patterns: Vec<String> = value.split_whitespace().map(str::to_string).collect();
        let mut builder = GlobSetBuilder::new();
        for pattern in &patterns {
            let glob = Glob::new(pattern).map_err(|e| {
                anyhow!(
                    "{}: python_files: {e}",
                    source.as_deref().unwrap_or("pytest settings")
                )
            })?;
            builder.add(glob);
        }
        Ok(TestFilePatterns {
            set: builder.build()?,
            patterns,
            source,
        })
    }

    /// Whether pytest collects the file at root-relative `rel` (patterns without a `/`
    /// match the file's name, as pytest's do).
    pub fn collects(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        rel.ends_with(".py") && (self.set.is_match(name) || self.set.is_match(rel))
    }
}

/// `python_files` of the first pytest settings file at `root` that has a pytest section,
/// with that file's name.
fn configured(root: &Path) -> Result<Option<(String, String)>> {
    let ini_sections = [
        ("pytest.ini", "pytest"),
        ("pyproject.toml", ""),
        ("tox.ini", "pytest"),
        ("setup.cfg", "tool:pytest"),
    ];
    for (name, section) in ini_sections {
        let path = root.join(name);
        if !path.is_file() {
            continue;
        }
        let text = small_text(&path, MAX_SETTINGS_BYTES)
            .map_err(|e| anyhow!("{}: cannot read: {e}", path.display()))?;
        let found = if name == "pyproject.toml" {
            from_pyproject(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?
        } else {
            from_ini(&text, section).map_err(|e| anyhow!("{}: {e}", path.display()))?
        };
        if let Some(value) = found {
            let value = value.filter(|v| !v.trim().is_empty());
            return Ok(value.map(|v| (v, name.to_string())));
        }
    }
    Ok(None)
}

/// `Some` when the settings have a pytest section (pytest stops looking there), with its
/// `python_files` when set.
type Found = Option<Option<String>>;

fn from_pyproject(text: &str) -> Result<Found, String> {
    let document: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let Some(options) = document
        .get("tool")
        .and_then(|t| t.get("pytest"))
        .and_then(|p| p.get("ini_options"))
    else {
        return Ok(None);
    };
    let value = match options.get("python_files") {
        None => None,
        Some(toml::Value::String(patterns)) => Some(patterns.clone()),
        Some(toml::Value::Array(patterns)) => Some(
            patterns
                .iter()
                .filter_map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Some(_) => return Err("python_files: expected a string or a list".to_string()),
    };
    Ok(Some(value))
}

fn from_ini(text: &str, section: &str) -> Result<Found, String> {
    let mut ini = configparser::ini::Ini::new_cs();
    ini.set_multiline(true);
    let sections = ini.read(text.to_string())?;
    Ok(sections
        .get(section)
        .map(|options| options.get("python_files").cloned().flatten()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_come_from_the_first_file_with_a_pytest_section() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("setup.cfg"),
            "[tool:pytest]\npython_files = check_*.py\n",
        )
        .unwrap();
        std::fs::write(root.join("tox.ini"), "[tox]\nenvlist = py3\n").unwrap();
        let patterns = TestFilePatterns::read(root).unwrap();
        assert_eq!(patterns.source.as_deref(), Some("setup.cfg"));
        assert!(patterns.collects("tests/check_api.py"));
        assert!(!patterns.collects("tests/test_api.py"));

        std::fs::write(
            root.join("pyproject.toml"),
            "[tool.pytest.ini_options]\npython_files = [\"tests.py\", \"test_*.py\"]\n",
        )
        .unwrap();
        let patterns = TestFilePatterns::read(root).unwrap();
        assert_eq!(patterns.source.as_deref(), Some("pyproject.toml"));
        assert!(patterns.collects("app/tests.py"));
        assert!(patterns.collects("test_x.py"));
        assert!(!patterns.collects("tests/conftest.py"));
    }

    #[test]
    fn without_settings_pytest_defaults_apply() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pyproject.toml"), "[project]\nname = 'x'\n").unwrap();
        let patterns = TestFilePatterns::read(dir.path()).unwrap();
        assert_eq!(patterns.source, None);
        assert!(patterns.collects("tests/test_a.py"));
        assert!(patterns.collects("pkg/a_test.py"));
        assert!(!patterns.collects("tests/helpers.py"));
        assert!(!patterns.collects("tests/test_a.txt"));
    }
}

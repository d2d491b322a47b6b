//! Settings from `ssot-graph.toml` or `[tool.ssot-graph]` in `pyproject.toml`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::Deserialize;

use crate::parse::Target;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AutoSeverity {
    Error,
    Warning,
    Off,
}

const DEFAULT_TESTS: &[&str] = &[
    "**/tests/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Source roots relative to the repository root; default from packaging metadata.
    pub roots: Option<Vec<String>>,
    /// Path globs (relative to the root) left out of the walk.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Path globs of test files (default: `tests/` folders, `test_*.py`, `*_test.py`,
    /// `conftest.py`); queries can leave them out.
    pub tests: Option<Vec<String>>,
    /// The folder of rule files (`*.toml`), relative to the root; default `queries`.
    pub queries: Option<String>,
    /// The baseline of accepted findings; default `ssot-graph-baseline.json`.
    pub baseline: Option<String>,
    /// Severity of the built-in rule fed by deprecation markers: `error`, `warning`
    /// (default) or `off`.
    pub deprecated_auto: Option<AutoSeverity>,
    /// `"3.12"`: the version `sys.version_info` tests are evaluated against.
    pub python_version: Option<String>,
    /// `sys.platform` value for static tests (default `linux`).
    pub platform: Option<String>,
    /// Where the cache lives, relative to the root; default `.ssot-graph-cache`.
    pub cache_dir: Option<String>,
    /// Where the settings came from, for messages.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

impl Config {
    /// Loads `explicit` if given, else `ssot-graph.toml`, else `[tool.ssot-graph]` of
    /// `pyproject.toml` at `root`; defaults when none exists.
    pub fn load(root: &Path, explicit: Option<&Path>) -> Result<Config> {
        if let Some(path) = explicit {
            return Self::from_file(
                path,
                path.file_name().is_some_and(|n| n == "pyproject.toml"),
            );
        }
        let own = root.join("ssot-graph.toml");
        if own.is_file() {
            return Self::from_file(&own, false);
        }
        let pyproject = root.join("pyproject.toml");
        if pyproject.is_file() {
            return Self::from_file(&pyproject, true);
        }
        Ok(Config::default())
    }

    fn from_file(path: &Path, is_pyproject: bool) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read config", path.display()))?;
        let mut config = if is_pyproject {
            let document: toml::Table = toml::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), one_line(&e)))?;
            match document
                .get("tool")
                .and_then(|tool| tool.get("ssot-graph"))
                .cloned()
            {
                Some(table) => table.try_into().map_err(|e| {
                    anyhow::anyhow!("{}: [tool.ssot-graph]: {}", path.display(), one_line(&e))
                })?,
                None => Config::default(),
            }
        } else {
            toml::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), one_line(&e)))?
        };
        config.source = Some(path.to_path_buf());
        config.target()?;
        Ok(config)
    }

    /// The interpreter the static `sys.version_info` / `sys.platform` tests assume.
    pub fn target(&self) -> Result<Target> {
        let mut target = Target::default();
        if let Some(version) = &self.python_version {
            let parsed = version
                .split_once('.')
                .and_then(|(major, minor)| Some((major.parse().ok()?, minor.parse().ok()?)));
            let Some(parsed) = parsed else {
                bail!(
                    "{}: python-version: expected \"MAJOR.MINOR\" such as \"3.12\", found {version:?}",
                    self.source_name()
                );
            };
            target.python_version = parsed;
        }
        if let Some(platform) = &self.platform {
            target.platform = platform.clone();
        }
        Ok(target)
    }

    pub fn cache_dir(&self) -> &str {
        self.cache_dir.as_deref().unwrap_or(".ssot-graph-cache")
    }

    pub fn queries_dir(&self) -> &str {
        self.queries.as_deref().unwrap_or("queries")
    }

    pub fn baseline_path(&self) -> &str {
        self.baseline
            .as_deref()
            .unwrap_or("ssot-graph-baseline.json")
    }

    /// Globs that mark a file as a test.
    pub fn test_globs(&self) -> Vec<String> {
        match &self.tests {
            Some(globs) => globs.clone(),
            None => DEFAULT_TESTS.iter().map(|g| g.to_string()).collect(),
        }
    }

    fn source_name(&self) -> String {
        self.source
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "config".to_string())
    }
}

/// TOML errors span several lines with a caret drawing; keep the message on one line.
pub fn one_line(error: &dyn std::fmt::Display) -> String {
    let text = error.to_string();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let head = lines.next().unwrap_or_default().trim().to_string();
    let reason = text.lines().last().unwrap_or_default().trim().to_string();
    if reason.is_empty() || reason == head {
        head
    } else {
        format!("{head}: {reason}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_name_the_file_and_the_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ssot-graph.toml"), "rootz = [\"src\"]\n").unwrap();
        let error = Config::load(dir.path(), None).unwrap_err().to_string();
        assert!(error.contains("ssot-graph.toml"), "{error}");
        assert!(error.contains("unknown field `rootz`"), "{error}");
        assert!(!error.contains('\n'), "{error}");
    }

    #[test]
    fn pyproject_table_is_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname='x'\n[tool.ssot-graph]\nroots = [\"lib\"]\npython-version = \"3.11\"\n",
        )
        .unwrap();
        let config = Config::load(dir.path(), None).unwrap();
        assert_eq!(config.roots, Some(vec!["lib".to_string()]));
        assert_eq!(config.target().unwrap().python_version, (3, 11));
    }
}

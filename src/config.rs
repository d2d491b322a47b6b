//! Settings from `ssot-graph.toml` or `[tool.ssot-graph]` in `pyproject.toml`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use serde::Deserialize;

use crate::parse::Target;
use crate::suggest;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
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

/// `ssot-graph.toml`, or `[tool.ssot-graph]` in `pyproject.toml`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
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
    /// What `affected` selects beyond what the code says.
    #[serde(default)]
    pub affected: Affected,
    /// Where the settings came from, for messages.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// `[affected]` in the settings.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Affected {
    /// Path globs (relative to the root) of files whose change selects every test, such
    /// as data every test reads (`tests/data/**`); the file holding pytest's settings
    /// always does.
    #[serde(default)]
    pub always: Vec<String>,
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
        if own.exists() {
            return Self::from_file(&own, false);
        }
        let pyproject = root.join("pyproject.toml");
        if pyproject.exists() {
            return Self::from_file(&pyproject, true);
        }
        Ok(Config::default())
    }

    fn from_file(path: &Path, is_pyproject: bool) -> Result<Config> {
        use toml::de::{DeTable, ValueDeserializer};
        let text = crate::read::small_text(path, crate::read::MAX_SETTINGS_BYTES)
            .with_context(|| format!("{}: cannot read config", path.display()))?;
        let fail = |context: &str, error: &toml::de::Error| {
            anyhow!("{}:{}", path.display(), located(&text, error, context))
        };
        let mut config = if is_pyproject {
            let document = DeTable::parse(&text).map_err(|e| fail("", &e))?;
            let tool = document
                .get_ref()
                .get("tool")
                .and_then(|tool| tool.get_ref().as_table());
            // A misspelt table is ignored by everything else: say so instead.
            let near = tool.and_then(|tool| {
                tool.iter().find(|(key, _)| {
                    let spelt = key.get_ref().replace('_', "-").to_lowercase();
                    key.get_ref() != TABLE && strsim::levenshtein(&spelt, TABLE) <= 2
                })
            });
            let misspelt = near.map(|(key, _)| {
                format!(
                    "{}:{}: [tool.{}] is not read; did you mean [tool.{TABLE}]?",
                    path.display(),
                    line_of(&text, key.span().start),
                    key.get_ref()
                )
            });
            match tool.and_then(|tool| tool.get(TABLE)) {
                Some(table) => {
                    if let Some(misspelt) = misspelt {
                        eprintln!("warning: {misspelt}");
                    }
                    Config::deserialize(ValueDeserializer::from(table.clone()))
                        .map_err(|e| fail("[tool.ssot-graph]: ", &e))?
                }
                None => match misspelt {
                    Some(misspelt) => bail!("{misspelt}"),
                    None => Config::default(),
                },
            }
        } else {
            toml::from_str(&text).map_err(|e| fail("", &e))?
        };
        config.source = Some(path.to_path_buf());
        config.target()?;
        config.check_cache_dir()?;
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

    /// The cache folder holds a `.gitignore` of `*` and is rewritten at will: it must be
    /// a folder of its own inside the repository.
    fn check_cache_dir(&self) -> Result<()> {
        let Some(dir) = &self.cache_dir else {
            return Ok(());
        };
        let path = Path::new(dir);
        let mut inside = 0;
        for part in path.components() {
            match part {
                std::path::Component::Normal(_) => inside += 1,
                std::path::Component::CurDir => {}
                _ => inside = -1000,
            }
        }
        if inside <= 0 {
            bail!(
                "{}: cache-dir = {dir:?}: must be a folder of its own inside the repository \
                 (such as \".ssot-graph-cache\"), not the root or a path above or outside it",
                self.source_name()
            );
        }
        Ok(())
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

    pub fn source_name(&self) -> String {
        self.source
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "config".to_string())
    }
}

/// The settings table in `pyproject.toml`: `[tool.ssot-graph]`.
const TABLE: &str = "ssot-graph";

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A TOML error as `LINE: CONTEXTmessage`, on one line, with "did you mean" for an
/// unknown key or value.
pub fn located(text: &str, error: &toml::de::Error, context: &str) -> String {
    let line = error.span().map_or(1, |span| line_of(text, span.start));
    let message = error.message().trim().replace('\n', "; ");
    let message = message.replacen("unknown field", "unknown key", 1);
    // toml's own wording for a struct variant's stray key.
    let message = match message
        .strip_prefix("unexpected keys in table: ")
        .and_then(|rest| rest.split_once(", available keys: "))
    {
        Some((keys, available)) => {
            let quote = |list: &str| {
                list.split(", ")
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "unknown key {}, expected one of {}",
                quote(keys),
                quote(available)
            )
        }
        None => message,
    };
    format!("{line}: {context}{message}{}", nearest_expected(&message))
}

/// For serde's "unknown key `x`, expected one of `a`, `b`" (or "unknown variant"): the
/// nearest expected word.
fn nearest_expected(message: &str) -> String {
    if !(message.starts_with("unknown key `") || message.starts_with("unknown variant `")) {
        return String::new();
    }
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    match quoted.split_first() {
        Some((word, expected)) => suggest::did_you_mean(word, expected.iter().copied()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_error(file: &str, text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(file), text).unwrap();
        let error = Config::load(dir.path(), None).unwrap_err().to_string();
        error.replace(&*dir.path().to_string_lossy(), "")
    }

    #[test]
    fn an_unknown_key_names_its_line_and_the_nearest_key() {
        assert_eq!(
            load_error(
                "ssot-graph.toml",
                "roots = [\"src\"]\n\n# later\nexclud = []\n"
            ),
            "/ssot-graph.toml:4: unknown key `exclud`, expected one of `roots`, `exclude`, \
             `tests`, `queries`, `baseline`, `deprecated-auto`, `python-version`, `platform`, \
             `cache-dir`, `affected`; did you mean `exclude`?"
        );
        assert_eq!(
            load_error("ssot-graph.toml", "roots = []\ndeprecated-auto = \"of\"\n"),
            "/ssot-graph.toml:2: unknown variant `of`, expected one of `error`, `warning`, \
             `off`; did you mean `off`?"
        );
    }

    #[test]
    fn pyproject_errors_point_into_the_tool_table() {
        assert_eq!(
            load_error(
                "pyproject.toml",
                "[project]\nname = \"x\"\n\n[tool.ssot-graph]\nroots = [\"lib\"]\ntets = []\n"
            ),
            "/pyproject.toml:6: [tool.ssot-graph]: unknown key `tets`, expected one of `roots`, \
             `exclude`, `tests`, `queries`, `baseline`, `deprecated-auto`, `python-version`, \
             `platform`, `cache-dir`, `affected`; did you mean `tests`?"
        );
    }

    #[test]
    fn a_misspelt_tool_table_is_an_error_not_silence() {
        assert_eq!(
            load_error(
                "pyproject.toml",
                "[project]\nname = \"x\"\n[tool.ssot_graph]\nroots = []\n"
            ),
            "/pyproject.toml:3: [tool.ssot_graph] is not read; did you mean [tool.ssot-graph]?"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.ruff]\nline-length = 88\n",
        )
        .unwrap();
        assert!(
            Config::load(dir.path(), None).is_ok(),
            "other tools' tables are fine"
        );
    }

    #[test]
    fn a_cache_dir_that_is_the_root_or_leaves_it_is_refused() {
        for dir in [".", "", "./", "../x", "a/../..", "/tmp/cache"] {
            let error = load_error("ssot-graph.toml", &format!("cache-dir = {dir:?}\n"));
            assert!(
                error.starts_with(&format!(
                    "/ssot-graph.toml: cache-dir = {dir:?}: must be a folder of its own"
                )),
                "{error}"
            );
        }
        for dir in [".cache", "build/ssot", "./.ssot"] {
            let dir_path = tempfile::tempdir().unwrap();
            std::fs::write(
                dir_path.path().join("ssot-graph.toml"),
                format!("cache-dir = {dir:?}\n"),
            )
            .unwrap();
            assert!(Config::load(dir_path.path(), None).is_ok(), "{dir}");
        }
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

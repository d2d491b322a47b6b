//! `init`: a starter config, an example rule file and the pre-commit configuration,
//! never overwriting a file that exists.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result};

const CONFIG: &str = r#"# ssot-graph settings (every key is optional).
# roots = ["src"]                 # source roots; default: packaging metadata, else . and src/
# exclude = ["scripts/**"]        # path globs left out
# tests = ["tests/**"]            # path globs of test files
# queries = "queries"             # folder of rule files
# baseline = "ssot-graph-baseline.json"
# deprecated-auto = "warning"     # imports of code marked deprecated: error, warning or off
# python-version = "3.12"         # for sys.version_info tests
"#;

const EXAMPLE_RULES: &str = r#"# Rules that `ssot-graph check` runs. Uncomment and adapt; `ssot-graph query ID` lists
# every match of one rule. Module globs: `pkg.*` = children, `pkg.**` = pkg and below.

# [[rule]]
# id = "no-legacy-layer"
# kind = "deprecated"                       # must not be imported, even through re-exports
# target = "mypkg.legacy.**"
# message = "the legacy layer is going away"
# replacement = "mypkg.core.Client"         # optional: what `fix` imports instead
# allow = ["tests/**"]

# [[rule]]
# id = "canonical-client"
# kind = "canonical"                        # one import path for one class
# symbol = "mypkg.core.client.Client"
# canonical = "mypkg.core"                  # default: the defining module

# [[rule]]
# id = "one-client"
# kind = "single-definition"
# names = ["Client", "*Manager"]

# [[rule]]
# id = "layers"
# kind = "forbidden"
# from = ["mypkg.core.**"]
# to = ["mypkg.api.**"]
# transitive = true

# [[rule]]
# id = "acyclic-core"
# kind = "no-cycles"
# within = ["mypkg.core.**"]
"#;

const PRE_COMMIT_HEAD: &str = r#"# ssot-graph as a pre-commit hook (https://pre-commit.com), using the installed binary.
# With the hook repository instead of a local install:
#   - repo: <ssot-graph repository URL>
#     rev: <tag>
#     hooks:
#       - id: ssot-graph
repos:
"#;

/// The hook's entry under `repos:`: the whole of what a configuration of one's own needs.
const PRE_COMMIT_REPO: &str = r#"  - repo: local
    hooks:
      - id: ssot-graph
        name: ssot-graph
        # What is staged, deletions and renames included: runs on every commit.
        entry: ssot-graph check --staged
        language: system
        pass_filenames: false
        always_run: true
        stages: [pre-commit]
        require_serial: true
"#;

const GIT_HOOK: &str = include_str!("../../hooks/pre-commit");

/// Writes `text` to `root/rel` unless the file exists; says which.
fn create(out: &mut dyn Write, root: &Path, rel: &str, text: &str, executable: bool) -> Result<()> {
    let path = root.join(rel);
    if path.exists() {
        writeln!(out, "kept {rel} (exists)")?;
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create", dir.display()))?;
    }
    crate::write::replace(&path, text.as_bytes())?;
    if executable {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    writeln!(out, "wrote {rel}")?;
    Ok(())
}

pub fn run(root: &Path, hook: bool, out: &mut dyn Write) -> Result<()> {
    let pyproject_has_table = crate::read::optional_text(&root.join("pyproject.toml"))
        .is_some_and(|text| text.contains("[tool.ssot-graph]"));
    if pyproject_has_table {
        writeln!(out, "kept pyproject.toml [tool.ssot-graph] (exists)")?;
    } else {
        create(out, root, "ssot-graph.toml", CONFIG, false)?;
    }
    let queries = root.join("queries");
    let has_rules = std::fs::read_dir(&queries).is_ok_and(|entries| {
        entries
            .filter_map(|e| e.ok())
            .any(|e| e.path().extension().is_some_and(|x| x == "toml"))
    });
    if has_rules {
        writeln!(out, "kept queries/ (has rule files)")?;
    } else {
        create(out, root, "queries/example.toml", EXAMPLE_RULES, false)?;
    }
    let pre_commit = root.join(".pre-commit-config.yaml");
    match crate::read::optional_text(&pre_commit) {
        Some(text) if text.contains("id: ssot-graph") => {
            writeln!(
                out,
                "kept .pre-commit-config.yaml (has the ssot-graph hook)"
            )?;
        }
        Some(_) => writeln!(
            out,
            "kept .pre-commit-config.yaml (exists): add the hook under its `repos:`\n\n\
             {PRE_COMMIT_REPO}"
        )?,
        None => {
            let text = format!("{PRE_COMMIT_HEAD}{PRE_COMMIT_REPO}");
            create(out, root, ".pre-commit-config.yaml", &text, false)?;
        }
    }
    if hook {
        if !root.join(".git").is_dir() {
            anyhow::bail!(
                "--hook: {} is not the top of a git repository",
                root.display()
            );
        }
        create(out, root, ".git/hooks/pre-commit", GIT_HOOK, true)?;
    }
    Ok(())
}

/// `init --from TOOL [CONFIG]`: the tool's contracts as `queries/TOOL.toml`; exit 1
/// when some setting could not be carried over (each said on its own line).
pub fn adopt(
    root: &Path,
    tool: crate::cli::AdoptFrom,
    config: Option<&Path>,
    out: &mut dyn Write,
) -> Result<i32> {
    use crate::adopt;
    use crate::cli::AdoptFrom;
    let (name, file, rules, notes, found) = match tool {
        AdoptFrom::ImportLinter => {
            let found = adopt::import_linter::find(root, config)?;
            let (rules, notes) = adopt::import_linter::convert(&found, root);
            let count = found.contracts.len();
            ("import-linter", found.file, rules, notes, Some(count))
        }
        AdoptFrom::Tach => {
            let found = adopt::tach::find(root, config)?;
            let (rules, notes) = adopt::tach::convert(&found, root);
            let roots = found.source_roots();
            if !roots.is_empty() {
                // Module paths are relative to tach's source roots: so are ssot-graph's.
                let quoted: Vec<String> = roots.iter().map(|r| format!("{r:?}")).collect();
                let text = format!("roots = [{}]\n", quoted.join(", "));
                create(out, root, "ssot-graph.toml", &text, false)?;
            }
            ("tach", found.file, rules, notes, None)
        }
    };
    let source = adopt::shown(&file, root);
    let header = format!(
        "# Carried over from {name} ({source}) by `ssot-graph init --from {name}`.\n\
         # `ssot-graph check` enforces them on the imports the repository makes, every\n\
         # function-level one included.\n"
    );
    let rel = format!("queries/{name}.toml");
    if root.join(&rel).exists() {
        anyhow::bail!("{rel} exists: remove it to carry the contracts over again");
    }
    create(out, root, &rel, &adopt::rule_file(&header, &rules), false)?;
    match found {
        Some(count) => writeln!(
            out,
            "{} of {count} contracts carried over from {source}",
            rules.len()
        )?,
        None => writeln!(out, "carried over from {source}")?,
    }
    for note in &notes {
        writeln!(out, "{note}")?;
    }
    let lost = notes.iter().any(|n| n.contains("not carried over"));
    Ok(i32::from(lost))
}

//! Finds the repository root, its source roots and every Python file with its module name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Result, bail};
use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};

use crate::config::Config;
use crate::shared::Shared;

/// A Python file that is part of the module graph.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Relative to the repository root, `/`-separated.
    pub rel: Shared,
    pub module: Shared,
    pub is_package: bool,
    pub is_stub: bool,
    /// Matches the configured `tests` globs.
    pub is_test: bool,
    /// An extension module (`foo.cpython-311-x86_64-linux-gnu.so`, `foo.pyd`): never
    /// parsed; what it binds is said by its companion stub, when there is one.
    pub compiled: bool,
    /// A `.pyi` beside the module's `.py` or extension module: not a module of its own.
    /// Its bindings say what a compiled module binds and what `lazy_loader.attach_stub`
    /// binds lazily. Companions come after every module file in a walk.
    pub companion: bool,
}

/// A problem with one file or directory; never fatal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct FileDiagnostic {
    pub path: String,
    pub line: u32,
    pub message: String,
}

/// The repository's root folder, and why it was chosen.
pub struct Root {
    pub path: PathBuf,
    pub why: &'static str,
    /// Nothing marked it: a guess, so no cache is written there.
    pub guessed: bool,
}

/// Why the current directory is the root when nothing above it marks a project.
const GUESSED_ROOT: &str = "the current directory, as no ssot-graph.toml, [tool.ssot-graph], .git, pyproject.toml, \
     setup.cfg or setup.py is above it; no cache is written";

/// The first directory from `start` upwards holding `ssot-graph.toml`, a `pyproject.toml`
/// with `[tool.ssot-graph]`, or `.git`; else the first holding a `pyproject.toml`,
/// `setup.cfg` or `setup.py` (a project outside git, run from one of its folders);
/// `start` itself when there is none (a guess).
pub fn find_root(start: &Path) -> Root {
    let found = |path: &Path, why| Root {
        path: path.to_path_buf(),
        why,
        guessed: false,
    };
    if let Some((path, why)) = marked_root(start) {
        return found(&path, why);
    }
    for dir in start.ancestors() {
        for (marker, reason) in [
            ("pyproject.toml", "chosen because it holds pyproject.toml"),
            ("setup.cfg", "chosen because it holds setup.cfg"),
            ("setup.py", "chosen because it holds setup.py"),
        ] {
            if dir.join(marker).is_file() {
                return found(dir, reason);
            }
        }
    }
    Root {
        path: start.to_path_buf(),
        why: GUESSED_ROOT,
        guessed: true,
    }
}

/// The first directory from `start` upwards that says it is the repository's root.
fn marked_root(start: &Path) -> Option<(PathBuf, &'static str)> {
    for dir in start.ancestors() {
        let pyproject = dir.join("pyproject.toml");
        let reason = if dir.join("ssot-graph.toml").is_file() {
            "chosen because it holds ssot-graph.toml"
        } else if crate::read::small_text(&pyproject, crate::read::MAX_SETTINGS_BYTES)
            .is_ok_and(|text| text.lines().any(|l| l.trim() == "[tool.ssot-graph]"))
        {
            "chosen because its pyproject.toml has [tool.ssot-graph]"
        } else if dir.join(".git").exists() {
            "chosen because it holds .git"
        } else {
            continue;
        };
        return Some((dir.to_path_buf(), reason));
    }
    None
}

/// Folders that are never a repository: indexing them would walk the whole system, or
/// pseudo file systems whose files never end (`/proc`, `/sys`, `/dev`).
const SYSTEM_FOLDERS: &[&str] = &[
    "/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/run", "/sbin",
    "/sys", "/usr", "/var",
];

/// Refuses a root that is `/` or a system folder, or lies in a pseudo file system.
pub fn refuse_system_root(root: &Path) -> Result<()> {
    let real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let pseudo = ["/proc", "/sys", "/dev"]
        .iter()
        .any(|p| real.starts_with(p));
    if pseudo || SYSTEM_FOLDERS.iter().any(|s| real == Path::new(s)) {
        bail!(
            "{}: a system folder, not a repository: run ssot-graph inside a repository, or \
             name one with --root",
            real.display()
        );
    }
    Ok(())
}

/// Source roots relative to `root` (`""` is the root itself), in priority order.
pub fn source_roots(root: &Path, config: &Config) -> Result<Vec<String>> {
    let roots = match &config.roots {
        Some(roots) => roots.clone(),
        None => match packaging_roots(root) {
            // The package's folders first; the root too, for what imports the package
            // from beside them (`tests/` beside `src/`: a move must see those imports).
            Some(mut roots) => {
                roots.push(String::new());
                roots
            }
            None => {
                let mut roots = vec![String::new()];
                if root.join("src").is_dir() {
                    roots.insert(0, "src".to_string());
                }
                roots
            }
        },
    };
    let mut cleaned = Vec::new();
    for entry in roots {
        let entry = entry.trim_matches('/').trim_start_matches("./").to_string();
        let entry = if entry == "." { String::new() } else { entry };
        if !root.join(&entry).is_dir() {
            bail!(
                "source root `{}` is not a directory under {}",
                if entry.is_empty() { "." } else { &entry },
                root.display()
            );
        }
        if !cleaned.contains(&entry) {
            cleaned.push(entry);
        }
    }
    // Deeper roots first, so a file belongs to the most specific root.
    cleaned.sort_by_key(|r| std::cmp::Reverse(r.matches('/').count() + usize::from(!r.is_empty())));
    Ok(cleaned)
}

/// Source directories declared by packaging metadata (setuptools, poetry, hatch, pdm, uv).
fn packaging_roots(root: &Path) -> Option<Vec<String>> {
    let mut roots = Vec::new();
    if let Some(text) = crate::read::optional_text(&root.join("pyproject.toml"))
        && let Ok(doc) = text.parse::<toml::Table>()
    {
        let get = |path: &[&str]| -> Option<&toml::Value> {
            let mut value = doc.get(path[0])?;
            for key in &path[1..] {
                value = value.get(key)?;
            }
            Some(value)
        };
        if let Some(dir) = get(&["tool", "setuptools", "package-dir", ""]).and_then(|v| v.as_str())
        {
            roots.push(dir.to_string());
        }
        if let Some(wheres) =
            get(&["tool", "setuptools", "packages", "find", "where"]).and_then(|v| v.as_array())
        {
            roots.extend(wheres.iter().filter_map(|w| w.as_str()).map(String::from));
        }
        if let Some(packages) = get(&["tool", "poetry", "packages"]).and_then(|v| v.as_array()) {
            for package in packages {
                roots.push(
                    package
                        .get("from")
                        .and_then(|f| f.as_str())
                        .unwrap_or("")
                        .to_string(),
                );
            }
        }
        if let Some(packages) = get(&["tool", "hatch", "build", "targets", "wheel", "packages"])
            .and_then(|v| v.as_array())
        {
            for package in packages.iter().filter_map(|p| p.as_str()) {
                let parent = Path::new(package)
                    .parent()
                    .map(|p| p.to_string_lossy().into_owned());
                roots.push(parent.unwrap_or_default());
            }
        }
        for key in [
            &["tool", "pdm", "build", "package-dir"][..],
            &["tool", "uv", "build-backend", "module-root"],
        ] {
            if let Some(dir) = get(key).and_then(|v| v.as_str()) {
                roots.push(dir.to_string());
            }
        }
    }
    if let Some(text) = crate::read::optional_text(&root.join("setup.cfg")) {
        let ini = parse_ini(&text);
        if let Some(value) = ini.get(&("options".to_string(), "package_dir".to_string())) {
            // `package_dir = =lib` or a list of `name = dir` lines; the unnamed entry is the root.
            for line in value.lines().map(str::trim).filter(|l| !l.is_empty()) {
                if let Some((name, dir)) = line.split_once('=')
                    && name.trim().is_empty()
                {
                    roots.push(dir.trim().to_string());
                }
            }
        }
        if let Some(value) = ini.get(&("options.packages.find".to_string(), "where".to_string())) {
            roots.extend(value.split_whitespace().map(String::from));
        }
    }
    if roots.is_empty() { None } else { Some(roots) }
}

/// A minimal INI reader: `(section, key) -> value`, continuation lines joined with newlines.
fn parse_ini(text: &str) -> BTreeMap<(String, String), String> {
    let mut values = BTreeMap::new();
    let mut section = String::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if line.starts_with([' ', '\t']) && !trimmed.is_empty() {
            if let Some(key) = &current {
                let value: &mut String = values.entry(key.clone()).or_default();
                value.push('\n');
                value.push_str(trimmed);
            }
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = name.trim().to_string();
            current = None;
        } else if let Some((key, value)) = trimmed.split_once(['=', ':']) {
            let key = (section.clone(), key.trim().to_string());
            values.insert(key.clone(), value.trim().to_string());
            current = Some(key);
        }
    }
    values
}

/// Directories never walked: environments and build output.
fn is_skipped_dir(path: &Path) -> bool {
    skipped_name(path) || path.join("pyvenv.cfg").is_file()
}

fn skipped_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    matches!(
        name,
        "site-packages" | "node_modules" | "build" | "dist" | "__pycache__"
    )
}

/// The globs of config key `key` (named in the error when one is malformed).
pub fn glob_set(key: &str, patterns: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob =
            Glob::new(pattern).map_err(|e| anyhow::anyhow!("{key} pattern {pattern:?}: {e}"))?;
        builder.add(glob);
    }
    Ok(builder.build()?)
}

/// What a walk of the source roots found.
pub struct Walk {
    /// Sorted by path.
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<FileDiagnostic>,
    /// Every directory walked, relative to the root, sorted (what the cache watches).
    pub dirs: Vec<String>,
}

/// Every `.py`/`.pyi` file under the source roots, with module names.
pub fn walk(root: &Path, roots: &[String], exclude: &GlobSet) -> Walk {
    let found: Mutex<Vec<(String, PathBuf, usize)>> = Mutex::new(Vec::new());
    let dirs: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let diagnostics: Arc<Mutex<Vec<FileDiagnostic>>> = Arc::default();
    let rel_of = |path: &Path| -> String { slash_path(path.strip_prefix(root).unwrap_or(path)) };
    // Links are followed inside the repository only: one to `/`, `/proc` or another
    // checkout would walk (and index) what is not the repository's.
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let real_roots: Arc<Vec<PathBuf>> = Arc::new(
        roots
            .iter()
            .filter_map(|r| root.join(r).canonicalize().ok())
            .collect(),
    );
    let links = Arc::new(Links::default());
    for (index, source_root) in roots.iter().enumerate() {
        let start = root.join(source_root);
        let (own_ignores, parent_ignores) = unreadable_ignore_files(&start, &diagnostics, &rel_of);
        let other_roots: Vec<PathBuf> = roots
            .iter()
            .filter(|r| *r != source_root)
            .map(|r| root.join(r))
            .collect();
        let walker = WalkBuilder::new(&start)
            .hidden(true)
            .git_ignore(own_ignores)
            .ignore(own_ignores)
            .parents(parent_ignores)
            .git_exclude(true)
            .require_git(false)
            .follow_links(true)
            .filter_entry({
                let exclude = exclude.clone();
                let root = root.to_path_buf();
                let real_root = real_root.clone();
                let real_roots = real_roots.clone();
                let links = links.clone();
                let diagnostics = diagnostics.clone();
                move |entry| {
                    let path = entry.path();
                    if entry.depth() == 0 {
                        return true;
                    }
                    let rel = path.strip_prefix(&root).unwrap_or(path);
                    if exclude.is_match(rel) {
                        return false;
                    }
                    if entry.path_is_symlink() {
                        let target = std::fs::canonicalize(path);
                        if !target.as_ref().is_ok_and(|t| t.starts_with(&real_root)) {
                            let to = target.map_or_else(
                                |_| "nothing".to_string(),
                                |t| t.display().to_string(),
                            );
                            diagnostics.lock().unwrap().push(FileDiagnostic {
                                path: slash_path(rel),
                                line: 0,
                                message: format!(
                                    "a link to {to}, outside the repository; not followed"
                                ),
                            });
                            return false;
                        }
                    }
                    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                    if !is_dir {
                        return true;
                    }
                    if is_skipped_dir(path) || other_roots.iter().any(|r| r == path) {
                        return false;
                    }
                    if entry.path_is_symlink() && !links.follow(path, &real_roots) {
                        return false;
                    }
                    match ignore_file_refused(path) {
                        Some((file, why)) => {
                            diagnostics.lock().unwrap().push(FileDiagnostic {
                                path: slash_path(file.strip_prefix(&root).unwrap_or(&file)),
                                line: 0,
                                message: format!("{why}; its folder is not walked"),
                            });
                            false
                        }
                        None => true,
                    }
                }
            })
            .build_parallel();
        walker.run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        let path = entry.path();
                        let is_python = path.extension().is_some_and(|e| e == "py" || e == "pyi")
                            || extension_module(path).is_some();
                        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                        if is_dir {
                            dirs.lock().unwrap().push(rel_of(path));
                        } else if is_python && !entry.file_type().is_some_and(|t| t.is_file()) {
                            // A FIFO would block the read forever, a device never end.
                            diagnostics.lock().unwrap().push(FileDiagnostic {
                                path: rel_of(path),
                                line: 0,
                                message: "not a regular file; skipped".to_string(),
                            });
                        } else if is_python {
                            let rel = rel_of(path);
                            found.lock().unwrap().push((rel, path.to_path_buf(), index));
                        }
                    }
                    Err(error) => {
                        diagnostics
                            .lock()
                            .unwrap()
                            .push(walk_diagnostic(&error, &rel_of));
                    }
                }
                WalkState::Continue
            })
        });
    }
    let found = found.into_inner().unwrap();
    let mut diagnostics = std::mem::take(&mut *diagnostics.lock().unwrap());
    diagnostics.extend(links.diagnostic(&rel_of));
    let mut dirs = dirs.into_inner().unwrap();
    dirs.sort();
    dirs.dedup();
    let (files, diagnostics) = name_modules(found, roots, diagnostics);
    Walk {
        files,
        diagnostics,
        dirs,
    }
}

/// Which linked folders a walk follows: each real folder once. A link to a folder that
/// the walk reaches anyway (inside a source root, not hidden) is not followed, nor is a
/// second link to a folder already followed; so links to each other's folders (a link
/// bomb: 35 of them make 244,141 paths) cost one walk of each real folder.
#[derive(Default)]
struct Links {
    followed: Mutex<rustc_hash::FxHashSet<(u64, u64)>>,
    /// The links not followed, as `link -> target`.
    unfollowed: Mutex<Vec<(PathBuf, PathBuf)>>,
}

impl Links {
    fn follow(&self, link: &Path, real_roots: &[PathBuf]) -> bool {
        let Ok(target) = link.canonicalize() else {
            return true;
        };
        // A link back to a folder above it: the walk reports the loop.
        if link.parent().is_some_and(|p| p.starts_with(&target)) {
            return true;
        }
        let walked_anyway = real_roots.iter().any(|r| {
            target.strip_prefix(r).is_ok_and(|within| {
                within
                    .components()
                    .all(|c| !c.as_os_str().to_string_lossy().starts_with('.'))
                    && !within.components().any(|c| skipped_name(Path::new(&c)))
            })
        });
        let first = !walked_anyway && {
            let id = std::fs::metadata(&target).ok().map(|m| folder_id(&m));
            id.is_none_or(|id| self.followed.lock().unwrap().insert(id))
        };
        if !first {
            self.unfollowed
                .lock()
                .unwrap()
                .push((link.to_path_buf(), target));
        }
        first
    }

    /// One diagnostic for every link not followed, at the first of them.
    fn diagnostic(&self, rel_of: &dyn Fn(&Path) -> String) -> Option<FileDiagnostic> {
        let mut unfollowed = std::mem::take(&mut *self.unfollowed.lock().unwrap());
        unfollowed.sort();
        let (link, target) = unfollowed.first()?;
        let others = match unfollowed.len() {
            1 => String::new(),
            n => format!(" (and {} more links)", n - 1),
        };
        Some(FileDiagnostic {
            path: rel_of(link),
            line: 0,
            message: format!(
                "a link to {}, a folder walked once already{others}; not followed",
                match rel_of(target) {
                    rel if rel.is_empty() => "the root".to_string(),
                    rel => rel,
                }
            ),
        })
    }
}

#[cfg(unix)]
fn folder_id(metadata: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (metadata.dev(), metadata.ino())
}

#[cfg(not(unix))]
fn folder_id(_: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Why the walk must not enter `dir`: its `.gitignore` or `.ignore` is not a regular
/// file of a readable size (a link to `/dev/zero` or a FIFO would exhaust memory or
/// block the walk as it reads it).
fn ignore_file_refused(dir: &Path) -> Option<(PathBuf, String)> {
    [".gitignore", ".ignore"].iter().find_map(|name| {
        let file = dir.join(name);
        crate::read::refuses(&file, crate::read::MAX_SETTINGS_BYTES).map(|why| (file, why))
    })
}

/// Whether the walk from `start` may read ignore files in `start` itself and in the
/// folders above it: not where one of them is not a regular file of a readable size
/// (each such file is one diagnostic).
fn unreadable_ignore_files(
    start: &Path,
    diagnostics: &Mutex<Vec<FileDiagnostic>>,
    rel_of: &dyn Fn(&Path) -> String,
) -> (bool, bool) {
    let mut readable = (true, true);
    for (depth, dir) in start.ancestors().enumerate() {
        let Some((file, why)) = ignore_file_refused(dir) else {
            continue;
        };
        let unread = match depth {
            0 => {
                readable.0 = false;
                "no ignore file is read under it"
            }
            _ => {
                readable.1 = false;
                "no ignore file above the source root is read"
            }
        };
        diagnostics.lock().unwrap().push(FileDiagnostic {
            path: rel_of(&file),
            line: 0,
            message: format!("{why}; {unread}"),
        });
    }
    readable
}

/// The Python files of a commit under the source roots, as a walk of its checkout would
/// find them (`paths` are relative to `root`): hidden and skipped directories, excluded
/// paths and files of another, deeper root left out. Ignore files do not apply (a commit
/// holds what was committed), nor does a folder's `pyvenv.cfg`.
pub fn from_tree<'a>(
    root: &Path,
    paths: impl Iterator<Item = &'a str>,
    roots: &[String],
    exclude: &GlobSet,
) -> Walk {
    let mut found = Vec::new();
    for rel in paths {
        // Roots come deepest first: a file belongs to the first that holds it.
        let Some(index) = roots.iter().position(|r| {
            r.is_empty()
                || rel
                    .strip_prefix(r.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        }) else {
            continue;
        };
        let path = Path::new(rel);
        let is_python = path.extension().is_some_and(|e| e == "py" || e == "pyi")
            || extension_module(path).is_some();
        let mut ancestors = path
            .ancestors()
            .skip(1)
            .filter(|a| !a.as_os_str().is_empty());
        let skipped = path
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            || ancestors.any(|dir| exclude.is_match(dir) || skipped_name(dir));
        if is_python && !skipped && !exclude.is_match(path) {
            found.push((rel.to_string(), root.join(rel), index));
        }
    }
    let (files, diagnostics) = name_modules(found, roots, Vec::new());
    Walk {
        files,
        diagnostics,
        dirs: Vec::new(),
    }
}

/// One file per module, named from its path under its source root.
fn name_modules(
    mut found: Vec<(String, PathBuf, usize)>,
    roots: &[String],
    mut diagnostics: Vec<FileDiagnostic>,
) -> (Vec<SourceFile>, Vec<FileDiagnostic>) {
    found.sort();
    // One file per module: Python prefers a package over a module, an extension module
    // over a `.py`, and a `.py` over a `.pyi` (kept as the module's companion stub).
    let mut by_module: BTreeMap<String, SourceFile> = BTreeMap::new();
    let mut companions: BTreeMap<String, SourceFile> = BTreeMap::new();
    for (rel, path, root_index) in found {
        let source_root = &roots[root_index];
        let within = rel
            .strip_prefix(source_root.as_str())
            .unwrap_or(&rel)
            .trim_start_matches('/');
        let Some((module, is_package, suffix)) = module_name(within) else {
            let name = within.rsplit('/').next().unwrap_or(within);
            let stem = name.trim_end_matches(".pyi").trim_end_matches(".py");
            if stem.contains('.') && !name.ends_with(".so") && !name.ends_with(".pyd") {
                diagnostics.push(FileDiagnostic {
                    path: rel.clone(),
                    line: 0,
                    message: format!(
                        "`{name}` cannot be imported (a module name has no dots); skipped"
                    ),
                });
            }
            continue;
        };
        let file = SourceFile {
            path,
            rel: rel.into(),
            module: module.as_str().into(),
            is_package,
            is_stub: suffix == Suffix::Stub,
            is_test: false,
            compiled: suffix == Suffix::Extension,
            companion: false,
        };
        let (winner, loser) = match by_module.remove(&module) {
            None => (file, None),
            Some(existing) if precedence(&existing) >= precedence(&file) => (existing, Some(file)),
            Some(existing) => (file, Some(existing)),
        };
        if let Some(loser) = loser {
            if loser.is_stub && !winner.is_stub && beside(&loser, &winner) {
                companions.insert(module.clone(), loser);
            } else if !loser.is_stub && !winner.compiled {
                // An extension module is what Python imports, its `.py` a fallback source
                // (mypyc and Cython ship both): not worth a word.
                diagnostics.push(shadowed(&loser, &winner));
            }
        }
        by_module.insert(module, winner);
    }
    let mut files: Vec<SourceFile> = by_module.into_values().collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut companions: Vec<SourceFile> = companions
        .into_iter()
        .filter(|(module, _)| files.iter().any(|f| &f.module == module && !f.is_stub))
        .map(|(_, stub)| SourceFile {
            companion: true,
            ..stub
        })
        .collect();
    companions.sort_by(|a, b| a.rel.cmp(&b.rel));
    files.extend(companions);
    diagnostics.sort();
    (files, diagnostics)
}

/// A root-relative path as the `/`-separated text every output and the cache use.
/// Only Windows separates with `\\`; elsewhere it is a character of a name. Bytes that
/// are not UTF-8 read `\xNN` and control characters are escaped, so a diagnostic about
/// such a file stays one line (such files are never indexed: see `unimportable`).
pub fn slash_path(rel: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        path_text(rel.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        path_text(rel.to_string_lossy().replace('\\', "/").as_bytes())
    }
}

/// A `/`-separated path's bytes (as git stores them) as text: bytes that are not UTF-8
/// read `\xNN`, and control characters are escaped, so a name holding a newline stays on
/// its line of any output.
pub fn path_text(bytes: &[u8]) -> String {
    let mut text = String::new();
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02x}"));
        }
    }
    if text.chars().any(char::is_control) {
        text = text.chars().flat_map(char::escape_default).collect();
    }
    text
}

/// A root-relative path as raw bytes (what the cache stores: a name that is not UTF-8
/// survives, where its text form would not lead back to the file).
pub fn path_bytes(rel: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        rel.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        rel.to_string_lossy().into_owned().into_bytes()
    }
}

/// The path `path_bytes` stored.
pub fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

fn precedence(file: &SourceFile) -> (bool, bool, bool) {
    (!file.is_stub, file.is_package, file.compiled)
}

/// Whether a stub sits in the same place as the module's file (`pkg/__init__.pyi` beside
/// `pkg/__init__.py`, `mod.pyi` beside `mod.cpython-311-x86_64-linux-gnu.so`).
fn beside(stub: &SourceFile, file: &SourceFile) -> bool {
    stub.is_package == file.is_package
        && stub.rel.rsplit_once('/').map(|(dir, _)| dir)
            == file.rel.rsplit_once('/').map(|(dir, _)| dir)
}

fn shadowed(loser: &SourceFile, winner: &SourceFile) -> FileDiagnostic {
    FileDiagnostic {
        path: loser.rel.to_string(),
        line: 0,
        message: format!(
            "module `{}` is also {}; that file wins",
            loser.module, winner.rel
        ),
    }
}

fn walk_diagnostic(error: &ignore::Error, rel_of: &dyn Fn(&Path) -> String) -> FileDiagnostic {
    fn innermost(error: &ignore::Error) -> (Option<&Path>, &ignore::Error) {
        match error {
            ignore::Error::WithPath { path, err } => {
                let (inner_path, inner) = innermost(err);
                (inner_path.or(Some(path)), inner)
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                innermost(err)
            }
            other => (None, other),
        }
    }
    let (path, inner) = innermost(error);
    let (path, message) = match inner {
        ignore::Error::Loop { ancestor, child } => (
            Some(child.as_path()),
            format!(
                "symlink loop: points back to {}; not followed",
                match rel_of(ancestor) {
                    rel if rel.is_empty() => "the root".to_string(),
                    rel => rel,
                }
            ),
        ),
        ignore::Error::Io(io) => (path, format!("cannot read: {io}")),
        other => (path, other.to_string()),
    };
    FileDiagnostic {
        path: path.map(rel_of).unwrap_or_default(),
        line: 0,
        message,
    }
}

/// The module a root-relative file path would hold (also for files that no longer
/// exist), under the deepest source root that contains it.
pub fn module_of_path(rel: &str, roots: &[String]) -> Option<String> {
    let mut roots: Vec<&String> = roots.iter().collect();
    roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
    roots.into_iter().find_map(|root| {
        let within = match root.as_str() {
            "." | "" => Some(rel),
            root => rel.strip_prefix(root).and_then(|r| r.strip_prefix('/')),
        }?;
        module_name(within).map(|(name, _, _)| name)
    })
}

/// What kind of file a module is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Suffix {
    Source,
    Stub,
    Extension,
}

/// The file name of an extension module without its platform tag and suffix:
/// `foo.cpython-311-x86_64-linux-gnu.so`, `foo.abi3.so`, `foo.so`, `foo.cp311-win_amd64.pyd`
/// → `foo` (a shared library such as `libfoo.so.1` is not a module).
fn extension_module(path: &Path) -> Option<&str> {
    let name = path.file_name()?.to_str()?;
    let rest = name
        .strip_suffix(".so")
        .or_else(|| name.strip_suffix(".pyd"))?;
    let (stem, tag) = rest.split_once('.').unwrap_or((rest, ""));
    (!stem.is_empty() && !tag.contains('.')).then_some(stem)
}

/// `pkg/sub/__init__.py` → (`pkg.sub`, package, source).
fn module_name(within_root: &str) -> Option<(String, bool, Suffix)> {
    let (stem, suffix) = if let Some(stem) = within_root.strip_suffix(".pyi") {
        (stem.to_string(), Suffix::Stub)
    } else if let Some(stem) = within_root.strip_suffix(".py") {
        (stem.to_string(), Suffix::Source)
    } else {
        let name = extension_module(Path::new(within_root))?;
        let dir = within_root.rsplit_once('/').map_or("", |(dir, _)| dir);
        let stem = if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        };
        (stem, Suffix::Extension)
    };
    let mut parts: Vec<&str> = stem.split('/').collect();
    let is_package = parts.last() == Some(&"__init__");
    if is_package {
        parts.pop();
    }
    if parts.is_empty() || parts.iter().any(|p| p.is_empty() || p.contains('.')) {
        return None;
    }
    Some((parts.join("."), is_package, suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_follow_python() {
        assert_eq!(
            module_name("pkg/sub/__init__.py"),
            Some(("pkg.sub".into(), true, Suffix::Source))
        );
        assert_eq!(
            module_name("pkg/mod.pyi"),
            Some(("pkg.mod".into(), false, Suffix::Stub))
        );
        for compiled in [
            "pkg/_speedups.cpython-311-x86_64-linux-gnu.so",
            "pkg/_speedups.abi3.so",
            "pkg/_speedups.so",
            "pkg/_speedups.cp311-win_amd64.pyd",
        ] {
            assert_eq!(
                module_name(compiled),
                Some(("pkg._speedups".into(), false, Suffix::Extension)),
                "{compiled}"
            );
        }
        assert_eq!(module_name("pkg/libfoo.so.1"), None);
        assert_eq!(module_name("pkg/a.b.cpython-311.so"), None);
        assert_eq!(module_name("__init__.py"), None);
    }

    #[test]
    fn setup_cfg_package_dir_is_a_source_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("lib")).unwrap();
        std::fs::write(
            dir.path().join("setup.cfg"),
            "[metadata]\nname = x\n\n[options]\npackage_dir =\n    =lib\n",
        )
        .unwrap();
        let roots = source_roots(dir.path(), &Config::default()).unwrap();
        // The root too: what imports the package from beside it (`tests/`).
        assert_eq!(roots, vec!["lib".to_string(), String::new()]);
    }
}

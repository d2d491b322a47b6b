//! `--staged`: the repository as git's index holds it, which is what a commit records.
//!
//! Files the index tracks but the working tree has changed are checked out from the index
//! into a temporary folder and read from there; files git does not track are left out
//! (the commit will not contain them); everything else is read where it is. The language
//! server reads an editor's unsaved buffers the same way, from copies it writes.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context as _, Result, bail};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::discover::SourceFile;

/// The repository with some files read from copies: git's index (`--staged`) or an
/// editor's unsaved buffers (`server`).
#[derive(Debug)]
pub struct SubstituteTree {
    /// Root-relative paths the index holds; `None`: every walked file is kept.
    tracked: Option<FxHashSet<String>>,
    /// Where the index's copy of each file whose working copy differs was checked out.
    checked_out: FxHashMap<String, PathBuf>,
    /// Set once the walked files differed from the commit's: a cache snapshot of such
    /// a run would describe neither the working tree nor the commit.
    differs: std::sync::atomic::AtomicBool,
    /// No change is staged under the root: a commit of the index records nothing here.
    pub nothing_staged: bool,
    /// Keeps the checked-out copies while the run reads them (the server keeps its own).
    _dir: Option<tempfile::TempDir>,
}

impl SubstituteTree {
    /// Reads the index of the git repository holding `root`.
    pub fn read(root: &Path, index_changes: &Running) -> Result<SubstituteTree> {
        // Both run beside the index's changes, started earlier.
        // Files of submodules too: they are read from each submodule's checkout.
        let tracked = Running::start(root, &["ls-files", "-z", "--recurse-submodules"]);
        // Tracked files whose working copy is not what is staged (edited or deleted).
        let differing = Running::start(root, &["diff", "--name-only", "-z", "--relative"]);
        let tracked: FxHashSet<String> = tracked.answer()?.iter().cloned().collect();
        let nothing_staged = index_changes.answer()?.is_empty();
        let differing = differing.answer()?.to_vec();
        let dir = tempfile::Builder::new()
            .prefix("ssot-graph-staged")
            .tempdir()
            .context("--staged: cannot make a temporary folder")?;
        let python: Vec<String> = differing
            .into_iter()
            .filter(|p| p.ends_with(".py") || p.ends_with(".pyi"))
            .collect();
        if !python.is_empty() {
            let prefix = format!("{}/", dir.path().display());
            let mut list = python.join("\0");
            list.push('\0');
            git(
                root,
                &["checkout-index", "-z", "--stdin", "--prefix", &prefix],
                Some(list.as_bytes()),
            )?;
        }
        // checkout-index writes each file at its path from the top of the repository.
        let above = match python.is_empty() {
            true => Vec::new(),
            false => git(root, &["rev-parse", "--show-prefix"], None)?,
        };
        let top = dir.path().join(above.first().map_or("", |p| p.trim_end()));
        let checked_out = python
            .into_iter()
            .map(|rel| {
                let path = top.join(&rel);
                (rel, path)
            })
            .collect();
        Ok(SubstituteTree {
            tracked: Some(tracked),
            checked_out,
            differs: Default::default(),
            nothing_staged,
            _dir: Some(dir),
        })
    }

    /// Every walked file, those of `copies` (root-relative path → copy) read from their
    /// copy; a copy whose file the walk did not find is a file of the tree too.
    pub fn with_copies(copies: FxHashMap<String, PathBuf>) -> SubstituteTree {
        SubstituteTree {
            tracked: None,
            checked_out: copies,
            differs: Default::default(),
            nothing_staged: false,
            _dir: None,
        }
    }

    /// Where the copies are read from.
    pub fn copies(&self) -> impl Iterator<Item = &Path> {
        self.checked_out.values().map(PathBuf::as_path)
    }

    /// Whether any walked file was dropped or read from the index's copy.
    pub fn differs(&self) -> bool {
        self.differs.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The walked files as the commit holds them: untracked ones dropped, those whose
    /// working copy differs read from the index's copy.
    /// Points `file` at the index's copy when its working copy differs; says whether it
    /// did.
    pub fn place(&self, file: &mut SourceFile) -> bool {
        match self.checked_out.get(file.rel.as_str()) {
            // Deleted from the working tree but staged: there is no copy to read.
            Some(copy) if copy.is_file() => {
                file.path = copy.clone();
                true
            }
            _ => false,
        }
    }

    /// `files` as the commit holds them: untracked ones dropped, those whose working copy
    /// differs read from the index's copy, and those staged but deleted from the working
    /// tree (`git add f; rm f`) brought back by `restore` from their paths.
    pub fn apply(
        &self,
        files: &mut Vec<SourceFile>,
        restore: impl FnOnce(&[&str]) -> Vec<SourceFile>,
    ) {
        let before = files.len();
        if let Some(tracked) = &self.tracked {
            files.retain(|f| tracked.contains(f.rel.as_str()));
        }
        let mut changed = files.len() != before;
        for file in files.iter_mut() {
            changed |= self.place(file);
        }
        let walked: FxHashSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        let mut missing: Vec<&str> = self
            .checked_out
            .iter()
            .filter(|(rel, copy)| !walked.contains(rel.as_str()) && copy.is_file())
            .map(|(rel, _)| rel.as_str())
            .collect();
        missing.sort_unstable();
        if !missing.is_empty() {
            let mut restored = restore(&missing);
            restored.retain_mut(|file| self.place(file));
            changed |= !restored.is_empty();
            // Module files by path, then the companion stubs (as a walk orders them).
            files.extend(restored);
            files.sort_by(|a, b| (a.companion, &a.rel).cmp(&(b.companion, &b.rel)));
        }
        if changed {
            self.differs
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// NUL-separated output of `git ARGS` run at `root`, paths relative to it.
pub fn git(root: &Path, args: &[&str], input: Option<&[u8]>) -> Result<Vec<String>> {
    git_for("--staged", root, args, input)
}

/// `git`, for the option `purpose` (named in its errors).
pub fn git_for(
    purpose: &str,
    root: &Path,
    args: &[&str],
    input: Option<&[u8]>,
) -> Result<Vec<String>> {
    let mut child = spawn(purpose, root, args, input.is_some())?;
    if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
        use std::io::Write;
        stdin
            .write_all(bytes)
            .with_context(|| format!("{purpose}: cannot talk to git"))?;
    }
    finish(purpose, child, args)
}

/// One entry of `git diff --name-status -z`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusEntry {
    /// `A`, `C`, `D`, `M`, `R`, `T`, `U`.
    pub kind: char,
    pub path: String,
    /// A rename's or copy's new path (`path` is the old one).
    pub new: Option<String>,
}

/// The entries of `git diff --name-status -z` output, split at NULs.
pub fn name_status(tokens: &[String]) -> Vec<StatusEntry> {
    let mut entries = Vec::new();
    let mut tokens = tokens.iter();
    while let Some(kind) = tokens.next() {
        let Some(path) = tokens.next() else { break };
        let kind = kind.chars().next().unwrap_or('M');
        // A rename or a copy names the old path, then the new one.
        let new = matches!(kind, 'R' | 'C')
            .then(|| tokens.next().cloned())
            .flatten();
        entries.push(StatusEntry {
            kind,
            path: path.clone(),
            new,
        });
    }
    entries
}

/// A git command started early and read when its answer is needed, so that it runs
/// while the project is read.
pub struct Running {
    purpose: &'static str,
    args: Vec<String>,
    child: Mutex<Option<Result<Child, String>>>,
    answer: OnceLock<Result<Vec<String>, String>>,
}

impl Running {
    pub fn start(root: &Path, args: &[&str]) -> Running {
        Running::start_for("--staged", root, args)
    }

    /// `start`, for the option `purpose` (named in its errors).
    pub fn start_for(purpose: &'static str, root: &Path, args: &[&str]) -> Running {
        let child = spawn(purpose, root, args, false).map_err(|error| format!("{error:#}"));
        Running {
            purpose,
            args: args.iter().map(|a| a.to_string()).collect(),
            child: Mutex::new(Some(child)),
            answer: OnceLock::new(),
        }
    }

    /// The command's NUL-separated output, waiting for it the first time.
    pub fn answer(&self) -> Result<&[String]> {
        let answer = self.answer.get_or_init(|| {
            let child = self.child.lock().ok().and_then(|mut child| child.take());
            let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
            match child {
                Some(Ok(child)) => finish(self.purpose, child, &args).map_err(|e| format!("{e:#}")),
                Some(Err(error)) => Err(error),
                None => Err(format!("{}: git was already asked", self.purpose)),
            }
        });
        answer
            .as_deref()
            .map_err(|error| anyhow::anyhow!("{error}"))
    }
}

/// What the index changes against HEAD, under the root: `git diff --cached --name-status`.
pub const INDEX_CHANGES: &[&str] = &["diff", "--cached", "--name-status", "--relative", "-z"];

/// Whether `root` lies in a git repository (no git process is started to find out).
pub fn in_repository(root: &Path) -> bool {
    root.ancestors().any(|dir| dir.join(".git").exists())
}

fn spawn(purpose: &str, root: &Path, args: &[&str], input: bool) -> Result<Child> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(if input { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("{purpose} needs git on PATH"))
}

fn finish(purpose: &str, child: Child, args: &[&str]) -> Result<Vec<String>> {
    let output = child
        .wait_with_output()
        .with_context(|| format!("{purpose}: cannot run git"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let command = format!("git {}", args[0]);
        // Some git commands name themselves in their messages already.
        let reason = stderr.lines().next().unwrap_or("failed").trim();
        let reason = reason
            .strip_prefix(&format!("{command}: "))
            .unwrap_or(reason);
        if reason.ends_with(" is unmerged") {
            bail!("{purpose}: {reason}: resolve the conflict and stage it first");
        }
        bail!("{purpose}: {command}: {reason}");
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .split('\0')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect())
}

//! Running the binary as a user does, shared by the integration tests.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `ssot-graph --root ROOT ARGS...`; the root's path reads `[ROOT]` in the output.
pub fn run(root: &Path, args: &[&str]) -> Output {
    run_from(None, root, args)
}

/// `run` from the folder `cwd` (paths on the command line are relative to it).
pub fn run_from(cwd: Option<&Path>, root: &Path, args: &[&str]) -> Output {
    let mut command = Command::cargo_bin("ssot-graph").unwrap();
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    let output = command
        // An activated virtual environment would decide run-time branches (see
        // `environment`): the fixtures bring their own `.venv` where they need one.
        .env_remove("VIRTUAL_ENV")
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    let root_text = root.canonicalize().unwrap().display().to_string();
    let clean = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(&root_text, "[ROOT]");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: clean(&output.stdout),
        stderr: clean(&output.stderr),
    }
}

/// What `python3 -c CODE` prints (stdout, then stderr) in `root`.
pub fn python(root: &Path, code: &str) -> String {
    let output = std::process::Command::new("python3")
        .args(["-B", "-c", code])
        .current_dir(root)
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs and requires exit 0; returns stdout.
pub fn ok(root: &Path, args: &[&str]) -> String {
    let output = run(root, args);
    assert_eq!(output.code, 0, "stderr: {}", output.stderr);
    output.stdout
}

pub fn json(root: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(root, &all)).unwrap()
}

/// Writes `text` to `root/rel`, making its folders.
pub fn write_file(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "__pycache__" && entry.file_name() != ".ssot-graph-cache" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Copies a tree with its cache folder, as restoring a CI cache into a new clone does.
pub fn copy_dir_with_cache(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let copied = std::process::Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status();
    assert!(copied.unwrap().success());
}

/// Moves every file and folder under `root` a minute into the past, as a checkout that
/// has been sitting is: the cache trusts no stamp taken within the clock's resolution of
/// a change, so a tree made a moment ago is walked and hashed again on every run.
pub fn age(root: &Path) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                stack.push(entry.unwrap().path());
            }
        }
        if let Ok(file) = std::fs::File::open(&path) {
            let _ = file.set_modified(past);
        }
    }
}

/// A temporary copy of the seed fixture with the example rules of `queries/websocket.toml`.
pub fn seed_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("seed"), dir.path());
    std::fs::create_dir(dir.path().join("queries")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("queries/websocket.toml"),
        dir.path().join("queries/websocket.toml"),
    )
    .unwrap();
    age(dir.path());
    dir
}

/// Runs `git ARGS` in `root` as a user with no settings of their own.
pub fn git_output(root: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap()
}

/// `git_output`, failing the test when git fails.
pub fn git(root: &Path, args: &[&str]) {
    let status = git_output(root, args);
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

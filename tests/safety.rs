//! A repository cannot hurt its user through ssot-graph: a change is written whole or not
//! at all, nothing is written or read outside the repository because a file in it says
//! so, and no file in it makes a run hang or exhaust memory.

mod common;

use std::fs;
use std::path::Path;

use common::{Output, age, run, write_file};

/// Runs `ssot-graph --no-cache --root ROOT ARGS...` with files limited to `max_bytes`
/// (writing past it fails as on a full disk).
#[cfg(unix)]
fn run_on_full_disk(root: &Path, args: &[&str], max_bytes: u64) -> Output {
    use std::os::unix::process::CommandExt;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ssot-graph"));
    command
        .env_remove("VIRTUAL_ENV")
        .arg("--no-cache")
        .arg("--root")
        .arg(root)
        .args(args);
    // SAFETY: only async-signal-safe calls between fork and exec. An ignored SIGXFSZ
    // stays ignored across exec, so a write past the limit fails with EFBIG.
    unsafe {
        command.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: max_bytes,
                rlim_max: max_bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let output = command.output().unwrap();
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every file under `root` (but the cache) with its bytes.
fn contents(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.ends_with(".ssot-graph-cache") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                found.push((rel, fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

/// A class of about 20 KB in `pkg/old.py`, imported by `app/use.py`.
fn big_class_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut big = "class Big:\n".to_string();
    for n in 0..1000 {
        big.push_str(&format!("    field_{n} = {n}\n"));
    }
    write_file(root, "pkg/__init__.py", "");
    write_file(root, "pkg/old.py", &big);
    write_file(root, "app/__init__.py", "");
    write_file(root, "app/use.py", "from pkg.old import Big\n\nBig()\n");
    age(root);
    dir
}

#[cfg(unix)]
#[test]
fn a_move_that_cannot_write_its_destination_writes_nothing() {
    let repo = big_class_repo();
    let root = repo.path();
    let before = contents(root);
    let output = run_on_full_disk(root, &["move", "pkg.old.Big", "--to", "pkg.new"], 8_000);
    assert_eq!(output.code, 2, "{}{}", output.stdout, output.stderr);
    assert!(
        output.stderr.contains("nothing was written"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.lines().count() == 1, "{}", output.stderr);
    assert_eq!(
        contents(root),
        before,
        "every file as it was, no temporary left"
    );
}

#[cfg(unix)]
#[test]
fn a_fix_that_cannot_write_one_file_writes_none_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "from pkg.core import Engine\n");
    write_file(root, "pkg/core.py", "class Engine:\n    pass\n");
    write_file(root, "app/small.py", "from pkg import Engine\n");
    let padding = "# padding\n".repeat(1000);
    write_file(
        root,
        "app/large.py",
        &format!("from pkg import Engine\n{padding}"),
    );
    write_file(
        root,
        "queries/rules.toml",
        "[[rule]]\nid = \"canonical-engine\"\nkind = \"canonical\"\nsymbol = \"pkg.core.Engine\"\n",
    );
    age(root);
    let before = contents(root);
    let output = run_on_full_disk(root, &["fix"], 4_000);
    assert_eq!(output.code, 2, "{}{}", output.stdout, output.stderr);
    assert!(
        output
            .stderr
            .starts_with("error: fix: nothing was written: "),
        "{}",
        output.stderr
    );
    assert_eq!(contents(root), before);

    // A read-only file is left alone and said; the fix still exits 1 for it.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(root.join("app/large.py"), fs::Permissions::from_mode(0o444)).unwrap();
    let output = run(root, &["fix"]);
    assert_eq!(output.code, 1, "{}{}", output.stdout, output.stderr);
    assert_eq!(
        output.stdout,
        "app/large.py: not fixed: read-only: left alone\n\
         fixed 1 import in app/small.py\n\
         Fixed 1 finding in 1 file; 1 left for a person.\n"
    );
}

#[cfg(unix)]
#[test]
fn a_rewritten_file_keeps_its_owner_group_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("only root can give a file to another user: not checked here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "from pkg.core import Engine\n");
    write_file(root, "pkg/core.py", "class Engine:\n    pass\n");
    write_file(root, "app/user.py", "from pkg import Engine\n");
    write_file(
        root,
        "queries/rules.toml",
        "[[rule]]\nid = \"canonical-engine\"\nkind = \"canonical\"\nsymbol = \"pkg.core.Engine\"\n",
    );
    let user = root.join("app/user.py");
    std::os::unix::fs::chown(&user, Some(1234), Some(2345)).unwrap();
    fs::set_permissions(&user, fs::Permissions::from_mode(0o640)).unwrap();
    age(root);
    let output = run(root, &["fix"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        fs::read_to_string(&user).unwrap(),
        "from pkg.core import Engine\n"
    );
    let metadata = fs::metadata(&user).unwrap();
    assert_eq!(
        (metadata.uid(), metadata.gid(), metadata.mode() & 0o7777),
        (1234, 2345, 0o640)
    );
}

#[cfg(unix)]
#[test]
fn output_never_replaces_a_read_only_file_or_a_dangling_link() {
    use std::os::unix::fs::PermissionsExt;
    let repo = big_class_repo();
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept.txt");
    fs::write(&kept, "mine\n").unwrap();
    fs::set_permissions(&kept, fs::Permissions::from_mode(0o444)).unwrap();
    let output = run(repo.path(), &["-o", kept.to_str().unwrap(), "stats"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        format!("error: {}: read-only: not replaced\n", kept.display())
    );
    assert_eq!(fs::read_to_string(&kept).unwrap(), "mine\n");

    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink("nowhere/report.txt", &link).unwrap();
    let output = run(repo.path(), &["-o", link.to_str().unwrap(), "stats"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        format!(
            "error: {}: a link to a file that does not exist: not written\n",
            link.display()
        )
    );
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

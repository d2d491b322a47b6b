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

#[test]
fn update_baseline_never_overwrites_a_file_that_is_not_a_baseline() {
    let repo = big_class_repo();
    let root = repo.path();
    write_file(root, "ssot-graph.toml", "baseline = \"pkg/old.py\"\n");
    let before = contents(root);
    let output = run(root, &["check", "--update-baseline"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/pkg/old.py: not a ssot-graph baseline: refusing to overwrite it; set \
         `baseline` to another path\n"
    );
    assert_eq!(contents(root), before);
    let output = run(root, &["check"]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .starts_with("error: [ROOT]/pkg/old.py: not a ssot-graph baseline (")
            && output
                .stderr
                .ends_with("); set `baseline` to the baseline's path\n"),
        "never suggests --update-baseline: {}",
        output.stderr
    );
}

#[test]
fn a_cache_dir_naming_a_folder_of_the_users_is_refused() {
    let repo = big_class_repo();
    let root = repo.path();
    write_file(root, "ssot-graph.toml", "cache-dir = \"pkg\"\n");
    let before = contents(root);
    let output = run(root, &["check"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/pkg: holds `__init__.py`, which ssot-graph did not write: cache-dir \
         must name a folder of the cache's own (such as \".ssot-graph-cache\")\n"
    );
    assert_eq!(contents(root), before, "no .gitignore written into pkg/");
}

#[cfg(unix)]
#[test]
fn a_linked_cache_folder_or_cache_file_is_refused_and_nothing_is_written_through_it() {
    let repo = big_class_repo();
    let root = repo.path();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join(".ssot-graph-cache")).unwrap();
    let output = run(root, &["check"]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .starts_with("error: [ROOT]/.ssot-graph-cache: a link (to "),
        "{}",
        output.stderr
    );
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);

    fs::remove_file(root.join(".ssot-graph-cache")).unwrap();
    fs::create_dir(root.join(".ssot-graph-cache")).unwrap();
    let ignore = outside.path().join("ignore");
    fs::write(&ignore, "mine\n").unwrap();
    std::os::unix::fs::symlink(&ignore, root.join(".ssot-graph-cache/.gitignore")).unwrap();
    let output = run(root, &["check"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/.ssot-graph-cache/.gitignore: not a regular file (a link or a folder): \
         the cache folder holds only ssot-graph's own files; remove it\n"
    );
    assert_eq!(fs::read_to_string(&ignore).unwrap(), "mine\n");
}

#[cfg(unix)]
#[test]
fn settings_files_that_are_devices_fifos_or_huge_are_one_line_errors() {
    let repo = big_class_repo();
    let root = repo.path();
    let fifo = root.join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let huge = root.join("huge.toml");
    fs::File::create(&huge).unwrap().set_len(100 << 20).unwrap();
    for (name, to, why) in [
        (
            "ssot-graph.toml",
            Path::new("/dev/zero"),
            "not a regular file (a device)",
        ),
        (
            "pyproject.toml",
            fifo.as_path(),
            "not a regular file (a FIFO)",
        ),
        ("ssot-graph.toml", huge.as_path(), "larger than 8 MiB"),
    ] {
        std::os::unix::fs::symlink(to, root.join(name)).unwrap();
        let output = run(root, &["stats"]);
        assert_eq!(output.code, 2, "{name}");
        assert_eq!(
            output.stderr,
            format!("error: [ROOT]/{name}: cannot read config: {why}\n")
        );
        fs::remove_file(root.join(name)).unwrap();
    }
    fs::create_dir(root.join("queries")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.join("queries/zero.toml")).unwrap();
    let output = run(root, &["check"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/queries/zero.toml: cannot read: not a regular file (a device)\n"
    );
    fs::remove_file(root.join("queries/zero.toml")).unwrap();
    write_file(root, "ssot-graph.toml", "baseline = \"fifo\"\n");
    let output = run(root, &["check"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/fifo: cannot read baseline: not a regular file (a FIFO)\n"
    );
}

/// The diagnostics of `stats --format json`, as `path: message`.
fn diagnostics(root: &Path) -> Vec<String> {
    let stats = common::json(root, &["stats"]);
    stats["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d["path"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_link_bomb_walks_each_real_folder_once_and_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let names = ["a", "b", "c", "d", "e", "f", "g"];
    write_file(root, "pkg/__init__.py", "");
    for name in names {
        write_file(root, &format!("pkg/{name}/__init__.py"), "X = 1\n");
    }
    for from in names {
        for to in names.iter().filter(|to| **to != from) {
            std::os::unix::fs::symlink(format!("../{to}"), root.join(format!("pkg/{from}/l{to}")))
                .unwrap();
        }
    }
    let started = std::time::Instant::now();
    let stats = common::json(root, &["--no-cache", "stats"]);
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(stats["files"], 8, "{stats:#}");
    assert_eq!(
        diagnostics(root),
        [
            "pkg/a/lb: a link to pkg/b, a folder walked once already (and 41 more links); not followed"
        ]
    );
}

#[cfg(unix)]
#[test]
fn an_ignore_file_that_is_a_device_or_a_fifo_is_never_read() {
    let repo = big_class_repo();
    let root = repo.path();
    write_file(root, "lib/__init__.py", "");
    write_file(root, "lib/ok.py", "from pkg.old import Big\n");
    std::os::unix::fs::symlink("/dev/zero", root.join("lib/.gitignore")).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(root.join(".ignore"))
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(
        diagnostics(root),
        [
            ".ignore: not a regular file (a FIFO); no ignore file is read under it",
            "lib/.gitignore: not a regular file (a device); its folder is not walked",
        ]
    );
}

/// Puts `path`'s modification time back to `time`, as `cp -a`, `rsync -a` and `tar` do.
fn set_mtime(path: &Path, time: std::time::SystemTime) {
    fs::File::open(path).unwrap().set_modified(time).unwrap();
}

#[test]
fn the_cache_sees_edits_that_keep_size_and_modification_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "");
    write_file(root, "pkg/a.py", "X = 1\n");
    write_file(root, "app/u.py", "from pkg.a import X\n");
    age(root);
    assert_eq!(
        common::ok(root, &["why", "pkg.a.X"])
            .lines()
            .nth(1)
            .unwrap()
            .trim(),
        "is variable X defined in pkg.a"
    );
    let module = root.join("pkg/a.py");
    let old_time = fs::metadata(&module).unwrap().modified().unwrap();
    // Same size, same modification time: only the change time and the inode tell.
    let replacement = root.join("pkg/a.py.new");
    fs::write(&replacement, "Y = 1\n").unwrap();
    set_mtime(&replacement, old_time);
    fs::rename(&replacement, &module).unwrap();
    let package = root.join("pkg");
    let package_time = fs::metadata(&package).unwrap().modified().unwrap();
    set_mtime(&package, package_time);
    let output = run(root, &["why", "pkg.a.X"]);
    assert_eq!(output.code, 2, "{}", output.stdout);

    // A new module in a folder whose modification time is put back.
    write_file(root, "pkg/b.py", "Z = 2\n");
    set_mtime(&package, package_time);
    assert_eq!(
        common::ok(root, &["why", "pkg.b.Z"])
            .lines()
            .nth(1)
            .unwrap()
            .trim(),
        "is variable Z defined in pkg.b"
    );
}

#[test]
fn the_root_is_never_the_whole_system_or_a_pseudo_file_system() {
    for root in ["/", "/proc", "/proc/1", "/sys", "/usr"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_ssot-graph"))
            .args(["--root", root, "stats"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{root}");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!(
                "error: {}: a system folder, not a repository: run ssot-graph inside a \
                 repository, or name one with --root\n",
                Path::new(root).canonicalize().unwrap().display()
            )
        );
    }
}

const DEPRECATED_OLD: &str =
    "[[rule]]\nid = \"no-old\"\nkind = \"deprecated\"\ntarget = \"vendorpkg.core.Old\"\n";

/// A repository whose first commit holds `pkg/` and the rule `no-old`.
fn committed_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "");
    write_file(root, "vendorpkg/__init__.py", "");
    write_file(root, "vendorpkg/core.py", "class Old:\n    pass\n");
    write_file(root, "queries/rules.toml", DEPRECATED_OLD);
    common::git(root, &["init", "-q"]);
    common::git(root, &["add", "-A"]);
    common::git(root, &["commit", "-qm", "first"]);
    dir
}

#[test]
fn check_staged_judges_a_staged_file_deleted_from_the_working_tree() {
    let repo = committed_repo();
    let root = repo.path();
    write_file(root, "pkg/user.py", "from vendorpkg.core import Old\n");
    common::git(root, &["add", "pkg/user.py"]);
    fs::remove_file(root.join("pkg/user.py")).unwrap();
    let output = run(root, &["check", "--staged", "--format", "concise"]);
    assert_eq!(output.code, 1, "{}{}", output.stdout, output.stderr);
    assert_eq!(
        output.stdout,
        "pkg/user.py:1:1: no-old `vendorpkg.core.Old` is deprecated\nFound 1 error and 0 warnings.\n"
    );
}

#[test]
fn check_staged_with_nothing_staged_says_so() {
    let dir = tempfile::tempdir().unwrap();
    common::git(dir.path(), &["init", "-q"]);
    let output = run(dir.path(), &["check", "--staged"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(output.stdout, "Nothing staged: no files checked.\n");
    let repo = committed_repo();
    let output = run(repo.path(), &["check", "--staged"]);
    assert_eq!(output.stdout, "Nothing staged: no files checked.\n");
}

#[test]
fn check_staged_in_a_merge_with_conflicts_says_so_once() {
    let repo = committed_repo();
    let root = repo.path();
    write_file(root, "pkg/a.py", "X = 1\n");
    common::git(root, &["add", "-A"]);
    common::git(root, &["commit", "-qm", "a"]);
    common::git(root, &["checkout", "-qb", "other"]);
    write_file(root, "pkg/a.py", "X = 2\n");
    common::git(root, &["commit", "-qam", "b"]);
    common::git(root, &["checkout", "-q", "-"]);
    write_file(root, "pkg/a.py", "X = 3\n");
    common::git(root, &["commit", "-qam", "c"]);
    let merge = common::git_output(root, &["merge", "-q", "other"]);
    assert!(!merge.status.success(), "the merge conflicts");
    let output = run(root, &["check", "--staged"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: --staged: pkg/a.py is unmerged: resolve the conflict and stage it first\n"
    );
}

#[test]
fn check_staged_reads_modules_of_a_submodule_from_its_checkout() {
    let outer = tempfile::tempdir().unwrap();
    let vendor = outer.path().join("vendor");
    write_file(&vendor, "__init__.py", "");
    write_file(&vendor, "core.py", "class Old:\n    pass\n");
    common::git(&vendor, &["init", "-q"]);
    common::git(&vendor, &["add", "-A"]);
    common::git(&vendor, &["commit", "-qm", "vendor"]);
    let root = outer.path().join("app");
    write_file(&root, "pkg/__init__.py", "");
    write_file(&root, "queries/rules.toml", DEPRECATED_OLD);
    common::git(&root, &["init", "-q"]);
    common::git(
        &root,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            "../vendor",
            "vendorpkg",
        ],
    );
    common::git(&root, &["add", "-A"]);
    common::git(&root, &["commit", "-qm", "first"]);
    write_file(&root, "pkg/user.py", "from vendorpkg.core import Old\n");
    common::git(&root, &["add", "pkg/user.py"]);
    let output = run(&root, &["check", "--staged", "--format", "concise"]);
    assert_eq!(output.code, 1, "{}{}", output.stdout, output.stderr);
    assert_eq!(
        output.stdout,
        "pkg/user.py:1:1: no-old `vendorpkg.core.Old` is deprecated\nFound 1 error and 0 warnings.\n"
    );
}

#[cfg(unix)]
#[test]
fn diff_as_markdown_keeps_every_file_name_inside_its_block() {
    use std::os::unix::ffi::OsStrExt;
    let repo = committed_repo();
    let root = repo.path();
    write_file(
        root,
        "pkg/x\n```\n# Injected\n.py",
        "from vendorpkg.core import Old\n",
    );
    let name = std::ffi::OsStr::from_bytes(b"pkg/l\xe9gacy.py");
    fs::write(root.join(name), "from vendorpkg.core import Old\n").unwrap();
    common::git(root, &["add", "-A"]);
    common::git(root, &["commit", "-qm", "second"]);
    let output = common::ok(root, &["diff", "HEAD~1", "HEAD", "--format", "md"]);
    let findings = output.split("### Findings\n\n").nth(1).unwrap();
    assert_eq!(
        findings,
        "````diff\n\
         + pkg/l\\xe9gacy.py:1:1 no-old `vendorpkg.core.Old` is deprecated\n\
         + pkg/x\\n```\\n# Injected\\n.py:1:1 no-old `vendorpkg.core.Old` is deprecated\n\
         ````\n"
    );
}

/// A package path `depth` folders deep under `root/pkg` (far past the longest path the
/// system opens whole), each folder a package, a module at the bottom.
#[cfg(unix)]
fn deep_package(root: &Path, depth: usize) {
    use std::ffi::CString;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    write_file(root, "pkg/__init__.py", "");
    let open = |dir: i32, name: &str, flags: i32| -> OwnedFd {
        let name = CString::new(name).unwrap();
        // SAFETY: a valid folder descriptor and a NUL-terminated name.
        let fd = unsafe { libc::openat(dir, name.as_ptr(), flags, 0o644) };
        assert!(fd >= 0, "{}", std::io::Error::last_os_error());
        // SAFETY: a descriptor just opened, owned from here on.
        unsafe { OwnedFd::from_raw_fd(fd) }
    };
    let mut dir: OwnedFd = fs::File::open(root.join("pkg")).unwrap().into();
    for _ in 0..depth {
        let name = CString::new("d").unwrap();
        // SAFETY: as above.
        assert_eq!(
            unsafe { libc::mkdirat(AsRawFd::as_raw_fd(&dir), name.as_ptr(), 0o755) },
            0
        );
        dir = open(dir.as_raw_fd(), "d", libc::O_RDONLY | libc::O_DIRECTORY);
        drop(open(
            dir.as_raw_fd(),
            "__init__.py",
            libc::O_WRONLY | libc::O_CREAT,
        ));
    }
    drop(open(
        dir.as_raw_fd(),
        "leaf.py",
        libc::O_WRONLY | libc::O_CREAT,
    ));
}

#[cfg(unix)]
#[test]
fn a_package_path_thousands_of_folders_deep_is_walked_once_and_then_read_from_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    deep_package(root, 3_000);
    // Older than the clock's resolution when the snapshot is taken: a hook runs seconds
    // after the last edit, and `age` cannot reach folders this deep to move their times.
    std::thread::sleep(std::time::Duration::from_millis(2_100));
    let cold = run(root, &["-v", "stats"]);
    assert_eq!(cold.code, 0, "{}", cold.stderr);
    assert!(
        cold.stderr.contains("snapshot.bin written"),
        "{}",
        cold.stderr
    );
    for _ in 0..2 {
        let warm = run(root, &["-v", "stats"]);
        assert_eq!(warm.code, 0);
        assert!(
            warm.stderr
                .contains("cache: 0 of 2039 files parsed again\n"),
            "{}",
            warm.stderr
        );
        let answer = |stdout: &str| -> String {
            let lines = stdout.lines().filter(|l| !l.starts_with("time "));
            lines.collect::<Vec<_>>().join("\n")
        };
        assert_eq!(answer(&warm.stdout), answer(&cold.stdout));
    }
}

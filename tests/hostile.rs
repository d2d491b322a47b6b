//! Bad input never aborts the run: each bad file is one diagnostic, the rest resolves.

use std::fs;
use std::path::Path;

mod common;

use common::{json, ok};

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// Each diagnostic of a JSON output as `path:line: message`.
fn diagnostic_lines(output: &serde_json::Value) -> Vec<String> {
    output["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}: {}",
                d["path"].as_str().unwrap(),
                d["line"],
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn stats_json(root: &Path) -> serde_json::Value {
    json(root, &["stats"])
}

/// A package `pkg` with one class, `pkg.good.Good`, for hostile files to sit beside.
fn good_package() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pkg/__init__.py", b"");
    write(dir.path(), "pkg/good.py", b"class Good:\n    pass\n");
    dir
}

fn why(root: &Path, target: &str) -> String {
    ok(root, &["why", target])
}

#[test]
fn hostile_files_become_diagnostics_and_the_rest_still_resolves() {
    let dir = good_package();
    let root = dir.path();
    write(
        root,
        "pkg/broken.py",
        b"from pkg.good import Good\ndef oops(:\n    pass\n",
    );
    write(root, "pkg/binary.py", b"\x7fELF\x00\x01\x02");
    write(root, "pkg/latin.py", b"x = '\xe9'\n");
    write(
        root,
        "pkg/declared.py",
        b"# -*- coding: latin-1 -*-\nfrom pkg.good import Good\nname = '\xe9'\n",
    );
    write(
        root,
        "pkg/bom.py",
        b"\xef\xbb\xbffrom pkg.good import Good\n",
    );
    write(
        root,
        "pkg/crlf.py",
        b"from pkg.good import (\r\n    Good,\r\n)\r\n",
    );
    write(
        root,
        "pkg/tabs.py",
        b"if True:\n\tfrom pkg.good import Good\n",
    );
    write(root, "pkg/empty.py", b"");
    write(
        root,
        "pkg/bom_latin.py",
        b"\xef\xbb\xbf# -*- coding: latin-1 -*-\nfrom pkg.good import Good\n",
    );
    write(
        root,
        "pkg/dir with space/ünïcode.py",
        b"from pkg.good import Good\n",
    );
    let mut huge = b"from pkg.good import Good\n".to_vec();
    huge.resize(50 * 1024 * 1024, b'#');
    write(root, "pkg/huge.py", &huge);
    let deep: String = (0..20).map(|i| format!("d{i}/")).collect();
    for i in 0..=20 {
        let prefix: String = (0..i).map(|j| format!("d{j}/")).collect();
        write(root, &format!("pkg/{prefix}__init__.py"), b"");
    }
    write(
        root,
        &format!("pkg/{deep}leaf.py"),
        b"from pkg.good import Good\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("pkg"), root.join("pkg/loop")).unwrap();

    let stats = stats_json(root);
    let diagnostics = diagnostic_lines(&stats);
    let mut expected = vec![
        "pkg/binary.py:1: binary file: source contains a NUL byte".to_string(),
        "pkg/bom_latin.py:1: a UTF-8 byte order mark and a coding declaration of `latin-1`: \
         Python refuses the file (encoding problem)"
            .to_string(),
        "pkg/broken.py:2: syntax error: Expected a parameter or the end of the parameter list (and 1 more)".to_string(),
        "pkg/huge.py:0: file is 52.4 MB, above the 16 MB limit; skipped".to_string(),
        "pkg/latin.py:1: not valid UTF-8 (byte offset 5) and no coding declaration says otherwise"
            .to_string(),
    ];
    if cfg!(unix) {
        expected.push("pkg/loop:0: symlink loop: points back to pkg; not followed".to_string());
    }
    assert_eq!(diagnostics, expected);
    // Every file that could be read still contributes its imports, resolved.
    assert_eq!(stats["resolution"]["definition"], 7, "{stats:#}");
    assert_eq!(stats["resolution"]["unresolved"], 0);
}

#[test]
fn a_deep_reexport_chain_and_a_star_import_cycle_end_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "chain/__init__.py", b"");
    write(root, "chain/m0.py", b"class Target:\n    pass\n");
    for i in 1..=1000 {
        write(
            root,
            &format!("chain/m{i}.py"),
            format!("from chain.m{} import Target\n", i - 1).as_bytes(),
        );
    }
    write(root, "stars/__init__.py", b"");
    for i in 0..500 {
        let next = (i + 1) % 500;
        write(
            root,
            &format!("stars/s{i}.py"),
            format!("from stars.s{next} import *\nV{i} = {i}\n").as_bytes(),
        );
    }
    let stdout = why(root, "chain.m1000.Target");
    assert!(
        stdout.contains("chain (1000 hops):"),
        "{}",
        &stdout[..300.min(stdout.len())]
    );
    assert!(stdout.contains("chain/m0.py:1:1: class Target:"));

    let stdout = why(root, "stars.s0.V499");
    assert!(
        stdout.contains("is variable V499 defined in stars.s499"),
        "{stdout}"
    );

    let importers = json(root, &["importers", "chain.m0.Target"]);
    assert_eq!(importers["summary"]["sites"], 1000);
    assert_eq!(importers["summary"]["module_paths"], 1000);
    let path = json(root, &["path", "chain.m1000", "chain.m0"]);
    assert_eq!(path["chains"][0]["links"].as_array().unwrap().len(), 1000);
    let cycles = json(root, &["cycles"]);
    assert_eq!(cycles["cycles"].as_array().unwrap().len(), 1);
    assert_eq!(
        cycles["cycles"][0]["members"].as_array().unwrap().len(),
        500
    );
    assert_eq!(cycles["cycles"][0]["cycle"].as_array().unwrap().len(), 501);
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pkg/__init__.py", b"class Thing:\n    pass\n");
    for i in 0..2000 {
        write(
            root,
            &format!("pkg/user_{i:04}.py"),
            b"from pkg import Thing\n",
        );
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ssot-graph"))
        .args(["importers", "pkg.Thing", "--root"])
        .arg(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "pkg/user_0000.py:1:1: from pkg import Thing\n");
    let output = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn deep_nesting_and_ten_thousand_files_in_one_folder_complete() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "flat/__init__.py", b"");
    for i in 0..10_000 {
        write(
            root,
            &format!("flat/m{i:05}.py"),
            format!("from flat.m{:05} import X\n", i / 10 * 10 + (i + 1) % 10).as_bytes(),
        );
    }
    let parens = format!("x = {}1{}\n", "(".repeat(5_000), ")".repeat(5_000));
    write(root, "deep/__init__.py", b"");
    write(root, "deep/parens.py", parens.as_bytes());
    let mut blocks = String::new();
    for depth in 0..500 {
        blocks.push_str(&" ".repeat(depth));
        blocks.push_str("if True:\n");
    }
    blocks.push_str(&" ".repeat(500));
    blocks.push_str("from flat.m00000 import X\n");
    write(root, "deep/blocks.py", blocks.as_bytes());
    let stats = stats_json(root);
    assert_eq!(stats["files"], 10_004, "{stats:#}");
    // The modules re-export X from each other in rings of ten: every site is a cycle.
    // 500 levels of blocks are past what CPython accepts: that file is a diagnostic.
    assert_eq!(stats["resolution"]["cycle"], 10_000, "{stats:#}");
    let deep = diagnostic_lines(&stats);
    assert_eq!(
        deep,
        [
            "deep/blocks.py:101: 100 levels of indentation: CPython refuses 100 or more",
            "deep/parens.py:1: brackets nested more than 200 deep: CPython refuses them (too many \
             nested parentheses)"
        ]
    );
    let cycles = json(root, &["cycles"]);
    assert_eq!(cycles["cycles"].as_array().unwrap().len(), 1_000);
    assert_eq!(
        cycles["cycles"][999]["members"].as_array().unwrap().len(),
        10
    );
}

#[test]
fn nesting_a_hundred_thousand_deep_is_a_diagnostic_on_every_thread() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pkg/__init__.py", b"class X:\n    pass\n");
    let forms = [
        format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        format!("x = {}1\n", "lambda: ".repeat(100_000)),
        format!("x = {}\n", vec!["1"; 100_000].join("+")),
        format!("x = a{}\n", ".b".repeat(100_000)),
        format!("x = {}1{}\n", "f'{".repeat(100_000), "}'".repeat(100_000)),
    ];
    // More files than workers, so every worker meets deep ones.
    for copy in 0..4 {
        for (index, form) in forms.iter().enumerate() {
            write(root, &format!("pkg/deep{copy}_{index}.py"), form.as_bytes());
        }
    }
    write(root, "pkg/user.py", b"from pkg import X\n");
    let stats = stats_json(root);
    assert_eq!(stats["files"], 22);
    assert_eq!(
        stats["diagnostics"].as_array().unwrap().len(),
        20,
        "{stats:#}"
    );
    assert_eq!(
        stats["resolution"]["definition"], 1,
        "the rest of the graph is there"
    );
}

#[test]
fn every_json_output_lists_the_files_that_could_not_be_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pkg/__init__.py", b"class Thing:\n    pass\n");
    write(root, "pkg/user.py", b"from pkg import Thing\n");
    write(root, "pkg/bad.py", b"def broken(:\n");
    let expected = serde_json::json!([{
        "path": "pkg/bad.py",
        "line": 1,
        "message": "syntax error: Expected a parameter or the end of the parameter list (and 1 more)"
    }]);
    for args in [
        &["importers", "pkg.Thing"][..],
        &["imports", "pkg.user"],
        &["cycles"],
        &["duplicates"],
        &["graph", "--format", "json"],
        &["check"],
        &["why", "pkg.Thing"],
    ] {
        let answer = json(root, args);
        assert_eq!(answer["diagnostics"], expected, "{args:?}");
    }
}

/// Runs the binary as a user permissions apply to: as itself, or (when the tests run as
/// root, who reads everything) as `nobody` through util-linux's `setpriv`.
fn run_unprivileged(root: &Path, args: &[&str]) -> std::process::Output {
    use std::os::unix::fs::MetadataExt;
    let binary = env!("CARGO_BIN_EXE_ssot-graph");
    let is_root = fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let mut command = if is_root {
        let mut command = std::process::Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        command
    } else {
        std::process::Command::new(binary)
    };
    command
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("setpriv (util-linux) runs the binary as nobody")
}

#[test]
fn an_unreadable_directory_is_one_diagnostic_and_the_rest_resolves() {
    use std::os::unix::fs::PermissionsExt;
    let dir = good_package();
    let root = dir.path();
    write(
        root,
        "pkg/user.py",
        b"from pkg.good import Good\nfrom pkg.secret.hidden import X\n",
    );
    write(root, "pkg/secret/hidden.py", b"X = 1\n");
    fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(root.join("pkg/secret"), fs::Permissions::from_mode(0o000)).unwrap();
    // With the cache too: it cannot be written there either, and that is no error.
    for args in [
        &["--format", "json", "stats"][..],
        &["--no-cache", "--format", "json", "stats"],
    ] {
        let output = run_unprivileged(root, args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stats: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            stats["diagnostics"],
            serde_json::json!([{
                "path": "pkg/secret",
                "line": 0,
                "message": "cannot read: Permission denied (os error 13)"
            }])
        );
        assert_eq!(stats["files"], 3);
        // `Good` resolves; the import from the unreadable package cannot.
        assert_eq!(stats["resolution"]["definition"], 1);
        assert_eq!(stats["resolution"]["unresolved"], 1);
    }
    fs::set_permissions(root.join("pkg/secret"), fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(unix)]
#[test]
fn fifos_devices_sparse_files_and_links_leaving_the_root_are_skipped_with_a_reason() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pkg/__init__.py", b"X = 1\n");
    write(root, "pkg/ok.py", b"from pkg import X\n");
    write(root, "pkg/x.y.py", b"y = 1\n");
    let fifo = root.join("pkg/fifo.py");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    symlink("/dev/zero", root.join("pkg/zero.py")).unwrap();
    symlink("/", root.join("pkg/everything")).unwrap();
    symlink("/proc", root.join("pkg/proc")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    write(elsewhere.path(), "other.py", b"Y = 1\n");
    symlink(elsewhere.path().join("other.py"), root.join("pkg/other.py")).unwrap();
    symlink("ok.py", root.join("pkg/alias.py")).unwrap();
    let sparse = std::fs::File::create(root.join("pkg/sparse.py")).unwrap();
    sparse.set_len(2 * 1024 * 1024 * 1024).unwrap();
    let started = std::time::Instant::now();
    let stats = stats_json(root);
    assert!(
        started.elapsed().as_secs() < 20,
        "no read blocks or runs long"
    );
    let other = elsewhere.path().join("other.py").canonicalize().unwrap();
    let lines = diagnostic_lines(&stats);
    assert_eq!(
        lines,
        [
            "pkg/everything:0: a link to /, outside the repository; not followed".to_string(),
            "pkg/fifo.py:0: not a regular file; skipped".to_string(),
            format!(
                "pkg/other.py:0: a link to {}, outside the repository; not followed",
                other.display()
            ),
            "pkg/proc:0: a link to /proc, outside the repository; not followed".to_string(),
            "pkg/sparse.py:0: file is 2147.5 MB, above the 16 MB limit; skipped".to_string(),
            "pkg/x.y.py:0: `x.y.py` cannot be imported (a module name has no dots); skipped"
                .to_string(),
            "pkg/zero.py:0: a link to /dev/zero, outside the repository; not followed".to_string(),
        ]
    );
    // A link inside the repository is a file of it; the rest still resolves.
    assert_eq!(stats["files"], 4, "{stats:#}");
    assert_eq!(stats["resolution"]["definition"], 2);
}

#[cfg(unix)]
#[test]
fn odd_file_names_keep_their_findings_on_cached_runs_and_are_fixed_in_place() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pkg/__init__.py", b"from pkg.core import X\n");
    write(root, "pkg/core.py", b"X = 1\n");
    write(
        root,
        "queries/x.toml",
        b"[[rule]]\nid = \"x\"\nkind = \"canonical\"\nsymbol = \"pkg.core.X\"\n",
    );
    let user = b"from pkg import X\n";
    write(root, "pkg/back\\slash.py", user);
    write(root, "pkg/new\nline.py", user);
    let invalid = root.join(std::ffi::OsStr::from_bytes(b"pkg/bad\xff.py"));
    std::fs::write(&invalid, user).unwrap();
    let shown = |output: &str| -> Vec<String> {
        output
            .lines()
            .filter(|l| l.contains(": x "))
            .map(|l| l.split(": x ").next().unwrap().to_string())
            .collect()
    };
    let expected = [
        "pkg/back\\slash.py:1:1",
        "pkg/bad\\xff.py:1:1",
        "pkg/new\\nline.py:1:1",
    ];
    // Printed escaped, one line each; the same on a cached run as on the first.
    for _ in 0..3 {
        let check = common::run(root, &["check"]);
        assert_eq!(shown(&check.stdout), expected, "{}", check.stdout);
    }
    common::ok(root, &["fix"]);
    let fixed = b"from pkg.core import X\n";
    assert_eq!(std::fs::read(&invalid).unwrap(), fixed, "fixed in place");
    assert_eq!(
        std::fs::read(root.join("pkg/back\\slash.py")).unwrap(),
        fixed
    );
    assert_eq!(std::fs::read(root.join("pkg/new\nline.py")).unwrap(), fixed);
    assert_eq!(
        std::fs::read_dir(root.join("pkg")).unwrap().count(),
        5,
        "no file added"
    );
    let sarif = common::run(root, &["check", "--format", "sarif", "--no-cache"]);
    assert_eq!(sarif.code, 0, "nothing left: {}", sarif.stdout);
}

//! Architecture contracts — layers, independence, forbidden, protected — carried over
//! from import-linter by `init --from import-linter` and enforced by `check`.
//! `scripts/contracts_e2e.sh` checks the same fixture against the real `lint-imports`.

mod common;

use common::{copy_dir, fixture, git, run, run_from, write_file};

fn adopted() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("contracts"), dir.path());
    let output = run(dir.path(), &["init", "--from", "import-linter"]);
    assert_eq!(output.code, 0, "{}{}", output.stdout, output.stderr);
    assert_eq!(
        output.stdout,
        "wrote queries/import-linter.toml\n5 of 5 contracts carried over from .importlinter\n"
    );
    dir
}

#[test]
fn import_linter_contracts_become_rules_each_named_after_its_contract() {
    let dir = adopted();
    let rules = std::fs::read_to_string(dir.path().join("queries/import-linter.toml")).unwrap();
    insta::assert_snapshot!(rules);
}

#[test]
fn a_broken_contract_lists_each_illegal_dependency_with_its_chain() {
    let dir = adopted();
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.code, 1);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn a_layer_that_names_no_module_is_an_error_with_the_nearest_one() {
    let dir = adopted();
    let rules = dir.path().join("queries/import-linter.toml");
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(
        &rules,
        text.replace("\"shop.services\"", "\"shop.service\""),
    )
    .unwrap();
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/queries/import-linter.toml:7: rule `layers`: layer `shop.service` matches \
         no module of the repository; did you mean `shop.services`?\n"
    );
}

#[test]
fn an_ignored_import_that_matches_nothing_is_an_error_or_a_warning_as_the_contract_says() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("contracts"), dir.path());
    let rule = "[[rule]]\nid = \"plugins\"\nkind = \"independence\"\n\
                modules = [\"shop.plugins.a\", \"shop.plugins.b\"]\n\
                ignore = [\"shop.plugins.a.core -> shop.nothing\"]\n";
    write_file(dir.path(), "queries/rules.toml", rule);
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.ends_with(
            "queries/rules.toml:2: rule `plugins`: ignore `shop.plugins.a.core -> shop.nothing` \
             matches no import\n"
        ),
        "{}",
        output.stderr
    );
    let warned = format!("{rule}unmatched-ignores = \"warning\"\n");
    write_file(dir.path(), "queries/rules.toml", &warned);
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.code, 1);
    assert!(
        output.stderr.contains("matches no import"),
        "{}",
        output.stderr
    );
}

#[test]
fn an_exhaustive_contract_names_each_child_of_a_container_that_is_in_no_layer() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("contracts"), dir.path());
    write_file(
        dir.path(),
        "queries/rules.toml",
        "[[rule]]\nid = \"shop-layers\"\nkind = \"layers\"\ncontainers = [\"shop\"]\n\
         layers = [\"api\", \"services | plugins\", \"db\"]\nexhaustive = true\n\
         exhaustive-ignores = [\"legacy\"]\n",
    );
    let output = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(output.code, 1);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn contracts_kept_say_so() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("contracts"), dir.path());
    write_file(
        dir.path(),
        "queries/rules.toml",
        "[[rule]]\nid = \"api-on-top\"\nkind = \"layers\"\nlayers = [\"shop.api\", \"shop.util\"]\n\
         ignore = [\"shop.util.formatting -> shop.api.views\"]\n",
    );
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.code, 0, "{}", output.stdout);
    assert!(
        output.stdout.ends_with("Contracts: 1 kept, 0 broken.\n"),
        "{}",
        output.stdout
    );
}

/// tach's modules carried over: an import outside a module's depends-on, a deprecated
/// dependency (a warning), a `# tach-ignore`d import, a name outside an interface.
#[test]
fn tach_modules_become_one_rule_judging_each_import_between_declared_modules() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("contracts"), dir.path());
    write_file(
        dir.path(),
        "tach.toml",
        "layers = [\"web\", \"core\"]\n\n\
         [[modules]]\npath = \"shop.api\"\ndepends_on = [\"shop.services\"]\nlayer = \"web\"\n\n\
         [[modules]]\npath = \"shop.services\"\ndepends_on = [{ path = \"shop.db\", deprecated = true }]\nlayer = \"core\"\n\n\
         [[modules]]\npath = \"shop.db\"\ndepends_on = []\nlayer = \"core\"\n\n\
         [[modules]]\npath = \"shop.util\"\ndepends_on = []\n\n\
         [[modules]]\npath = \"shop.plugins.*\"\ndepends_on = []\n\n\
         [[interfaces]]\nexpose = [\"place_order\"]\nfrom = [\"shop.services\"]\n",
    );
    write_file(
        dir.path(),
        "shop/plugins/b/legacy.py",
        "from shop.plugins.a import core  # tach-ignore\n",
    );
    let output = run(dir.path(), &["init", "--from", "tach"]);
    assert_eq!(
        output.stdout,
        "wrote queries/tach.toml\ncarried over from tach.toml\ntach.toml: ssot-graph is stricter: \
         it judges every import the code makes (function-level ones included), resolved to \
         where it leads\n"
    );
    std::fs::remove_file(dir.path().join(".importlinter")).unwrap();
    let output = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(output.code, 1);
    insta::assert_snapshot!(output.stdout);
}

/// An interface without `expose` is the package's `__all__`: a public name that aliases
/// a private definition is the way in; the same object through the private module is
/// the finding, which names the public path.
#[test]
fn an_interface_judges_what_an_import_binds_and_names_the_public_path() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("contracts"), dir.path());
    std::fs::remove_file(dir.path().join(".importlinter")).unwrap();
    write_file(
        dir.path(),
        "shop/services/__init__.py",
        "from shop.services.orders import place_order\n\n__all__ = [\"place_order\"]\n",
    );
    write_file(
        dir.path(),
        "shop/api/public.py",
        "from shop.services import place_order\n",
    );
    write_file(
        dir.path(),
        "queries/rules.toml",
        "[[rule]]\nid = \"services-api\"\nkind = \"interface\"\nmodules = [\"shop.services\"]\n",
    );
    let output = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(output.code, 1);
    insta::assert_snapshot!(output.stdout);
}

/// A container glob names each package it matches; a missing layer is an error unless
/// it is optional, `(name)`.
#[test]
fn a_container_glob_checks_each_package_it_matches() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("contracts"), dir.path());
    let rule = |layers: &str| {
        format!(
            "[[rule]]\nid = \"plugin-layers\"\nkind = \"layers\"\n\
             containers = [\"shop.plugins.*\"]\nlayers = [{layers}]\n"
        )
    };
    write_file(
        dir.path(),
        "queries/rules.toml",
        &rule("\"legacy\", \"core\""),
    );
    let output = run(dir.path(), &["check"]);
    assert_eq!(
        (output.code, output.stderr.as_str()),
        (
            2,
            "error: [ROOT]/queries/rules.toml:2: rule `plugin-layers`: layer \
             `shop.plugins.a.legacy` matches no module of the repository; did you mean \
             `shop.plugins.b.legacy`?\n"
        )
    );
    write_file(
        dir.path(),
        "queries/rules.toml",
        &rule("\"(legacy)\", \"core\""),
    );
    write_file(
        dir.path(),
        "shop/plugins/b/core.py",
        "from shop.plugins.b import legacy\n",
    );
    let output = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(output.code, 1);
    assert!(
        output.stdout.starts_with(
            "shop/plugins/b/core.py:1:1: plugin-layers `shop.plugins.b.core` must not import \
             `shop.plugins.b.legacy`"
        ),
        "{}",
        output.stdout
    );
}

/// A user's mistakes with `init --from`: a folder for the file, a file that is not there,
/// a configuration with nothing in it — one line each, nothing written.
#[test]
fn init_from_names_the_file_and_the_reason_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("cfg")).unwrap();
    write_file(dir.path(), "tach.toml", "modules = 3\n");
    write_file(
        dir.path(),
        ".importlinter",
        "[importlinter]\nroot_packages =\n    app\n",
    );
    for (args, error) in [
        (
            vec!["init", "--from", "import-linter", "cfg"],
            "error: [ROOT]/cfg: is a folder, not import-linter's configuration file\n",
        ),
        (
            vec!["init", "--from", "tach", "missing.toml"],
            "error: [ROOT]/missing.toml: no such file\n",
        ),
        (
            vec!["init", "--from", "tach"],
            "error: [ROOT]/tach.toml: no [[modules]]: nothing to carry over\n",
        ),
        (
            vec!["init", "--from", "import-linter"],
            "error: [ROOT]/.importlinter: no contracts: nothing to carry over\n",
        ),
    ] {
        let output = run(dir.path(), &args);
        assert_eq!(
            (output.code, output.stderr.as_str()),
            (2, error),
            "{args:?}"
        );
    }
    assert!(!dir.path().join("queries").exists());
}

/// tach's closed layers, a domain file's modules and interface, and `exact`: the
/// converted rule reports what `tach check` reports (scripts/contracts_e2e.sh compares
/// them with the real tach).
#[test]
fn tach_closed_layers_domain_files_and_exact_carry_over() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("tach"), dir.path());
    let output = run(dir.path(), &["init", "--from", "tach"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let rules = std::fs::read_to_string(dir.path().join("queries/tach.toml")).unwrap();
    insta::assert_snapshot!("tach_rules", rules);
    let output = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(output.code, 1);
    insta::assert_snapshot!("tach_findings", output.stdout);
    // A check of some files does not know what the rest imports: no unused dependency.
    let output = run(
        dir.path(),
        &["check", "--format", "concise", "src/app/ui/views.py"],
    );
    assert!(!output.stdout.contains("(exact)"), "{}", output.stdout);
}

#[test]
fn a_cycle_among_declared_dependencies_is_a_finding_when_forbidden() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "app/__init__.py", "");
    for module in ["a", "b", "c"] {
        write_file(dir.path(), &format!("app/{module}.py"), "");
    }
    write_file(
        dir.path(),
        "queries/modules.toml",
        "[[rule]]\nid = \"mods\"\nkind = \"modules\"\nforbid-circular-dependencies = true\n\
         closed-layers = [\"x\"]\nlayers = [\"x\"]\n\
         modules = [\n  { path = \"app.a\", depends-on = [\"app.b\"] },\n  \
         { path = \"app.b\", depends-on = [\"app.a\"] },\n  { path = \"app.c\", depends-on = [\"app.a\"] },\n]\n",
    );
    let output = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(
        output.stdout,
        "queries/modules.toml:2:1: mods the declared dependencies of `app.a`, `app.b` form a cycle \
         (forbid-circular-dependencies)\nFound 1 error and 0 warnings.\n"
    );
    write_file(
        dir.path(),
        "queries/modules.toml",
        "[[rule]]\nid = \"mods\"\nkind = \"modules\"\nclosed-layers = [\"y\"]\nlayers = [\"x\"]\n\
         modules = [{ path = \"app.a\" }]\n",
    );
    let output = run(dir.path(), &["check"]);
    assert_eq!(
        (output.code, output.stderr.as_str()),
        (
            2,
            "error: [ROOT]/queries/modules.toml:2: rule `mods`: closed layer `y` is not one of `layers`\n"
        )
    );
}

/// tach's `check-external`: each package's third-party imports against what its nearest
/// manifest declares (`yaml` is PyYAML through the environment's metadata), an unused
/// declaration at its line; optional dependencies are not declared ones; `typing_extensions`
/// is never undeclared, but an import of it uses its declaration.
#[test]
fn external_imports_are_judged_against_each_packages_declared_dependencies() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(
        root,
        "svc/pyproject.toml",
        "[project]\nname = \"svc\"\ndependencies = [\n  \"requests>=2\",\n  \"PyYAML\",\n  \"unused-thing\",\n  \"typing-extensions\",\n]\n\n\
         [project.optional-dependencies]\ndev = [\"pytest\"]\n",
    );
    write_file(root, "svc/svc/__init__.py", "");
    write_file(
        root,
        "svc/svc/main.py",
        "import os\nimport requests\nimport yaml\nimport attrs\nfrom svc import helper\n\
         import numpy  # tach-ignore\nimport pytest\nimport typing_extensions\n",
    );
    write_file(root, "svc/svc/helper.py", "");
    write_file(
        root,
        "tools/requirements.txt",
        "click==8.1  # the CLI\nrich\n",
    );
    write_file(root, "tools/cli.py", "import click\nimport six\n");
    write_file(root, ".venv/pyvenv.cfg", "");
    write_file(
        root,
        ".venv/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info/top_level.txt",
        "yaml\n",
    );
    write_file(
        root,
        "queries/deps.toml",
        "[[rule]]\nid = \"deps\"\nkind = \"external\"\nexclude = [\"rich\"]\n",
    );
    let output = run(root, &["check", "--format", "concise"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert_eq!(
        output.stdout,
        "svc/pyproject.toml:6:1: deps `unused-thing` is declared but no module of package `svc` imports it\n\
         svc/svc/main.py:4:8: deps `attrs` is imported but not declared in svc/pyproject.toml (package `svc`)\n\
         svc/svc/main.py:7:8: deps `pytest` is imported but not declared in svc/pyproject.toml (package `svc`)\n\
         tools/cli.py:2:8: deps `six` is imported but not declared in tools/requirements.txt (package `tools`)\n\
         Found 4 errors and 0 warnings.\n"
    );
    // A check of one file says nothing of what other files import.
    let output = run_from(
        Some(root),
        root,
        &["check", "--format", "concise", "tools/cli.py"],
    );
    assert_eq!(
        output.stdout,
        "tools/cli.py:2:8: deps `six` is imported but not declared in tools/requirements.txt (package `tools`)\n\
         Found 1 error and 0 warnings.\n"
    );
    // A rename that is not `module:distribution` is an error; an exclude naming nothing
    // imported or declared is a warning; a manifest that cannot be read is named.
    write_file(
        root,
        "queries/deps.toml",
        "[[rule]]\nid = \"deps\"\nkind = \"external\"\nrename = [\"bs4\"]\n",
    );
    let output = run(root, &["check"]);
    assert_eq!(
        (output.code, output.stderr.as_str()),
        (
            2,
            "error: [ROOT]/queries/deps.toml:2: rule `deps`: rename `bs4`: expected \
             `module:distribution` (`bs4:beautifulsoup4`)\n"
        )
    );
    write_file(
        root,
        "queries/deps.toml",
        "[[rule]]\nid = \"deps\"\nkind = \"external\"\nexclude = [\"rich\", \"sixx\"]\n",
    );
    write_file(root, "broken/pyproject.toml", "[project\n");
    write_file(root, "broken/b.py", "");
    let output = run(root, &["check", "--format", "concise"]);
    assert_eq!(
        output.stderr,
        "warning: [ROOT]/broken/pyproject.toml:1: unclosed table, expected `]`\n\
         warning: [ROOT]/queries/deps.toml:2: rule `deps`: exclude `sixx` names no import and no \
         declared dependency\n"
    );
    std::fs::remove_dir_all(root.join("broken")).unwrap();
    write_file(
        root,
        "queries/deps.toml",
        "[[rule]]\nid = \"deps\"\nkind = \"external\"\n",
    );
    // A rule that finds no declaration anywhere checks nothing: an error, not a pass.
    std::fs::remove_file(root.join("svc/pyproject.toml")).unwrap();
    std::fs::remove_file(root.join("tools/requirements.txt")).unwrap();
    let output = run(root, &["check"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/queries/deps.toml:2: rule `deps`: no pyproject.toml, setup.cfg or requirements.txt in the repository declares dependencies\n"
    );
}

/// A contract broken by a commit shows in `diff` and in `check --since`, apart from the
/// findings that were there before.
#[test]
fn a_contract_broken_since_a_commit_shows_in_diff_and_since() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(&fixture("tach"), root);
    git(root, &["init", "-q"]);
    assert_eq!(run(root, &["init", "--from", "tach"]).code, 0);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "base"]);
    let model = root.join("src/app/core/model.py");
    let text = std::fs::read_to_string(&model).unwrap();
    std::fs::write(&model, format!("{text}from app.ui import views\n")).unwrap();
    let diff = run(root, &["diff", "HEAD"]);
    assert!(
        diff.stdout.contains(
            "Findings:\n  + src/app/core/model.py:3:20 tach `app.core` must not import `app.ui`: \
             layer `core` is below layer `ui`\n"
        ),
        "{}",
        diff.stdout
    );
    let since = run(root, &["check", "--since", "HEAD", "--format", "concise"]);
    assert_eq!(
        since.stdout,
        "src/app/core/model.py:3:20: tach `app.core` must not import `app.ui`: layer `core` is \
         below layer `ui`\nFound 1 error and 0 warnings.\n"
    );
}

//! Constructs that decide what Python binds beyond plain imports: `lazy_loader` stubs and
//! literal `attach` calls, extension modules inside the repository. Each answer is the
//! whole `why` output; `cli.rs` checks the same fixture against the Python runtime.

mod common;

use std::path::Path;

use common::{fixture, ok, run};

/// `why TARGET` for each target, the outputs one after another.
fn why_each(root: &Path, targets: &[&str]) -> String {
    let mut all = String::new();
    for target in targets {
        all.push_str(&ok(root, &["why", target]));
        all.push_str("---\n");
    }
    all
}

#[test]
fn lazy_loader_stubs_and_attach_calls_resolve_to_what_python_binds_on_access() {
    let root = fixture("runtime");
    insta::assert_snapshot!(why_each(
        &root,
        &[
            "sci.Image",      // attach_stub: `from ._core.base import Image` in __init__.pyi
            "sci.gaussian",   // attach_stub: `from .filters import gaussian as gaussian`
            "sci.io.imread",  // attach(submod_attrs={"readers": ["imread", ...]})
            "sci.io.formats", // attach(submodules=["formats"])
        ]
    ));
    let typo = run(&root, &["why", "sci.gausian"]);
    assert_eq!(
        (typo.code, typo.stderr.as_str()),
        (
            2,
            "error: sci.gausian: `sci` does not bind `gausian`; did you mean `gaussian`?\n"
        )
    );
}

#[test]
fn names_of_an_extension_module_are_compiled_and_its_stub_says_which_exist() {
    let root = fixture("runtime");
    insta::assert_snapshot!(why_each(
        &root,
        &[
            "fast.escape",  // the .so wins over _speedups.py, as Python's finder does
            "fast.Parser",  // an extension module without a stub binds any name
            "fast._native", // the module itself
        ]
    ));
    let missing = run(&root, &["why", "fast._speedups.unescape"]);
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (
            2,
            "error: fast._speedups.unescape: compiled module `fast._speedups` does not bind \
             `unescape` (per its stub)\n"
        )
    );
}

#[test]
fn an_extension_module_beside_its_python_fallback_is_not_a_shadowing_warning() {
    let stats = ok(&fixture("runtime"), &["stats"]);
    assert!(stats.contains("diagnostics   0"), "{stats}");
    assert!(stats.contains(" 4 compiled,"), "{stats}");
}

#[test]
fn branches_decided_at_run_time_follow_import_flags_and_what_the_environment_holds() {
    let root = fixture("runtime");
    insta::assert_snapshot!(why_each(
        &root,
        &[
            "accel.flags.Engine", // `not TYPE_CHECKING and not HAVE_NATIVE`: the try's import fails
            "accel.flags.tool",   // `HAVE_HELPERS` set in the try's `else:`: its import resolves
            "accel.flags.Widget", // an environment variable: the branch whose imports resolve
            "accel.flags.json_tool", // False before the try, True in its else: json imports
            "accel.rows.Row", // a flag imported from the module whose try calls an importing function
            "accel.versions.runner", // py38 = sys.version_info[:2] >= (3, 8), imported
        ]
    ));
}

#[test]
fn a_vendored_six_moves_names_to_the_python_3_modules_its_tables_give() {
    let root = fixture("runtime");
    insta::assert_snapshot!(why_each(
        &root,
        &[
            "vendored.six.moves.filter", // MovedAttribute: builtins.filter
            "vendored.six.moves.queue",  // MovedModule without a new name
            "vendored.six.moves.collections_abc.Mapping", // a name of a moved module
            "vendored.six.moves.urllib.parse.urljoin", // the urllib tables
        ]
    ));
}

#[test]
fn a_module_that_puts_another_in_sys_modules_is_looked_up_in_that_one() {
    let root = fixture("runtime");
    let mut all = ok(&root, &["why", "swap.handler"]);
    // A name the module bound before it stepped aside is not what importers get.
    all.push_str("---\n");
    all.push_str(&ok(&root, &["why", "swap.LEFT_BEHIND"]));
    insta::assert_snapshot!(all);
}

#[test]
fn smaller_constructs_resolve_as_python_binds_them() {
    let root = fixture("runtime");
    insta::assert_snapshot!(why_each(
        &root,
        &[
            "circ.helper",         // bound before a star import reaches back into the package
            "circ.api.helper",     // the module that reached back
            "carry.reexport.beta", // a star import carries submodules the package imported
            "wrap.Engine",         // X = export(Y), export returns its argument
            "wrap.Changed",        // X = transform(Y), it does not: a value defined here
            "members.area_of",     // area_of = Circle.area: the method in the class body
        ]
    ));
    let dynamic = run(&root, &["why", "dyn.half"]);
    assert_eq!(
        (dynamic.code, dynamic.stderr.as_str()),
        (
            2,
            "error: dyn.half: `dyn` binds names at run time through `globals()` (line 10); \
             which ones, only running it tells\n"
        )
    );
}

#[test]
fn names_bound_at_run_time_in_ways_the_code_spells_out_resolve_as_python_binds_them() {
    let root = fixture("runtime");
    insta::assert_snapshot!(why_each(
        &root,
        &[
            "dyn.floor",                  // globals().update over listed attributes of a module
            "exported.api.fetch",         // ... over dir() of an instance: its class's method
            "exported.api.inherited",     // ... or a base class's
            "exported.api.shadowed",      // the class's own before its base's
            "factory.models.Invoice",     // __getattr__ forwarding to an object making classes
            "factory.forward.Model",      // __getattr__ forwarding to a module
            "shimmed.named",              // sys.modules["shimmed.named"] = other, in shimmed.named
            "shimmed.pkg.handler",        // the same in a package: its names are the other's
            "vendored.six.moves.abc_mod", // a moves entry chosen by the interpreter version
        ]
    ));
}

#[test]
fn names_bound_when_an_assignment_runs_none_fallbacks_and_modules_put_in_sys_modules() {
    let root = fixture("runtime");
    insta::assert_snapshot!(why_each(
        &root,
        &[
            "late.build",          // build = make, then make = None: build keeps the function
            "late.optional.maker", // `X is None` after `except ImportError: X = None`: it imported
            "late.optional.fast",  // the same when the import fails: the fallback def
            "late.virtual.make",   // sys.modules["late.virtual"] = _impl_module
        ]
    ));
}

#[test]
fn a_try_of_imports_inside_a_branch_the_run_time_decides_binds_from_its_body() {
    // `if os.name:` is decided at run time; within it, the try's import binds `Widget`
    // (python3 agrees: `accel.nested.Widget is accel._pure.Engine`), not the handler's.
    let output = ok(&fixture("runtime"), &["why", "accel.nested.Widget"]);
    assert!(
        output.starts_with("accel.nested.Widget\n  is class Engine defined in accel._pure\n"),
        "{output}"
    );
}

#[test]
fn a_flag_read_from_an_unset_environment_variable_is_its_default() {
    // `DEBUG = os.getenv("ACCEL_DEBUG", "0").lower() in ("1", "true")`, then `if DEBUG:`:
    // python3 binds the `else` branch's `Widget` (unset, the default "0" decides).
    let output = ok(&fixture("runtime"), &["why", "accel.envflag.Widget"]);
    assert!(
        output.starts_with("accel.envflag.Widget\n  is class Widget defined in accel._pure\n"),
        "{output}"
    );
}

#[test]
fn a_flag_computed_from_environment_defaults_and_probes_is_decided_from_the_environment() {
    let root = fixture("runtime");
    insta::assert_snapshot!(why_each(
        &root,
        &[
            "probe.config.Parser",  // KIND: env default "auto", probe absent -> "python"
            "probe.codec.Parser",   // the same flag imported by another module
            "probe.codec.Encoder",  // a probe of a module the environment has
            "probe.ground.Parser",  // set by statements, probes taking the flag
            "probe.ground.Encoder", // importlib.util.find_spec(...) is not None
            "probe.ground_user.Encoder", // the statement-set flag imported elsewhere
        ]
    ));
}

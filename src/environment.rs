//! What the Python environment can import beyond the repository: the standard library of
//! the target version, and the packages of a virtual environment when one is known
//! (`$VIRTUAL_ENV`, else a `.venv` or `venv` folder at the root). An `if` only the run
//! time decides takes the branch whose imports this says resolve.

use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap, FxHashSet};

/// `sys.stdlib_module_names` of Python 3.11.
const STDLIB: &[&str] = &[
    "__future__",
    "_abc",
    "_aix_support",
    "_ast",
    "_asyncio",
    "_bisect",
    "_blake2",
    "_bootsubprocess",
    "_bz2",
    "_codecs",
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
    "_collections",
    "_collections_abc",
    "_compat_pickle",
    "_compression",
    "_contextvars",
    "_crypt",
    "_csv",
    "_ctypes",
    "_curses",
    "_curses_panel",
    "_datetime",
    "_dbm",
    "_decimal",
    "_elementtree",
    "_frozen_importlib",
    "_frozen_importlib_external",
    "_functools",
    "_gdbm",
    "_hashlib",
    "_heapq",
    "_imp",
    "_io",
    "_json",
    "_locale",
    "_lsprof",
    "_lzma",
    "_markupbase",
    "_md5",
    "_msi",
    "_multibytecodec",
    "_multiprocessing",
    "_opcode",
    "_operator",
    "_osx_support",
    "_overlapped",
    "_pickle",
    "_posixshmem",
    "_posixsubprocess",
    "_py_abc",
    "_pydecimal",
    "_pyio",
    "_queue",
    "_random",
    "_scproxy",
    "_sha1",
    "_sha256",
    "_sha3",
    "_sha512",
    "_signal",
    "_sitebuiltins",
    "_socket",
    "_sqlite3",
    "_sre",
    "_ssl",
    "_stat",
    "_statistics",
    "_string",
    "_strptime",
    "_struct",
    "_symtable",
    "_thread",
    "_threading_local",
    "_tkinter",
    "_tokenize",
    "_tracemalloc",
    "_typing",
    "_uuid",
    "_warnings",
    "_weakref",
    "_weakrefset",
    "_winapi",
    "_zoneinfo",
    "abc",
    "aifc",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

/// Standard-library modules removed in a later version, with that version.
const REMOVED: &[((u32, u32), &[&str])] = &[
    (
        (3, 12),
        &["asynchat", "asyncore", "distutils", "imp", "smtpd"],
    ),
    (
        (3, 13),
        &[
            "aifc",
            "audioop",
            "cgi",
            "cgitb",
            "chunk",
            "crypt",
            "imghdr",
            "lib2to3",
            "mailcap",
            "msilib",
            "nis",
            "nntplib",
            "ossaudiodev",
            "pipes",
            "sndhdr",
            "spwd",
            "sunau",
            "telnetlib",
            "uu",
            "xdrlib",
        ],
    ),
];

#[derive(Clone, Debug, Default)]
pub struct Environment {
    python_version: (u32, u32),
    /// The top-level names the environment's `site-packages` holds; `None` when no
    /// environment is known (then any module outside the standard library may exist).
    packages: Option<FxHashSet<String>>,
    /// Where the packages were read from.
    pub location: Option<PathBuf>,
}

impl Environment {
    /// The environment of a repository at `root`, for a target Python version.
    pub fn detect(root: &Path, python_version: (u32, u32)) -> Environment {
        let from_variable = std::env::var_os("VIRTUAL_ENV").map(PathBuf::from);
        let candidates = from_variable
            .into_iter()
            .chain([root.join(".venv"), root.join("venv")]);
        for location in candidates {
            if let Some(packages) = site_packages(&location) {
                return Environment {
                    python_version,
                    packages: Some(packages),
                    location: Some(location),
                };
            }
        }
        Environment {
            python_version,
            packages: None,
            location: None,
        }
    }

    /// Whether `import module` can succeed outside the repository (as far as is known).
    pub fn may_import(&self, module: &str) -> bool {
        let top = module.split('.').next().unwrap_or(module);
        if self.in_stdlib(top) {
            return true;
        }
        match &self.packages {
            Some(packages) => packages.contains(top),
            None => true,
        }
    }

    /// A fingerprint of what the environment decides: the target version and the
    /// packages it holds.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = rustc_hash::FxHasher::default();
        self.python_version.hash(&mut hasher);
        if let Some(packages) = &self.packages {
            let mut names: Vec<&String> = packages.iter().collect();
            names.sort_unstable();
            names.hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Whether `top` is a top-level module of the standard library of the target version.
    pub fn in_stdlib(&self, top: &str) -> bool {
        STDLIB.binary_search(&top).is_ok()
            && !REMOVED
                .iter()
                .any(|(since, names)| self.python_version >= *since && names.contains(&top))
    }
}

/// A virtual environment's `site-packages` folders (`lib/pythonX.Y/site-packages`, or
/// Windows' `Lib/site-packages`).
fn site_folders(environment: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(environment.join("lib"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("site-packages"))
        .collect();
    folders.push(environment.join("Lib").join("site-packages"));
    folders
}

/// The distributions installed in the environment at `location`, by the top-level
/// names they install (`yaml` → `pyyaml`), from each `*.dist-info`'s `top_level.txt`,
/// else its `RECORD`; names as `dependencies::key` writes them.
pub fn distributions(location: &Path) -> FxHashMap<String, FxHashSet<String>> {
    let mut by_import: FxHashMap<String, FxHashSet<String>> = FxHashMap::default();
    for folder in site_folders(location) {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".dist-info") else {
                continue;
            };
            let distribution = crate::dependencies::key(stem.split('-').next().unwrap_or(stem));
            // Regular files of bounded size only: a FIFO or a link to /dev/zero in a
            // repository's `.venv` must not hang the run.
            let read = |file: &str| crate::read::optional_text(&entry.path().join(file));
            let tops: FxHashSet<String> = match read("top_level.txt") {
                Some(text) => text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
                None => read("RECORD")
                    .unwrap_or_default()
                    .lines()
                    .filter_map(|line| line.split(',').next()?.split('/').next())
                    .filter(|top| {
                        !top.ends_with(".dist-info")
                            && !top.starts_with("..")
                            && *top != "__pycache__"
                    })
                    .map(|top| top.strip_suffix(".py").unwrap_or(top).to_string())
                    .filter(|top| !top.contains('.'))
                    .collect(),
            };
            for top in tops {
                by_import
                    .entry(top)
                    .or_default()
                    .insert(distribution.clone());
            }
        }
    }
    by_import
}

/// The importable top-level names of a virtual environment's `site-packages` folders.
fn site_packages(environment: &Path) -> Option<FxHashSet<String>> {
    if !environment.join("pyvenv.cfg").is_file() {
        return None;
    }
    let mut folders = site_folders(environment);
    let mut names = FxHashSet::default();
    let mut found = false;
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        found = true;
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".pth") {
                // Editable installs add folders through `.pth` lines.
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    folders.extend(
                        text.lines()
                            .filter(|line| !line.starts_with("import ") && !line.is_empty())
                            .map(PathBuf::from)
                            .filter(|path| path.is_dir() && path != &folder),
                    );
                }
                continue;
            }
            let stem = name.split('.').next().unwrap_or_default();
            let importable = !stem.is_empty()
                && !name.ends_with(".dist-info")
                && !name.ends_with(".egg-info")
                && (!name.contains('.')
                    || name.ends_with(".py")
                    || name.ends_with(".so")
                    || name.ends_with(".pyd"));
            if importable {
                names.insert(stem.to_string());
            }
        }
    }
    found.then_some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_library_list_is_sorted_for_binary_search() {
        assert!(STDLIB.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn a_virtual_environment_lists_its_packages_and_the_stdlib_follows_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join(".venv/lib/python3.11/site-packages");
        std::fs::create_dir_all(site.join("numpy")).unwrap();
        std::fs::create_dir_all(site.join("numpy-2.0.dist-info")).unwrap();
        std::fs::write(site.join("six.py"), "").unwrap();
        std::fs::write(
            site.join("_cffi_backend.cpython-311-x86_64-linux-gnu.so"),
            "",
        )
        .unwrap();
        std::fs::write(dir.path().join(".venv/pyvenv.cfg"), "home = /usr/bin\n").unwrap();
        let environment = Environment {
            python_version: (3, 12),
            packages: site_packages(&dir.path().join(".venv")),
            location: None,
        };
        for module in ["numpy.linalg", "six", "_cffi_backend", "os.path", "json"] {
            assert!(environment.may_import(module), "{module}");
        }
        for module in ["pytest", "numpy-2", "distutils"] {
            assert!(!environment.may_import(module), "{module}");
        }
    }
}

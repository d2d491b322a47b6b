"""ssot-graph: the binary is installed as a script; `find_ssot_graph_bin` finds it."""

import os
import sys
import sysconfig


def find_ssot_graph_bin() -> str:
    """The path of the `ssot-graph` binary this package installed."""
    exe = "ssot-graph" + (sysconfig.get_config_var("EXE") or "")
    candidates = [os.path.join(sysconfig.get_path("scripts"), exe)]
    if sys.version_info >= (3, 10):
        user = sysconfig.get_preferred_scheme("user")
        candidates.append(os.path.join(sysconfig.get_path("scripts", scheme=user), exe))
    # pip's --target installs put the scripts beside the package.
    candidates.append(os.path.join(os.path.dirname(os.path.dirname(__file__)), "bin", exe))
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        f"ssot-graph: the binary is not where pip puts it (looked in {', '.join(candidates)})"
    )

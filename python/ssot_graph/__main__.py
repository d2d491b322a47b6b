"""`python -m ssot_graph ARGS`: runs the installed binary with ARGS."""

import os
import sys

from ssot_graph import find_ssot_graph_bin


def main() -> int:
    binary = find_ssot_graph_bin()
    if sys.platform == "win32":
        import subprocess

        return subprocess.run([binary, *sys.argv[1:]], check=False).returncode
    os.execv(binary, [binary, *sys.argv[1:]])
    return 0  # not reached: execv replaces the process


if __name__ == "__main__":
    sys.exit(main())

"""A real project's history as a git repository: successive released versions of a
PyPI package, one commit each, dated by the release.

    python3 bench/history_repo.py PACKAGE LAST_VERSION COUNT OUT

Takes the COUNT final releases (no pre-releases) up to and including LAST_VERSION from
PyPI's simple index, downloads each sdist into bench/corpus/sdists/ (kept for the next
run), and commits its files into the git repository OUT, oldest first, with the
release's upload date as author and committer date. Only the Python files and the
packaging metadata are committed (what ssot-graph reads). A release changes far more files
than a commit does, so this history is harder on `report --history` than the project's
own commits would be.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request


def releases(package):
    request = urllib.request.Request(
        f"https://pypi.org/simple/{package}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request) as response:
        index = json.load(response)
    found = {}
    for file in index["files"]:
        name = file["filename"]
        # Final releases only: every part of the version a number.
        match = re.fullmatch(rf"{package}-(\d+(?:\.\d+)*)\.tar\.gz", name)
        if match and not file.get("yanked"):
            found[version_of(match.group(1))] = (file["url"], file.get("upload-time", ""))
    return found


def version_of(text):
    return tuple(int(part) for part in text.split("."))


def name_of(version):
    return ".".join(map(str, version))


def main():
    package, last, count, out = sys.argv[1], version_of(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    found = releases(package)
    chosen = sorted(v for v in found if v <= last)[-count:]
    sdists = os.path.join(os.path.dirname(__file__), "corpus", "sdists")
    os.makedirs(sdists, exist_ok=True)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="release",
        GIT_AUTHOR_EMAIL="release@example.com",
        GIT_COMMITTER_NAME="release",
        GIT_COMMITTER_EMAIL="release@example.com",
        GIT_CONFIG_GLOBAL="/dev/null",
    )
    subprocess.run(["git", "init", "-q", "-b", "main", out], check=True)
    for number, version in enumerate(chosen, 1):
        url, uploaded = found[version]
        archive = os.path.join(sdists, f"{package}-{name_of(version)}.tar.gz")
        if not os.path.exists(archive):
            urllib.request.urlretrieve(url, archive + ".part")
            os.replace(archive + ".part", archive)
        for entry in os.listdir(out):
            if entry != ".git":
                path = os.path.join(out, entry)
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        subprocess.run(
            ["tar", "-xzf", archive, "-C", out, "--strip-components=1", "--no-same-owner",
             "--wildcards", "*.py", "*.pyi", "*/pyproject.toml", "*/setup.cfg"],
            stderr=subprocess.DEVNULL,  # a pattern no file matches is not an error here
        )
        date = uploaded or "2000-01-01T00:00:00"
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        subprocess.run(["git", "-C", out, "add", "-A"], check=True, env=env)
        subprocess.run(
            ["git", "-C", out, "commit", "-q", "--allow-empty", "-m", f"{package} {name_of(version)}"],
            check=True,
            env=env,
        )
        print(f"{number}/{len(chosen)} {name_of(version)}", flush=True)


if __name__ == "__main__":
    main()

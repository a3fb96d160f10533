"""Removes what a Lambda never runs from an installed site-packages folder:
test suites, C/Cython sources and headers, type stubs and console scripts.

Kept on purpose: compiled .pyc files (they spare the read-only /var/task a
compile at every cold start), vendored shared libraries (*.libs folders) and
dist-info metadata (importlib.metadata reads it).

    python prune_site_packages.py SITE_PACKAGES
"""

import os
import shutil
import sys

TEST_DIRS = {"tests", "test"}
DEAD_SUFFIXES = (".pyx", ".pxd", ".pxi", ".c", ".cc", ".cpp", ".h", ".hpp", ".pyi", ".f", ".f90")
# Headers for building extensions against numpy; nothing imports them.
DEAD_PATHS = ("numpy/_core/include", "numpy/_core/lib/pkgconfig", "bin")


def tree_size(path: str) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            if not os.path.islink(full):
                total += os.path.getsize(full)
    return total


def prune(site: str) -> int:
    """Deletes dead weight under `site`; returns the bytes freed."""
    before = tree_size(site)
    for rel in DEAD_PATHS:
        target = os.path.join(site, rel)
        if os.path.isdir(target):
            shutil.rmtree(target)
    for root, dirs, files in os.walk(site, topdown=True):
        # Top-level names are packages; only test folders inside a package are suites.
        if root != site:
            for d in [d for d in dirs if d in TEST_DIRS]:
                shutil.rmtree(os.path.join(root, d))
                dirs.remove(d)
        for name in files:
            if name.endswith(DEAD_SUFFIXES):
                os.unlink(os.path.join(root, name))
    return before - tree_size(site)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or not os.path.isdir(argv[0]):
        sys.exit("usage: prune_site_packages.py SITE_PACKAGES_DIR")
    freed = prune(argv[0])
    print(f"pruned {freed} bytes from {argv[0]}; {tree_size(argv[0])} bytes remain")


if __name__ == "__main__":
    main()

"""Removes what a Lambda never runs from an installed site-packages folder:
test suites, C/Cython sources and headers, type stubs and console scripts,
and, for the ONNX runtime, onnxruntime's tooling and its C API library.

Kept on purpose: compiled .pyc files (they spare the read-only /var/task a
compile at every cold start), vendored shared libraries (*.libs folders) and
dist-info metadata (importlib.metadata reads it).

    python prune_site_packages.py [--runtime onnx|sklearn|text] SITE_PACKAGES

The Dockerfile runs this on the image's packages and the bench on the same
wheels, so the payload it reports is the image's.
"""

import argparse
import glob
import os
import shutil

TEST_DIRS = {"tests", "test"}
DEAD_SUFFIXES = (".pyx", ".pxd", ".pxi", ".c", ".cc", ".cpp", ".h", ".hpp", ".pyi", ".f", ".f90")
# Headers for building extensions against numpy; nothing imports them.
DEAD_PATHS = ("numpy/_core/include", "numpy/_core/lib/pkgconfig", "bin")
# What inference with onnxruntime never loads: model tooling (quantization, transformer
# optimisation, converters), sample data, the ONNX backend API, and libonnxruntime.so,
# the C API library (the Python module links the runtime statically and does not load it).
RUNTIME_DEAD_PATHS = {
    "onnx": (
        "onnxruntime/tools",
        "onnxruntime/transformers",
        "onnxruntime/quantization",
        "onnxruntime/datasets",
        "onnxruntime/backend",
        "onnxruntime/capi/libonnxruntime.so*",
    ),
    "sklearn": (),
    # The text stage: onnxruntime-extensions without onnx loads its operator library only; its converters and
    # pre/post-processing builders (which need onnx and torch) never run in the function.
    "text": (
        "onnxruntime_extensions/tools",
        "onnxruntime_extensions/pnp",
        "onnxruntime_extensions/onnxprocess",
    ),
}


def tree_size(path: str) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            if not os.path.islink(full):
                total += os.path.getsize(full)
    return total


def prune(site: str, runtime: str | None = None) -> int:
    """Deletes dead weight under `site`; returns the bytes freed."""
    before = tree_size(site)
    for pattern in (*DEAD_PATHS, *RUNTIME_DEAD_PATHS.get(runtime or "", ())):
        for target in glob.glob(os.path.join(site, pattern)):
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            else:
                os.unlink(target)
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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runtime", choices=sorted(RUNTIME_DEAD_PATHS), help="also remove that runtime's dead weight")
    parser.add_argument("site", help="the site-packages folder to prune")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.site):
        parser.error(f"{args.site} is not a directory")
    freed = prune(args.site, args.runtime)
    print(f"pruned {freed} bytes from {args.site}; {tree_size(args.site)} bytes remain")


if __name__ == "__main__":
    main()

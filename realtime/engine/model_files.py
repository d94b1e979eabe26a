"""Model files that ship inside PyPI wheels: found without importing their package, and
checked against the SHA-256 sums their upstream publishes before anything loads them."""

import hashlib
import importlib.util
from collections.abc import Mapping
from pathlib import Path


class ModelFilesError(RuntimeError):
    """A model's wheel is missing, or its files are not upstream's."""


def package_dir(package: str, subdirectory: str, install_hint: str) -> Path:
    """`subdirectory` of installed `package`, located by its import spec only."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFilesError(f"{package} is not installed ({install_hint})")
    return Path(next(iter(spec.submodule_search_locations))) / subdirectory


def verify(directory: Path, sums: Mapping[str, str], upstream: str) -> None:
    """Refuse files whose SHA-256 differs from `sums` (upstream's, named `upstream`)."""
    for name, expected in sums.items():
        digest = hashlib.sha256()
        try:
            with open(directory / name, "rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise ModelFilesError(f"{name}: {exc}") from exc
        if digest.hexdigest() != expected:
            raise ModelFilesError(f"{name} is not {upstream}")

"""The core installs with torch and NumPy alone; every other dependency is an extra.

``pip install eyememory`` gives the layers, the models and ``fit``; scikit-learn (the
digits), matplotlib (the figures) and tqdm (the progress bar) come with the extras
``data``, ``plot`` and ``progress`` (or ``all``), are imported only when a feature needs
them, and a missing one is named in the error. The tests run the package in a fresh
interpreter in which those packages cannot be imported, as on a core-only install.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest

from eyememory._optional import EXTRAS
from tests.docs_harness import ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

OPTIONAL = ("sklearn", "scipy", "matplotlib", "tqdm", "pandas")

# Makes the optional packages unimportable, as if they were not installed.
# A None in sys.modules is how Python marks a package as unimportable: ``import sklearn``
# then fails as if it were not installed, and ``importlib.util.find_spec`` finds nothing.
WITHOUT_EXTRAS = textwrap.dedent(
    f"""
    import sys

    OPTIONAL = {OPTIONAL!r}
    sys.modules.update(dict.fromkeys(OPTIONAL))
    """
)


def run_without_extras(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS + textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_core_works_without_any_extra() -> None:
    result = run_without_extras(
        """
        import torch
        import eyememory
        from eyememory import Eye, fit

        imported = [m for m in sys.modules if m.partition(".")[0] in OPTIONAL and sys.modules[m]]
        assert not imported, imported
        images, labels = torch.rand(32, 3, 12, 12), torch.randint(0, 2, (32,))
        eye = Eye(in_channels=3, num_classes=2, seed=0)
        history = fit(eye, images, labels, epochs=2, val=(images, labels))
        assert len(history.loss) == 2
        print("core ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert "core ok" in result.stdout


def test_a_missing_extra_is_named() -> None:
    """Each feature that needs an extra says which, with the line that installs it (the
    figures' own test, in test_plotting.py, covers ``import eyememory.plotting``)."""
    result = run_without_extras(
        """
        import eyememory
        from eyememory._optional import MissingExtraError

        for feature, call in (("data", eyememory.load_digits), ("data", eyememory.BagOfNgrams)):
            try:
                call()
            except MissingExtraError as error:
                assert f"pip install 'eyememory[{feature}]'" in str(error), error
            else:
                raise SystemExit(f"{call.__name__} ran without scikit-learn")
        print("named")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["named"]


def test_every_optional_import_goes_through_require_and_names_a_declared_extra() -> None:
    """No module of the package imports an optional package at import time; each ``require``
    names a package whose extra declares it."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    distribution = {"sklearn": "scikit-learn", "matplotlib": "matplotlib", "tqdm": "tqdm"}
    assert set(EXTRAS) == set(distribution)
    for module, extra in EXTRAS.items():
        assert any(r.startswith(distribution[module]) for r in extras[extra]), (module, extra)
        assert f"eyememory[{','.join(sorted(set(EXTRAS.values())))}]" in extras["all"][0]
    for path in (ROOT / "eyememory").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        top_level = re.findall(r"^(?:from|import) (\w+)", source, re.MULTILINE)
        assert not set(top_level) & set(OPTIONAL), path
        for required in re.findall(r'require\(\s*"([\w.]+)"', source):
            assert required.partition(".")[0] in EXTRAS, (path, required)

"""Refresh the site's committed figures, ``docs/assets/figures/*.svg``.

    python -m tools.figures              # every page that saves a figure
    python -m tools.figures eye.md       # just one

The pages draw their figures with ``eyememory.plotting.save_figure``. The test suite runs
them with figures sent to a temporary folder, so tests never rewrite committed files; this
runs the same pages through the same harness (pytest and Sybil) with the figures sent to
``docs/assets/figures`` instead. Run it after changing a figure or the code behind it.

Figures are written without a screen, so the pages run under matplotlib's Agg backend,
whatever ``MPLBACKEND`` the shell sets: no window opens, and no window system is needed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def pages_with_figures() -> list[Path]:
    """The pages that call ``save_figure``."""
    pages = sorted(DOCS.rglob("*.md"))
    return [page for page in pages if "save_figure(" in page.read_text(encoding="utf-8")]


def main(names: list[str]) -> int:
    pages = [DOCS / name for name in names] or pages_with_figures()
    env = {
        **os.environ,
        "EYEMEMORY_REFRESH_FIGURES": "1",
        "NO_MKDOCS_2_WARNING": "1",
        "MPLBACKEND": "Agg",  # files, not windows
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    result = subprocess.run([*command, *map(str, pages)], cwd=ROOT, env=env, check=False)
    if result.returncode == 0:
        for page in pages:
            print(f"refreshed the figures of {page.relative_to(ROOT)}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

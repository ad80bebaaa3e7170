"""Collect the site's code blocks and the package's docstring examples as tests (see tests/docs_harness.py)."""

import os

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

from tests.docs_harness import DOCS_SYBIL, PACKAGE_SYBIL  # noqa: E402

pytest_collect_file = (DOCS_SYBIL + PACKAGE_SYBIL).pytest()

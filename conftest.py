"""Collect the site's code blocks and the package's docstring examples as tests.

See tests/docs_harness.py.
"""

import os

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# Pages, docstrings and tests write figures to files, never to a screen: Agg, whatever the
# shell asks for. eyememory.plotting itself leaves the backend alone (tests/test_plotting.py).
os.environ["MPLBACKEND"] = "Agg"
if os.environ.get("PYTEST_XDIST_WORKER"):
    # Two workers on two cores: one thread each, or torch's thread pools fight and stall.
    # Set before torch loads, so notebook kernels started from here inherit it too.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")

from tests.docs_harness import DOCS_SYBIL, PACKAGE_SYBIL  # noqa: E402

pytest_collect_file = (DOCS_SYBIL + PACKAGE_SYBIL).pytest()

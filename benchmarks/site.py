"""Measure the site as readers get it: build time, page weight and Lighthouse scores.

    python -m benchmarks.site                 # build, weigh every page, Lighthouse every chapter
    python -m benchmarks.site --no-lighthouse # skip Lighthouse (needs Node.js)

The site is served from 127.0.0.1 gzipped, with connections kept open, as GitHub Pages
serves it, and opened in Debian's Chromium. Page weight is what the browser transfers as a
page opens (HTML, CSS, JS, images), compressed; the search index, fetched on a reader's
first search, is weighed on its own. Lighthouse runs with its default mobile preset;
install it once with ``npm install --prefix .lighthouse lighthouse@12.2.3`` (version 12
runs on Node 20). Each page is measured three times (``--runs``) and the median run kept.
Results go to ``benchmarks/results/site.json``.

The site does not load Material's JavaScript bundle (``overrides/main.html``): its own small
script does what the pages need. To show what that is worth, the chapters are measured again,
in the same run, with Material's script put back (``with_material_script``), in two ways:

- ``with_material_script``: Material's bundle loaded as Material loads it, with the features
  the site used before switched back on (instant navigation and the palette component too);
- ``with_material_script_stock_best``: the same bundle with the best stock setting, instant
  navigation off and the palette component off (the two that restyle the whole page), so that
  the comparison is not with Material at its slowest.

``--stock-runs`` sets the Lighthouse runs per page of the second one (default: ``--runs``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "site.json"
CHAPTERS = ["", "introduction/", "eye/", "memory/", "choosing/", "performance/"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# The features the site used while Material's script ran it (mkdocs.yml before the change).
MATERIAL_FEATURES = [
    "navigation.instant",
    "navigation.tracking",
    "navigation.footer",
    "navigation.top",
    "navigation.indexes",
    "toc.follow",
    "search.suggest",
    "search.highlight",
    "content.tooltips",
]
SCRIPT_TAG = re.compile(
    r'<script src="(?P<root>[^"]*?)assets/javascripts/site\.js" defer></script>'
)
CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
TABLE_WRAPPER = re.compile(
    r'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
    r"(<table>.*?</table>)</div></div>",
    re.S,
)


# The third arm: Material's best stock setting, without the two features that restyle the page.
STOCK_BEST_FEATURES = [f for f in MATERIAL_FEATURES if f != "navigation.instant"]
# Lighthouse arms: results key, HTML variant (None: the site as built), what it is.
ARMS = {
    "lighthouse_mobile": "the site as built, with its own script",
    "lighthouse_mobile_with_material_script": "Material's bundle, with the site's former features",
    "lighthouse_mobile_with_material_script_stock_best": (
        "Material's bundle, instant navigation off and palette component off"
    ),
}


def with_material_script(
    site: Path, out: Path, features: list[str] | None = None, palette: bool = True
) -> Path:
    """A copy of the built site whose pages load Material's bundle, as Material does.

    Material's script is put before the site's own scripts (not deferred: Material's
    template loads it so), tables are left for it to wrap, ``features`` are switched on in
    the page's configuration (default: ``MATERIAL_FEATURES``), and with ``palette`` the colour
    toggle is handed to it.
    """
    features = MATERIAL_FEATURES if features is None else features
    shutil.copytree(site, out)
    bundle = next((out / "assets" / "javascripts").glob("bundle.*.min.js")).name
    for html in out.rglob("*.html"):
        text = html.read_text()
        if "site.js" not in text:
            continue
        text = SCRIPT_TAG.sub(
            lambda m: f'<script src="{m["root"]}assets/javascripts/{bundle}"></script>\n' + m[0],
            text,
            count=1,
        )
        if palette:
            form = '<form class="md-header__option">'
            text = text.replace(form, form[:-1] + ' data-md-component="palette">')
        text = TABLE_WRAPPER.sub(r"\1", text)

        def configure(match: re.Match) -> str:
            config = json.loads(match[2])
            config["features"] = features
            return match[1] + json.dumps(config) + match[3]

        text = CONFIG.sub(configure, text)
        html.write_text(text)
    return out


def build(out: Path) -> float:
    """Build the site strictly into ``out``; return the seconds it took."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - start


def pages(site: Path) -> list[str]:
    return sorted(
        "" if p.parent == site else p.parent.relative_to(site).as_posix() + "/"
        for p in site.rglob("index.html")
    )


def page_weights(site: Path, url: str) -> dict[str, dict[str, int]]:
    """Compressed bytes the browser transfers for each page, by resource type."""
    sys.path.insert(0, str(ROOT))
    from tests.browser import chromium

    weights = {}
    with chromium() as browser:
        for path in pages(site):
            context = browser.new_context()
            page = context.new_page()
            finished = []
            page.on("requestfinished", lambda request, finished=finished: finished.append(request))
            page.goto(url + path, wait_until="load")
            page.wait_for_timeout(800)  # anything a script fetches once the page has loaded
            by_type: dict[str, int] = {}
            for request in finished:
                sizes = request.sizes()
                by_type[request.resource_type] = (
                    by_type.get(request.resource_type, 0)
                    + sizes["responseBodySize"]
                    + sizes["responseHeadersSize"]
                )
            weights[path or "/"] = {"total": sum(by_type.values()), **dict(sorted(by_type.items()))}
            context.close()
    return weights


def search_index_bytes(site: Path) -> int:
    """The search index as the server sends it (gzipped), fetched on a reader's first search."""
    return len(
        gzip.compress(
            (site / "search" / "search_index.json").read_bytes(), compresslevel=9, mtime=0
        )
    )


def lighthouse_command() -> list[str] | None:
    local = ROOT / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
    if local.exists():
        return [str(local)]
    found = shutil.which("lighthouse")
    return [found] if found else None


def lighthouse(url: str, command: list[str]) -> dict[str, float]:
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                *command,
                url,
                "--quiet",
                f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--output=json",
                f"--output-path={report}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=True,
        )
        data = json.loads(report.read_text())
    scores = {name: data["categories"][name]["score"] for name in CATEGORIES}
    scores["total_blocking_time_ms"] = data["audits"]["total-blocking-time"]["numericValue"]
    scores["largest_contentful_paint_ms"] = data["audits"]["largest-contentful-paint"][
        "numericValue"
    ]
    scores["failed_audits"] = sorted(
        key
        for key, audit in data["audits"].items()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    )
    return scores


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (Lighthouse's own advice: scores vary
    from run to run, most on a busy machine), with how many runs it was chosen from."""
    ranked = sorted(runs, key=lambda run: run["performance"])
    return {**ranked[(len(ranked) - 1) // 2], "runs": len(runs)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument(
        "--runs", type=int, default=3, help="Lighthouse runs per page; the median run is kept"
    )
    parser.add_argument(
        "--stock-runs", type=int, help="runs per page with Material's best stock setting"
    )
    args = parser.parse_args()
    runs = dict.fromkeys(ARMS, args.runs)
    runs["lighthouse_mobile_with_material_script_stock_best"] = args.stock_runs or args.runs
    sys.path.insert(0, str(ROOT))
    from benchmarks import write_results
    from benchmarks._machine import describe
    from tests.browser import serve

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        seconds = build(site)
        print(f"mkdocs build --strict: {seconds:.1f} s")
        index_bytes = search_index_bytes(site)  # read now: the folder is gone after the run
        material = with_material_script(site, Path(tmp) / "material")
        stock = with_material_script(site, Path(tmp) / "stock", STOCK_BEST_FEATURES, palette=False)
        command = None if args.no_lighthouse else lighthouse_command()
        if command is None and not args.no_lighthouse:
            print("Lighthouse not found: npm install --prefix .lighthouse lighthouse@12.2.3")
        scores: dict[str, dict] = {name: {} for name in ARMS}
        with serve(site) as url, serve(material) as material_url, serve(stock) as stock_url:
            weights = page_weights(site, url)
            for path, weight in weights.items():
                print(f"{weight['total'] / 1024:7.1f} KiB  {path}")
            bases = dict(zip(ARMS, (url, material_url, stock_url), strict=True))
            # Alternate the versions page by page, so that a busy spell on the machine falls
            # on all alike.
            for path in CHAPTERS if command else []:
                for name, base in bases.items():
                    measured = [lighthouse(base + path, command) for _ in range(runs[name])]
                    scores[name][path or "/"] = median_run(measured)
                    kept = {k: scores[name][path or "/"][k] for k in CATEGORIES}
                    per_run = [r["performance"] for r in measured]
                    print(f"{name:50s} {path or '/':14s}", kept, "per run:", per_run, flush=True)
    results = {
        "machine": describe(torch_threads=False),
        "build_seconds": round(seconds, 2),
        "page_weight_bytes": weights,
        "search_index_bytes": index_bytes,
        "lighthouse_arms": {
            name: {"what": what, "runs_per_page": runs[name]} for name, what in ARMS.items()
        },
        **scores,
    }
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()

"""Measure the site as readers get it: build time, page weight and Lighthouse scores.

    python -m benchmarks.site                 # build, weigh every page, Lighthouse every chapter
    python -m benchmarks.site --no-lighthouse # skip Lighthouse (needs Node.js)

The site is served from 127.0.0.1 gzipped, as GitHub Pages serves it, and opened in Debian's
Chromium. Page weight is what the browser transfers for a page (HTML, CSS, JS, images, the
search index), compressed. Lighthouse runs with its default mobile preset; install it once
with ``npm install --prefix .lighthouse lighthouse@12.2.3`` (version 12 runs on Node 20).
Each page is measured three times (``--runs``) and the median run kept. Results go to
``benchmarks/results/site.json``.
"""

from __future__ import annotations

import argparse
import json
import os
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


def build(out: Path) -> float:
    """Build the site strictly into ``out``; return the seconds it took."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir", str(out)], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start


def pages(site: Path) -> list[str]:
    return sorted("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html"))


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
            page.on("requestfinished", lambda request: finished.append(request))
            page.goto(url + path, wait_until="load")
            page.wait_for_timeout(800)  # the search index loads just after
            by_type: dict[str, int] = {}
            for request in finished:
                sizes = request.sizes()
                by_type[request.resource_type] = by_type.get(request.resource_type, 0) + sizes["responseBodySize"] + sizes["responseHeadersSize"]
            weights[path or "/"] = {"total": sum(by_type.values()), **dict(sorted(by_type.items()))}
            context.close()
    return weights


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
            [*command, url, "--quiet", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
             f"--only-categories={','.join(CATEGORIES)}", "--output=json", f"--output-path={report}"],
            env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True,
        )
        data = json.loads(report.read_text())
    scores = {name: data["categories"][name]["score"] for name in CATEGORIES}
    scores["total_blocking_time_ms"] = data["audits"]["total-blocking-time"]["numericValue"]
    scores["largest_contentful_paint_ms"] = data["audits"]["largest-contentful-paint"]["numericValue"]
    scores["failed_audits"] = sorted(
        key for key, audit in data["audits"].items()
        if audit.get("score") is not None and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    )
    return scores


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (Lighthouse's own advice: scores vary
    from run to run, most on a busy machine), with how many runs it was chosen from."""
    ranked = sorted(runs, key=lambda run: run["performance"])
    return {**ranked[(len(ranked) - 1) // 2], "runs": len(runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the median run is kept")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks._machine import describe
    from tests.browser import serve

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        seconds = build(site)
        print(f"mkdocs build --strict: {seconds:.1f} s")
        with serve(site) as url:
            weights = page_weights(site, url)
            for path, weight in weights.items():
                print(f"{weight['total'] / 1024:7.1f} KiB  {path}")
            scores = {}
            command = None if args.no_lighthouse else lighthouse_command()
            if command is None and not args.no_lighthouse:
                print("Lighthouse not found: npm install --prefix .lighthouse lighthouse@12.2.3")
            for path in CHAPTERS if command else []:
                runs = [lighthouse(url + path, command) for _ in range(args.runs)]
                scores[path or "/"] = median_run(runs)
                print(path or "/", {k: scores[path or "/"][k] for k in CATEGORIES}, "performance per run:", [r["performance"] for r in runs])
    results = {
        "machine": describe(torch_threads=False),
        "build_seconds": round(seconds, 2),
        "page_weight_bytes": weights,
        "lighthouse_mobile": scores,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

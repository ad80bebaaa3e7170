"""How long an author waits, under ``mkdocs serve``, between saving a chapter and seeing it.

    python -m benchmarks.serve              # the README's serve command, and a full rebuild
    python -m benchmarks.serve --edits 5    # more edits per command (the median is kept)

The project's tracked files are copied to a temporary folder, so nothing here is edited.
For each command, ``mkdocs serve`` starts there on a free local port; once the first build
is served, the same chapter is edited ``--edits`` times (a new sentence appended to it),
each time after the previous edit was served, and the time from the save to the served page
showing the sentence is recorded. Results go to ``benchmarks/results/serve.json``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks import write_results
from benchmarks._machine import describe

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "serve.json"
CHAPTER = "eye.md"  # the longest chapter, with code, math, figures and an explorer
# The command the README gives authors: only the edited page is rebuilt (``--dirty``; MkDocs
# warns that such a build is partial, so strict mode, which would stop at that warning, is
# off: ``mkdocs build --strict`` in CI stays the check). Then MkDocs' full rebuild of every
# page, for comparison (the hooks' caches spare it the notebooks and unchanged formulas).
COMMANDS = {
    "serve --dirty --no-strict": ["serve", "--dirty", "--no-strict"],
    "serve": ["serve"],
}
FIRST_BUILD_TIMEOUT = 600
EDIT_TIMEOUT = 120


def copy_project(destination: Path) -> None:
    """Copy the tracked files (what a fresh clone holds) into ``destination``."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    except OSError:
        return None


def wait_for(url: str, text: str, timeout: float, server: subprocess.Popen, log: Path) -> float:
    """Poll ``url`` until its page contains ``text``; return the seconds waited (from the call)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if server.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"mkdocs serve exited with {server.returncode}:\n{tail}")
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not show {text!r} within {timeout} s")


def measure(project: Path, arguments: list[str], edits: int) -> dict:
    """Start ``mkdocs serve`` with ``arguments`` in ``project``.

    Times the first build and each edit.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}/{Path(CHAPTER).stem}/"
    chapter = project / "docs" / CHAPTER
    original = chapter.read_text(encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", *arguments, "--dev-addr", f"127.0.0.1:{port}"]
    log = project.parent / f"{project.name}.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=project, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        first = wait_for(url, "</html>", FIRST_BUILD_TIMEOUT, server, log)
        seconds = []
        for n in range(edits):
            marker = f"Edited for the serve benchmark, number {n} at {time.time_ns()}."
            time.sleep(1.0)  # let the watcher settle after the last rebuild
            chapter.write_text(f"{original}\n{marker}\n", encoding="utf-8")
            seconds.append(wait_for(url, marker, EDIT_TIMEOUT, server, log))
        return {
            "command": "mkdocs " + " ".join(arguments),
            "first_build_s": round(first, 2),
            "edit_to_page_s": [round(s, 2) for s in seconds],
            "median_edit_to_page_s": round(statistics.median(seconds), 2),
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        chapter.write_text(original, encoding="utf-8")
        log.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--edits", type=int, default=3, help="edits per command; the median is reported"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--only", choices=list(COMMANDS), help="measure one command only")
    args = parser.parse_args()
    if args.edits < 1:
        parser.error(f"--edits must be at least 1, got {args.edits}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="eyememory-serve-") as folder:
        project = Path(folder) / "project"
        copy_project(project)
        for name, arguments in COMMANDS.items():
            if args.only and name != args.only:
                continue
            results[name] = measure(project, arguments, args.edits)
            print(
                f"{name}: {results[name]['median_edit_to_page_s']} s from save to page "
                f"(first build {results[name]['first_build_s']} s)",
                flush=True,
            )
    write_results(
        args.output,
        {
            "chapter": f"docs/{CHAPTER}",
            "edits": args.edits,
            "results": results,
            "machine": describe(torch_threads=False),
        },
    )


if __name__ == "__main__":
    main()

"""Corpus throughput: `precis run --to pt` over web-dev from the CLI (1 and
2 threads), the Python API (1 and 2 Python threads sharing one Pipeline)
and the Dask example (1 and 2 workers); pages/s, peak RSS per process and
the load average after each. Writes target/bench-results/corpus.md and the
"Corpus runs" section of BENCHMARKS.md.

    just bench-corpus                       # all of web-dev's HTML pages
    python scripts/bench_corpus.py --limit 100

Needs the installed wheel (`just wheel`) in the Python running this, a
release CLI (`just build`), ../shared/eval/web-dev and models/downloads.
Each configuration runs in its own process, so peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "target" / "bench-results" / "corpus.md"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
HEADING = "## Corpus runs: CLI, Python API, Dask"
CONFIGS = ["cli:1", "cli:2", "api:1", "api:2", "dask:1", "dask:2"]


def one(config: str, folder: Path, precis_bin: str) -> dict:
    """Runs one configuration in this process; returns its measurements."""
    kind, n = config.split(":")
    n = int(n)
    files = sorted(folder.iterdir())
    started = time.perf_counter()
    if kind == "cli":
        out = subprocess.run(
            [precis_bin, "--quiet", "run", str(folder), "--to", "pt", "--format", "json",
             "--threads", str(n)],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )
        seconds = time.perf_counter() - started
        records = len(out.stdout.splitlines())
        rss = [resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]
    elif kind == "api":
        from concurrent.futures import ThreadPoolExecutor

        import precis

        # As many model threads as Python threads: a model's pool runs one
        # call per thread, so the pool bounds how many calls overlap.
        pipeline = precis.Pipeline(to="pt", threads=n)
        documents = precis.clean_batch([(str(f), f.read_bytes()) for f in files])

        def process(document):
            try:
                return pipeline.process(document)
            except precis.PrecisError as error:
                return error

        with ThreadPoolExecutor(n) as pool:
            results = list(pool.map(process, [d for d in documents if isinstance(d, precis.Document)]))
        seconds = time.perf_counter() - started
        records = sum(isinstance(r, dict) for r in results)
        rss = [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]
    else:
        import io

        from dask.distributed import Client, LocalCluster

        sys.path.insert(0, str(ROOT / "crates" / "precis-py" / "examples"))
        import corpus_dask

        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            client.upload_file(corpus_dask.__file__)
            started = time.perf_counter()  # cluster start-up excluded
            output = io.StringIO()
            corpus_dask.run_corpus(client, folder, output, {"to": "pt"})
            seconds = time.perf_counter() - started
            rss = sorted(client.run(
                lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())
        records = sum("error" not in json.loads(line) for line in output.getvalue().splitlines())
    return {"config": config, "files": len(files), "records": records, "seconds": seconds,
            "rss_mb": [round(kb / 1024) for kb in rss], "load": os.getloadavg()[0]}


def translatable(pages: list[Path]) -> list[Path]:
    """The pages detected as English: the only source language with a model
    to Portuguese (`--from auto` refuses the German and French ones rather
    than translate them with the wrong model), so the other pages would time
    a refusal, not the pipeline."""
    import precis

    return [page for page in pages
            if precis.clean(page.read_bytes(), source=str(page)).to_dict()["language"]["code"] == "en"]


def describe(config: str) -> str:
    kind, n = config.split(":")
    return {
        "cli": f"CLI `precis run DIR --to pt --threads {n}`",
        "api": f"Python API, one `Pipeline(threads={n})`, {n} Python thread(s)",
        "dask": f"Dask `corpus_dask.py`, LocalCluster of {n} worker(s) × 1 thread",
    }[kind]


def table(results: list[dict], command: str, build: str) -> str:
    cpu = platform.processor() or platform.machine()
    lines = [
        HEADING,
        "",
        f"From `{command}` (scripts/bench_corpus.py), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{os.cpu_count()} cores ({cpu}), {build} builds of the CLI and the wheel. Input: the {results[0]['files']} web-dev HTML pages "
        "(`../shared/eval/web-dev/*.html`) detected as English, the source language with a model to Portuguese; each configuration cleans, summarizes with the default "
        "summarizer (minilm) and translates the summary to Portuguese (Bergamot), model loading included "
        "(Dask: cluster start-up excluded, each worker loads its models once). pages/s counts every page given; "
        "records = pages that gave a record (the rest have nothing to summarize, as in the CLI). "
        "Peak RSS is per process (Dask: per worker). The load average is the 1-minute one after the run "
        "(this VM reads 1.5 to 2.5 when idle); compare rows of one run.",
        "",
        "| run | pages | records | seconds | pages/s | peak RSS (MB) | load avg after |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {describe(r['config'])} | {r['files']} | {r['records']} | {r['seconds']:.1f} | "
            f"{r['files'] / r['seconds']:.2f} | {', '.join(map(str, r['rss_mb']))} | {r['load']:.1f} |")
    return "\n".join(lines) + "\n"


def update_benchmarks(section: str) -> None:
    text = BENCHMARKS_MD.read_text()
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(section + "\n", text)
    else:
        text = text.rstrip() + "\n\n" + section
    BENCHMARKS_MD.write_text(text.rstrip() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--web-dev", type=Path, default=Path(os.environ.get(
        "PRECIS_SHARED_DIR", ROOT.parent / "shared")) / "eval" / "web-dev")
    parser.add_argument("--limit", type=int, default=0, help="first N HTML pages only (0: all)")
    parser.add_argument("--precis", default=os.environ.get(
        "PRECIS_BIN", str(Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "precis")))
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--build", default="release", help="the profile of --precis and the wheel, for the table")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        print(json.dumps(one(args.one, args.folder, args.precis)))
        return
    pages = sorted(args.web_dev.glob("*.html"))
    if not pages:
        sys.exit(f"no HTML pages in {args.web_dev}")
    pages = translatable(pages)
    if args.limit:
        pages = pages[: args.limit]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "web-dev"
        folder.mkdir()
        for page in pages:
            (folder / page.name).symlink_to(page)
        for config in args.configs.split(","):
            done = subprocess.run(
                [sys.executable, __file__, "--one", config, "--folder", str(folder),
                 "--precis", args.precis],
                capture_output=True, text=True, check=True, cwd=ROOT,
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{config}: {json.dumps(result)}", flush=True)
            results.append(result)
    command = " ".join(["python scripts/bench_corpus.py", *sys.argv[1:]])
    section = table(results, command, args.build)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(section)
    update_benchmarks(section)
    print(section)


if __name__ == "__main__":
    main()

"""Corpus runs on Dask: a folder, a JSON Lines or a Parquet file of articles
in, JSON Lines out — one `precis run --format json` record per article, in
input order, and for an article that fails the CLI's failed record (its
`error` holds the kind and message; the others go on).

    python corpus_dask.py ARTICLES -o out.jsonl --to pt                 # local cluster, one worker per core
    python corpus_dask.py ARTICLES -o out.jsonl --to pt --workers 2
    python corpus_dask.py ARTICLES -o out.jsonl --to pt --scheduler tcp://HOST:8786   # an existing cluster

Why Dask (`distributed`): it is a pip install with no JVM (PySpark) or
object store / Ray runtime to operate, a local cluster is one line, and the
same code points at a multi-machine cluster by its scheduler address. Its
unit of work, a Python function call on Python objects, fits precis's
calls, and worker plugins give each worker one loaded model set.

How the work is split, so that the output equals `precis run` on the same
files record for record:
- the client reads the articles (workers need no shared file system) and
  sends them in chunks of `--clean-batch` articles (default: all of them,
  as `precis run DIR` does); a worker cleans each chunk as one batch, so
  boilerplate repeated across its articles is recognised as in the CLI;
- each cleaned article is then summarized and translated as its own task,
  on whichever worker is free, by the pipeline the `PrecisPipeline` plugin
  loaded once when the worker started;
- records are written in input order as they complete.
For corpora of millions of pages, set `--clean-batch` (e.g. 1000, ideally
with the articles of one site next to each other).

Input formats: a folder (its files sorted by name, hidden files and
subfolders skipped, sources named `FOLDER/FILE` as the CLI names them); a
`.jsonl` file of objects with `text` (or `html`) and optional `source`
(default `FILE:LINE`); a `.parquet` file with the same columns (needs
pyarrow).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dask.distributed import Client, LocalCluster, WorkerPlugin, get_worker

import precis

PLUGIN = "precis-pipeline"


class PrecisPipeline(WorkerPlugin):
    """Loads the pipeline once per worker, when the worker starts (and on
    workers that join later)."""

    name = PLUGIN

    def __init__(self, options: dict[str, Any], threads: int) -> None:
        self.options = options
        self.threads = threads
        self.pipeline: precis.Pipeline | None = None

    def setup(self, worker: Any) -> None:
        self.pipeline = precis.Pipeline(**self.options, threads=self.threads)


def worker_pipeline() -> precis.Pipeline:
    pipeline = get_worker().plugins[PLUGIN].pipeline
    assert pipeline is not None, "the precis worker plugin did not load its pipeline"
    return pipeline


def clean_chunk(articles: list[tuple[str, bytes]], input: str) -> list[Any]:
    """Cleans a chunk as one batch: Documents, or exceptions for articles
    that cannot be cleaned."""
    return precis.clean_batch(articles, input=input)


def process(cleaned: list[Any], index: int, source: str) -> dict[str, Any]:
    """Summarizes and translates article `index` of a cleaned chunk."""
    item = cleaned[index]
    if isinstance(item, precis.PrecisError):
        return error_record(source, item)
    try:
        return worker_pipeline().process(item)
    except precis.PrecisError as error:
        return error_record(source, error)


def error_record(source: str, error: precis.PrecisError) -> dict[str, Any]:
    return precis.failed_record(source, error)


def read_articles(path: Path) -> Iterator[tuple[str, bytes]]:
    """`(source, bytes)` of every article under `path`."""
    if path.is_dir():
        for file in sorted(path.iterdir()):
            if not file.name.startswith(".") and not file.is_dir():
                yield str(file), file.read_bytes()
    elif path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    yield row_article(json.loads(line), f"{path}:{number}")
    elif path.suffix == ".parquet":
        import pyarrow.parquet as parquet

        for number, row in enumerate(parquet.read_table(path).to_pylist(), 1):
            yield row_article(row, f"{path}:{number}")
    else:
        raise SystemExit(f"{path}: not a folder, a .jsonl or a .parquet file")


def row_article(row: dict[str, Any], default_source: str) -> tuple[str, bytes]:
    text = row.get("text") if row.get("text") is not None else row.get("html")
    if not isinstance(text, str):
        # Kept as an article with no text, so that it fails with a record.
        text = ""
    return str(row.get("source") or default_source), text.encode("utf-8")


def chunks(items: Iterator[tuple[str, bytes]], size: int) -> Iterator[list[tuple[str, bytes]]]:
    chunk: list[tuple[str, bytes]] = []
    for item in items:
        chunk.append(item)
        if size and len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_corpus(
    client: Client,
    source: Path,
    output: Any,
    pipeline_options: dict[str, Any],
    *,
    input: str = "auto",
    clean_batch: int = 0,
    threads: int = 1,
) -> int:
    """Runs every article of `source` on `client`'s cluster, writing JSON
    Lines to `output`; returns how many articles failed."""
    register = getattr(client, "register_plugin", None) or client.register_worker_plugin
    register(PrecisPipeline(pipeline_options, threads))
    failures = 0
    for chunk in chunks(read_articles(source), clean_batch):
        cleaned = client.submit(clean_chunk, chunk, input, pure=False)
        futures = [
            client.submit(process, cleaned, i, name, pure=False)
            for i, (name, _) in enumerate(chunk)
        ]
        del cleaned
        for future in futures:
            record = future.result()
            failures += record["error"] is not None
            output.write(json.dumps(record, ensure_ascii=False) + "\n")
            future.release()
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=Path, help="a folder, a .jsonl or a .parquet file")
    parser.add_argument("-o", "--output", type=Path, help="JSON Lines file (default: stdout)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://HOST:8786)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="local cluster size")
    parser.add_argument("--threads", type=int, default=1, help="linear algebra threads per worker")
    parser.add_argument("--summarizer", help="summarizer name (default: precis's default)")
    parser.add_argument("--to", help="translate the summary to this language")
    parser.add_argument("--from", dest="from_", default="en", help="the articles' language")
    parser.add_argument("--translation-model", help="translation model instead of the catalog's")
    parser.add_argument("--translate-all", action="store_true", help="translate whole articles too")
    parser.add_argument("--input", default="auto", choices=["auto", "text", "html", "clean"])
    parser.add_argument("--clean-batch", type=int, default=0, help="articles cleaned together (0: all)")
    parser.add_argument("--offline", action="store_true", help="only model files already here")
    args = parser.parse_args()

    options = {
        "summarizer": args.summarizer,
        "to": args.to,
        "from_": args.from_,
        "translation_model": args.translation_model,
        "input": args.input,
        "translate_article": args.translate_all,
        "offline": args.offline,
    }
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True)
        client = Client(cluster)
    output = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        failures = run_corpus(
            client,
            args.articles,
            output,
            options,
            input=args.input,
            clean_batch=args.clean_batch,
            threads=args.threads,
        )
    finally:
        if args.output:
            output.close()
        client.close()
    if failures:
        print(f"{failures} article(s) failed; their records hold the errors", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

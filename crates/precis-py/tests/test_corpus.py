"""The Dask corpus run (examples/corpus_dask.py) on a local cluster of two
workers gives `precis run DIR --format json`'s records, in order."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import REPO, cli_json_lines, require_model, require_shared, without_timings

EXAMPLE = REPO / "crates/precis-py/examples/corpus_dask.py"
# web-dev pages for the cluster run, by name: the CI default keeps the
# suite's time sane on 2 cores (40 files = 20 pages, HTML and plain text);
# PRECIS_CORPUS_FILES=0 runs all of web-dev.
CORPUS_FILES = int(os.environ.get("PRECIS_CORPUS_FILES", "40"))


def corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_dask", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # Workers unpickle the tasks' functions by module name.
    sys.modules["corpus_dask"] = module
    spec.loader.exec_module(module)
    return module


def test_dask_run_equals_cli(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    require_model("all-minilm-l6-v2")
    require_model("bergamot-en-pt")
    web_dev = require_shared("eval/web-dev")
    pages = sorted(p for p in web_dev.iterdir() if p.suffix in (".html", ".txt"))
    if CORPUS_FILES:
        pages = pages[:CORPUS_FILES]
    folder = tmp_path / "web-dev"
    folder.mkdir()
    for page in pages:
        (folder / page.name).symlink_to(page)
    # One article the cleaner cannot use: its record holds the error, and
    # the articles after it still run.
    (folder / "zz-empty.txt").write_bytes(b"")

    corpus = corpus_module()
    output = io.StringIO()
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        # The workers import the example's functions by module name.
        client.upload_file(str(EXAMPLE))
        failures = corpus.run_corpus(client, folder, output, {"to": "pt"})
    records = [json.loads(line) for line in output.getvalue().splitlines()]

    expected = cli_json_lines("run", folder, "--to", "pt", check=False)
    assert len(records) == len(pages) + 1
    good = [without_timings(r) for r in records if r["error"] is None]
    assert good == [without_timings(r) for r in expected if r["error"] is None]
    errors = [r for r in records if r["error"] is not None]
    assert failures == len(errors) >= 1
    assert errors[-1]["source"] == str(folder / "zz-empty.txt")
    assert errors[-1]["error"]["kind"] == "input"
    assert errors[-1]["schema"] == "precis/1" and errors[-1]["summary"] is None
    # Every article has one record, in input order.
    assert [r["source"] for r in records] == sorted(str(p) for p in folder.iterdir())

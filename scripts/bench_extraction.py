#!/usr/bin/env python3
"""Main-content extraction figures for `just bench-clean` beyond web-dev's own line.

benchmark CLEAN [--dir DIR]
    ScrapingHub's article-extraction benchmark: cleans every html/*.html.gz page of a temporary
    copy of DIR with CLEAN (the `clean` example), writes output/precis.json (body = the
    document's text without its title: in-body headings where they stood and the paragraphs,
    joined by blank lines, as `Document::to_text` prints them), runs the benchmark's own evaluate.py there (precis's row
    beside the peers' rows), then prints F1/P/R of every row on the even and odd halves of the
    pages (sorted by name): a change that helps one half and hurts the other is noise. Last,
    metadata coverage: on the pages whose markup carries a publication date (JSON-LD
    datePublished, article:published_time, itemprop=datePublished, <time datetime>) or an
    author (JSON-LD author, meta author or article:author, itemprop=author, rel=author), how
    many precis's document has one for (the benchmark has no metadata ground truth).

web-dev-halves CLEAN [--dir DIR]
    web-dev's F1 (../shared/tools/web_eval.py, HTML and plain text) on the even and odd halves
    of its pages (sorted by file name).

Needs only the standard library; reads ../shared (or $PRECIS_SHARED), never writes into it.
"""
import argparse
import gzip
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# ../shared beside the checkout; PRECIS_SHARED overrides it (a worktree elsewhere).
SHARED = os.environ.get("PRECIS_SHARED") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")


def clean_json(clean, path):
    """The document precis-clean makes of one page, or None when cleaning fails."""
    p = subprocess.run([clean, "--input", "html", "--json", path], capture_output=True, timeout=120)
    if p.returncode != 0:
        print(f"warning: {os.path.basename(path)}: {p.stderr.decode('utf-8', 'replace').strip()}", file=sys.stderr)
        return None
    return json.loads(p.stdout)


def article_body(document):
    """`Document::to_text` without the title and the lead: each heading before the first
    paragraph under it (headings with nothing under them where they stood), paragraphs joined
    by blank lines. The benchmark's schema has fields of their own for the title (`headline`)
    and the lead (`description`), and its `articleBody` holds neither."""
    blocks, pending, current = [], list(document.get("headings", [])), None
    for paragraph in document.get("paragraphs", []):
        if paragraph.get("lead"):
            continue
        heading = paragraph.get("heading")
        if heading and heading != current:
            if heading in pending:
                while pending:
                    blocks.append(pending.pop(0))
                    if blocks[-1] == heading:
                        break
            else:
                blocks.append(heading)
        current = heading
        blocks.append(paragraph["text"])
    return "\n\n".join(blocks + pending)


def benchmark(clean, source):
    with tempfile.TemporaryDirectory(prefix="precis-aeb-") as tmp:
        work = os.path.join(tmp, "aeb")
        shutil.copytree(source, work)
        pages = os.path.join(tmp, "pages")
        os.mkdir(pages)
        output = {}
        coverage = {"date": [0, 0], "author": [0, 0]}
        for name in sorted(os.listdir(os.path.join(work, "html"))):
            if not name.endswith(".html.gz"):
                continue
            key = name[: -len(".html.gz")]
            page = os.path.join(pages, key + ".html")
            with gzip.open(os.path.join(work, "html", name), "rb") as src, open(page, "wb") as dst:
                shutil.copyfileobj(src, dst)
            document = clean_json(clean, page)
            output[key] = {"articleBody": article_body(document or {})}
            with open(page, encoding="utf-8", errors="replace") as f:
                markup = f.read()
            metadata = (document or {}).get("metadata", {})
            for field, carried in CARRIES.items():
                if carried.search(markup):
                    coverage[field][1] += 1
                    coverage[field][0] += bool(metadata.get(field))
        with open(os.path.join(work, "output", "precis.json"), "w", encoding="utf-8") as f:
            json.dump({"version": "precis", "output": output}, f, ensure_ascii=False)
        subprocess.run([sys.executable, "evaluate.py", "--n-bootstrap", "100"], cwd=work, check=True)
        halves(work)
        for field, (found, carried) in coverage.items():
            print(f"metadata {field}: found on {found} of the {carried} pages whose markup carries one")


# Markup that states a page's publication date or author in a machine-readable form.
CARRIES = {
    "date": re.compile(
        r'"datePublished"|property=["\']article:published_time|itemprop=["\']datePublished|<time[^>]+datetime=',
        re.I),
    "author": re.compile(
        r'"author"\s*:|name=["\']author["\']|property=["\']article:author|itemprop=["\']author|rel=["\']author',
        re.I),
}


def halves(work):
    spec = importlib.util.spec_from_file_location("aeb_evaluate", os.path.join(work, "evaluate.py"))
    evaluate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(evaluate)
    with open(os.path.join(work, "ground-truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    keys = sorted(truth)
    print(f"{'halves (F1 P R)':<20} {'even':<21}  {'odd':<21}")
    for name in sorted(os.listdir(os.path.join(work, "output"))):
        if not name.endswith(".json"):
            continue
        prediction, _ = evaluate.load_prediction(Path(work, "output", name))
        row = []
        for half in (keys[0::2], keys[1::2]):
            counts = [
                evaluate.string_shingle_matching(
                    true=truth[k].get("articleBody", ""), pred=prediction.get(k, {}).get("articleBody", "")
                )
                for k in half
            ]
            m = evaluate.metrics_from_tp_fp_fns(counts)
            row.append(f"{m['f1']:.3f} {m['precision']:.3f} {m['recall']:.3f}")
        print(f"{name[:-5]:<20} {row[0]:<21}  {row[1]:<21}")


def web_dev_halves(clean, source):
    with open(os.path.join(source, "expected.json"), encoding="utf-8") as f:
        expected = json.load(f)
    entries = sorted(expected.items(), key=lambda kv: kv[1]["file"])
    scorer = os.path.join(SHARED, "tools", "web_eval.py")
    with tempfile.TemporaryDirectory(prefix="precis-webdev-") as tmp:
        for half_name, half in (("even", entries[0::2]), ("odd", entries[1::2])):
            half_dir = os.path.join(tmp, half_name)
            os.mkdir(half_dir)
            for _, v in half:
                stem = v["file"][: -len(".html")]
                for ext in (".html", ".txt"):
                    target = os.path.abspath(os.path.join(source, stem + ext))
                    if os.path.exists(target):
                        os.symlink(target, os.path.join(half_dir, stem + ext))
            with open(os.path.join(half_dir, "expected.json"), "w", encoding="utf-8") as f:
                json.dump(dict(half), f)
            for kind, flag in (("html", "html"), ("txt", "text")):
                p = subprocess.run(
                    [sys.executable, scorer, half_dir, "--input", kind, "--jobs", "1",
                     "--cmd", f"{os.path.abspath(clean)} --input {flag} {{}}"],
                    capture_output=True, text=True, check=True,
                )
                print(f"web-dev {half_name:<4} {kind:<4} {p.stdout.strip().splitlines()[-1]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["benchmark", "web-dev-halves"])
    ap.add_argument("clean", help="path to the clean example binary")
    ap.add_argument("--dir", help="data directory (default: the one in ../shared)")
    a = ap.parse_args()
    if a.command == "benchmark":
        source = a.dir or os.path.join(SHARED, "eval", "article-extraction-benchmark")
        benchmark(os.path.abspath(a.clean), source)
    else:
        web_dev_halves(a.clean, a.dir or os.path.join(SHARED, "eval", "web-dev"))


if __name__ == "__main__":
    main()

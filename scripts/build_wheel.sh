#!/usr/bin/env bash
# Build the precis Python wheel (crates/precis-py) with maturin and install
# it into a venv this script creates (maturin, pytest, dask[distributed]).
#
# Usage: scripts/build_wheel.sh [release|dev]   (default: release)
#   The wheel lands in $CARGO_TARGET_DIR/wheels (default target/wheels);
#   `pip install` it anywhere. `dev` reuses the dev-profile build that
#   `cargo test --workspace` made (CI), at the cost of slower cleaning.
#   PRECIS_PY_VENV overrides the venv (default target/py-venv).
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${1:-release}
VENV=${PRECIS_PY_VENV:-target/py-venv}
WHEELS=${CARGO_TARGET_DIR:-target}/wheels

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import maturin, pytest, distributed' 2>/dev/null; then
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet 'maturin>=1.9,<2' pytest 'dask[distributed]>=2024.1'
fi

rm -f "$WHEELS"/precis-*.whl
"$VENV/bin/maturin" build --quiet --profile "$PROFILE" \
  --manifest-path crates/precis-py/Cargo.toml --interpreter "$VENV/bin/python" --out "$WHEELS"
"$VENV/bin/pip" install --quiet --force-reinstall --no-deps "$WHEELS"/precis-*.whl
echo "built and installed into $VENV: $(ls "$WHEELS"/precis-*.whl)"

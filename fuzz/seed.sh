#!/usr/bin/env bash
# Seeds fuzz/corpus/TARGET from the repository's own examples and test
# fixtures (the corpus folder is git-ignored; libFuzzer grows it in place).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/seed.sh TARGET}
corpus=fuzz/corpus/$target
mkdir -p "$corpus"
fixtures=crates/precis-infer/tests/fixtures

seed() { for file in "$@"; do if [ -f "$file" ]; then cp "$file" "$corpus/$(echo "$file" | tr / _)"; fi; done; }

case $target in
  clean_text | sentences) seed examples/*.txt ;;
  clean_html) seed examples/*.html ;;
  model_config) seed "$fixtures"/*/config.json ;;
  safetensors) seed "$fixtures"/t5-tiny/model.safetensors ;;
  tokenizer) seed "$fixtures"/*/tokenizer.json "$fixtures"/t5-small-tokenizer.json ;;
  marian_spm) seed "$fixtures"/marian*/*.spm ;;
  marian_vocab) seed "$fixtures"/marian*/*vocab.json ;;
  shortlist)
    # The real shortlists are megabytes; a small valid one is written here
    # (magic, Marian's checksum over the words after it, offsets, targets).
    python3 - "$corpus/small.bin" <<'PY'
import struct, sys
lists = [[5], [9, 30], []]
offsets, targets = [0], []
for l in lists:
    targets += l
    offsets.append(len(targets))
body = struct.pack("<4Q", 2, 50, len(offsets), len(targets))
body += struct.pack(f"<{len(offsets)}Q", *offsets) + struct.pack(f"<{len(targets)}I", *targets)
seed = 0
for (word,) in struct.iter_unpack("<Q", body[: len(body) // 8 * 8]):
    seed ^= (word + 0x9E3779B9 + (seed << 6) + (seed >> 2)) & (2**64 - 1)
open(sys.argv[1], "wb").write(struct.pack("<QQ", 0xF11A48D5013417F5, seed) + body)
PY
    ;;
  marian_bin)
    # No Marian binary is committed (the real ones are megabytes): write a
    # small valid one with a model.yml, a float32 and an intgemm8 tensor.
    python3 - "$corpus/small.bin" <<'PY'
import struct, sys
items = [
    ("special:model.yml", 0x0101, [18], b"type: transformer\n"),
    ("Wemb", 0x0404, [2, 3], struct.pack("<6f", 1, 2, 3, 4, 5, 6)),
    ("encoder_l1_self_Wq", 0x4101, [3, 2], bytes([2, 252, 6, 8, 246, 12]) + struct.pack("<f", 2.0)),
]
head = struct.pack("<Q", len(items))
for name, code, shape, data in items:
    head += struct.pack("<4Q", len(name) + 1, code, len(shape), len(data))
head += b"".join(name.encode() + b"\0" for name, *_ in items)
head += b"".join(struct.pack(f"<{len(shape)}i", *shape) for _, _, shape, _ in items)
out = struct.pack("<Q", 1) + head
padding = (256 - (len(out) + 8) % 256) % 256
out += struct.pack("<Q", padding) + bytes(padding)
out += b"".join(data for *_, data in items)
open(sys.argv[1], "wb").write(out)
PY
    ;;
  *) echo "unknown fuzz target $target (see fuzz/Cargo.toml)" >&2; exit 1 ;;
esac
echo "$corpus: $(ls "$corpus" | wc -l) inputs"

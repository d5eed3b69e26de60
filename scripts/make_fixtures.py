#!/usr/bin/env python3
"""Builds the tiny random models under crates/precis-infer/tests/fixtures and
records Hugging Face transformers' outputs for them, so `cargo test` can check
precis-infer token for token without Python.

Run with `just fixtures` (uses the venv at scripts/.venv). Every model is
seeded, so re-running gives the same files. Each family writes one folder:

    <name>/config.json, generation_config.json, model.safetensors,
    tokenizer.json, tokenizer_config.json   -- a loadable HF model folder
    <name>/expected.json                    -- what HF computes with it

expected.json is self-describing: every `generate` case lists the kwargs that
were passed to `model.generate`, the input ids and attention mask, and the
output ids (HF's, i.e. starting with the decoder start token).
"""

import os

# Fewer moving parts in tokenizer training (see `stable_vocab` for the rest).
# Must be set before tokenizers is imported.
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import json
import sys
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import AutoTokenizer, PreTrainedTokenizerFast, T5Config, T5ForConditionalGeneration

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "crates" / "precis-infer" / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"

# Our own text (never third-party data): the tokenizer is trained on it and
# the inputs below are cut from it.
CORPUS = """\
The river town of Arnwick opened its new library on a wet Monday morning.
Children ran between the shelves while their parents read the notices about
opening hours, late fees and the reading club that meets on Thursdays.
The mayor said the building had cost less than planned because volunteers
painted the walls and carried the books from the old hall by the bridge.
A small café on the ground floor sells tea, soup and bread baked in the town.
Next spring the library will lend tools, seeds and bicycles as well as books.
Farmers from the valley asked for a shelf about weather, soil and machines.
The librarian, who has worked in Arnwick for twenty years, hopes that the
quiet rooms upstairs will help students prepare for their exams in June.
Rain fell all day, but the queue at the door grew longer every hour.
"""

INPUTS = [
    "summarize: The river town of Arnwick opened its new library.",
    "summarize: Children ran between the shelves while their parents read the notices "
    "about opening hours, late fees and the reading club.",
    "summarize: Rain fell all day.",
]

DECODE_SAMPLES = [
    "The café sells tea , soup and bread .",
    "Volunteers painted the walls !",
    "Is it open on Thursdays ?",
]

VOCAB_SIZE = 256  # model vocab, larger than the tokenizer's (like t5-small: 32128 > 32100)

EOS = 1
EOS_STRENGTH = 0.9
LAYER_OUTPUT_GAIN = 8.0
INIT_FACTOR = 1.0
POSITION_GAIN = 10.0


def train_tokenizer():
    """A small T5-style Unigram tokenizer: </s> appended, ▁ word marker."""
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace("  ", " ")])
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(
        vocab_size=250,
        special_tokens=["<pad>", "</s>", "<unk>"],
        unk_token="<unk>",
        shrinking_factor=0.75,
    )
    tok.train_from_iterator(CORPUS.splitlines() + INPUTS + DECODE_SAMPLES, trainer)
    tok = stable_vocab(tok)
    tok.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", EOS)]
    )
    assert tok.token_to_id("<pad>") == 0 and tok.token_to_id("</s>") == EOS
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        clean_up_tokenization_spaces=True,
        model_max_length=64,
    )
    return fast


def stable_vocab(tok):
    """Unigram training sums floats in a run-dependent order and appends the
    required single characters in hash order, so piece scores and ids change
    from run to run. Rounded scores, one score for all single characters
    below every longer piece, and a fixed tie order make the fixtures
    reproducible."""
    spec = json.loads(tok.to_str())
    vocab = spec["model"]["vocab"]
    special, pieces = vocab[:3], vocab[3:]
    floor = min(score for piece, score in pieces if len(piece) > 1) - 1.0
    pieces = [[p, round(floor if len(p) == 1 else score, 6)] for p, score in pieces]
    pieces.sort(key=lambda ps: (-ps[1], ps[0]))
    spec["model"]["vocab"] = special + pieces
    return Tokenizer.from_str(json.dumps(spec))


def task_params():
    return {
        "summarization": {
            "early_stopping": True,
            "length_penalty": 2.0,
            "max_length": 24,
            "min_length": 6,
            "no_repeat_ngram_size": 3,
            "num_beams": 4,
            "prefix": "summarize: ",
        }
    }


def build_model(name, v11, seed):
    common = dict(
        vocab_size=VOCAB_SIZE,
        d_model=32,
        d_kv=8,
        num_heads=4,
        # few buckets and a short max distance so short inputs reach the
        # logarithmic buckets too
        relative_attention_num_buckets=8,
        relative_attention_max_distance=20,
        layer_norm_epsilon=1e-6,
        pad_token_id=0,
        eos_token_id=EOS,
        decoder_start_token_id=0,
        n_positions=64,
        task_specific_params=task_params(),
        initializer_factor=INIT_FACTOR,
    )
    if v11:
        cfg = T5Config(d_ff=48, num_layers=3, num_decoder_layers=3, feed_forward_proj="gated-gelu",
                       tie_word_embeddings=False, **common)
    else:
        cfg = T5Config(d_ff=64, num_layers=2, num_decoder_layers=2, feed_forward_proj="relu", **common)
    cfg._attn_implementation = "eager"
    torch.manual_seed(seed)
    model = T5ForConditionalGeneration(cfg).eval()
    with torch.no_grad():
        if v11:
            # transformers 5 ties lm_head to the embeddings of a fresh model
            # even for v1.1; real flan-T5 checkpoints have their own lm_head.
            model.lm_head.weight = torch.nn.Parameter(torch.randn(VOCAB_SIZE, 32) * 0.5)
            model.all_tied_weights_keys.pop("lm_head.weight", None)
        # Tied embeddings plus the residual stream make a random model
        # repeat its input token forever; stronger layer outputs make the
        # generated sequences varied.
        for name, param in model.named_parameters():
            if name.endswith((".o.weight", ".wo.weight")):
                param *= LAYER_OUTPUT_GAIN
            elif name.endswith("relative_attention_bias.weight"):
                # Position-dependent attention varies the output step by step.
                param *= POSITION_GAIN
        boost_eos(model)
    return model


def boost_eos(model):
    """Random models rarely say </s>. Point the </s> row of lm_head at the
    mean decoder output so </s> is a likely but not dominant choice, and EOS
    handling (finished beams, length penalty, padding) gets exercised."""
    ids = torch.randint(3, 150, (4, 12))
    seen = []
    hook = model.lm_head.register_forward_hook(lambda m, inp, out: seen.append(inp[0]))
    model(input_ids=ids, decoder_input_ids=ids)
    hook.remove()
    hidden = seen[0].reshape(-1, seen[0].shape[-1])
    direction = hidden.mean(0)
    logits = hidden @ model.lm_head.weight.T
    top = logits.max(-1).values
    along = hidden @ direction
    scale = float((top / along).median()) * EOS_STRENGTH
    model.lm_head.weight[EOS] = direction * scale


def reload_checked(model, folder):
    """Records outputs from the model as loaded from disk, after checking it
    computes what the in-memory one did (i.e. nothing was lost in saving)."""
    loaded = T5ForConditionalGeneration.from_pretrained(folder, attn_implementation="eager").eval()
    ids = torch.randint(3, 150, (2, 9))
    with torch.no_grad():
        a = model(input_ids=ids, decoder_input_ids=ids).logits
        b = loaded(input_ids=ids, decoder_input_ids=ids).logits
    if not torch.equal(a, b):
        sys.exit(f"{folder}: reloaded model differs from the saved one")
    # The Rust side is checked to 1e-4; that only means something if f32
    # rounding itself moves the outputs far less (a well-conditioned model).
    with torch.no_grad():
        exact = loaded.double()(input_ids=ids, decoder_input_ids=ids).logits
    loaded.float()
    drift = float((exact - b.double()).abs().max())
    print(f"  f32 vs f64 logits: {drift:.2e}")
    if drift > 2e-5:
        sys.exit(f"{folder}: f32 rounding moves logits by {drift:.2e}; the model is too ill-conditioned")
    return loaded


def pad_batch(rows):
    width = max(len(r) for r in rows)
    ids = [r + [0] * (width - len(r)) for r in rows]
    mask = [[1] * len(r) + [0] * (width - len(r)) for r in rows]
    return ids, mask


def rounded(t, digits=6):
    return [round(float(x), digits) for x in t.flatten().tolist()]


def generate_cases(model, tok, ids_list):
    one = [ids_list[0]]
    two = [ids_list[1]]
    batch = ids_list
    greedy_first = None
    cases = []

    def add(name, rows, **kwargs):
        ids, mask = pad_batch(rows)
        kwargs = {"do_sample": False, **kwargs}
        with torch.no_grad():
            out = model.generate(
                input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask), **kwargs
            )
        seqs = out.tolist()
        # HF pads finished rows with pad_token_id; drop that padding so the
        # expected ids are exactly what was generated.
        cases.append({"name": name, "kwargs": kwargs, "input_ids": ids, "attention_mask": mask,
                      "output_ids": [trim(s) for s in seqs]})
        return seqs

    greedy_first = add("greedy", one, max_new_tokens=16)
    greedy_long = add("greedy_long_input", two, max_new_tokens=16)
    add("greedy_min_length", one, max_new_tokens=16, min_length=12)
    add("greedy_min_new_tokens", two, max_new_tokens=16, min_new_tokens=10)
    add("greedy_max_length", one, max_length=7)
    add("greedy_repetition_penalty", one, max_new_tokens=16, repetition_penalty=1.8)
    add("greedy_no_repeat_ngram", two, max_new_tokens=16, no_repeat_ngram_size=2)
    # Ban what greedy picked: its first token outright, and a two-token
    # sequence (blocked only at its second token).
    first = [t for t in greedy_first[0][1:] if t != EOS] or [3]
    long = [t for t in greedy_long[0][1:] if t != EOS] + [4, 5, 6]
    banned = [[first[0]], long[1:3]]
    add("greedy_bad_words", one, max_new_tokens=16, bad_words_ids=banned)
    add("greedy_batch", batch, max_new_tokens=16)
    add("beam4", one, max_new_tokens=16, num_beams=4)
    add("beam4_lp2_early", two, max_new_tokens=16, num_beams=4, length_penalty=2.0, early_stopping=True)
    add("beam4_lp05_early_false", two, max_new_tokens=16, num_beams=4, length_penalty=0.5, early_stopping=False)
    add("beam4_early_never", one, max_new_tokens=16, num_beams=4, length_penalty=1.5, early_stopping="never")
    add("beam4_ngram_min", one, max_new_tokens=16, num_beams=4, no_repeat_ngram_size=3, min_length=10,
        length_penalty=2.0, early_stopping=True)
    add("beam4_return3", two, max_new_tokens=16, num_beams=4, num_return_sequences=3, length_penalty=0.8)
    add("beam4_batch", batch, max_new_tokens=16, num_beams=4, length_penalty=2.0, early_stopping=True)
    add("beam4_batch_return2", batch, max_new_tokens=12, num_beams=4, num_return_sequences=2,
        no_repeat_ngram_size=2)
    add("beam3_repetition_bad_words", two, max_new_tokens=16, num_beams=3, repetition_penalty=1.3,
        bad_words_ids=banned)
    add("beam1", one, max_new_tokens=16, num_beams=1)
    summ = {k: v for k, v in task_params()["summarization"].items() if k != "prefix"}
    add("task_summarization", batch, **summ)
    return cases


def trim(seq):
    """Drops the pad ids HF appends after </s> (position 0 is the decoder start)."""
    out = list(seq)
    if EOS in out[1:]:
        out = out[: out.index(EOS, 1) + 1]
    return out


def record(model, tok):
    enc = tok(INPUTS)
    ids_list = enc["input_ids"]
    ids, mask = pad_batch(ids_list)
    ids_t, mask_t = torch.tensor(ids), torch.tensor(mask)
    with torch.no_grad():
        hidden = model.get_encoder()(input_ids=ids_t, attention_mask=mask_t).last_hidden_state
        # Teacher-forced decoder: logits at every position check the
        # self-attention cache and the decoder's relative positions.
        forced = [[0] + ids_list[0][:7]] * len(ids_list)
        logits = model(input_ids=ids_t, attention_mask=mask_t, decoder_input_ids=torch.tensor(forced)).logits
    encoder = []
    for row, n in enumerate(len(r) for r in ids_list):
        encoder.append({"length": n, "hidden_states": rounded(hidden[row, :n])})
    steps = [{"row": row, "logits": [rounded(logits[row, i]) for i in range(len(forced[row]))]}
             for row in range(2)]
    margins = torch.topk(logits, 2, dim=-1).values
    print(f"  smallest top-1/top-2 logit gap: {float((margins[..., 0] - margins[..., 1]).min()):.4f}")
    return {
        "input_ids": ids,
        "attention_mask": mask,
        "encoder": encoder,
        "decoder_input_ids": forced,
        "decoder_logits": steps,
    }


def tokenizer_cases(tok):
    cases = []
    for text in INPUTS + DECODE_SAMPLES:
        ids = tok(text)["input_ids"]
        cases.append({
            "text": text,
            "ids": ids,
            "decoded": tok.decode(ids, skip_special_tokens=True),
            "decoded_raw": tok.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False),
        })
    return cases


def bucket_table():
    """HF's relative position buckets for t5-small's settings (32 buckets,
    max distance 128), both directions, for relative positions -300..300."""
    from transformers.models.t5.modeling_t5 import T5Attention

    rel = torch.arange(-300, 301)
    out = {"relative_positions": rel.tolist(), "num_buckets": 32, "max_distance": 128}
    for bidirectional in (True, False):
        key = "bidirectional" if bidirectional else "unidirectional"
        out[key] = T5Attention._relative_position_bucket(rel, bidirectional, 32, 128).tolist()
    return out


def shared_t5_small():
    """Ids of the real t5-small tokenizer for our own sentences, when ../shared exists."""
    path = SHARED / "tokenizers" / "t5-small"
    if not path.exists():
        print(f"note: {path} absent, t5-small tokenizer fixture not rebuilt")
        return
    tok = AutoTokenizer.from_pretrained(str(path))
    sentences = [
        "summarize: The river town of Arnwick opened its new library on a wet Monday morning.",
        "Volunteers painted the walls , and the café sells tea  for £2!",
        "Éléonore's bike costs 1,250 € — «cheap», she said.",
        "translate English to German: Where is the reading club?",
    ]
    cases = []
    for s in sentences:
        ids = tok(s)["input_ids"]
        cases.append({"text": s, "ids": ids, "decoded": tok.decode(ids, skip_special_tokens=True)})
    (FIXTURES / "t5-small-tokenizer.json").write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")


def main():
    torch.set_num_threads(1)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    tok = train_tokenizer()
    for name, v11, seed in (("t5-tiny", False, 7), ("flan-t5-tiny", True, 13)):
        print(name)
        out = FIXTURES / name
        model = build_model(name, v11, seed)
        model.save_pretrained(out, safe_serialization=True)
        model.generation_config.save_pretrained(out)
        tok.save_pretrained(out)
        for extra in ("special_tokens_map.json", "chat_template.jinja"):
            (out / extra).unlink(missing_ok=True)
        if v11:
            # Write the config as real flan-T5 checkpoints have it.
            cfg_path = out / "config.json"
            cfg = json.loads(cfg_path.read_text())
            cfg.pop("scale_decoder_outputs", None)
            cfg["tie_word_embeddings"] = False
            cfg_path.write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
        model = reload_checked(model, out)
        expected = {
            "transformers": __import__("transformers").__version__,
            "torch": torch.__version__,
            "forward": record(model, tok),
            "generate": generate_cases(model, tok, tok(INPUTS)["input_ids"]),
            "tokenizer": tokenizer_cases(tok),
        }
        eos_ended = sum(s[-1] == EOS for c in expected["generate"] for s in c["output_ids"])
        total = sum(len(c["output_ids"]) for c in expected["generate"])
        print(f"  {total} generated sequences, {eos_ended} end with </s>")
        (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False) + "\n")
    (FIXTURES / "t5-buckets.json").write_text(json.dumps(bucket_table()) + "\n")
    shared_t5_small()
    ours = [p for p in FIXTURES.glob("*t5*") if p.is_file()] + [p for d in FIXTURES.glob("*t5-tiny") for p in d.iterdir()]
    size = sum(p.stat().st_size for p in ours)
    print(f"T5 fixtures: {size / 1024:.0f} KiB in {FIXTURES}")
    if size > 1024 * 1024:
        sys.exit("fixtures exceed 1 MiB; shrink the models")


if __name__ == "__main__":
    main()

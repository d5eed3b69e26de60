#!/usr/bin/env python3
"""Builds tiny random BART and Marian models under
crates/precis-infer/tests/fixtures/{bart-tiny,marian-tiny,marian-sep-tiny}
and records what Hugging Face transformers computes with them, so `cargo
test` can check precis-infer's BART/Marian code token for token without
Python.

Run with `just fixtures` (uses the venv at scripts/.venv); name fixtures as
arguments to rebuild only those. Seeded: re-running gives the same files. expected.json has the layout of make_fixtures.py's
(forward, generate, tokenizer), plus `special` (pad/eos/decoder start) and,
for Marian, `marian_tokenizer`: MarianTokenizer ids on a corpus with accents,
Cyrillic, digits, punctuation and unknown characters.

The tokenizers are trained here on text written for this repo: a byte-level
BPE for BART (saved as vocab.json + merges.txt and as tokenizer.json) and two
SentencePiece unigram models for Marian (source.spm, target.spm, one shared
vocab.json, as opus-mt ships them). marian-sep-tiny has separate
vocabularies instead (vocab.json for the source, target_vocab.json for the
target, `separate_vocabs` in tokenizer_config.json, own encoder and decoder
embeddings), laid out as transformers' convert_marian_to_pytorch.py writes
them: same size, `</s>` 0, `<unk>` 1, `<pad>` last in both.
"""

import json
import sys
from pathlib import Path

import sentencepiece as spm
import torch
from sentencepiece import sentencepiece_model_pb2
from tokenizers.implementations import ByteLevelBPETokenizer
from transformers import (
    BartConfig,
    BartForConditionalGeneration,
    BartTokenizerFast,
    MarianConfig,
    MarianMTModel,
    MarianTokenizer,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import CORPUS, FIXTURES, SHARED, rounded  # noqa: E402

# German side for Marian's target tokenizer: our own sentences.
CORPUS_DE = """\
Die Flussstadt Arnwick hat an einem nassen Montagmorgen ihre neue Bibliothek eröffnet.
Kinder liefen zwischen den Regalen, während die Eltern die Öffnungszeiten lasen.
Der Bürgermeister sagte, das Gebäude habe weniger gekostet als geplant.
Ein kleines Café im Erdgeschoss verkauft Tee, Suppe und Brot aus der Stadt.
Im nächsten Frühling verleiht die Bibliothek Werkzeuge, Samen und Fahrräder.
Es regnete den ganzen Tag, aber die Schlange vor der Tür wurde länger.
"""

BART_INPUTS = [
    "The river town of Arnwick opened its new library.",
    "Children ran between the shelves while their parents read the notices "
    "about opening hours, late fees and the reading club.",
    "Rain fell all day.",
]

MARIAN_INPUTS = [
    "The river town opened its new library.",
    "Children ran between the shelves while their parents read the notices about opening hours.",
    "Rain fell all day.",
]

# Tokenizer parity corpus: accents, Cyrillic, digits, punctuation, unknown
# characters (emoji, CJK), odd spacing and a language-code prefix.
TOKENIZER_CORPUS = [
    "The café in Arnwick sells tea, soup and bread.",
    "Éléonore paid 1,250.75 € for 3 bicycles — «cheap», she said!",
    "Бібліотека відкрилася в понеділок; читачі прийшли о 9:30.",
    "Библиотека открылась утром, шёл дождь.",
    "Is it open on Thursdays?  Yes…   until 8 p.m.",
    "naïve coöperation, façade, Zürich, São Paulo, Kraków",
    "Emoji 🙂 and 漢字 are unknown here.",
    "  leading and trailing spaces  ",
    "Tabs\tand\nnewlines",
    "ＦＵＬＬＷＩＤＴＨ ｌｅｔｔｅｒｓ and ﬁ ligatures",
    ">>deu<< The library lends tools.",
    "",
]

BART_VOCAB = 420
SPM_VOCAB = 160
EOS_STRENGTH = 0.6
LAYER_OUTPUT_GAIN = 4.0


def train_bpe(out):
    """Byte-level BPE with BART's special tokens in BART's order."""
    bpe = ByteLevelBPETokenizer()
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    text = CORPUS.splitlines() + BART_INPUTS + TOKENIZER_CORPUS
    bpe.train_from_iterator(text, vocab_size=BART_VOCAB - 1, min_frequency=1, special_tokens=specials)
    bpe.save_model(str(out))
    # RoBERTa/BART vocabularies end with <mask>.
    vocab = json.loads((out / "vocab.json").read_text())
    vocab["<mask>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False) + "\n")
    tok = BartTokenizerFast.from_pretrained(str(out))
    assert tok.convert_tokens_to_ids(["<s>", "<pad>", "</s>", "<unk>"]) == [0, 1, 2, 3]
    return tok


# A few NFKC rules as a custom normalization table: it compiles to a small
# precompiled charsmap (nmt_nfkc's is 240 KB) that exercises the same code.
NORMALIZATION_RULES = {
    "ﬁ": "fi", "ﬂ": "fl", "…": "...", "\u00a0": " ", "\t": " ", "\n": " ",
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
}


def train_spm(out, name, text, extra):
    """A SentencePiece unigram model with a precompiled charsmap, as opus-mt's."""
    rules = out / "normalization.tsv"
    rules.write_text("".join(
        " ".join(f"{ord(c):X}" for c in src) + "\t" + " ".join(f"{ord(c):X}" for c in dst) + "\n"
        for src, dst in NORMALIZATION_RULES.items()
    ))
    lines = [l for l in text.splitlines() + extra if l.strip()]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines * 4),
        model_prefix=str(out / name),
        vocab_size=SPM_VOCAB,
        model_type="unigram",
        character_coverage=1.0,
        normalization_rule_tsv=str(rules),
        pad_id=-1,
        bos_id=-1,
        eos_id=1,
        unk_id=2,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    (out / f"{name}.model").rename(out / f"{name}.spm")
    (out / f"{name}.vocab").unlink()
    rules.unlink()


def marian_vocab(out, sides=("source", "target"), file="vocab.json", size=None):
    """A vocabulary laid out as opus-mt's: </s> 0, <unk> 1, the pieces of the
    `sides` models, <pad> last; with `size`, cut to that many entries (the
    pieces left out are <unk>)."""
    vocab = {"</s>": 0, "<unk>": 1}
    for side in sides:
        proto = sentencepiece_model_pb2.ModelProto()
        proto.ParseFromString((out / f"{side}.spm").read_bytes())
        for piece in proto.pieces:
            if piece.type == 1 and piece.piece not in vocab:  # NORMAL pieces
                vocab[piece.piece] = len(vocab)
    if size is not None:
        vocab = dict(list(vocab.items())[: size - 1])
    vocab["<pad>"] = len(vocab)
    (out / file).write_text(json.dumps(vocab, ensure_ascii=False, indent=1) + "\n")
    return vocab


def boost_eos(model, eos, vocab):
    """Random models rarely end; point the eos row of lm_head at the mean
    decoder output so eos is likely but not dominant (as make_fixtures.py)."""
    ids = torch.randint(4, vocab - 2, (4, 12))
    seen = []
    head = model.get_output_embeddings()
    hook = head.register_forward_hook(lambda m, inp, out: seen.append(inp[0]))
    model(input_ids=ids, decoder_input_ids=ids)
    hook.remove()
    hidden = seen[0].reshape(-1, seen[0].shape[-1])
    direction = hidden.mean(0)
    top = (hidden @ head.weight.T).max(-1).values
    scale = float((top / (hidden @ direction)).median()) * EOS_STRENGTH
    # The head is tied to the embeddings: this also moves eos's embedding.
    head.weight[eos] = direction * scale


def randomize(model, seed):
    with torch.no_grad():
        torch.manual_seed(seed + 1)
        for name, param in model.named_parameters():
            if name.endswith((".out_proj.weight", ".fc2.weight")):
                param *= LAYER_OUTPUT_GAIN
            elif name.endswith(".bias") or "layer_norm" in name or "layernorm" in name:
                # Non-trivial biases and norms so the checks see them.
                param += torch.randn_like(param) * 0.1
        model.final_logits_bias.copy_(torch.randn_like(model.final_logits_bias) * 0.5)


def build_bart(vocab):
    cfg = BartConfig(
        vocab_size=vocab,
        d_model=24,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=64,
        activation_function="gelu",
        scale_embedding=False,
        # Far above BART's 0.02, so attention is not uniform and outputs
        # depend on the input.
        init_std=0.2,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_eos_token_id=2,
        task_specific_params={"summarization": {
            "early_stopping": True, "length_penalty": 2.0, "max_length": 24, "min_length": 6,
            "no_repeat_ngram_size": 3, "num_beams": 4,
        }},
    )
    cfg._attn_implementation = "eager"
    torch.manual_seed(17)
    model = BartForConditionalGeneration(cfg).eval()
    randomize(model, 17)
    with torch.no_grad():
        boost_eos(model, 2, vocab)
    # transformers 5 keeps generation settings out of BartConfig; real
    # bart-large-cnn checkpoints have it in config.json (see bart()).
    model.generation_config.forced_bos_token_id = 0
    return model


def build_marian(vocab, separate=False, seed=23):
    pad = vocab["<pad>"]
    cfg = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        d_model=24,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=64,
        activation_function="swish",
        scale_embedding=True,
        init_std=0.2,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        share_encoder_decoder_embeddings=not separate,
    )
    cfg._attn_implementation = "eager"
    torch.manual_seed(seed)
    model = MarianMTModel(cfg).eval()
    randomize(model, seed)
    with torch.no_grad():
        boost_eos(model, 0, len(vocab))
    # opus-mt's generation_config.json
    generation = model.generation_config
    generation.bad_words_ids = [[pad]]
    generation.num_beams = 4
    generation.max_length = 64
    return model


def reload_checked(cls, model, folder, vocab):
    loaded = cls.from_pretrained(folder, attn_implementation="eager").eval()
    ids = torch.randint(4, vocab - 2, (2, 9))
    with torch.no_grad():
        a = model(input_ids=ids, decoder_input_ids=ids).logits
        b = loaded(input_ids=ids, decoder_input_ids=ids).logits
        exact = loaded.double()(input_ids=ids, decoder_input_ids=ids).logits
    loaded.float()
    if not torch.equal(a, b):
        sys.exit(f"{folder}: reloaded model differs from the saved one")
    drift = float((exact - b.double()).abs().max())
    print(f"  f32 vs f64 logits: {drift:.2e}")
    if drift > 2e-5:
        sys.exit(f"{folder}: f32 rounding moves logits by {drift:.2e}; too ill-conditioned for 1e-4 checks")
    return loaded


def generate_cases(model, ids_list, pad, eos, start):
    cases = []

    def trim(seq):
        out = list(seq)
        if eos in out[1:]:
            out = out[: out.index(eos, 1) + 1]
        return out

    def add(name, rows, **kwargs):
        width = max(len(r) for r in rows)
        ids = [r + [pad] * (width - len(r)) for r in rows]
        mask = [[1] * len(r) + [0] * (width - len(r)) for r in rows]
        kwargs = {"do_sample": False, **kwargs}
        with torch.no_grad():
            out = model.generate(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask), **kwargs)
        seqs = [trim(s) for s in out.tolist()]
        assert all(s[0] == start for s in seqs)
        cases.append({"name": name, "kwargs": kwargs, "input_ids": ids, "attention_mask": mask, "output_ids": seqs})
        return seqs

    one, two, batch = [ids_list[0]], [ids_list[1]], ids_list
    add("greedy", one, max_new_tokens=16)
    add("greedy_batch", batch, max_new_tokens=16)
    add("greedy_no_repeat_ngram", two, max_new_tokens=16, no_repeat_ngram_size=2)
    add("greedy_min_length", one, max_new_tokens=16, min_length=10)
    add("beam4", one, max_new_tokens=16, num_beams=4)
    add("beam4_lp2_early", two, max_new_tokens=16, num_beams=4, length_penalty=2.0, early_stopping=True)
    add("beam4_ngram_min", one, max_new_tokens=16, num_beams=4, no_repeat_ngram_size=3, min_length=8,
        length_penalty=2.0, early_stopping=True)
    add("beam4_batch", batch, max_new_tokens=16, num_beams=4, length_penalty=2.0, early_stopping=True)
    add("beam4_batch_return2", batch, max_new_tokens=12, num_beams=4, num_return_sequences=2,
        no_repeat_ngram_size=2)
    add("defaults", batch)
    return cases


def record_forward(model, ids_list, pad, start):
    width = max(len(r) for r in ids_list)
    ids = [r + [pad] * (width - len(r)) for r in ids_list]
    mask = [[1] * len(r) + [0] * (width - len(r)) for r in ids_list]
    ids_t, mask_t = torch.tensor(ids), torch.tensor(mask)
    forced = [[start] + ids_list[0][:7]] * len(ids_list)
    with torch.no_grad():
        hidden = model.get_encoder()(input_ids=ids_t, attention_mask=mask_t).last_hidden_state
        logits = model(input_ids=ids_t, attention_mask=mask_t, decoder_input_ids=torch.tensor(forced)).logits
    margins = torch.topk(logits, 2, dim=-1).values
    print(f"  smallest top-1/top-2 logit gap: {float((margins[..., 0] - margins[..., 1]).min()):.4f}")
    return {
        "input_ids": ids,
        "attention_mask": mask,
        "encoder": [{"length": len(r), "hidden_states": rounded(hidden[i, : len(r)])} for i, r in enumerate(ids_list)],
        "decoder_input_ids": forced,
        "decoder_logits": [{"row": row, "logits": [rounded(logits[row, i]) for i in range(len(forced[row]))]}
                           for row in range(2)],
    }


def tokenizer_cases(tok, texts):
    cases = []
    for text in texts:
        ids = tok(text)["input_ids"]
        cases.append({
            "text": text,
            "ids": ids,
            "decoded": tok.decode(ids, skip_special_tokens=True),
            "decoded_raw": tok.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False),
        })
    return cases


def clean(out):
    for extra in ("special_tokens_map.json", "chat_template.jinja", "added_tokens.json"):
        (out / extra).unlink(missing_ok=True)


def bart():
    print("bart-tiny")
    out = FIXTURES / "bart-tiny"
    out.mkdir(parents=True, exist_ok=True)
    tok = train_bpe(out)
    vocab = len(tok)
    model = build_bart(vocab)
    model.save_pretrained(out, safe_serialization=True)
    model.generation_config.save_pretrained(out)
    tok.save_pretrained(out)
    clean(out)
    config_path = out / "config.json"
    config = json.loads(config_path.read_text())
    config["forced_bos_token_id"] = 0
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    model = reload_checked(BartForConditionalGeneration, model, out, vocab)
    ids_list = tok(BART_INPUTS)["input_ids"]
    return out, {
        "special": {"pad": 1, "eos": 2, "decoder_start": 2},
        "forward": record_forward(model, ids_list, 1, 2),
        "generate": generate_cases(model, ids_list, 1, 2, 2),
        "tokenizer": tokenizer_cases(tok, BART_INPUTS + TOKENIZER_CORPUS),
    }


def marian():
    print("marian-tiny")
    out = FIXTURES / "marian-tiny"
    out.mkdir(parents=True, exist_ok=True)
    train_spm(out, "source", CORPUS, MARIAN_INPUTS)
    train_spm(out, "target", CORPUS_DE, [])
    vocab = marian_vocab(out)
    pad = vocab["<pad>"]
    tok = MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"), str(out / "vocab.json"),
                          source_lang="en", target_lang="de")
    texts = MARIAN_INPUTS + TOKENIZER_CORPUS + flores_sentences()
    marian_ids = [tok(t)["input_ids"] for t in texts]
    model = build_marian(vocab)
    model.save_pretrained(out, safe_serialization=True)
    model.generation_config.save_pretrained(out)
    tok.save_pretrained(out)
    clean(out)
    model = reload_checked(MarianMTModel, model, out, len(vocab))
    ids_list = marian_ids[: len(MARIAN_INPUTS)]
    own = len(MARIAN_INPUTS) + len(TOKENIZER_CORPUS)
    return out, {
        "special": {"pad": pad, "eos": 0, "decoder_start": pad},
        "forward": record_forward(model, ids_list, pad, pad),
        "generate": generate_cases(model, ids_list, pad, 0, pad),
        "tokenizer": [],
        # Text is stored for our own sentences only; FLORES rows keep just
        # their index in the devtest file and the ids.
        "marian_tokenizer": [{"text": t, "ids": i, "decoded": tok.decode(i, skip_special_tokens=True)}
                             for t, i in zip(texts[:own], marian_ids[:own])],
        "flores_ids": [{"line": n, "ids": i} for n, i in enumerate(marian_ids[own:])],
    }


def marian_separate():
    print("marian-sep-tiny")
    out = FIXTURES / "marian-sep-tiny"
    out.mkdir(parents=True, exist_ok=True)
    train_spm(out, "source", CORPUS, MARIAN_INPUTS)
    train_spm(out, "target", CORPUS_DE, [])
    # Marian separate vocabularies have one size (convert_marian_to_pytorch
    # refuses others): the smaller side's.
    counts = [len(marian_vocab(out, (side,), "count.json")) for side in ("source", "target")]
    (out / "count.json").unlink()
    size = min(counts)
    vocab = marian_vocab(out, ("source",), "vocab.json", size)
    target_vocab = marian_vocab(out, ("target",), "target_vocab.json", size)
    pad = vocab["<pad>"]
    assert target_vocab["<pad>"] == pad and target_vocab["</s>"] == 0
    tok = MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"), str(out / "vocab.json"),
                          target_vocab_file=str(out / "target_vocab.json"), separate_vocabs=True,
                          source_lang="en", target_lang="de")
    texts = MARIAN_INPUTS + TOKENIZER_CORPUS
    marian_ids = [tok(t)["input_ids"] for t in texts]
    model = build_marian(vocab, separate=True, seed=29)
    model.save_pretrained(out, safe_serialization=True)
    model.generation_config.save_pretrained(out)
    tok.save_pretrained(out)
    clean(out)
    model = reload_checked(MarianMTModel, model, out, len(vocab))
    ids_list = marian_ids[: len(MARIAN_INPUTS)]
    # What the translator must give: generate with the folder's own
    # settings on the inputs as one padded batch, decoded with the target
    # vocabulary.
    batch = tok(MARIAN_INPUTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        translated = model.generate(**batch)
    return out, {
        "special": {"pad": pad, "eos": 0, "decoder_start": pad},
        "forward": record_forward(model, ids_list, pad, pad),
        "generate": generate_cases(model, ids_list, pad, 0, pad),
        "tokenizer": [],
        "marian_tokenizer": [{"text": t, "ids": i, "decoded": tok.decode(i, skip_special_tokens=True)}
                             for t, i in zip(texts, marian_ids)],
        "flores_ids": [],
        "translations": [{"text": t, "ids": ids, "translation": tok.decode(ids, skip_special_tokens=True)}
                         for t, ids in zip(MARIAN_INPUTS, translated.tolist())],
    }


def flores_sentences():
    """The first 20 English FLORES-200 devtest sentences, when ../shared has them."""
    path = SHARED / "eval" / "flores200-devtest" / "eng.devtest"
    if not path.is_file():
        print(f"note: {path} absent, no FLORES tokenizer ids recorded")
        return []
    return path.read_text().splitlines()[:20]


BUILDS = {"bart-tiny": bart, "marian-tiny": marian, "marian-sep-tiny": marian_separate}


def main():
    torch.set_num_threads(1)
    total = 0
    names = sys.argv[1:] or list(BUILDS)
    unknown = [n for n in names if n not in BUILDS]
    if unknown:
        sys.exit(f"unknown fixture(s) {unknown}; choose from {list(BUILDS)}")
    for build in (BUILDS[n] for n in names):
        out, expected = build()
        expected = {"transformers": __import__("transformers").__version__, "torch": torch.__version__, **expected}
        ended = sum(s[-1] == expected["special"]["eos"] for c in expected["generate"] for s in c["output_ids"])
        seqs = sum(len(c["output_ids"]) for c in expected["generate"])
        print(f"  {seqs} generated sequences, {ended} end with eos")
        (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False) + "\n")
        size = sum(p.stat().st_size for p in out.iterdir())
        print(f"  {size / 1024:.0f} KiB")
        if size > 300 * 1024:
            sys.exit(f"{out} exceeds 300 KiB; shrink the model")
        total += size


if __name__ == "__main__":
    main()

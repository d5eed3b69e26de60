#!/usr/bin/env python3
"""Records Hugging Face transformers' generation behaviour for the generation
engine's tests (crates/precis-infer/src/generate), without any real model:

* processors.json -- HF's own LogitsProcessor classes applied to a fixed random
  score matrix, one case per processor and setting, plus the full processor
  list `generate` builds for a few configs (checks the order);
* mock_generate.json -- `model.generate` on a mock seq2seq model whose next-token
  logits are sums of rows of small random tables, so that the Rust tests can
  replay the same model exactly and compare greedy and beam search token for
  token (eos lists, early stopping variants, length penalty, padding fill).

Run with `just generation-fixtures` (uses the venv at scripts/.venv). Seeded,
so re-running gives the same files.
"""

import json
import math
from pathlib import Path

import torch
import transformers
from torch import nn
from transformers import GenerationConfig, PretrainedConfig, PreTrainedModel
from transformers.generation import GenerationMixin
from transformers.generation import logits_process as lp
from transformers.modeling_outputs import BaseModelOutput, Seq2SeqLMOutput

OUT = Path(__file__).resolve().parent.parent / "crates" / "precis-generate" / "tests" / "fixtures" / "generation"

VOCAB = 12
POSITIONS = 5
SOURCES = 4


def floats(t):
    """f32 values as JSON numbers that parse back to the same f32; JSON has
    no infinities, so those are written as the strings "-inf" / "inf"."""
    return [x if math.isfinite(x) else ("-inf" if x < 0 else "inf") for x in map(float, t.flatten().tolist())]


# ---------------------------------------------------------------- processors


def processor_cases():
    gen = torch.Generator().manual_seed(7)
    rows, vocab = 4, 24
    scores = torch.randn(rows, vocab, generator=gen) * 3.0
    # Histories with repeats (for n-grams and repetition penalty); row 0
    # starts with the decoder start 0 like every seq2seq history.
    ids = torch.tensor(
        [
            [0, 3, 5, 9, 2, 3, 5],
            [0, 7, 7, 7, 2, 11, 7],
            [0, 4, 6, 8, 4, 6, 1],
            [0, 13, 13, 20, 13, 13, 21],
        ]
    )
    log_probs = torch.log_softmax(scores, dim=-1)
    cases = []

    def add(name, proc, params, input_ids=ids, inputs=scores):
        out = proc(input_ids, inputs.clone())
        cases.append(
            {
                "name": name,
                "processor": params.pop("kind"),
                "params": params,
                "input_ids": input_ids.tolist(),
                "scores": floats(inputs),
                "expected": floats(out),
            }
        )

    add("repetition_penalty", lp.RepetitionPenaltyLogitsProcessor(1.3), {"kind": "repetition_penalty", "penalty": 1.3})
    add(
        "repetition_penalty_log_probs",
        lp.RepetitionPenaltyLogitsProcessor(0.7),
        {"kind": "repetition_penalty", "penalty": 0.7},
        inputs=log_probs,
    )
    for n in (1, 2, 3):
        add(f"no_repeat_ngram_{n}", lp.NoRepeatNGramLogitsProcessor(n), {"kind": "no_repeat_ngram", "size": n})
    bad = [[3], [1], [5, 9], [13, 21], [4, 6, 8], [6, 1, 2]]
    add(
        "bad_words",
        lp.NoBadWordsLogitsProcessor(bad, eos_token_id=[1, 22]),
        {"kind": "bad_words", "bad_words_ids": bad, "eos_token_id": [1, 22]},
    )
    for min_length in (7, 8):
        add(
            f"min_length_{min_length}",
            lp.MinLengthLogitsProcessor(min_length, [1, 22]),
            {"kind": "min_length", "min_length": min_length, "eos_token_id": [1, 22]},
        )
    for min_new in (6, 7):
        add(
            f"min_new_tokens_{min_new}",
            lp.MinNewTokensLengthLogitsProcessor(1, min_new, [1, 22]),
            {"kind": "min_new_tokens", "prompt_length": 1, "min_new_tokens": min_new, "eos_token_id": [1, 22]},
        )
    add(
        "forced_bos_first_step",
        lp.ForcedBOSTokenLogitsProcessor(5),
        {"kind": "forced_bos", "token_id": 5},
        input_ids=ids[:, :1],
    )
    add("forced_bos_later", lp.ForcedBOSTokenLogitsProcessor(5), {"kind": "forced_bos", "token_id": 5})
    for max_length in (8, 9):
        add(
            f"forced_eos_max_{max_length}",
            lp.ForcedEOSTokenLogitsProcessor(max_length, [1, 22]),
            {"kind": "forced_eos", "max_length": max_length, "eos_token_id": [1, 22]},
        )
    add("temperature", lp.TemperatureLogitsWarper(0.7), {"kind": "temperature", "temperature": 0.7})
    for k, keep in ((5, 1), (1, 3), (50, 1)):
        add(
            f"top_k_{k}_keep_{keep}",
            lp.TopKLogitsWarper(k, min_tokens_to_keep=keep),
            {"kind": "top_k", "top_k": k, "min_tokens_to_keep": keep},
        )
    for p, keep in ((0.8, 1), (0.3, 1), (0.05, 3), (0.999, 1)):
        add(
            f"top_p_{p}_keep_{keep}",
            lp.TopPLogitsWarper(p, min_tokens_to_keep=keep),
            {"kind": "top_p", "top_p": p, "min_tokens_to_keep": keep},
        )
    add("log_softmax", lambda _ids, s: torch.log_softmax(s, dim=-1), {"kind": "log_softmax"})
    return cases


def processor_lists(model):
    """The processor list `generate` builds, in order, and its output."""
    gen = torch.Generator().manual_seed(11)
    scores = torch.randn(3, VOCAB, generator=gen) * 2.0
    ids = torch.tensor([[0, 3, 4, 3, 4], [0, 1, 2, 6, 2], [0, 9, 9, 9, 9]])
    configs = [
        dict(repetition_penalty=1.2, no_repeat_ngram_size=2, bad_words_ids=[[7], [3, 4]], min_length=8,
             forced_eos_token_id=1, max_length=6, eos_token_id=[1, 5]),
        dict(do_sample=True, temperature=0.6, top_k=6, top_p=0.7, min_new_tokens=5, eos_token_id=1),
        dict(do_sample=True, num_beams=3, top_k=1, top_p=0.1, eos_token_id=[1, 5]),
        dict(do_sample=True, forced_bos_token_id=4, repetition_penalty=0.8, top_k=0, eos_token_id=1),
    ]
    cases = []
    for kwargs in configs:
        config = GenerationConfig(**{"pad_token_id": 0, "decoder_start_token_id": 0, **kwargs})
        model._prepare_special_tokens(config, kwargs_has_attention_mask=True, device="cpu")
        processors = model._get_logits_processor(config, input_ids_seq_length=1, device="cpu")
        out = processors(ids, scores.clone())
        cases.append(
            {
                "config": kwargs,
                "processors": [type(p).__name__ for p in processors],
                "input_ids": ids.tolist(),
                "scores": floats(scores),
                "expected": floats(out),
            }
        )
    return cases


# ---------------------------------------------------------------- mock model


class MockConfig(PretrainedConfig):
    model_type = "precis-mock-seq2seq"

    def __init__(self, vocab_size=VOCAB, **kwargs):
        kwargs.setdefault("is_encoder_decoder", True)
        super().__init__(**kwargs)
        self.vocab_size = vocab_size


class MockEncoder(nn.Module):
    main_input_name = "input_ids"

    def forward(self, input_ids=None, attention_mask=None, **kwargs):
        hidden = (input_ids * attention_mask).to(torch.float32).unsqueeze(-1)
        return BaseModelOutput(last_hidden_state=hidden)


class MockSeq2Seq(PreTrainedModel, GenerationMixin):
    """Next-token logits for decoder history h of a source with key s:
    last[h[-1]] + pos[(len(h) - 1) % POSITIONS] + source[s], summed left to
    right in f32, where s = (sum of the source's real token ids) % SOURCES."""

    config_class = MockConfig
    main_input_name = "input_ids"

    def __init__(self, config, tables):
        super().__init__(config)
        self.encoder = MockEncoder()
        self.last, self.pos, self.source = tables
        # generate() reads the device from the parameters.
        self.unused = nn.Parameter(torch.zeros(1))
        self.post_init()

    def get_encoder(self):
        return self.encoder

    def forward(self, input_ids=None, attention_mask=None, decoder_input_ids=None, encoder_outputs=None, **kwargs):
        if encoder_outputs is None:
            encoder_outputs = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        key = encoder_outputs.last_hidden_state.sum(dim=(1, 2)).to(torch.long) % SOURCES
        steps = []
        for t in range(decoder_input_ids.shape[1]):
            steps.append(self.last[decoder_input_ids[:, t]] + self.pos[t % POSITIONS] + self.source[key])
        return Seq2SeqLMOutput(logits=torch.stack(steps, dim=1))

    def prepare_inputs_for_generation(self, input_ids, encoder_outputs=None, attention_mask=None, **kwargs):
        return {"decoder_input_ids": input_ids, "encoder_outputs": encoder_outputs, "attention_mask": attention_mask}


def mock_tables():
    gen = torch.Generator().manual_seed(3)
    last = torch.randn(VOCAB, VOCAB, generator=gen) * 1.5
    pos = torch.randn(POSITIONS, VOCAB, generator=gen) * 0.8
    source = torch.randn(SOURCES, VOCAB, generator=gen)
    # Tune the eos ids (1 and 5) so that hypotheses end at varied lengths.
    last[:, 1] -= 0.6
    last[:, 5] -= 0.2
    return last, pos, source


SOURCE_BATCH = [[4, 9, 2, 7], [3, 8], [6, 6, 6, 1, 5], [2]]


def pad_batch(rows, pad):
    width = max(len(r) for r in rows)
    return [r + [pad] * (width - len(r)) for r in rows], [[1] * len(r) + [0] * (width - len(r)) for r in rows]


MOCK_CASES = [
    ("greedy_default_length", {}),
    ("greedy_eos_list", dict(max_new_tokens=9, eos_token_id=[1, 5])),
    ("greedy_repetition_ngram", dict(max_new_tokens=12, repetition_penalty=1.5, no_repeat_ngram_size=2)),
    ("greedy_min_length_bad_words", dict(max_length=14, min_length=9, bad_words_ids=[[3], [4, 7]])),
    ("greedy_min_new_tokens", dict(max_new_tokens=10, min_new_tokens=6, eos_token_id=[1, 5])),
    ("greedy_forced", dict(max_length=7, forced_bos_token_id=6, forced_eos_token_id=1)),
    ("beam4_lp1_early_false", dict(num_beams=4, max_new_tokens=12)),
    ("beam4_lp2_early_true_return3", dict(num_beams=4, length_penalty=2.0, early_stopping=True,
                                          num_return_sequences=3, max_new_tokens=12)),
    ("beam3_lp05_never", dict(num_beams=3, length_penalty=0.5, early_stopping="never", max_new_tokens=10)),
    ("beam3_negative_lp_never", dict(num_beams=3, length_penalty=-1.0, early_stopping="never", max_new_tokens=10)),
    ("beam4_eos_list_ngram_min", dict(num_beams=4, eos_token_id=[1, 5], no_repeat_ngram_size=3, min_length=5,
                                      max_new_tokens=12, num_return_sequences=4)),
    ("beam2_forced_bos", dict(num_beams=2, forced_bos_token_id=6, max_new_tokens=8)),
    ("beam3_pad_nonzero_return2", dict(num_beams=3, pad_token_id=2, num_return_sequences=2, max_new_tokens=10)),
    ("beam3_repetition_penalty", dict(num_beams=3, repetition_penalty=1.3, max_new_tokens=10, length_penalty=1.5)),
    ("beam4_max_length_hit", dict(num_beams=4, max_new_tokens=3, eos_token_id=[5])),
    ("beam5_lp0_early_false", dict(num_beams=5, length_penalty=0.0, max_length=15, bad_words_ids=[[1, 1]])),
    ("beam1_is_greedy", dict(num_beams=1, max_new_tokens=12)),
    # Long enough for the early-stopping variants to give different results.
    ("beam2_lp2_heuristic", dict(num_beams=2, length_penalty=2.0, max_new_tokens=25)),
    ("beam2_lp2_never", dict(num_beams=2, length_penalty=2.0, early_stopping="never", max_new_tokens=25)),
    ("beam3_lp2_eos8_early_true", dict(num_beams=3, length_penalty=2.0, early_stopping=True, eos_token_id=[8],
                                       max_new_tokens=25)),
    ("beam4_lp2_eos48_never", dict(num_beams=4, length_penalty=2.0, early_stopping="never", eos_token_id=[4, 8],
                                   max_new_tokens=25, num_return_sequences=2)),
    # Frequent eos ids: non-eos continuations come from below the top 2 * num_beams.
    ("beam2_three_frequent_eos", dict(num_beams=2, eos_token_id=[4, 8, 9], max_new_tokens=15)),
    ("beam3_two_frequent_eos_lp05", dict(num_beams=3, eos_token_id=[8, 9], length_penalty=0.5, max_new_tokens=15)),
]


def mock_cases(model):
    cases = []
    for name, kwargs in MOCK_CASES:
        pad = kwargs.get("pad_token_id", 0)
        ids, mask = pad_batch(SOURCE_BATCH, pad)
        full = {"do_sample": False, "use_cache": False, **kwargs}
        with torch.no_grad():
            out = model.generate(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask), **full,
                                 return_dict_in_generate=True, output_scores=True)
        case = {"name": name, "kwargs": kwargs, "input_ids": ids, "attention_mask": mask,
                "sequences": out.sequences.tolist()}
        if getattr(out, "sequences_scores", None) is not None:
            case["sequences_scores"] = floats(out.sequences_scores)
        cases.append(case)
    return cases


def main():
    tables = mock_tables()
    config = MockConfig(pad_token_id=0, eos_token_id=1, decoder_start_token_id=0, bos_token_id=0)
    model = MockSeq2Seq(config, tables).eval()
    model.generation_config = GenerationConfig(pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)

    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"transformers": transformers.__version__, "torch": torch.__version__.split("+")[0]}
    processors = {**meta, "cases": processor_cases(), "lists": processor_lists(model)}
    (OUT / "processors.json").write_text(json.dumps(processors, indent=1) + "\n")
    last, pos, source = tables
    mock = {
        **meta,
        "vocab_size": VOCAB,
        "model": {"pad_token_id": 0, "eos_token_id": 1, "decoder_start_token_id": 0},
        "tables": {"last": floats(last), "pos": floats(pos), "source": floats(source)},
        "positions": POSITIONS,
        "sources": SOURCES,
        "cases": mock_cases(model),
    }
    (OUT / "mock_generate.json").write_text(json.dumps(mock, indent=1) + "\n")
    print(f"wrote {OUT}/processors.json and mock_generate.json")


if __name__ == "__main__":
    main()

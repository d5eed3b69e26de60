//! precis-infer's integration tests, one module per area, in one test
//! binary: each binary links candle, tokenizers and the rest, so one binary
//! builds and links once instead of once per file.

mod bart_summarizer;
mod bart_tokenizer;
mod bergamot;
mod extractive;
mod extractive_minilm;
mod fuzz_regressions;
mod marian_tokenizer;
mod marian_translate;
mod properties;
mod seq2seq_parity;
mod support;
mod t5_generate;
mod t5_parity;
mod t5_summarizer;
mod t5_tokenizer;
mod tokenizer_load;
mod typography;

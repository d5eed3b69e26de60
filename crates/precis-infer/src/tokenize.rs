//! Text ↔ token ids with a model's `tokenizer.json`, as transformers' fast
//! tokenizers do it: special tokens added on encode (T5's `</s>`), batches
//! right-padded with an attention mask, special tokens skipped on decode and
//! `clean_up_tokenization_spaces` applied when `tokenizer_config.json` asks.
//! Never truncates: callers decide what to do with long inputs.

use std::path::Path;

use candle_core::{Device, Tensor};
use serde::Deserialize;
use tokenizers::Tokenizer;

use crate::InferError;

/// A model's tokenizer.
#[derive(Debug, Clone)]
pub struct TextTokenizer {
    inner: Tokenizer,
    pad_id: u32,
    clean_up_spaces: bool,
}

/// The fields of `tokenizer_config.json` that change decoding.
#[derive(Debug, Default, Deserialize)]
struct TokenizerConfig {
    /// transformers 5 defaults to false (4.x defaulted to true but every
    /// model folder written since spells it out).
    #[serde(default)]
    clean_up_tokenization_spaces: bool,
    /// transformers skips the clean-up for BPE models unless this is set.
    #[serde(default)]
    clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output: bool,
}

/// A right-padded batch ready for [`Seq2SeqModel::encode`](crate::generate::Seq2SeqModel::encode).
#[derive(Debug, Clone)]
pub struct Batch {
    /// `[rows, longest]` u32.
    pub input_ids: Tensor,
    /// `[rows, longest]` u32: 1 for tokens, 0 for padding.
    pub attention_mask: Tensor,
}

impl TextTokenizer {
    /// Loads `tokenizer.json` and, when present, `tokenizer_config.json`
    /// from `dir`. `pad_id` comes from the model config.
    pub fn from_dir(dir: &Path, pad_id: u32) -> Result<Self, InferError> {
        let path = dir.join("tokenizer.json");
        let mut inner = if path.is_file() {
            // tokenizers 0.23 panics on some damaged files (a JSON error inside
            // "decoder" hits an `expect`); found by fuzzing, see fuzz/.
            std::panic::catch_unwind(|| Tokenizer::from_file(&path))
                .unwrap_or_else(|_| Err("tokenizers could not read it".into()))
                .map_err(|e| InferError::BadConfig {
                    path: path.clone(),
                    detail: format!("{e}; download the model's tokenizer.json again"),
                })?
        } else if dir.join("vocab.json").is_file() && dir.join("merges.txt").is_file() {
            crate::models::bart::byte_level_bpe(dir)?
        } else {
            return Err(InferError::MissingFile {
                path: dir.to_path_buf(),
                file: "tokenizer.json".into(),
                fix: "download the model's tokenizer.json (older checkpoints ship only spiece.model: \
                      load it once with transformers' AutoTokenizer and save_pretrained to get one)"
                    .into(),
            });
        };
        // Padding and truncation settings saved in tokenizer.json would pad
        // or cut silently; batching and long inputs are handled explicitly.
        inner.with_padding(None);
        inner
            .with_truncation(None)
            .map_err(|e| InferError::BadConfig {
                path: path.clone(),
                detail: e.to_string(),
            })?;
        let config_path = dir.join("tokenizer_config.json");
        let config: TokenizerConfig = if config_path.is_file() {
            let text = std::fs::read_to_string(&config_path).map_err(|source| InferError::Io {
                context: format!("reading {}", config_path.display()),
                source,
            })?;
            serde_json::from_str(&text).map_err(|e| InferError::BadConfig {
                path: config_path.clone(),
                detail: e.to_string(),
            })?
        } else {
            TokenizerConfig::default()
        };
        let is_bpe = matches!(inner.get_model(), tokenizers::ModelWrapper::BPE(_));
        let clean_up_spaces = config.clean_up_tokenization_spaces
            && (!is_bpe
                || config.clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output);
        Ok(Self {
            inner,
            pad_id,
            clean_up_spaces,
        })
    }

    /// Vocabulary size including added tokens; must not exceed the model's.
    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    /// Token ids of `text`, with the model's special tokens (T5: `</s>` last).
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, InferError> {
        let encoding = self
            .inner
            .encode(text, true)
            .map_err(|e| InferError::Tokenizer(e.to_string()))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// Right-pads `rows` with the pad id to one `[rows, longest]` batch.
    pub fn pad(&self, rows: &[Vec<u32>], device: &Device) -> Result<Batch, InferError> {
        pad_rows(rows, self.pad_id, device)
    }

    /// Text of `ids` without special tokens, spaces cleaned up as HF does
    /// when the tokenizer config asks for it.
    pub fn decode(&self, ids: &[u32]) -> Result<String, InferError> {
        let text = self
            .inner
            .decode(ids, true)
            .map_err(|e| InferError::Tokenizer(e.to_string()))?;
        Ok(if self.clean_up_spaces {
            clean_up_tokenization(&text)
        } else {
            text
        })
    }
}

/// Right-pads `rows` with `pad_id` to one `[rows, longest]` batch with its
/// attention mask (for tokenizers other than [`TextTokenizer`], e.g. Marian's).
pub fn pad_rows(rows: &[Vec<u32>], pad_id: u32, device: &Device) -> Result<Batch, InferError> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut ids = Vec::with_capacity(rows.len() * width);
    let mut mask = Vec::with_capacity(rows.len() * width);
    for row in rows {
        ids.extend(
            row.iter()
                .copied()
                .chain(std::iter::repeat_n(pad_id, width - row.len())),
        );
        mask.extend(
            std::iter::repeat_n(1u32, row.len()).chain(std::iter::repeat_n(0, width - row.len())),
        );
    }
    Ok(Batch {
        input_ids: Tensor::from_vec(ids, (rows.len(), width), device)?,
        attention_mask: Tensor::from_vec(mask, (rows.len(), width), device)?,
    })
}

/// transformers' `clean_up_tokenization`: removes the spaces that
/// word-level tokenizers leave before punctuation and English contractions.
fn clean_up_tokenization(text: &str) -> String {
    text.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re")
}

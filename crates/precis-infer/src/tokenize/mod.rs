//! Text ↔ token ids. [`TextTokenizer`] reads a model's `tokenizer.json` and
//! works as transformers' fast tokenizers do: special tokens added on encode
//! (T5's `</s>`), batches right-padded with an attention mask, special
//! tokens skipped on decode and `clean_up_tokenization_spaces` applied when
//! `tokenizer_config.json` asks. Older BART folders without a
//! `tokenizer.json` get their byte-level BPE built from `vocab.json` +
//! `merges.txt`. opus-mt folders have no `tokenizer.json` either:
//! [`MarianTokenizer`] segments with their SentencePiece model instead.
//! Never truncates: callers decide what to do with long inputs.

mod bpe;
mod marian;
pub(crate) mod spm;

use std::path::{Path, PathBuf};

use precis_generate::Batch;
use serde::Deserialize;
use serde_json::Value;
use tokenizers::Tokenizer;

pub use marian::MarianTokenizer;
pub use spm::SpmModel;

use crate::InferError;

/// A model's tokenizer.
#[derive(Debug, Clone)]
pub struct TextTokenizer {
    inner: Tokenizer,
    /// The file it was read from, for messages.
    source: PathBuf,
    pad_id: u32,
    clean_up_spaces: bool,
    /// Ids from here on have no embedding in the model (see
    /// [`TextTokenizer::fit_model`]); `u32::MAX` until a model is known.
    model_vocab: u32,
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

impl TextTokenizer {
    /// Loads `tokenizer.json` and, when present, `tokenizer_config.json`
    /// from `dir`. `pad_id` comes from the model config.
    pub fn from_dir(dir: &Path, pad_id: u32) -> Result<Self, InferError> {
        let path = dir.join("tokenizer.json");
        let source = if path.is_file() {
            path.clone()
        } else {
            dir.join("vocab.json")
        };
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
            bpe::byte_level_bpe(dir)?
        } else {
            return Err(InferError::MissingFile {
                path: dir.to_path_buf(),
                file: "tokenizer.json".into(),
                fix: "download the model's tokenizer.json (older checkpoints ship only spiece.model: \
                      load it once with transformers' AutoTokenizer and save_pretrained to get one)"
                    .into(),
            });
        };
        check_post_processor(&inner).map_err(|detail| InferError::BadConfig {
            path: source.clone(),
            detail: format!(
                "{detail}; the file is damaged or was edited by hand: download the model's tokenizer.json again"
            ),
        })?;
        // Padding and truncation settings saved in tokenizer.json would pad
        // or cut silently; batching and long inputs are handled explicitly.
        inner.with_padding(None);
        inner
            .with_truncation(None)
            .map_err(|e| InferError::BadConfig {
                path: source.clone(),
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
            source,
            pad_id,
            clean_up_spaces,
            model_vocab: u32::MAX,
        })
    }

    /// Vocabulary size including added tokens.
    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    /// Ties the tokenizer to a model with `vocab_size` input embeddings:
    /// a tokenizer with ids past them belongs to another model, refused
    /// here rather than failing as an index error in the middle of
    /// generation. Special added tokens past the end are let through
    /// (bart-large-cnn's config counts 50264 embeddings, its tokenizer
    /// adds `<mask>` as id 50264); [`encode`](Self::encode) refuses text
    /// that spells one.
    pub fn fit_model(mut self, vocab_size: usize) -> Result<Self, InferError> {
        let added = self.inner.get_added_tokens_decoder();
        let beyond = self
            .inner
            .get_vocab(true)
            .into_values()
            .filter(|&id| id as usize >= vocab_size)
            .filter(|id| !added.get(id).is_some_and(|token| token.special))
            .max();
        if let Some(max_id) = beyond {
            return Err(vocab_mismatch(&self.source, max_id, vocab_size));
        }
        self.model_vocab = u32::try_from(vocab_size).unwrap_or(u32::MAX);
        Ok(self)
    }

    /// Token ids of `text`, with the model's special tokens (T5: `</s>` last).
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, InferError> {
        let encoding = self
            .inner
            .encode(text, true)
            .map_err(|e| InferError::Tokenizer(e.to_string()))?;
        let ids = encoding.get_ids();
        if let Some(&id) = ids.iter().find(|&&id| id >= self.model_vocab) {
            let token = self.inner.id_to_token(id).unwrap_or_default();
            return Err(InferError::Tokenizer(format!(
                "the text contains `{token}`, a special token this model has no embedding for; remove it from the input"
            )));
        }
        Ok(ids.to_vec())
    }

    /// Right-pads `rows` with the pad id to one `[rows, longest]` batch.
    pub fn pad(&self, rows: &[Vec<u32>]) -> Batch {
        Batch::pad(rows, self.pad_id)
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

/// The error for a tokenizer whose ids reach `max_id` in front of a model
/// with only `embeddings` rows.
pub(crate) fn vocab_mismatch(source: &Path, max_id: u32, embeddings: usize) -> InferError {
    InferError::BadConfig {
        path: source.to_path_buf(),
        detail: format!(
            "the tokenizer has token ids up to {max_id} but the model has only {embeddings} embeddings (vocab_size in config.json): the tokenizer belongs to another model; use the model's own"
        ),
    }
}

/// tokenizers 0.23 trusts a loaded post-processor and panics on encode
/// (an index out of bounds) when a `TemplateProcessing` template names a
/// special token its `special_tokens` map lacks, or when the
/// single-sequence template uses `$B`. Checked at load instead, on the
/// processor serialized back to JSON (its fields are private); special
/// token ids must also be in the vocabulary.
fn check_post_processor(tokenizer: &Tokenizer) -> Result<(), String> {
    match tokenizer.get_post_processor() {
        Some(processor) => check_processor(
            &serde_json::to_value(processor).map_err(|e| e.to_string())?,
            tokenizer,
        ),
        None => Ok(()),
    }
}

fn check_processor(processor: &Value, tokenizer: &Tokenizer) -> Result<(), String> {
    let in_vocab = |token: &str, id: Option<u64>| {
        match id {
        Some(id) if u32::try_from(id).is_ok_and(|id| tokenizer.id_to_token(id).is_some()) => Ok(()),
        _ => Err(format!(
            "the post_processor gives the special token `{token}` the id {}, which is not in the vocabulary of {} tokens",
            id.map_or("(none)".into(), |id| id.to_string()),
            tokenizer.get_vocab_size(true)
        )),
    }
    };
    match processor.get("type").and_then(Value::as_str) {
        Some("Sequence") => processor
            .get("processors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .try_for_each(|inner| check_processor(inner, tokenizer)),
        // `sep` and `cls` are `[token, id]` pairs.
        Some("BertProcessing" | "RobertaProcessing") => ["sep", "cls"].iter().try_for_each(|key| {
            let pair = processor.get(key);
            let token = pair
                .and_then(|p| p.get(0))
                .and_then(Value::as_str)
                .unwrap_or(key);
            in_vocab(token, pair.and_then(|p| p.get(1)).and_then(Value::as_u64))
        }),
        Some("TemplateProcessing") => {
            let empty = serde_json::Map::new();
            let specials = processor
                .get("special_tokens")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            for template in ["single", "pair"] {
                let pieces = processor.get(template).and_then(Value::as_array);
                for piece in pieces.into_iter().flatten() {
                    let special = piece.get("SpecialToken").and_then(|p| p.get("id"));
                    if let Some(name) = special.and_then(Value::as_str) {
                        if !specials.contains_key(name) {
                            return Err(format!(
                                "the post_processor's `{template}` template names the special token `{name}`, which its `special_tokens` map does not define"
                            ));
                        }
                    }
                    let sequence = piece.get("Sequence").and_then(|p| p.get("id"));
                    if template == "single" && sequence.is_some_and(|id| id.as_str() != Some("A")) {
                        return Err(
                            "the post_processor's `single` template uses the second sequence `$B`, which a single input does not have"
                                .into(),
                        );
                    }
                }
            }
            for (name, special) in specials {
                let ids = special.get("ids").and_then(Value::as_array);
                for id in ids.into_iter().flatten() {
                    in_vocab(name, id.as_u64())?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
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

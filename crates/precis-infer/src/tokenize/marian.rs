//! transformers' `MarianTokenizer` for opus-mt folders: SentencePiece
//! segmentation (`source.spm`) with ids from `vocab.json`, not a
//! `tokenizer.json`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::spm::SpmModel;
use crate::InferError;

/// transformers' `MarianTokenizer`: the source text is segmented by
/// `source.spm` and each piece looked up in `vocab.json` (pieces it lacks
/// are `<unk>`), then `</s>` is appended; a leading `>>lang<<` code (multi-
/// target models) is one token. Decoding maps ids back through the target
/// vocabulary: `vocab.json` too, or `target_vocab.json` when
/// `tokenizer_config.json` says `separate_vocabs` (pairs whose encoder and
/// decoder have their own embeddings).
#[derive(Debug, Clone)]
pub struct MarianTokenizer {
    source: tokenizers::Tokenizer,
    /// `vocab.json`, for messages.
    source_vocab: PathBuf,
    ids: HashMap<String, u32>,
    unk: u32,
    eos: u32,
    target: TargetVocab,
}

/// What decoding needs of the target vocabulary.
#[derive(Debug, Clone)]
struct TargetVocab {
    /// The piece of each id.
    pieces: Vec<String>,
    /// Ids dropped on decode: `</s>`, `<pad>`, `<unk>`.
    special: Vec<u32>,
}

/// A Marian vocabulary file (`vocab.json`, `target_vocab.json`): piece → id.
struct Vocab {
    ids: HashMap<String, u32>,
    path: PathBuf,
}

impl Vocab {
    fn read(path: PathBuf) -> Result<Self, InferError> {
        let text = std::fs::read_to_string(&path).map_err(|e| bad_vocab(&path, e.to_string()))?;
        let ids = serde_json::from_str(&text).map_err(|e| bad_vocab(&path, e.to_string()))?;
        Ok(Self { ids, path })
    }

    fn id(&self, token: &str) -> Result<u32, InferError> {
        self.ids.get(token).copied().ok_or_else(|| {
            bad_vocab(
                &self.path,
                format!("no `{token}` entry; use the model's own vocabulary files"),
            )
        })
    }

    /// The vocabulary inverted, with its special ids.
    fn target(&self) -> Result<TargetVocab, InferError> {
        let mut pieces = vec![String::new(); self.ids.len()];
        for (piece, &id) in &self.ids {
            let slot = pieces.get_mut(id as usize).ok_or_else(|| {
                bad_vocab(
                    &self.path,
                    format!(
                        "id {id} of `{piece}` is beyond the {} entries",
                        self.ids.len()
                    ),
                )
            })?;
            *slot = piece.clone();
        }
        Ok(TargetVocab {
            pieces,
            special: vec![self.id("</s>")?, self.id("<pad>")?, self.id("<unk>")?],
        })
    }
}

fn bad_vocab(path: &Path, detail: String) -> InferError {
    InferError::BadConfig {
        path: path.to_path_buf(),
        detail,
    }
}

/// Whether `tokenizer_config.json` (absent: no) asks for separate vocabularies.
fn separate_vocabs(dir: &Path) -> Result<bool, InferError> {
    let path = dir.join("tokenizer_config.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(false);
    };
    let config: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad_vocab(&path, e.to_string()))?;
    Ok(config
        .get("separate_vocabs")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false))
}

impl MarianTokenizer {
    /// Reads `source.spm` and `vocab.json` (and `target_vocab.json` for
    /// separate vocabularies) from an opus-mt folder.
    pub fn from_dir(dir: &Path) -> Result<Self, InferError> {
        let separate = separate_vocabs(dir)?;
        let mut needed = vec!["vocab.json", "source.spm"];
        if separate {
            needed.push("target_vocab.json");
        }
        for file in needed {
            if !dir.join(file).is_file() {
                return Err(InferError::MissingFile {
                    path: dir.to_path_buf(),
                    file: file.into(),
                    fix: "a Marian (opus-mt) folder needs source.spm and vocab.json, and target_vocab.json when tokenizer_config.json says separate_vocabs; download them with the model".into(),
                });
            }
        }
        let vocab = Vocab::read(dir.join("vocab.json"))?;
        let target = if separate {
            Vocab::read(dir.join("target_vocab.json"))?.target()?
        } else {
            vocab.target()?
        };
        let spm_path = dir.join("source.spm");
        let source =
            SpmModel::load(&spm_path)?
                .tokenizer()
                .map_err(|detail| InferError::BadConfig {
                    path: spm_path.clone(),
                    detail,
                })?;
        Ok(Self {
            source,
            eos: vocab.id("</s>")?,
            unk: vocab.id("<unk>")?,
            source_vocab: vocab.path,
            ids: vocab.ids,
            target,
        })
    }

    /// Refuses a `vocab.json` with ids past the encoder's `vocab_size`
    /// embeddings, at load rather than as an index error mid-translation.
    pub fn fit_model(self, vocab_size: usize) -> Result<Self, InferError> {
        match self.ids.values().copied().max() {
            Some(max_id) if max_id as usize >= vocab_size => Err(super::vocab_mismatch(
                &self.source_vocab,
                max_id,
                vocab_size,
            )),
            _ => Ok(self),
        }
    }

    /// Token ids of `text`, `</s>` last.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, InferError> {
        let lookup = |piece: &str| self.ids.get(piece).copied().unwrap_or(self.unk);
        let (code, rest) = match text.strip_prefix(">>").and_then(|t| t.split_once("<<")) {
            Some((code, rest)) => (Some(format!(">>{code}<<")), rest),
            None => (None, text),
        };
        let encoding = self
            .source
            .encode(rest, false)
            .map_err(|e| InferError::Tokenizer(e.to_string()))?;
        Ok(code
            .as_deref()
            .map(lookup)
            .into_iter()
            .chain(encoding.get_tokens().iter().map(|piece| lookup(piece)))
            .chain(std::iter::once(self.eos))
            .collect())
    }

    /// Whether the source vocabulary has a piece for `c`: a character it
    /// lacks reaches the model as `<unk>`.
    pub fn knows(&self, c: char) -> Result<bool, InferError> {
        Ok(!self.encode(&c.to_string())?.contains(&self.unk))
    }

    /// Text of target-side `ids` without `</s>`, `<pad>` and `<unk>`.
    pub fn decode(&self, ids: &[u32]) -> String {
        let text: String = ids
            .iter()
            .filter(|id| !self.target.special.contains(id))
            .filter_map(|&id| self.target.pieces.get(id as usize))
            .map(String::as_str)
            .collect();
        text.replace('▁', " ").trim().to_string()
    }

    /// The `>>lang<<` target codes of a multi-target model's vocabulary.
    pub fn language_codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = self
            .ids
            .keys()
            .map(String::as_str)
            .filter(|t| t.starts_with(">>") && t.ends_with("<<"))
            .collect();
        codes.sort_unstable();
        codes
    }
}

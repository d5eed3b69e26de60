//! Model families, one file each, with modules named after the tensor paths
//! of their Hugging Face checkpoints so weights load by path.

pub mod bart;
pub mod bergamot;
pub mod bert;
pub mod marian;
pub mod t5;

use std::path::Path;

use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use serde::Deserialize;

use crate::InferError;

/// Memory-maps safetensors files (one, or a model's shards) as f32 and
/// builds a model from them with `build`. Corrupt files, missing tensors and
/// wrong shapes become [`InferError::BadWeights`] naming the first file.
pub(crate) fn from_mmaped_safetensors<T>(
    weights: &[impl AsRef<Path>],
    build: impl FnOnce(VarBuilder) -> candle_core::Result<T>,
) -> Result<T, InferError> {
    let bad = |e: candle_core::Error| {
        InferError::BadWeights {
            path: weights
                .first()
                .map(|p| p.as_ref().to_path_buf())
                .unwrap_or_default(),
            detail: match unwrap_candle(&e) {
                // The file read fine: the config describes another model.
                candle_core::Error::UnexpectedShape { msg, expected, got } => format!(
                    "tensor `{}` has shape {got:?} in the weights but config.json implies {expected:?}: config.json and the weights do not belong together; use the config.json that came with these weights",
                    msg.strip_prefix("shape mismatch for ").unwrap_or(msg)
                ),
                _ => format!(
                    "{e}; download the model again, or check that config.json belongs to these weights"
                ),
            },
        }
    };
    // SAFETY: the files are memory-mapped read-only; like every mmap this
    // assumes nobody truncates them while the model is alive.
    let vb = unsafe { VarBuilder::from_mmaped_safetensors(weights, DType::F32, &Device::Cpu) }
        .map_err(bad)?;
    build(vb).map_err(bad)
}

/// A model's `config.json` as `T`; a field of the wrong type or a missing
/// one is named in the error.
pub(crate) fn read_config<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, InferError> {
    let bad = |detail: String| InferError::BadConfig {
        path: path.to_path_buf(),
        detail,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| {
        bad(format!(
            "{e}; config.json must be the model's own, as transformers saved it: download it again"
        ))
    })
}

/// The error inside candle's backtrace, path and context wrappers.
fn unwrap_candle(mut e: &candle_core::Error) -> &candle_core::Error {
    loop {
        match e {
            candle_core::Error::WithBacktrace { inner, .. }
            | candle_core::Error::WithPath { inner, .. }
            | candle_core::Error::Context { inner, .. } => e = inner,
            _ => return e,
        }
    }
}

/// A token id field that Hugging Face configs write either as one id or as
/// a list (`"eos_token_id": 1` or `"eos_token_id": [1, 2]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum TokenIds {
    One(u32),
    Many(Vec<u32>),
}

impl TokenIds {
    pub fn to_vec(&self) -> Vec<u32> {
        match self {
            Self::One(id) => vec![*id],
            Self::Many(ids) => ids.clone(),
        }
    }
}

/// A loaded seq2seq model of any family, so summarizers and translators
/// hold one type whatever the checkpoint is.
#[derive(Debug, Clone)]
pub enum AnySeq2Seq {
    T5(t5::T5),
    Bart(bart::Bart),
}

/// Decoder state of [`AnySeq2Seq`].
#[derive(Debug, Clone)]
pub enum AnyState {
    T5(t5::T5State),
    Bart(bart::BartState),
}

/// The config.json of a model of any supported family.
#[derive(Debug, Clone)]
pub enum AnyConfig {
    T5(t5::Config),
    Bart(bart::Config),
}

impl AnyConfig {
    /// Reads config.json as its `model_type` (t5, bart or marian) says.
    pub fn load(config_path: &std::path::Path) -> Result<Self, crate::InferError> {
        match family(config_path)?.as_str() {
            "t5" => Ok(Self::T5(t5::Config::load(config_path)?)),
            "bart" | "marian" => Ok(Self::Bart(bart::Config::load(config_path)?)),
            other => Err(crate::InferError::BadConfig {
                path: config_path.to_path_buf(),
                detail: format!(
                    "model_type `{other}` is not a supported seq2seq family (t5, bart, marian); pick a model from `precis models list`"
                ),
            }),
        }
    }

    pub fn special_tokens(&self) -> crate::generate::SpecialTokens {
        match self {
            Self::T5(config) => config.special_tokens(),
            Self::Bart(config) => config.special_tokens(),
        }
    }

    /// Rows of the encoder's embedding table: every input id must be below.
    pub fn input_vocab_size(&self) -> usize {
        match self {
            Self::T5(config) => config.vocab_size,
            Self::Bart(config) => config.vocab_size,
        }
    }

    /// Tokens the model reads at once: T5's training length (its relative
    /// positions accept more), BART's and Marian's position table size.
    pub fn max_positions(&self) -> Option<usize> {
        match self {
            Self::T5(config) => config.n_positions,
            Self::Bart(config) => Some(config.max_position_embeddings),
        }
    }
}

impl AnySeq2Seq {
    /// Loads the safetensors `weights` of a model with `config`.
    pub fn load(
        config: &AnyConfig,
        weights: &[std::path::PathBuf],
        precision: crate::quantize::Precision,
    ) -> Result<Self, crate::InferError> {
        Ok(match config {
            AnyConfig::T5(config) => {
                Self::T5(t5::T5::from_safetensors(weights, config, precision)?)
            }
            AnyConfig::Bart(config) => {
                Self::Bart(bart::Bart::from_safetensors(weights, config, precision)?)
            }
        })
    }
}

/// `model_type` of a config.json.
fn family(config_path: &std::path::Path) -> Result<String, crate::InferError> {
    #[derive(Deserialize)]
    struct ModelType {
        model_type: Option<String>,
    }
    let config: ModelType = read_config(config_path)?;
    // Old T5 configs predate `model_type`.
    Ok(config.model_type.unwrap_or_else(|| "t5".to_string()))
}

impl crate::generate::Seq2SeqModel for AnySeq2Seq {
    type State = AnyState;

    fn special_tokens(&self) -> &crate::generate::SpecialTokens {
        match self {
            Self::T5(model) => model.special_tokens(),
            Self::Bart(model) => model.special_tokens(),
        }
    }

    fn encode(
        &self,
        input_ids: &candle_core::Tensor,
        attention_mask: &candle_core::Tensor,
    ) -> Result<candle_core::Tensor, crate::InferError> {
        match self {
            Self::T5(model) => model.encode(input_ids, attention_mask),
            Self::Bart(model) => model.encode(input_ids, attention_mask),
        }
    }

    fn start(
        &self,
        encoder_out: &candle_core::Tensor,
        attention_mask: &candle_core::Tensor,
    ) -> Result<AnyState, crate::InferError> {
        Ok(match self {
            Self::T5(model) => AnyState::T5(model.start(encoder_out, attention_mask)?),
            Self::Bart(model) => AnyState::Bart(model.start(encoder_out, attention_mask)?),
        })
    }

    fn step(
        &self,
        state: &mut AnyState,
        tokens: &candle_core::Tensor,
    ) -> Result<candle_core::Tensor, crate::InferError> {
        match (self, state) {
            (Self::T5(model), AnyState::T5(state)) => model.step(state, tokens),
            (Self::Bart(model), AnyState::Bart(state)) => model.step(state, tokens),
            _ => Err(mismatched_state()),
        }
    }

    fn select_rows(
        &self,
        state: &mut AnyState,
        rows: &candle_core::Tensor,
    ) -> Result<(), crate::InferError> {
        match (self, state) {
            (Self::T5(model), AnyState::T5(state)) => model.select_rows(state, rows),
            (Self::Bart(model), AnyState::Bart(state)) => model.select_rows(state, rows),
            _ => Err(mismatched_state()),
        }
    }
}

fn mismatched_state() -> crate::InferError {
    crate::InferError::InvalidSettings(
        "a decoder state was passed to a model of another family; start it with the same model"
            .into(),
    )
}

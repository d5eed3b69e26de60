//! Model families, one file each, with modules named after the tensor paths
//! of their Hugging Face checkpoints so weights load by path.

mod attention;
pub mod bart;
pub mod bert;
pub mod marian;
pub mod t5;

use std::collections::HashMap;
use std::path::Path;

use candle_core::safetensors::SliceSafetensors;
use candle_core::{DType, Device, Shape, Tensor};
use candle_nn::var_builder::SimpleBackend;
use candle_nn::{Init, VarBuilder};
use precis_generate::{Batch, SpecialTokens};
use precis_kernels::MappedFile;
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
    let maps = weights
        .iter()
        .map(|path| {
            let path = path.as_ref();
            MappedFile::open(path).map_err(|e| candle_core::Error::from(e).with_path(path))
        })
        .collect::<candle_core::Result<Vec<_>>>()
        .map_err(bad)?;
    let files = ReleasingMmap::new(weights, &maps).map_err(bad)?;
    let vb = VarBuilder::from_backend(Box::new(files), DType::F32, Device::Cpu);
    build(vb).map_err(bad)
}

/// Memory-mapped safetensors files that hand this process's pages of each
/// tensor back to the page cache once the tensor is loaded: candle copies
/// every tensor out of the map, so keeping its pages would make a model's
/// peak RSS its weights twice (the copy and the whole file). Tensors are
/// found as candle's `MmapedSafetensors` finds them, with its errors.
struct ReleasingMmap<'a> {
    files: Vec<(&'a MappedFile, SliceSafetensors<'a>)>,
    /// The file of each tensor; a name in several files is the last one's.
    routing: HashMap<String, usize>,
}

impl<'a> ReleasingMmap<'a> {
    /// Reads the safetensors headers of `maps`, the files at `paths`.
    fn new(paths: &[impl AsRef<Path>], maps: &'a [MappedFile]) -> candle_core::Result<Self> {
        let mut routing = HashMap::new();
        let mut files = Vec::with_capacity(maps.len());
        for (index, (path, map)) in paths.iter().zip(maps).enumerate() {
            let tensors =
                SliceSafetensors::new(map.as_bytes()).map_err(|e| e.with_path(path.as_ref()))?;
            for (name, _) in tensors.tensors() {
                routing.insert(name, index);
            }
            files.push((map, tensors));
        }
        Ok(Self { files, routing })
    }

    /// The mapped file that holds tensor `name`, and its header.
    fn file(&self, name: &str) -> candle_core::Result<&(&'a MappedFile, SliceSafetensors<'a>)> {
        self.routing
            .get(name)
            .and_then(|&index| self.files.get(index))
            .ok_or_else(|| {
                candle_core::Error::CannotFindTensor {
                    path: name.to_string(),
                }
                .bt()
            })
    }

    /// Loads tensor `name` with `load`, then releases its mapped pages.
    fn load(
        &self,
        name: &str,
        load: impl FnOnce(&SliceSafetensors<'a>) -> candle_core::Result<Tensor>,
    ) -> candle_core::Result<Tensor> {
        let (map, tensors) = self.file(name)?;
        let tensor = load(tensors);
        if let Ok(view) = tensors.get(name) {
            map.release_pages(view.data());
        }
        tensor
    }
}

impl SimpleBackend for ReleasingMmap<'_> {
    fn get(
        &self,
        shape: Shape,
        name: &str,
        init: Init,
        dtype: DType,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        self.load(name, |tensors| {
            SimpleBackend::get(tensors, shape, name, init, dtype, device)
        })
    }

    fn get_unchecked(
        &self,
        name: &str,
        dtype: DType,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        self.load(name, |tensors| tensors.get_unchecked(name, dtype, device))
    }

    fn contains_tensor(&self, name: &str) -> bool {
        self.routing.contains_key(name)
    }
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
    /// `"eos_token_id": 1`
    One(u32),
    /// `"eos_token_id": [1, 2]`
    Many(Vec<u32>),
}

impl TokenIds {
    /// The ids as a list, whichever way the config wrote them.
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
    /// T5, flan-T5.
    T5(t5::T5),
    /// BART, distilBART and Marian (opus-mt).
    Bart(bart::Bart),
}

/// Decoder state of [`AnySeq2Seq`].
#[derive(Debug)]
pub enum AnyState {
    /// Of [`AnySeq2Seq::T5`].
    T5(t5::T5State),
    /// Of [`AnySeq2Seq::Bart`].
    Bart(bart::BartState),
}

/// The config.json of a model of any supported family.
#[derive(Debug, Clone)]
pub enum AnyConfig {
    /// `model_type: "t5"`.
    T5(t5::Config),
    /// `model_type: "bart"` or `"marian"`.
    Bart(bart::Config),
}

impl AnyConfig {
    /// Reads config.json as the family it declares says (t5, bart or marian).
    pub fn load(config_path: &std::path::Path) -> Result<Self, crate::InferError> {
        match crate::Family::from_config(config_path)? {
            crate::Family::T5 => Ok(Self::T5(t5::Config::load(config_path)?)),
            crate::Family::Bart | crate::Family::Marian => {
                Ok(Self::Bart(bart::Config::load(config_path)?))
            }
            other => Err(crate::InferError::BadConfig {
                path: config_path.to_path_buf(),
                detail: format!(
                    "model family `{other}` is not a seq2seq family (t5, bart, marian)"
                ),
            }),
        }
    }

    /// The ids generation starts, pads and stops with, as the config sets them.
    pub fn special_tokens(&self) -> SpecialTokens {
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

/// The candle families' side of the generation engine: encoder and
/// decoder passes on tensors, which the parity tests compare layer by layer
/// with transformers. [`AnySeq2Seq`] turns it into the engine's slice-based
/// [`Seq2SeqModel`](precis_generate::Seq2SeqModel) (implemented for it and
/// for each family by `on_slices!`).
pub trait TensorSeq2Seq: Sync {
    /// Self-attention key/value cache, cross-attention keys/values and the
    /// encoder mask, per decoder row.
    type State;

    /// The ids generation starts, pads and stops with.
    fn special_tokens(&self) -> &SpecialTokens;

    /// Runs the encoder on a right-padded `[batch, src_len]` u32 batch
    /// (mask: 1 = token, 0 = padding). Returns `[batch, src_len, d_model]`.
    fn encode(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<Tensor, InferError>;

    /// A fresh decoder state with one row per row of `encoder_out`.
    fn start(
        &self,
        encoder_out: &Tensor,
        attention_mask: &Tensor,
    ) -> Result<Self::State, InferError>;

    /// Feeds one token per row (`[rows]` u32); returns `[rows, vocab_size]` logits.
    fn step(&self, state: &mut Self::State, tokens: &Tensor) -> Result<Tensor, InferError>;

    /// Keeps rows `rows` (`[new_rows]` u32) of the state, in that order.
    fn select_rows(&self, state: &mut Self::State, rows: &Tensor) -> Result<(), InferError>;
}

impl TensorSeq2Seq for AnySeq2Seq {
    type State = AnyState;

    fn special_tokens(&self) -> &SpecialTokens {
        match self {
            Self::T5(model) => model.special_tokens(),
            Self::Bart(model) => model.special_tokens(),
        }
    }

    fn encode(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<Tensor, InferError> {
        match self {
            Self::T5(model) => model.encode(input_ids, attention_mask),
            Self::Bart(model) => model.encode(input_ids, attention_mask),
        }
    }

    fn start(&self, encoder_out: &Tensor, attention_mask: &Tensor) -> Result<AnyState, InferError> {
        Ok(match self {
            Self::T5(model) => AnyState::T5(model.start(encoder_out, attention_mask)?),
            Self::Bart(model) => AnyState::Bart(model.start(encoder_out, attention_mask)?),
        })
    }

    fn step(&self, state: &mut AnyState, tokens: &Tensor) -> Result<Tensor, InferError> {
        match (self, state) {
            (Self::T5(model), AnyState::T5(state)) => model.step(state, tokens),
            (Self::Bart(model), AnyState::Bart(state)) => model.step(state, tokens),
            _ => Err(mismatched_state()),
        }
    }

    fn select_rows(&self, state: &mut AnyState, rows: &Tensor) -> Result<(), InferError> {
        match (self, state) {
            (Self::T5(model), AnyState::T5(state)) => model.select_rows(state, rows),
            (Self::Bart(model), AnyState::Bart(state)) => model.select_rows(state, rows),
            _ => Err(mismatched_state()),
        }
    }
}

/// The batch as the `[rows, width]` u32 tensors the encoder reads.
pub fn batch_tensors(batch: &Batch) -> Result<(Tensor, Tensor), InferError> {
    let shape = (batch.rows(), batch.width());
    Ok((
        Tensor::from_slice(batch.input_ids(), shape, &Device::Cpu)?,
        Tensor::from_slice(batch.attention_mask(), shape, &Device::Cpu)?,
    ))
}

/// The engine's slice-based contract over a [`TensorSeq2Seq`]: slices in,
/// tensors through the model, slices out. A macro rather than a blanket
/// impl, which the orphan rule forbids for a trait of another crate.
macro_rules! on_slices {
    ($($model:ty),*) => {$(
        impl precis_generate::Seq2SeqModel for $model {
            type State = <$model as TensorSeq2Seq>::State;
            type Error = InferError;

            fn special_tokens(&self) -> &SpecialTokens {
                TensorSeq2Seq::special_tokens(self)
            }

            fn start(&self, batch: &Batch) -> Result<Self::State, InferError> {
                let (input_ids, attention_mask) = batch_tensors(batch)?;
                let encoded = TensorSeq2Seq::encode(self, &input_ids, &attention_mask)?;
                TensorSeq2Seq::start(self, &encoded, &attention_mask)
            }

            fn step(&self, state: &mut Self::State, tokens: &[u32]) -> Result<Vec<f32>, InferError> {
                let tokens = Tensor::from_slice(tokens, tokens.len(), &Device::Cpu)?;
                let logits = TensorSeq2Seq::step(self, state, &tokens)?;
                Ok(logits.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?)
            }

            fn select_rows(&self, state: &mut Self::State, rows: &[u32]) -> Result<(), InferError> {
                let rows = Tensor::from_slice(rows, rows.len(), &Device::Cpu)?;
                TensorSeq2Seq::select_rows(self, state, &rows)
            }
        }
    )*};
}

on_slices!(AnySeq2Seq, t5::T5, bart::Bart);

fn mismatched_state() -> crate::InferError {
    crate::InferError::InvalidSettings(
        "a decoder state was passed to a model of another family; start it with the same model"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in [-1, 1], a different sequence for each seed.
    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n)
            .map(|i| (i as f32 * 0.37 + seed as f32).sin())
            .collect()
    }

    /// Loading releases each tensor's mapped pages; reading a tensor again
    /// (tied embeddings are read twice) must fault the file's bytes back in.
    #[test]
    fn tensors_read_again_after_their_pages_are_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.safetensors");
        let expected = values(3 * 4096, 7);
        let weight = Tensor::from_vec(expected.clone(), (3, 4096), &Device::Cpu).unwrap();
        candle_core::safetensors::save(&[("w".to_string(), weight)].into(), &path).unwrap();
        let reads = from_mmaped_safetensors(&[&path], |vb| {
            let first = vb.get((3, 4096), "w")?;
            let second = vb.get((3, 4096), "w")?;
            Ok([first, second])
        })
        .unwrap();
        for tensor in reads {
            assert_eq!(
                tensor.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
                expected
            );
        }
    }
}

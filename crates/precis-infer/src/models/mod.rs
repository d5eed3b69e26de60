//! Model families, one file each, with modules named after the tensor paths
//! of their Hugging Face checkpoints so weights load by path.

pub mod bart;
pub mod bergamot;
pub mod bert;
pub mod marian;
pub mod t5;

use std::collections::HashMap;
use std::path::Path;

use candle_core::safetensors::SliceSafetensors;
use candle_core::{DType, Device, Shape, Tensor};
use candle_nn::var_builder::SimpleBackend;
use candle_nn::{Init, VarBuilder};
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

/// Scores of at most this many bytes are computed for a whole batch at
/// once; larger ones one input at a time. glibc serves allocations above
/// 32 MiB with fresh `mmap`s, so an encoder's `[8, 8, 512, 512]` scores
/// (64 MiB) were page-faulted and zeroed anew in every layer: a fifth of a
/// batch-8 encoder's time.
const BATCH_SCORES_BYTES: usize = 16 << 20;

/// `softmax(scale · q·Kᵀ + bias) · V` of `queries` `[batch, heads, rows, d]`
/// over `keys`/`values` `[batch, heads, keys, d]`, `bias` broadcast to
/// `[batch, heads, rows, keys]`; returned with the heads merged, `[batch,
/// rows, heads · d]`, ready for the output projection.
pub(crate) fn attention(
    queries: &Tensor,
    keys: &Tensor,
    values: &Tensor,
    scale: Option<f64>,
    bias: Option<&Tensor>,
) -> candle_core::Result<Tensor> {
    let (batch, heads, rows, d) = queries.dims4()?;
    let scores_bytes = batch * heads * rows * keys.dim(2)? * std::mem::size_of::<f32>();
    if batch > 1 && scores_bytes > BATCH_SCORES_BYTES {
        let input = |tensor: &Tensor, b: usize| -> candle_core::Result<Tensor> {
            if tensor.dim(0)? == batch {
                tensor.narrow(0, b, 1)
            } else {
                Ok(tensor.clone())
            }
        };
        let outputs = (0..batch)
            .map(|b| {
                let bias = bias.map(|bias| input(bias, b)).transpose()?;
                attention(
                    &queries.narrow(0, b, 1)?,
                    &input(keys, b)?,
                    &input(values, b)?,
                    scale,
                    bias.as_ref(),
                )
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        return Tensor::cat(&outputs, 0);
    }
    let mut scores = queries.matmul(&keys.t()?)?;
    if let Some(scale) = scale {
        scores = scores.affine(scale, 0.0)?;
    }
    if let Some(bias) = bias {
        scores = scores.broadcast_add(bias)?;
    }
    candle_nn::ops::softmax_last_dim(&scores)?
        .matmul(values)?
        .transpose(1, 2)?
        .reshape((batch, rows, heads * d))
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

/// Self-attention keys and values of the tokens decoded so far, each
/// `[rows, heads, len, d_kv]`, in buffers with spare positions: a decoder
/// step writes its token's keys and values in place, where `Tensor::cat`
/// would copy the whole cache every step. Capacity doubles when it runs
/// out, so the copies add up to at most twice the final cache. Not `Clone`:
/// a clone would share the buffers that steps write in place.
#[derive(Debug, Default)]
pub(crate) struct KvCache {
    /// `[rows, heads, capacity, d_kv]` each; `None` before the first step.
    buffers: Option<(Tensor, Tensor)>,
    len: usize,
}

/// Positions a cache starts with: enough for short outputs without a copy.
const KV_CACHE_START: usize = 64;

impl KvCache {
    /// Appends `keys`/`values` of `[rows, heads, new, d_kv]` and returns views
    /// of every position so far, `[rows, heads, len, d_kv]` (strided over the
    /// buffers; candle's matmul reads them without a copy).
    pub(crate) fn append(
        &mut self,
        keys: &Tensor,
        values: &Tensor,
    ) -> candle_core::Result<(Tensor, Tensor)> {
        let (rows, heads, new, d_kv) = keys.dims4()?;
        let needed = self.len + new;
        let grow = match &self.buffers {
            Some((buffer, _)) => buffer.dim(2)? < needed,
            None => true,
        };
        if grow {
            let capacity = needed.max(2 * self.len).max(KV_CACHE_START);
            let len = self.len;
            let extend = |old: Option<&Tensor>, like: &Tensor| -> candle_core::Result<Tensor> {
                let spare = Tensor::zeros(
                    (rows, heads, capacity - len, d_kv),
                    like.dtype(),
                    like.device(),
                )?;
                match old {
                    Some(old) => Tensor::cat(&[&old.narrow(2, 0, len)?, &spare], 2),
                    None => Ok(spare),
                }
            };
            let old = self.buffers.as_ref();
            self.buffers = Some((
                extend(old.map(|(k, _)| k), keys)?,
                extend(old.map(|(_, v)| v), values)?,
            ));
        }
        let (key_buffer, value_buffer) = self
            .buffers
            .as_ref()
            .ok_or_else(|| candle_core::Error::msg("KV cache buffers missing after growth"))?;
        key_buffer.slice_set(&keys.contiguous()?, 2, self.len)?;
        value_buffer.slice_set(&values.contiguous()?, 2, self.len)?;
        self.len = needed;
        Ok((
            key_buffer.narrow(2, 0, self.len)?,
            value_buffer.narrow(2, 0, self.len)?,
        ))
    }

    /// Row `i` becomes row `rows[i]` (beam reorders, finished rows dropped).
    pub(crate) fn select_rows(&mut self, rows: &Tensor) -> candle_core::Result<()> {
        if let Some((keys, values)) = &self.buffers {
            self.buffers = Some((keys.index_select(rows, 0)?, values.index_select(rows, 0)?));
        }
        Ok(())
    }
}

/// The encoder rows that a decoder state's rows attend to, grouped for
/// cross-attention. Beam search keeps each input's beams in one run of
/// equal length; then cross-attention runs once per input with the run's
/// rows as queries, so the encoder keys and values are stored and read once
/// per input instead of once per beam. Rows in any other order fall back
/// to runs of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceRuns {
    /// The encoder row of each run, in row order.
    pub(crate) sources: Vec<u32>,
    /// Rows per run.
    pub(crate) run: usize,
}

impl SourceRuns {
    /// Groups `row_sources` (the encoder row of every state row).
    pub(crate) fn of(row_sources: &[u32]) -> Self {
        let run = row_sources
            .iter()
            .take_while(|&&source| Some(&source) == row_sources.first())
            .count()
            .max(1);
        let grouped = row_sources.len().is_multiple_of(run)
            && row_sources
                .chunks(run)
                .all(|chunk| chunk.iter().all(|source| Some(source) == chunk.first()));
        if grouped {
            Self {
                sources: row_sources.iter().step_by(run).copied().collect(),
                run,
            }
        } else {
            Self {
                sources: row_sources.to_vec(),
                run: 1,
            }
        }
    }
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

    /// `[rows, heads, len, d_kv]` with values that name their position.
    fn numbered(rows: usize, len: usize, first: usize) -> Tensor {
        let values: Vec<f32> = (0..rows * 2 * len * 3)
            .map(|i| (first * 1000 + i) as f32)
            .collect();
        Tensor::from_vec(values, (rows, 2, len, 3), &Device::Cpu).unwrap()
    }

    /// Appending one position at a time past the growth points gives what
    /// concatenating everything gives, and reorders move whole rows.
    #[test]
    fn kv_cache_equals_concatenation_across_growth_and_reorders() {
        let mut cache = KvCache::default();
        let mut expected: Option<Tensor> = None;
        for step in 0..(2 * KV_CACHE_START + 5) {
            let new = numbered(3, 1, step);
            let (keys, values) = cache.append(&new, &(&new * 2.0).unwrap()).unwrap();
            let all = match &expected {
                Some(old) => Tensor::cat(&[old, &new], 2).unwrap(),
                None => new,
            };
            assert_eq!(
                keys.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
                all.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
                "keys after step {step}"
            );
            assert_eq!(
                values.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
                (&all * 2.0)
                    .unwrap()
                    .flatten_all()
                    .unwrap()
                    .to_vec1::<f32>()
                    .unwrap(),
            );
            expected = Some(all);
            if step == KV_CACHE_START + 1 {
                let rows = Tensor::new(&[2u32, 0, 0], &Device::Cpu).unwrap();
                cache.select_rows(&rows).unwrap();
                expected = expected.map(|t| t.index_select(&rows, 0).unwrap());
            }
        }
    }

    /// Past `BATCH_SCORES_BYTES` attention runs one input at a time; each
    /// input's result must be exactly the whole batch's, per-input bias included.
    #[test]
    fn attention_one_input_at_a_time_equals_the_whole_batch() {
        let (batch, heads, rows, keys, d) = (2, 8, 512, 640, 16);
        assert!(batch * heads * rows * keys * 4 > BATCH_SCORES_BYTES);
        let tensor = |shape: &[usize], seed| {
            let n = shape.iter().product();
            Tensor::from_vec(values(n, seed), shape, &Device::Cpu).unwrap()
        };
        let queries = tensor(&[batch, heads, rows, d], 1);
        let (k, v) = (
            tensor(&[batch, heads, keys, d], 2),
            tensor(&[batch, heads, keys, d], 3),
        );
        let bias = tensor(&[batch, 1, 1, keys], 4);
        let split = attention(&queries, &k, &v, Some(0.25), Some(&bias)).unwrap();
        let scores = queries
            .matmul(&k.t().unwrap())
            .unwrap()
            .affine(0.25, 0.0)
            .unwrap()
            .broadcast_add(&bias)
            .unwrap();
        let whole = candle_nn::ops::softmax_last_dim(&scores)
            .unwrap()
            .matmul(&v)
            .unwrap()
            .transpose(1, 2)
            .unwrap()
            .reshape((batch, rows, heads * d))
            .unwrap();
        assert_eq!(split.dims(), whole.dims());
        assert_eq!(
            split.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
            whole.flatten_all().unwrap().to_vec1::<f32>().unwrap()
        );
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

    #[test]
    fn source_runs_group_equal_runs_and_fall_back_to_single_rows() {
        let runs = |sources: &[u32]| {
            let runs = SourceRuns::of(sources);
            (runs.sources, runs.run)
        };
        assert_eq!(runs(&[0, 1, 2]), (vec![0, 1, 2], 1));
        assert_eq!(runs(&[0, 0, 0, 0, 1, 1, 1, 1]), (vec![0, 1], 4));
        assert_eq!(runs(&[3, 3, 1, 1]), (vec![3, 1], 2));
        assert_eq!(runs(&[0, 0, 1, 1, 1, 1]), (vec![0, 1, 1], 2));
        assert_eq!(runs(&[0, 0, 1]), (vec![0, 0, 1], 1));
        assert_eq!(runs(&[0, 1, 1, 0]), (vec![0, 1, 1, 0], 1));
        assert_eq!(runs(&[]), (vec![], 1));
    }
}

//! Attention and decoder caches shared by the candle seq2seq families (T5,
//! BART, Marian): multi-head attention with stacked projections, the
//! self-attention cache a decoder step appends to in place, and the
//! cross-attention keys/values computed once per input and regrouped when
//! beam search reorders rows.

use candle_core::{DType, Module, Tensor};
use candle_nn::VarBuilder;

use crate::quantize::{Dense, Precision};
use crate::InferError;

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
pub(crate) fn attend(
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
                attend(
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

/// `1 - mask` times the most negative f32, shaped `[batch, 1, 1, len]`, to
/// add to attention scores: padded keys get zero weight.
pub(crate) fn mask_bias(attention_mask: &Tensor) -> candle_core::Result<Tensor> {
    attention_mask
        .to_dtype(DType::F32)?
        .affine(-1.0, 1.0)?
        .affine(f32::MIN as f64, 0.0)?
        .unsqueeze(1)?
        .unsqueeze(1)
}

/// How a family lays out and scales an attention module.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AttentionShape {
    pub(crate) d_model: usize,
    pub(crate) heads: usize,
    pub(crate) head_dim: usize,
    /// Score scale: BART's `head_dim^-0.5`; `None` for T5, which folds it
    /// into its initialisation.
    pub(crate) scale: Option<f64>,
    /// Checkpoint names of the query, key, value and output projections.
    pub(crate) names: [&'static str; 4],
    /// Whether the projections have biases (BART, Marian) or not (T5).
    pub(crate) biased: bool,
}

/// Multi-head self- or cross-attention with its projections.
#[derive(Debug, Clone)]
pub(crate) struct Attention {
    /// Self-attention: q, k and v stacked, one matmul. Cross-attention: q
    /// alone, as k and v apply to the encoder output (see `keys_values`).
    input: Dense,
    /// Cross-attention only: k and v stacked.
    keys_values: Option<Dense>,
    output: Dense,
    heads: usize,
    head_dim: usize,
    scale: Option<f64>,
}

impl Attention {
    /// Loads the projections under `vb`; `cross` for attention over the
    /// encoder output.
    pub(crate) fn load(
        vb: VarBuilder,
        shape: &AttentionShape,
        cross: bool,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let [q, k, v, out] = shape.names;
        let inner = shape.heads * shape.head_dim;
        let stacked = |names: &[&str], inputs: usize, outputs: usize| {
            let weights = names
                .iter()
                .map(|name| vb.get((outputs, inputs), &format!("{name}.weight")))
                .collect::<candle_core::Result<Vec<_>>>()?;
            let bias = if shape.biased {
                let biases = names
                    .iter()
                    .map(|name| vb.get(outputs, &format!("{name}.bias")))
                    .collect::<candle_core::Result<Vec<_>>>()?;
                Some(Tensor::cat(&biases, 0)?)
            } else {
                None
            };
            Dense::new(Tensor::cat(&weights, 0)?, bias, precision)
        };
        let (input, keys_values) = if cross {
            (
                stacked(&[q], shape.d_model, inner)?,
                Some(stacked(&[k, v], shape.d_model, inner)?),
            )
        } else {
            (stacked(&[q, k, v], shape.d_model, inner)?, None)
        };
        Ok(Self {
            input,
            keys_values,
            output: stacked(&[out], inner, shape.d_model)?,
            heads: shape.heads,
            head_dim: shape.head_dim,
            scale: shape.scale,
        })
    }

    /// `[batch, len, parts · inner]` → `parts` tensors `[batch, heads, len,
    /// head_dim]`.
    fn split_heads<const PARTS: usize>(&self, xs: &Tensor) -> candle_core::Result<[Tensor; PARTS]> {
        let (batch, len, _) = xs.dims3()?;
        let xs = xs
            .reshape((batch, len, PARTS, self.heads, self.head_dim))?
            .permute((2, 0, 3, 1, 4))?;
        let parts = (0..PARTS)
            .map(|part| xs.get(part)?.contiguous())
            .collect::<candle_core::Result<Vec<_>>>()?;
        <[Tensor; PARTS]>::try_from(parts)
            .map_err(|_| candle_core::Error::msg("split_heads made the wrong number of parts"))
    }

    /// Attention of `queries` over `keys`/`values`, then the output
    /// projection: `[batch, len, d_model]`.
    fn attend(
        &self,
        queries: &Tensor,
        keys: &Tensor,
        values: &Tensor,
        bias: Option<&Tensor>,
    ) -> candle_core::Result<Tensor> {
        self.output
            .forward(&attend(queries, keys, values, self.scale, bias)?)
    }

    /// Self-attention of `xs` (`[batch, len, d_model]`) over itself; `bias`
    /// holds the padding mask and any position bias.
    pub(crate) fn forward(
        &self,
        xs: &Tensor,
        bias: Option<&Tensor>,
    ) -> candle_core::Result<Tensor> {
        let [queries, keys, values] = self.split_heads(&self.input.forward(xs)?)?;
        self.attend(&queries, &keys, &values, bias)
    }

    /// Self-attention of one decoder step, `xs` `[rows, 1, d_model]`: its
    /// keys and values join `cache` and its query sees every position so
    /// far (plus `bias`, a position bias).
    pub(crate) fn forward_step(
        &self,
        xs: &Tensor,
        cache: &mut KvCache,
        bias: Option<&Tensor>,
    ) -> candle_core::Result<Tensor> {
        let [queries, keys, values] = self.split_heads(&self.input.forward(xs)?)?;
        let (keys, values) = cache.append(&keys, &values)?;
        self.attend(&queries, &keys, &values, bias)
    }

    /// Cross-attention keys and values of the encoder output.
    pub(crate) fn cross_keys_values(
        &self,
        encoder_out: &Tensor,
    ) -> candle_core::Result<CrossKeysValues> {
        let projection = self
            .keys_values
            .as_ref()
            .ok_or_else(|| candle_core::Error::msg("cross-attention without k and v"))?;
        let [keys, values] = self.split_heads(&projection.forward(encoder_out)?)?;
        Ok(CrossKeysValues { keys, values })
    }

    /// Cross-attention of one decoder step, `xs` `[rows, 1, d_model]`. The
    /// rows of each run share an encoder row: they become the query
    /// positions of one attention over that row's keys and values.
    pub(crate) fn forward_cross(
        &self,
        xs: &Tensor,
        cross: &LayerCross,
    ) -> candle_core::Result<Tensor> {
        let (rows, _, _) = xs.dims3()?;
        let run = cross.run;
        let queries = self
            .input
            .forward(xs)?
            .reshape((rows / run, run, self.heads, self.head_dim))?
            .transpose(1, 2)?
            .contiguous()?;
        self.attend(
            &queries,
            &cross.keys_values.keys,
            &cross.keys_values.values,
            Some(cross.bias),
        )?
        .reshape((rows, 1, ()))
    }
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
struct SourceRuns {
    /// The encoder row of each run, in row order.
    sources: Vec<u32>,
    /// Rows per run.
    run: usize,
}

impl SourceRuns {
    /// Groups `row_sources` (the encoder row of every state row).
    fn of(row_sources: &[u32]) -> Self {
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

/// Cross-attention keys and values of one decoder layer, each `[inputs,
/// heads, src_len, head_dim]`.
#[derive(Debug, Clone)]
pub(crate) struct CrossKeysValues {
    keys: Tensor,
    values: Tensor,
}

impl CrossKeysValues {
    fn select(&self, sources: &Tensor) -> candle_core::Result<Self> {
        Ok(Self {
            keys: self.keys.index_select(sources, 0)?,
            values: self.values.index_select(sources, 0)?,
        })
    }
}

/// What one decoder layer's cross-attention reads in a step.
#[derive(Debug)]
pub(crate) struct LayerCross<'a> {
    keys_values: &'a CrossKeysValues,
    /// The encoder padding mask of each run, `[runs, 1, 1, src_len]`.
    bias: &'a Tensor,
    /// Rows per run.
    run: usize,
}

/// The decoder state of a seq2seq family: see
/// [`TensorSeq2Seq::State`](super::TensorSeq2Seq::State). Not
/// `Clone`: its self-attention caches are written in place.
#[derive(Debug)]
pub(crate) struct DecoderState {
    /// Self-attention keys/values per decoder layer.
    self_caches: Vec<KvCache>,
    /// Cross-attention keys/values per decoder layer for every input, and
    /// the encoder padding mask as an additive bias, `[inputs, 1, 1, src_len]`.
    encoder_cross: Vec<CrossKeysValues>,
    encoder_bias: Tensor,
    /// The same, for the encoder rows of `runs` only (a shared copy when
    /// that is every input in order).
    cross: Vec<CrossKeysValues>,
    cross_bias: Tensor,
    /// The encoder row of every state row.
    sources: Vec<u32>,
    runs: SourceRuns,
    /// Tokens fed so far (the next token's position).
    position: usize,
}

impl DecoderState {
    /// A state with one row per input, from each decoder layer's
    /// cross-attention keys/values and the encoder's `attention_mask`.
    pub(crate) fn new(
        encoder_cross: Vec<CrossKeysValues>,
        attention_mask: &Tensor,
    ) -> candle_core::Result<Self> {
        let sources: Vec<u32> = (0..attention_mask.dim(0)? as u32).collect();
        let encoder_bias = mask_bias(attention_mask)?;
        Ok(Self {
            self_caches: encoder_cross.iter().map(|_| KvCache::default()).collect(),
            cross: encoder_cross.clone(),
            cross_bias: encoder_bias.clone(),
            encoder_cross,
            encoder_bias,
            runs: SourceRuns::of(&sources),
            sources,
            position: 0,
        })
    }

    /// The position of the next token.
    pub(crate) fn position(&self) -> usize {
        self.position
    }

    /// Each decoder layer's self-attention cache and cross-attention input
    /// for the step of the token at [`Self::position`]; the position moves
    /// on past it.
    pub(crate) fn step_layers(&mut self) -> impl Iterator<Item = (&mut KvCache, LayerCross<'_>)> {
        self.position += 1;
        let (bias, run) = (&self.cross_bias, self.runs.run);
        self.self_caches
            .iter_mut()
            .zip(&self.cross)
            .map(move |(cache, keys_values)| {
                (
                    cache,
                    LayerCross {
                        keys_values,
                        bias,
                        run,
                    },
                )
            })
    }

    /// Row `i` becomes row `rows[i]`: see
    /// [`TensorSeq2Seq::select_rows`](super::TensorSeq2Seq::select_rows).
    pub(crate) fn select_rows(&mut self, rows: &Tensor) -> Result<(), InferError> {
        let sources = rows
            .to_vec1::<u32>()?
            .iter()
            .map(|&row| self.sources.get(row as usize).copied())
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(|| {
                InferError::InvalidSettings(format!(
                    "select_rows: a row index is out of range for a state of {} rows",
                    self.sources.len()
                ))
            })?;
        for cache in &mut self.self_caches {
            cache.select_rows(rows)?;
        }
        let runs = SourceRuns::of(&sources);
        if runs.sources != self.runs.sources {
            let inputs = self.encoder_bias.dim(0)?;
            if runs.sources.iter().copied().eq(0..inputs as u32) {
                self.cross = self.encoder_cross.clone();
                self.cross_bias = self.encoder_bias.clone();
            } else {
                let picked = Tensor::new(runs.sources.as_slice(), rows.device())?;
                self.cross = self
                    .encoder_cross
                    .iter()
                    .map(|cross| cross.select(&picked))
                    .collect::<candle_core::Result<_>>()?;
                self.cross_bias = self.encoder_bias.index_select(&picked, 0)?;
            }
        }
        self.runs = runs;
        self.sources = sources;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use candle_core::Device;

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
        let split = attend(&queries, &k, &v, Some(0.25), Some(&bias)).unwrap();
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

    /// Cross-attention of rows grouped into runs per input (one attention
    /// per input, the beams as its queries) equals that of the same rows
    /// one at a time, through reorders that pick, regroup and drop inputs.
    #[test]
    fn cross_attention_in_runs_equals_one_row_at_a_time() {
        let (inputs, heads, head_dim, src_len) = (2, 2, 4, 5);
        let d_model = heads * head_dim;
        let tensor = |shape: &[usize], seed| {
            let n = shape.iter().product();
            Tensor::from_vec(values(n, seed), shape, &Device::Cpu).unwrap()
        };
        let dense = |outputs, seed| {
            Dense::new(
                tensor(&[outputs, d_model], seed),
                Some(tensor(&[outputs], seed + 1)),
                Precision::F32,
            )
            .unwrap()
        };
        let attention = Attention {
            input: dense(d_model, 1),
            keys_values: Some(dense(2 * d_model, 3)),
            output: dense(d_model, 5),
            heads,
            head_dim,
            scale: Some(0.5),
        };
        let encoder_out = tensor(&[inputs, src_len, d_model], 7);
        // The second input is padded after three tokens.
        let mask = Tensor::new(&[[1u32, 1, 1, 1, 1], [1, 1, 1, 0, 0]], &Device::Cpu).unwrap();
        let cross = attention.cross_keys_values(&encoder_out).unwrap();
        // The cross-attention output of each row, after `reorders`.
        let outputs = |reorders: &[&[u32]], xs: &Tensor| {
            let mut state = DecoderState::new(vec![cross.clone()], &mask).unwrap();
            for rows in reorders {
                let rows = Tensor::new(*rows, &Device::Cpu).unwrap();
                state.select_rows(&rows).unwrap();
            }
            let (_, layer) = state.step_layers().next().unwrap();
            (layer.run, attention.forward_cross(xs, &layer).unwrap())
        };
        let close = |a: &Tensor, b: &Tensor| {
            let (a, b) = (a.flatten_all().unwrap(), b.flatten_all().unwrap());
            let diff = (a - b).unwrap().abs().unwrap().max(0).unwrap();
            diff.to_scalar::<f32>().unwrap() < 1e-5
        };
        let xs = tensor(&[4, 1, d_model], 9);
        // Rows of sources [1, 1, 0, 0]: two runs of two, inputs swapped.
        let (run, grouped) = outputs(&[&[0, 0, 1, 1], &[2, 3, 0, 1]], &xs);
        assert_eq!(run, 2);
        // The same rows in the order of sources [1, 0, 1, 0]: runs of one.
        let swap = Tensor::new(&[0u32, 2, 1, 3], &Device::Cpu).unwrap();
        let (run, single) = outputs(&[&[1, 0, 1, 0]], &xs.index_select(&swap, 0).unwrap());
        assert_eq!(run, 1);
        assert!(close(&grouped, &single.index_select(&swap, 0).unwrap()));
        // The first input dropped: one run of two rows of the second.
        let two_rows = xs.narrow(0, 0, 2).unwrap();
        let (run, dropped) = outputs(&[&[0, 0, 1, 1], &[2, 3]], &two_rows);
        assert_eq!(run, 2);
        assert!(close(&dropped, &grouped.narrow(0, 0, 2).unwrap()));
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

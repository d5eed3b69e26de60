//! T5 v1.0 and T5 v1.1 / flan-T5, as in Hugging Face's `modeling_t5.py`.
//!
//! Modules mirror the checkpoint's tensor paths (`encoder.block.0.layer.0.
//! SelfAttention.q.weight`, …), so weights load by VarBuilder path. Unlike
//! candle-transformers' T5 this one masks padding (batches of unequal
//! inputs), caches self-attention keys/values, computes cross-attention
//! keys/values once per input and lets beam search reorder its cache: it is
//! written to the [`Seq2SeqModel`] trait.

use std::path::Path;

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{Embedding, RmsNorm, VarBuilder};
use serde::Deserialize;

use crate::generate::model::{Seq2SeqModel, SpecialTokens};
use crate::models::{attention, KvCache, SourceRuns, TokenIds};
use crate::quantize::{Linear, Precision};
use crate::InferError;

/// `config.json` of a T5 checkpoint (fields precis uses).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Config {
    /// Rows of the embedding table.
    pub vocab_size: usize,
    /// Width of embeddings and hidden states.
    pub d_model: usize,
    /// Width of each attention head.
    pub d_kv: usize,
    /// Inner width of the feed-forward blocks.
    pub d_ff: usize,
    /// Encoder layers (and decoder layers unless `num_decoder_layers` says).
    pub num_layers: usize,
    /// Decoder layers, when they differ from the encoder's.
    #[serde(default)]
    pub num_decoder_layers: Option<usize>,
    /// Attention heads per layer.
    pub num_heads: usize,
    /// Relative-position buckets (32).
    #[serde(default = "default_num_buckets")]
    pub relative_attention_num_buckets: usize,
    /// Distance beyond which relative positions share a bucket (128).
    #[serde(default = "default_max_distance")]
    pub relative_attention_max_distance: usize,
    /// The RMS layer norms' epsilon.
    #[serde(default = "default_eps")]
    pub layer_norm_epsilon: f64,
    /// `"relu"` (v1.0), `"gated-gelu"` (v1.1, flan) or `[gated-]ACT`.
    #[serde(default = "default_feed_forward_proj")]
    pub feed_forward_proj: String,
    /// v1.0 ties lm_head to the embeddings and scales the decoder output by
    /// `d_model^-0.5`; v1.1 / flan-T5 set this to false.
    #[serde(default = "default_true")]
    pub tie_word_embeddings: bool,
    /// Written by transformers ≥ 5 instead of relying on `tie_word_embeddings`.
    #[serde(default)]
    pub scale_decoder_outputs: Option<bool>,
    /// Padding id; the family's usual one when absent.
    #[serde(default)]
    pub pad_token_id: Option<u32>,
    /// Id(s) that end a sequence; the family's usual one when absent.
    #[serde(default)]
    pub eos_token_id: Option<TokenIds>,
    /// Id the decoder starts from; the family's usual one when absent.
    #[serde(default)]
    pub decoder_start_token_id: Option<u32>,
    /// Input length the model was trained on (t5: 512). T5's relative
    /// positions accept longer inputs, but quality drops beyond it.
    #[serde(default)]
    pub n_positions: Option<usize>,
}

fn default_num_buckets() -> usize {
    32
}
fn default_max_distance() -> usize {
    128
}
fn default_eps() -> f64 {
    1e-6
}
fn default_feed_forward_proj() -> String {
    "relu".to_string()
}
fn default_true() -> bool {
    true
}

impl Config {
    /// Reads and validates `config.json`.
    pub fn load(path: &Path) -> Result<Self, InferError> {
        let bad = |detail: String| InferError::BadConfig {
            path: path.to_path_buf(),
            detail,
        };
        let config: Self = super::read_config(path)?;
        config.feed_forward().map_err(bad)?;
        if config.num_heads == 0 || config.d_kv == 0 || config.relative_attention_num_buckets < 4 {
            return Err(bad(
                "num_heads and d_kv must be positive and relative_attention_num_buckets at least 4"
                    .into(),
            ));
        }
        Ok(config)
    }

    /// The activation and whether the feed-forward layer is gated, parsed
    /// like HF's `T5Config`.
    fn feed_forward(&self) -> Result<(Activation, bool), String> {
        let (gated, name) = match self.feed_forward_proj.split_once('-') {
            Some(("gated", name)) => (true, name),
            None => (false, self.feed_forward_proj.as_str()),
            Some(_) => {
                return Err(format!(
                    "feed_forward_proj `{}` is not `ACT` or `gated-ACT`",
                    self.feed_forward_proj
                ))
            }
        };
        // HF maps "gated-gelu" to the tanh approximation for backwards compatibility.
        let name = if self.feed_forward_proj == "gated-gelu" {
            "gelu_new"
        } else {
            name
        };
        Ok((Activation::from_name(name)?, gated))
    }

    /// The ids generation starts, pads and stops with; unset, T5's own
    /// (pad 0, eos 1, decoder start = pad).
    pub fn special_tokens(&self) -> SpecialTokens {
        let pad = self.pad_token_id.unwrap_or(0);
        SpecialTokens {
            pad,
            eos: self.eos_token_id.as_ref().map_or(vec![1], TokenIds::to_vec),
            decoder_start: self.decoder_start_token_id.unwrap_or(pad),
            vocab_size: self.vocab_size,
        }
    }

    fn scales_decoder_output(&self) -> bool {
        self.scale_decoder_outputs
            .unwrap_or(self.tie_word_embeddings)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Activation {
    Relu,
    /// Tanh approximation (`gelu_new`, `gelu_pytorch_tanh`).
    GeluTanh,
    /// Exact erf GELU (`gelu`).
    Gelu,
    Silu,
}

impl Activation {
    fn from_name(name: &str) -> Result<Self, String> {
        match name {
            "relu" => Ok(Self::Relu),
            "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" => Ok(Self::GeluTanh),
            "gelu" => Ok(Self::Gelu),
            "silu" | "swish" => Ok(Self::Silu),
            other => Err(format!(
                "unsupported T5 activation `{other}` (relu, gelu, gelu_new, silu)"
            )),
        }
    }

    fn apply(self, xs: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Self::Relu => xs.relu(),
            Self::GeluTanh => xs.gelu(),
            Self::Gelu => xs.gelu_erf(),
            Self::Silu => xs.silu(),
        }
    }
}

/// HF's `_relative_position_bucket`: maps `key - query` to one of
/// `num_buckets` buckets, exact for small distances and logarithmic up to
/// `max_distance`. Bidirectional (encoder) buckets split by sign. The float
/// steps follow torch's f32 arithmetic so bucket edges match.
fn relative_position_bucket(
    relative_position: i64,
    bidirectional: bool,
    num_buckets: usize,
    max_distance: usize,
) -> u32 {
    let mut num_buckets = num_buckets as i64;
    let mut bucket = 0;
    let distance = if bidirectional {
        num_buckets /= 2;
        if relative_position > 0 {
            bucket += num_buckets;
        }
        relative_position.abs()
    } else {
        (-relative_position).max(0)
    };
    let max_exact = num_buckets / 2;
    bucket += if distance < max_exact {
        distance
    } else {
        let log_ratio = (distance as f32 / max_exact as f32).ln();
        let log_range = (max_distance as f64 / max_exact as f64).ln() as f32;
        let large = max_exact + (log_ratio / log_range * (num_buckets - max_exact) as f32) as i64;
        large.min(num_buckets - 1)
    };
    bucket as u32
}

/// `1 - mask` times the most negative f32, shaped `[batch, 1, 1, len]`, to
/// add to attention scores: padded keys get zero weight.
fn mask_bias(attention_mask: &Tensor) -> candle_core::Result<Tensor> {
    attention_mask
        .to_dtype(DType::F32)?
        .affine(-1.0, 1.0)?
        .affine(f32::MIN as f64, 0.0)?
        .unsqueeze(1)?
        .unsqueeze(1)
}

/// Loads the `[inner, d_model]` weights `names` under `vb` stacked into one
/// matrix, so projections of the same input take one matmul.
fn stacked(
    vb: &VarBuilder,
    names: &[&str],
    cfg: &Config,
    precision: Precision,
) -> candle_core::Result<Linear> {
    let inner = cfg.num_heads * cfg.d_kv;
    let weights = names
        .iter()
        .map(|name| vb.get((inner, cfg.d_model), &format!("{name}.weight")))
        .collect::<candle_core::Result<Vec<_>>>()?;
    Linear::new(Tensor::cat(&weights, 0)?, precision)
}

#[derive(Debug, Clone)]
struct Attention {
    /// Self-attention: q, k and v stacked. Cross-attention: q alone, as
    /// k and v apply to the encoder output (see `kv`).
    input: Linear,
    /// Cross-attention only: k and v stacked.
    kv: Option<Linear>,
    o: Linear,
    n_heads: usize,
    d_kv: usize,
    relative_attention_bias: Option<Embedding>,
}

impl Attention {
    fn load(
        vb: VarBuilder,
        cfg: &Config,
        cross: bool,
        has_bias: bool,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let inner = cfg.num_heads * cfg.d_kv;
        let relative_attention_bias = if has_bias {
            Some(candle_nn::embedding(
                cfg.relative_attention_num_buckets,
                cfg.num_heads,
                vb.pp("relative_attention_bias"),
            )?)
        } else {
            None
        };
        let (input, kv) = if cross {
            (
                stacked(&vb, &["q"], cfg, precision)?,
                Some(stacked(&vb, &["k", "v"], cfg, precision)?),
            )
        } else {
            (stacked(&vb, &["q", "k", "v"], cfg, precision)?, None)
        };
        Ok(Self {
            input,
            kv,
            o: Linear::load(inner, cfg.d_model, vb.pp("o"), precision)?,
            n_heads: cfg.num_heads,
            d_kv: cfg.d_kv,
            relative_attention_bias,
        })
    }

    /// `[batch, len, parts·inner]` → `parts` tensors `[batch, heads, len, d_kv]`.
    fn split_heads(&self, xs: &Tensor, parts: usize) -> candle_core::Result<Vec<Tensor>> {
        let (batch, len, _) = xs.dims3()?;
        let xs = xs
            .reshape((batch, len, parts, self.n_heads, self.d_kv))?
            .permute((2, 0, 3, 1, 4))?;
        (0..parts).map(|part| xs.get(part)?.contiguous()).collect()
    }

    /// Self-attention's queries, keys and values of `xs`.
    fn queries_keys_values(&self, xs: &Tensor) -> candle_core::Result<(Tensor, Tensor, Tensor)> {
        match <[Tensor; 3]>::try_from(self.split_heads(&self.input.forward(xs)?, 3)?) {
            Ok([queries, keys, values]) => Ok((queries, keys, values)),
            Err(_) => Err(candle_core::Error::msg(
                "split_heads returned the wrong count",
            )),
        }
    }

    /// Cross-attention's keys and values of the encoder output.
    fn cross_keys_values(&self, encoder_out: &Tensor) -> candle_core::Result<(Tensor, Tensor)> {
        let kv = self
            .kv
            .as_ref()
            .ok_or_else(|| candle_core::Error::msg("T5 cross-attention without k and v"))?;
        match <[Tensor; 2]>::try_from(self.split_heads(&kv.forward(encoder_out)?, 2)?) {
            Ok([keys, values]) => Ok((keys, values)),
            Err(_) => Err(candle_core::Error::msg(
                "split_heads returned the wrong count",
            )),
        }
    }

    /// Attention of `queries` (`[batch, heads, len, d_kv]`) over
    /// `keys`/`values`, then the output projection: `[batch, len, d_model]`.
    /// T5 does not scale scores by `1/sqrt(d_kv)` (it is folded into the
    /// initialisation); `bias` holds the position bias and the padding mask.
    fn attend(
        &self,
        queries: &Tensor,
        keys: &Tensor,
        values: &Tensor,
        bias: &Tensor,
    ) -> candle_core::Result<Tensor> {
        self.o
            .forward(&attention(queries, keys, values, None, Some(bias))?)
    }

    /// Cross-attention of one decoder position per row, `xs` `[rows, 1,
    /// d_model]`, where every `run` consecutive rows share an encoder row:
    /// the run's rows become the query positions of one attention over that
    /// encoder row's `keys`/`values` (`[rows / run, heads, src_len, d_kv]`).
    fn attend_runs(
        &self,
        xs: &Tensor,
        run: usize,
        keys: &Tensor,
        values: &Tensor,
        bias: &Tensor,
    ) -> candle_core::Result<Tensor> {
        let (rows, _, _) = xs.dims3()?;
        let queries = self
            .input
            .forward(xs)?
            .reshape((rows / run, run, self.n_heads, self.d_kv))?
            .transpose(1, 2)?
            .contiguous()?;
        self.attend(&queries, keys, values, bias)?
            .reshape((rows, 1, ()))
    }

    /// Position bias `[1, heads, queries, keys]` for query positions
    /// `first_query..first_query + queries`.
    fn position_bias(
        &self,
        cfg: &Config,
        first_query: usize,
        queries: usize,
        keys: usize,
        bidirectional: bool,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        let Some(table) = &self.relative_attention_bias else {
            return Tensor::zeros((1, self.n_heads, queries, keys), DType::F32, device);
        };
        let buckets: Vec<u32> = (first_query..first_query + queries)
            .flat_map(|query| {
                (0..keys).map(move |key| {
                    relative_position_bucket(
                        key as i64 - query as i64,
                        bidirectional,
                        cfg.relative_attention_num_buckets,
                        cfg.relative_attention_max_distance,
                    )
                })
            })
            .collect();
        let buckets = Tensor::from_vec(buckets, (queries, keys), device)?;
        table.forward(&buckets)?.permute((2, 0, 1))?.unsqueeze(0)
    }
}

/// `DenseReluDense`: `wo(act(wi(x)))`, or `wo(act(wi_0(x)) * wi_1(x))` when gated.
#[derive(Debug, Clone)]
struct FeedForward {
    wi: Linear,
    wi_1: Option<Linear>,
    wo: Linear,
    activation: Activation,
}

impl FeedForward {
    fn load(vb: VarBuilder, cfg: &Config, precision: Precision) -> candle_core::Result<Self> {
        let (activation, gated) = cfg.feed_forward().map_err(candle_core::Error::msg)?;
        let (wi, wi_1) = if gated {
            (
                Linear::load(cfg.d_model, cfg.d_ff, vb.pp("wi_0"), precision)?,
                Some(Linear::load(
                    cfg.d_model,
                    cfg.d_ff,
                    vb.pp("wi_1"),
                    precision,
                )?),
            )
        } else {
            (
                Linear::load(cfg.d_model, cfg.d_ff, vb.pp("wi"), precision)?,
                None,
            )
        };
        let wo = Linear::load(cfg.d_ff, cfg.d_model, vb.pp("wo"), precision)?;
        Ok(Self {
            wi,
            wi_1,
            wo,
            activation,
        })
    }

    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        let mut hidden = self.activation.apply(&self.wi.forward(xs)?)?;
        if let Some(wi_1) = &self.wi_1 {
            hidden = (hidden * wi_1.forward(xs)?)?;
        }
        self.wo.forward(&hidden)
    }
}

/// One `block.N`: `layer.0` self-attention, `layer.1` cross-attention
/// (decoder only), then the feed-forward layer; each pre-normed and residual.
#[derive(Debug, Clone)]
struct Block {
    self_attention: Attention,
    self_norm: RmsNorm,
    cross_attention: Option<(Attention, RmsNorm)>,
    feed_forward: FeedForward,
    ff_norm: RmsNorm,
}

impl Block {
    fn load(
        vb: VarBuilder,
        cfg: &Config,
        index: usize,
        decoder: bool,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let vb = vb.pp("layer");
        let norm = |vb: VarBuilder| {
            candle_nn::rms_norm(cfg.d_model, cfg.layer_norm_epsilon, vb.pp("layer_norm"))
        };
        let self_attention = Attention::load(
            vb.pp("0").pp("SelfAttention"),
            cfg,
            false,
            index == 0,
            precision,
        )?;
        let self_norm = norm(vb.pp("0"))?;
        let cross_attention = if decoder {
            Some((
                Attention::load(
                    vb.pp("1").pp("EncDecAttention"),
                    cfg,
                    true,
                    false,
                    precision,
                )?,
                norm(vb.pp("1"))?,
            ))
        } else {
            None
        };
        let ff = vb.pp(if decoder { "2" } else { "1" });
        Ok(Self {
            self_attention,
            self_norm,
            cross_attention,
            feed_forward: FeedForward::load(ff.pp("DenseReluDense"), cfg, precision)?,
            ff_norm: norm(ff)?,
        })
    }

    fn feed_forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        xs + self.feed_forward.forward(&self.ff_norm.forward(xs)?)?
    }
}

/// `encoder` or `decoder`: blocks plus `final_layer_norm`. The token
/// embedding is the model's `shared` table.
#[derive(Debug, Clone)]
struct Stack {
    blocks: Vec<Block>,
    final_layer_norm: RmsNorm,
}

impl Stack {
    fn load(
        vb: VarBuilder,
        cfg: &Config,
        layers: usize,
        decoder: bool,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let blocks = (0..layers)
            .map(|i| Block::load(vb.pp("block").pp(i), cfg, i, decoder, precision))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let final_layer_norm = candle_nn::rms_norm(
            cfg.d_model,
            cfg.layer_norm_epsilon,
            vb.pp("final_layer_norm"),
        )?;
        Ok(Self {
            blocks,
            final_layer_norm,
        })
    }

    /// Block 0 owns the relative position table; every block reuses its bias.
    fn first_attention(&self) -> candle_core::Result<&Attention> {
        self.blocks
            .first()
            .map(|block| &block.self_attention)
            .ok_or_else(|| candle_core::Error::msg("T5 stack has no blocks"))
    }
}

/// Cross-attention keys and values of the encoder output, each
/// `[inputs, heads, src_len, d_kv]`, computed once per input.
#[derive(Debug, Clone)]
struct CrossCache {
    keys: Tensor,
    values: Tensor,
}

impl CrossCache {
    fn select(&self, sources: &Tensor) -> candle_core::Result<Self> {
        Ok(Self {
            keys: self.keys.index_select(sources, 0)?,
            values: self.values.index_select(sources, 0)?,
        })
    }
}

/// Decoder state of [`T5`]: see [`Seq2SeqModel::State`]. Not `Clone`: its
/// self-attention caches are written in place.
#[derive(Debug)]
pub struct T5State {
    /// Self-attention keys/values per decoder layer.
    self_caches: Vec<KvCache>,
    /// Cross-attention keys/values per decoder layer for every input, and
    /// the encoder padding mask as an additive bias, `[inputs, 1, 1, src_len]`.
    encoder_cross: Vec<CrossCache>,
    encoder_bias: Tensor,
    /// The same, for the encoder rows of `runs` only (a shared copy when
    /// that is every input in order).
    cross: Vec<CrossCache>,
    cross_bias: Tensor,
    /// The encoder row of every state row.
    sources: Vec<u32>,
    runs: SourceRuns,
    /// Tokens fed so far (the next token's position).
    position: usize,
}

/// A T5 / flan-T5 encoder-decoder with its LM head.
#[derive(Debug, Clone)]
pub struct T5 {
    config: Config,
    special: SpecialTokens,
    shared: Embedding,
    encoder: Stack,
    decoder: Stack,
    lm_head: Linear,
    /// `d_model^-0.5` when the decoder output is scaled before lm_head (v1.0).
    output_scale: Option<f64>,
    device: Device,
}

impl T5 {
    /// Builds the model from checkpoint tensors under `vb` (names as in
    /// `T5ForConditionalGeneration`'s state dict).
    pub fn load(
        vb: VarBuilder,
        config: &Config,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let shared_vb = ["shared", "encoder.embed_tokens", "decoder.embed_tokens"]
            .into_iter()
            .find(|name| vb.contains_tensor(&format!("{name}.weight")))
            .map_or_else(|| vb.pp("shared"), |name| vb.pp(name));
        let shared = candle_nn::embedding(config.vocab_size, config.d_model, shared_vb)?;
        let decoder_layers = config.num_decoder_layers.unwrap_or(config.num_layers);
        // Checkpoints saved with tied weights store only `shared.weight`.
        let lm_head_weight = if vb.contains_tensor("lm_head.weight") {
            vb.get((config.vocab_size, config.d_model), "lm_head.weight")?
        } else {
            shared.embeddings().clone()
        };
        Ok(Self {
            special: config.special_tokens(),
            encoder: Stack::load(
                vb.pp("encoder"),
                config,
                config.num_layers,
                false,
                precision,
            )?,
            decoder: Stack::load(vb.pp("decoder"), config, decoder_layers, true, precision)?,
            lm_head: Linear::new(lm_head_weight, precision)?,
            shared,
            output_scale: config
                .scales_decoder_output()
                .then(|| (config.d_model as f64).powf(-0.5)),
            config: config.clone(),
            device: vb.device().clone(),
        })
    }

    /// Loads memory-mapped safetensors files (one, or the shards of a
    /// `model.safetensors.index.json`). Corrupt files, missing tensors and
    /// wrong shapes are [`InferError::BadWeights`].
    pub fn from_safetensors(
        weights: &[impl AsRef<Path>],
        config: &Config,
        precision: Precision,
    ) -> Result<Self, InferError> {
        super::from_mmaped_safetensors(weights, |vb| Self::load(vb, config, precision))
    }

    /// The config it was built from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The device its weights are on.
    pub fn device(&self) -> &Device {
        &self.device
    }
}

impl Seq2SeqModel for T5 {
    type State = T5State;

    fn special_tokens(&self) -> &SpecialTokens {
        &self.special
    }

    fn encode(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<Tensor, InferError> {
        let (_, len) = input_ids.dims2()?;
        let mut xs = self.shared.forward(input_ids)?;
        let bias = self
            .encoder
            .first_attention()?
            .position_bias(&self.config, 0, len, len, true, &self.device)?
            .broadcast_add(&mask_bias(attention_mask)?)?;
        for block in &self.encoder.blocks {
            let normed = block.self_norm.forward(&xs)?;
            let (queries, keys, values) = block.self_attention.queries_keys_values(&normed)?;
            xs = (&xs
                + block
                    .self_attention
                    .attend(&queries, &keys, &values, &bias)?)?;
            xs = block.feed_forward(&xs)?;
        }
        Ok(self.encoder.final_layer_norm.forward(&xs)?)
    }

    fn start(&self, encoder_out: &Tensor, attention_mask: &Tensor) -> Result<T5State, InferError> {
        let encoder_cross = self
            .decoder
            .blocks
            .iter()
            .map(|block| {
                let (attention, _) = block.cross_attention.as_ref().ok_or_else(|| {
                    candle_core::Error::msg("T5 decoder block without cross-attention")
                })?;
                let (keys, values) = attention.cross_keys_values(encoder_out)?;
                Ok(CrossCache { keys, values })
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let rows = encoder_out.dim(0)? as u32;
        let sources: Vec<u32> = (0..rows).collect();
        let encoder_bias = mask_bias(attention_mask)?;
        Ok(T5State {
            self_caches: (0..self.decoder.blocks.len())
                .map(|_| KvCache::default())
                .collect(),
            cross: encoder_cross.clone(),
            cross_bias: encoder_bias.clone(),
            encoder_cross,
            encoder_bias,
            runs: SourceRuns::of(&sources),
            sources,
            position: 0,
        })
    }

    fn step(&self, state: &mut T5State, tokens: &Tensor) -> Result<Tensor, InferError> {
        let mut xs = self.shared.forward(&tokens.unsqueeze(1)?)?;
        let position = state.position;
        let self_bias = self.decoder.first_attention()?.position_bias(
            &self.config,
            position,
            1,
            position + 1,
            false,
            &self.device,
        )?;
        for ((block, cache), cross) in self
            .decoder
            .blocks
            .iter()
            .zip(state.self_caches.iter_mut())
            .zip(&state.cross)
        {
            let normed = block.self_norm.forward(&xs)?;
            let (queries, keys, values) = block.self_attention.queries_keys_values(&normed)?;
            let (keys, values) = cache.append(&keys, &values)?;
            xs = (&xs
                + block
                    .self_attention
                    .attend(&queries, &keys, &values, &self_bias)?)?;
            if let Some((attention, norm)) = &block.cross_attention {
                xs = (&xs
                    + attention.attend_runs(
                        &norm.forward(&xs)?,
                        state.runs.run,
                        &cross.keys,
                        &cross.values,
                        &state.cross_bias,
                    )?)?;
            }
            xs = block.feed_forward(&xs)?;
        }
        state.position += 1;
        let mut xs = self.decoder.final_layer_norm.forward(&xs)?;
        if let Some(scale) = self.output_scale {
            xs = xs.affine(scale, 0.0)?;
        }
        Ok(self.lm_head.forward(&xs)?.squeeze(1)?)
    }

    fn select_rows(&self, state: &mut T5State, rows: &Tensor) -> Result<(), InferError> {
        let sources = rows
            .to_vec1::<u32>()?
            .iter()
            .map(|&row| state.sources.get(row as usize).copied())
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(|| {
                InferError::InvalidSettings(format!(
                    "select_rows: a row index is out of range for a state of {} rows",
                    state.sources.len()
                ))
            })?;
        for cache in &mut state.self_caches {
            cache.select_rows(rows)?;
        }
        let runs = SourceRuns::of(&sources);
        if runs.sources != state.runs.sources {
            let inputs = state.encoder_bias.dim(0)?;
            if runs.sources.iter().copied().eq(0..inputs as u32) {
                state.cross = state.encoder_cross.clone();
                state.cross_bias = state.encoder_bias.clone();
            } else {
                let picked = Tensor::new(runs.sources.as_slice(), rows.device())?;
                state.cross = state
                    .encoder_cross
                    .iter()
                    .map(|cross| cross.select(&picked))
                    .collect::<candle_core::Result<_>>()?;
                state.cross_bias = state.encoder_bias.index_select(&picked, 0)?;
            }
        }
        state.runs = runs;
        state.sources = sources;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct BucketTable {
        relative_positions: Vec<i64>,
        num_buckets: usize,
        max_distance: usize,
        bidirectional: Vec<u32>,
        unidirectional: Vec<u32>,
    }

    /// Bucket edges fall on float boundaries (log(16/8)/log(128/8)·8 = 2):
    /// HF's buckets for t5-small's settings, recorded by make_fixtures.py.
    #[test]
    fn relative_position_buckets_match_transformers() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/t5-buckets.json");
        let table: BucketTable =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for (i, &rel) in table.relative_positions.iter().enumerate() {
            let bi = relative_position_bucket(rel, true, table.num_buckets, table.max_distance);
            let uni = relative_position_bucket(rel, false, table.num_buckets, table.max_distance);
            assert_eq!(bi, table.bidirectional[i], "bidirectional bucket of {rel}");
            assert_eq!(
                uni, table.unidirectional[i],
                "unidirectional bucket of {rel}"
            );
        }
    }

    #[test]
    fn feed_forward_proj_is_parsed_like_transformers() {
        let mut config: Config = serde_json::from_str(
            r#"{"vocab_size": 8, "d_model": 4, "d_kv": 2, "d_ff": 8, "num_layers": 1, "num_heads": 2}"#,
        )
        .unwrap();
        assert_eq!(config.feed_forward(), Ok((Activation::Relu, false)));
        config.feed_forward_proj = "gated-gelu".into();
        assert_eq!(config.feed_forward(), Ok((Activation::GeluTanh, true)));
        config.feed_forward_proj = "gated-silu".into();
        assert_eq!(config.feed_forward(), Ok((Activation::Silu, true)));
        config.feed_forward_proj = "double-gated-gelu".into();
        assert!(config.feed_forward().is_err());
    }
}

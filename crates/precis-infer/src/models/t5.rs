//! T5 v1.0 and T5 v1.1 / flan-T5, as in Hugging Face's `modeling_t5.py`.
//!
//! Modules mirror the checkpoint's tensor paths (`encoder.block.0.layer.0.
//! SelfAttention.q.weight`, …), so weights load by VarBuilder path. Unlike
//! candle-transformers' T5 this one masks padding (batches of unequal
//! inputs) and is written to the [`TensorSeq2Seq`] trait, with the attention
//! and decoder caches it shares with BART and Marian (`attention.rs`):
//! self-attention keys/values appended in place, cross-attention
//! keys/values computed once per input, both reordered for beam search.

use std::path::Path;

use candle_core::{Device, Module, Tensor};
use candle_nn::{Embedding, RmsNorm, VarBuilder};
use serde::Deserialize;

use super::TensorSeq2Seq;
use crate::models::attention::{mask_bias, Attention, AttentionShape, DecoderState};
use crate::models::TokenIds;
use crate::quantize::{Linear, Precision};
use crate::InferError;
use precis_generate::SpecialTokens;

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
        let config: Self = crate::files::read_config(path)?;
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

    fn attention_shape(&self) -> AttentionShape {
        AttentionShape {
            d_model: self.d_model,
            heads: self.num_heads,
            head_dim: self.d_kv,
            scale: None,
            names: ["q", "k", "v", "o"],
            biased: false,
        }
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
        decoder: bool,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let vb = vb.pp("layer");
        let norm = |vb: VarBuilder| {
            candle_nn::rms_norm(cfg.d_model, cfg.layer_norm_epsilon, vb.pp("layer_norm"))
        };
        let shape = cfg.attention_shape();
        let self_attention =
            Attention::load(vb.pp("0").pp("SelfAttention"), &shape, false, precision)?;
        let self_norm = norm(vb.pp("0"))?;
        let cross_attention = if decoder {
            Some((
                Attention::load(vb.pp("1").pp("EncDecAttention"), &shape, true, precision)?,
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
    /// Block 0's relative position table, `[buckets, heads]`: every block
    /// adds the position bias it gives.
    relative_attention_bias: Embedding,
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
            .map(|i| Block::load(vb.pp("block").pp(i), cfg, decoder, precision))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let relative_attention_bias = candle_nn::embedding(
            cfg.relative_attention_num_buckets,
            cfg.num_heads,
            vb.pp("block.0.layer.0.SelfAttention.relative_attention_bias"),
        )?;
        let final_layer_norm = candle_nn::rms_norm(
            cfg.d_model,
            cfg.layer_norm_epsilon,
            vb.pp("final_layer_norm"),
        )?;
        Ok(Self {
            blocks,
            relative_attention_bias,
            final_layer_norm,
        })
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
        self.relative_attention_bias
            .forward(&buckets)?
            .permute((2, 0, 1))?
            .unsqueeze(0)
    }
}

/// Decoder state of [`T5`]: see [`TensorSeq2Seq::State`].
#[derive(Debug)]
pub struct T5State(DecoderState);

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

impl TensorSeq2Seq for T5 {
    type State = T5State;

    fn special_tokens(&self) -> &SpecialTokens {
        &self.special
    }

    fn encode(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<Tensor, InferError> {
        let (_, len) = input_ids.dims2()?;
        let mut xs = self.shared.forward(input_ids)?;
        let bias = self
            .encoder
            .position_bias(&self.config, 0, len, len, true, &self.device)?
            .broadcast_add(&mask_bias(attention_mask)?)?;
        for block in &self.encoder.blocks {
            let normed = block.self_norm.forward(&xs)?;
            xs = (&xs + block.self_attention.forward(&normed, Some(&bias))?)?;
            xs = block.feed_forward(&xs)?;
        }
        Ok(self.encoder.final_layer_norm.forward(&xs)?)
    }

    fn start(&self, encoder_out: &Tensor, attention_mask: &Tensor) -> Result<T5State, InferError> {
        let cross = self
            .decoder
            .blocks
            .iter()
            .map(|block| {
                let (attention, _) = block.cross_attention.as_ref().ok_or_else(|| {
                    candle_core::Error::msg("T5 decoder block without cross-attention")
                })?;
                attention.cross_keys_values(encoder_out)
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(T5State(DecoderState::new(cross, attention_mask)?))
    }

    fn step(&self, state: &mut T5State, tokens: &Tensor) -> Result<Tensor, InferError> {
        let mut xs = self.shared.forward(&tokens.unsqueeze(1)?)?;
        let position = state.0.position();
        let self_bias = self.decoder.position_bias(
            &self.config,
            position,
            1,
            position + 1,
            false,
            &self.device,
        )?;
        for (block, (cache, cross)) in self.decoder.blocks.iter().zip(state.0.step_layers()) {
            let normed = block.self_norm.forward(&xs)?;
            xs = (&xs
                + block
                    .self_attention
                    .forward_step(&normed, cache, Some(&self_bias))?)?;
            if let Some((attention, norm)) = &block.cross_attention {
                xs = (&xs + attention.forward_cross(&norm.forward(&xs)?, &cross)?)?;
            }
            xs = block.feed_forward(&xs)?;
        }
        let mut xs = self.decoder.final_layer_norm.forward(&xs)?;
        if let Some(scale) = self.output_scale {
            xs = xs.affine(scale, 0.0)?;
        }
        Ok(self.lm_head.forward(&xs)?.squeeze(1)?)
    }

    fn select_rows(&self, state: &mut T5State, rows: &Tensor) -> Result<(), InferError> {
        state.0.select_rows(rows)
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

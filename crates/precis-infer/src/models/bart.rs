//! BART / distilBART and Marian (opus-mt), as in Hugging Face's
//! `modeling_bart.py` and `modeling_marian.py`.
//!
//! Marian is BART with sinusoidal positions and without the embedding layer
//! norm, so both run on this one transformer; [`super::marian`] holds what
//! is Marian's own. Modules mirror the checkpoint's tensor paths
//! (`model.encoder.layers.0.self_attn.q_proj.weight`, …). It masks padding
//! and is written to the [`TensorSeq2Seq`] trait, with the attention and
//! decoder caches it shares with T5 (`attention.rs`).

use std::path::Path;

use candle_core::{DType, Module, Tensor};
use candle_nn::{Activation, Embedding, LayerNorm, VarBuilder};
use serde::Deserialize;

use super::TensorSeq2Seq;
use crate::models::attention::{mask_bias, Attention, AttentionShape, DecoderState};
use crate::models::{marian, TokenIds};
use crate::quantize::{Dense, Linear, Precision};
use crate::InferError;
use precis_generate::SpecialTokens;

/// BART's learned positions start at index 2 (a fairseq leftover: rows 0
/// and 1 were reserved for padding).
const LEARNED_POSITION_OFFSET: usize = 2;

/// `config.json` of a BART or Marian checkpoint (fields precis uses; both
/// families spell them the same).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Config {
    /// `"bart"` or `"marian"`.
    pub model_type: String,
    /// Rows of the (source) embedding table.
    pub vocab_size: usize,
    /// Marian with separate vocabularies: the target side's size.
    #[serde(default)]
    pub decoder_vocab_size: Option<usize>,
    /// Width of embeddings and hidden states.
    pub d_model: usize,
    /// Encoder layers.
    pub encoder_layers: usize,
    /// Decoder layers.
    pub decoder_layers: usize,
    /// Attention heads per encoder layer.
    pub encoder_attention_heads: usize,
    /// Attention heads per decoder layer.
    pub decoder_attention_heads: usize,
    /// Inner width of the encoder's feed-forward blocks.
    pub encoder_ffn_dim: usize,
    /// Inner width of the decoder's feed-forward blocks.
    pub decoder_ffn_dim: usize,
    /// `"gelu"` (BART, erf), `"swish"` (opus-mt), `"relu"`, `"gelu_new"`.
    #[serde(default)]
    pub activation_function: Activation,
    /// Longest input (and output) the position table covers.
    pub max_position_embeddings: usize,
    /// Multiply token embeddings by `sqrt(d_model)` (Marian: true; BART: false).
    #[serde(default)]
    pub scale_embedding: bool,
    /// Pre-norm layers with a final layer norm per stack (mBART); BART and
    /// Marian are post-norm.
    #[serde(default)]
    pub normalize_before: bool,
    /// Padding id; the family's usual one when absent.
    #[serde(default)]
    pub pad_token_id: Option<u32>,
    /// Id(s) that end a sequence; the family's usual one when absent.
    #[serde(default)]
    pub eos_token_id: Option<TokenIds>,
    /// Id the decoder starts from; the family's usual one when absent.
    #[serde(default)]
    pub decoder_start_token_id: Option<u32>,
}

impl Config {
    /// Reads and validates `config.json`.
    pub fn load(path: &Path) -> Result<Self, InferError> {
        let bad = |detail: String| InferError::BadConfig {
            path: path.to_path_buf(),
            detail,
        };
        let config: Self = crate::files::read_config(path)?;
        if !matches!(config.model_type.as_str(), "bart" | "marian") {
            return Err(bad(format!(
                "model_type `{}` is not bart or marian; load it with its own family",
                config.model_type
            )));
        }
        for heads in [
            config.encoder_attention_heads,
            config.decoder_attention_heads,
        ] {
            if heads == 0 || !config.d_model.is_multiple_of(heads) {
                return Err(bad(format!(
                    "d_model {} is not a multiple of the {heads} attention heads",
                    config.d_model
                )));
            }
        }
        Ok(config)
    }

    fn is_marian(&self) -> bool {
        self.model_type == "marian"
    }

    /// Rows of the decoder's embedding table and of the output layer.
    pub fn target_vocab_size(&self) -> usize {
        self.decoder_vocab_size.unwrap_or(self.vocab_size)
    }

    /// BART: pad 1, eos 2, decoder start 2. Marian: eos 0, decoder start = pad.
    pub fn special_tokens(&self) -> SpecialTokens {
        let (pad, eos) = if self.is_marian() {
            (self.pad_token_id.unwrap_or(0), 0)
        } else {
            (self.pad_token_id.unwrap_or(1), 2)
        };
        SpecialTokens {
            pad,
            eos: self
                .eos_token_id
                .as_ref()
                .map_or(vec![eos], TokenIds::to_vec),
            decoder_start: self.decoder_start_token_id.unwrap_or(if self.is_marian() {
                pad
            } else {
                eos
            }),
            vocab_size: self.target_vocab_size(),
        }
    }

    /// The attention of the encoder's or decoder's layers.
    fn attention_shape(&self, decoder: bool) -> AttentionShape {
        let heads = if decoder {
            self.decoder_attention_heads
        } else {
            self.encoder_attention_heads
        };
        let head_dim = self.d_model / heads;
        AttentionShape {
            d_model: self.d_model,
            heads,
            head_dim,
            scale: Some((head_dim as f64).powf(-0.5)),
            names: ["q_proj", "k_proj", "v_proj", "out_proj"],
            biased: true,
        }
    }

    fn embed_scale(&self) -> f64 {
        if self.scale_embedding {
            (self.d_model as f64).sqrt()
        } else {
            1.0
        }
    }
}

/// One `layers.N`: self-attention, cross-attention (decoder only), then
/// `fc1`/`fc2`; each residual, normed after (BART, Marian) or before (mBART).
#[derive(Debug, Clone)]
struct Layer {
    self_attn: Attention,
    self_attn_layer_norm: LayerNorm,
    encoder_attn: Option<(Attention, LayerNorm)>,
    fc1: Dense,
    fc2: Dense,
    final_layer_norm: LayerNorm,
    activation: Activation,
    normalize_before: bool,
}

fn layer_norm(d_model: usize, vb: VarBuilder) -> candle_core::Result<LayerNorm> {
    candle_nn::layer_norm(d_model, 1e-5, vb)
}

impl Layer {
    fn load(
        vb: VarBuilder,
        cfg: &Config,
        decoder: bool,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let ffn = if decoder {
            cfg.decoder_ffn_dim
        } else {
            cfg.encoder_ffn_dim
        };
        let d = cfg.d_model;
        let shape = cfg.attention_shape(decoder);
        let encoder_attn = if decoder {
            Some((
                Attention::load(vb.pp("encoder_attn"), &shape, true, precision)?,
                layer_norm(d, vb.pp("encoder_attn_layer_norm"))?,
            ))
        } else {
            None
        };
        Ok(Self {
            self_attn: Attention::load(vb.pp("self_attn"), &shape, false, precision)?,
            self_attn_layer_norm: layer_norm(d, vb.pp("self_attn_layer_norm"))?,
            encoder_attn,
            fc1: Dense::load(d, ffn, vb.pp("fc1"), precision)?,
            fc2: Dense::load(ffn, d, vb.pp("fc2"), precision)?,
            final_layer_norm: layer_norm(d, vb.pp("final_layer_norm"))?,
            activation: cfg.activation_function,
            normalize_before: cfg.normalize_before,
        })
    }

    /// `xs + f(xs)` with the layer norm where the config puts it.
    fn residual(
        &self,
        xs: &Tensor,
        norm: &LayerNorm,
        f: impl FnOnce(&Tensor) -> candle_core::Result<Tensor>,
    ) -> candle_core::Result<Tensor> {
        if self.normalize_before {
            xs + f(&norm.forward(xs)?)?
        } else {
            norm.forward(&(xs + f(xs)?)?)
        }
    }

    fn feed_forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        self.residual(xs, &self.final_layer_norm, |xs| {
            self.fc2
                .forward(&self.activation.forward(&self.fc1.forward(xs)?)?)
        })
    }
}

/// Where position embeddings come from.
#[derive(Debug, Clone)]
enum Positions {
    /// BART: `embed_positions.weight`, rows shifted by [`LEARNED_POSITION_OFFSET`].
    Learned(Tensor),
    /// Marian: a fixed sinusoidal table, computed rather than loaded.
    Sinusoidal(Tensor),
}

impl Positions {
    /// Embeddings of positions `first..first + len`, `[len, d_model]`.
    fn get(&self, first: usize, len: usize) -> Result<Tensor, InferError> {
        let (table, offset) = match self {
            Self::Learned(table) => (table, LEARNED_POSITION_OFFSET),
            Self::Sinusoidal(table) => (table, 0),
        };
        let rows = table.dim(0)?.saturating_sub(offset);
        if first + len > rows {
            return Err(InferError::InvalidSettings(format!(
                "the model has {rows} positions but position {} was asked for; \
                 shorten the input or lower max_length",
                first + len - 1
            )));
        }
        Ok(table.narrow(0, first + offset, len)?)
    }
}

/// `model.encoder` or `model.decoder`.
#[derive(Debug, Clone)]
struct Stack {
    embed_tokens: Embedding,
    positions: Positions,
    layernorm_embedding: Option<LayerNorm>,
    layers: Vec<Layer>,
    /// Pre-norm stacks (mBART) end with `layer_norm`.
    layer_norm: Option<LayerNorm>,
    embed_scale: f64,
}

impl Stack {
    fn load(
        vb: VarBuilder,
        cfg: &Config,
        embed_tokens: Embedding,
        decoder: bool,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let d = cfg.d_model;
        let positions = if cfg.is_marian() {
            Positions::Sinusoidal(marian::sinusoidal_positions(
                cfg.max_position_embeddings,
                d,
                vb.device(),
            )?)
        } else {
            Positions::Learned(vb.get(
                (cfg.max_position_embeddings + LEARNED_POSITION_OFFSET, d),
                "embed_positions.weight",
            )?)
        };
        let optional_norm = |name: &str| {
            vb.contains_tensor(&format!("{name}.weight"))
                .then(|| layer_norm(d, vb.pp(name)))
                .transpose()
        };
        let count = if decoder {
            cfg.decoder_layers
        } else {
            cfg.encoder_layers
        };
        let layers = (0..count)
            .map(|i| Layer::load(vb.pp("layers").pp(i), cfg, decoder, precision))
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Self {
            embed_tokens,
            positions,
            layernorm_embedding: optional_norm("layernorm_embedding")?,
            layers,
            layer_norm: optional_norm("layer_norm")?,
            embed_scale: cfg.embed_scale(),
        })
    }

    /// Token plus position embeddings of `ids` (`[batch, len]`) starting at
    /// position `first`.
    fn embed(&self, ids: &Tensor, first: usize) -> Result<Tensor, InferError> {
        let len = ids.dim(1)?;
        let tokens = self
            .embed_tokens
            .forward(ids)?
            .affine(self.embed_scale, 0.0)?;
        let xs = tokens.broadcast_add(&self.positions.get(first, len)?)?;
        Ok(match &self.layernorm_embedding {
            Some(norm) => norm.forward(&xs)?,
            None => xs,
        })
    }

    fn finish(&self, xs: Tensor) -> candle_core::Result<Tensor> {
        match &self.layer_norm {
            Some(norm) => norm.forward(&xs),
            None => Ok(xs),
        }
    }
}

/// Decoder state of [`Bart`]: see [`TensorSeq2Seq::State`].
#[derive(Debug)]
pub struct BartState(DecoderState);

/// A BART, distilBART or Marian encoder-decoder with its LM head.
#[derive(Debug, Clone)]
pub struct Bart {
    config: Config,
    special: SpecialTokens,
    encoder: Stack,
    decoder: Stack,
    lm_head: Linear,
    /// `final_logits_bias`, `[1, target vocab]`; zeros when the checkpoint
    /// leaves it out (transformers does the same).
    final_logits_bias: Tensor,
}

impl Bart {
    /// Builds the model from checkpoint tensors under `vb` (names as in
    /// `BartForConditionalGeneration` / `MarianMTModel`).
    pub fn load(
        vb: VarBuilder,
        config: &Config,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let d = config.d_model;
        let target_vocab = config.target_vocab_size();
        let model = vb.pp("model");
        // Shared vocabularies store `model.shared`; separate ones (some
        // opus-mt pairs) each stack's own `embed_tokens`.
        let table = |stack: &str, rows: usize| {
            let own = format!("{stack}.embed_tokens.weight");
            let name = if model.contains_tensor(&own) {
                own
            } else {
                "shared.weight".to_string()
            };
            Ok::<_, candle_core::Error>(Embedding::new(model.get((rows, d), &name)?, d))
        };
        let encoder_embed = table("encoder", config.vocab_size)?;
        let decoder_embed = table("decoder", target_vocab)?;
        let lm_head_weight = if vb.contains_tensor("lm_head.weight") {
            vb.get((target_vocab, d), "lm_head.weight")?
        } else {
            decoder_embed.embeddings().clone()
        };
        let final_logits_bias = if vb.contains_tensor("final_logits_bias") {
            vb.get((1, target_vocab), "final_logits_bias")?
        } else {
            Tensor::zeros((1, target_vocab), DType::F32, vb.device())?
        };
        Ok(Self {
            special: config.special_tokens(),
            encoder: Stack::load(model.pp("encoder"), config, encoder_embed, false, precision)?,
            decoder: Stack::load(model.pp("decoder"), config, decoder_embed, true, precision)?,
            lm_head: Linear::new(lm_head_weight, precision)?,
            final_logits_bias,
            config: config.clone(),
        })
    }

    /// Loads memory-mapped safetensors files. Corrupt files, missing tensors
    /// and wrong shapes are [`InferError::BadWeights`].
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
}

impl TensorSeq2Seq for Bart {
    type State = BartState;

    fn special_tokens(&self) -> &SpecialTokens {
        &self.special
    }

    fn encode(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<Tensor, InferError> {
        let mut xs = self.encoder.embed(input_ids, 0)?;
        let bias = mask_bias(attention_mask)?;
        for layer in &self.encoder.layers {
            xs = layer.residual(&xs, &layer.self_attn_layer_norm, |xs| {
                layer.self_attn.forward(xs, Some(&bias))
            })?;
            xs = layer.feed_forward(&xs)?;
        }
        Ok(self.encoder.finish(xs)?)
    }

    fn start(
        &self,
        encoder_out: &Tensor,
        attention_mask: &Tensor,
    ) -> Result<BartState, InferError> {
        let cross =
            self.decoder
                .layers
                .iter()
                .map(|layer| {
                    let (attention, _) = layer.encoder_attn.as_ref().ok_or_else(|| {
                        candle_core::Error::msg("decoder layer without encoder_attn")
                    })?;
                    attention.cross_keys_values(encoder_out)
                })
                .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(BartState(DecoderState::new(cross, attention_mask)?))
    }

    fn step(&self, state: &mut BartState, tokens: &Tensor) -> Result<Tensor, InferError> {
        let mut xs = self
            .decoder
            .embed(&tokens.unsqueeze(1)?, state.0.position())?;
        for (layer, (cache, cross)) in self.decoder.layers.iter().zip(state.0.step_layers()) {
            // One query at the newest position: it may see every key.
            xs = layer.residual(&xs, &layer.self_attn_layer_norm, |xs| {
                layer.self_attn.forward_step(xs, cache, None)
            })?;
            if let Some((attention, norm)) = &layer.encoder_attn {
                xs = layer.residual(&xs, norm, |xs| attention.forward_cross(xs, &cross))?;
            }
            xs = layer.feed_forward(&xs)?;
        }
        let xs = self.decoder.finish(xs)?;
        let logits = self
            .lm_head
            .forward(&xs)?
            .squeeze(1)?
            .broadcast_add(&self.final_logits_bias)?;
        Ok(logits)
    }

    fn select_rows(&self, state: &mut BartState, rows: &Tensor) -> Result<(), InferError> {
        state.0.select_rows(rows)
    }
}

//! BERT encoder, as `BertModel` in Hugging Face's `modeling_bert.py`
//! (without the pooler, which sentence embeddings do not use).
//!
//! Modules mirror the checkpoint's tensor paths (`embeddings.word_embeddings.
//! weight`, `encoder.layer.0.attention.self.query.weight`, …); checkpoints
//! saved from `BertFor…` heads carry a `bert.` prefix, which is accepted too.

use std::path::Path;

use candle_core::{DType, Module, Tensor, D};
use candle_nn::{Embedding, LayerNorm, VarBuilder};
use serde::Deserialize;

use crate::quantize::{Dense, Precision};
use crate::InferError;

/// `config.json` of a BERT checkpoint (fields precis uses).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Config {
    /// Rows of the token embedding table.
    pub vocab_size: usize,
    /// Width of embeddings and hidden states.
    pub hidden_size: usize,
    /// Encoder layers.
    pub num_hidden_layers: usize,
    /// Attention heads per layer.
    pub num_attention_heads: usize,
    /// Inner width of the feed-forward blocks.
    pub intermediate_size: usize,
    /// Only `"gelu"` (the exact, erf-based GELU) is supported.
    pub hidden_act: String,
    /// Longest input the position table covers.
    pub max_position_embeddings: usize,
    /// Rows of the token-type (segment) embedding table.
    pub type_vocab_size: usize,
    /// The layer norms' epsilon.
    pub layer_norm_eps: f64,
}

impl Config {
    /// Reads and validates `config.json`.
    pub fn load(path: &Path) -> Result<Self, InferError> {
        let bad = |detail: String| InferError::BadConfig {
            path: path.to_path_buf(),
            detail,
        };
        let config: Self = crate::files::read_config(path)?;
        if config.hidden_act != "gelu" {
            return Err(bad(format!(
                "hidden_act `{}` is not supported; precis runs BERT models with hidden_act \"gelu\"",
                config.hidden_act
            )));
        }
        if config.num_attention_heads == 0
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
        {
            return Err(bad(
                "hidden_size must be a positive multiple of num_attention_heads".into(),
            ));
        }
        Ok(config)
    }
}

struct Embeddings {
    word_embeddings: Embedding,
    position_embeddings: Embedding,
    token_type_embeddings: Embedding,
    layer_norm: LayerNorm,
}

impl Embeddings {
    fn load(vb: VarBuilder, cfg: &Config) -> candle_core::Result<Self> {
        let h = cfg.hidden_size;
        Ok(Embeddings {
            word_embeddings: candle_nn::embedding(cfg.vocab_size, h, vb.pp("word_embeddings"))?,
            position_embeddings: candle_nn::embedding(
                cfg.max_position_embeddings,
                h,
                vb.pp("position_embeddings"),
            )?,
            token_type_embeddings: candle_nn::embedding(
                cfg.type_vocab_size,
                h,
                vb.pp("token_type_embeddings"),
            )?,
            layer_norm: candle_nn::layer_norm(h, cfg.layer_norm_eps, vb.pp("LayerNorm"))?,
        })
    }

    /// Single-segment input: every token has token type 0.
    fn forward(&self, input_ids: &Tensor) -> candle_core::Result<Tensor> {
        let (_, len) = input_ids.dims2()?;
        let positions = Tensor::arange(0u32, len as u32, input_ids.device())?;
        let token_types = Tensor::zeros(len, DType::U32, input_ids.device())?;
        let xs = self
            .word_embeddings
            .forward(input_ids)?
            .broadcast_add(&self.position_embeddings.forward(&positions)?)?
            .broadcast_add(&self.token_type_embeddings.forward(&token_types)?)?;
        self.layer_norm.forward(&xs)
    }
}

struct SelfAttention {
    query: Dense,
    key: Dense,
    value: Dense,
    heads: usize,
    head_dim: usize,
}

impl SelfAttention {
    fn load(vb: VarBuilder, cfg: &Config, precision: Precision) -> candle_core::Result<Self> {
        let h = cfg.hidden_size;
        Ok(SelfAttention {
            query: Dense::load(h, h, vb.pp("query"), precision)?,
            key: Dense::load(h, h, vb.pp("key"), precision)?,
            value: Dense::load(h, h, vb.pp("value"), precision)?,
            heads: cfg.num_attention_heads,
            head_dim: h / cfg.num_attention_heads,
        })
    }

    /// `mask_bias` is `[batch, 1, 1, len]`: 0 for tokens, a large negative
    /// number for padding.
    fn forward(&self, xs: &Tensor, mask_bias: &Tensor) -> candle_core::Result<Tensor> {
        let (batch, len, hidden) = xs.dims3()?;
        let split = |t: Tensor| {
            t.reshape((batch, len, self.heads, self.head_dim))?
                .transpose(1, 2)?
                .contiguous()
        };
        let q = split(self.query.forward(xs)?)?;
        let k = split(self.key.forward(xs)?)?;
        let v = split(self.value.forward(xs)?)?;
        let scores =
            (q.matmul(&k.t()?)? / (self.head_dim as f64).sqrt())?.broadcast_add(mask_bias)?;
        let weights = candle_nn::ops::softmax_last_dim(&scores)?;
        weights
            .matmul(&v)?
            .transpose(1, 2)?
            .reshape((batch, len, hidden))
    }
}

struct Layer {
    attention: SelfAttention,
    attention_output: Dense,
    attention_norm: LayerNorm,
    intermediate: Dense,
    output: Dense,
    output_norm: LayerNorm,
}

impl Layer {
    fn load(vb: VarBuilder, cfg: &Config, precision: Precision) -> candle_core::Result<Self> {
        let (h, i, eps) = (cfg.hidden_size, cfg.intermediate_size, cfg.layer_norm_eps);
        let attention = vb.pp("attention");
        let dense = |in_dim, out_dim, vb| Dense::load(in_dim, out_dim, vb, precision);
        Ok(Layer {
            attention: SelfAttention::load(attention.pp("self"), cfg, precision)?,
            attention_output: dense(h, h, attention.pp("output.dense"))?,
            attention_norm: candle_nn::layer_norm(h, eps, attention.pp("output.LayerNorm"))?,
            intermediate: dense(h, i, vb.pp("intermediate.dense"))?,
            output: dense(i, h, vb.pp("output.dense"))?,
            output_norm: candle_nn::layer_norm(h, eps, vb.pp("output.LayerNorm"))?,
        })
    }

    fn forward(&self, xs: &Tensor, mask_bias: &Tensor) -> candle_core::Result<Tensor> {
        let attended = self
            .attention_output
            .forward(&self.attention.forward(xs, mask_bias)?)?;
        let xs = self.attention_norm.forward(&(attended + xs)?)?;
        let hidden = self.intermediate.forward(&xs)?.gelu_erf()?;
        self.output_norm
            .forward(&(self.output.forward(&hidden)? + xs)?)
    }
}

/// The BERT encoder: token ids in, one hidden state per token out.
pub struct BertModel {
    embeddings: Embeddings,
    layers: Vec<Layer>,
    config: Config,
}

impl BertModel {
    /// The encoder under `vb`, its linear layers' weights in `precision`.
    pub fn load(
        vb: VarBuilder,
        config: &Config,
        precision: Precision,
    ) -> candle_core::Result<Self> {
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            vb
        };
        let layers = (0..config.num_hidden_layers)
            .map(|i| Layer::load(vb.pp(format!("encoder.layer.{i}")), config, precision))
            .collect::<candle_core::Result<_>>()?;
        Ok(BertModel {
            embeddings: Embeddings::load(vb.pp("embeddings"), config)?,
            layers,
            config: config.clone(),
        })
    }

    /// Loads a memory-mapped `model.safetensors`; missing tensors and wrong
    /// shapes are [`InferError::BadWeights`].
    pub fn from_safetensors(
        weights: &Path,
        config: &Config,
        precision: Precision,
    ) -> Result<Self, InferError> {
        super::from_mmaped_safetensors(&[weights], |vb| Self::load(vb, config, precision))
    }

    /// The config it was built from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Hidden states `[batch, len, hidden]` of `input_ids` `[batch, len]`
    /// (u32); `attention_mask` `[batch, len]` is 1 for tokens, 0 for padding.
    pub fn forward(
        &self,
        input_ids: &Tensor,
        attention_mask: &Tensor,
    ) -> candle_core::Result<Tensor> {
        let (batch, len) = attention_mask.dims2()?;
        // Padding gets a bias so negative that softmax gives it weight 0, as in HF.
        let mask_bias = ((attention_mask
            .to_dtype(DType::F32)?
            .reshape((batch, 1, 1, len))?
            - 1.0)?
            * 1e9)?;
        let mut xs = self.embeddings.forward(input_ids)?;
        for layer in &self.layers {
            xs = layer.forward(&xs, &mask_bias)?;
        }
        Ok(xs)
    }
}

/// Mean of the hidden states over the real (unmasked) tokens of each row,
/// `[batch, len, hidden]` → `[batch, hidden]`: sentence-transformers' mean pooling.
pub fn mean_pool(hidden: &Tensor, attention_mask: &Tensor) -> candle_core::Result<Tensor> {
    let mask = attention_mask.to_dtype(DType::F32)?.unsqueeze(D::Minus1)?;
    let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
    let counts = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
    summed.broadcast_div(&counts)
}

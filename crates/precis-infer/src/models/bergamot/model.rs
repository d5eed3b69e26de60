//! The Bergamot "tiny" student network (Marian `src/models/transformer.h`):
//! a 6-layer post-norm transformer encoder and a 2-layer decoder in which an
//! SSRU (`src/rnn/cells.h`) replaces self-attention, followed by
//! cross-attention and a ReLU feed-forward block; one tied embedding matrix
//! serves source, target and output. Modules mirror the checkpoint names.

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::Linear;

use super::config::BergamotConfig;
use super::marian_bin::{ItemType, MarianFile};
use crate::generate::{Seq2SeqModel, SpecialTokens};
use crate::InferError;

/// Marian's end-of-sentence id, also used for padding.
pub const EOS: u32 = 0;

/// Marian's layer-norm epsilon.
const LN_EPS: f32 = 1e-9;
/// Marian's additive attention mask value for padding.
const MASK_VALUE: f64 = -99_999_999.0;

/// Post-norm layer normalization `<prefix>_ln_scale` / `<prefix>_ln_bias`.
struct LayerNorm {
    scale: Tensor,
    bias: Tensor,
}

impl LayerNorm {
    fn load(file: &MarianFile, prefix: &str, device: &Device) -> Result<Self, InferError> {
        Ok(Self {
            scale: vector(file, &format!("{prefix}_ln_scale"), device)?,
            bias: vector(file, &format!("{prefix}_ln_bias"), device)?,
        })
    }

    /// `norm(x + residual)`: Marian's "dan" post-processing at inference.
    fn add_norm(&self, x: &Tensor, residual: &Tensor) -> candle_core::Result<Tensor> {
        candle_nn::ops::layer_norm(&(x + residual)?, &self.scale, &self.bias, LN_EPS)
    }
}

/// A bias vector stored as `[1, n]`.
fn vector(file: &MarianFile, name: &str, device: &Device) -> Result<Tensor, InferError> {
    let (values, _) = file.matrix(name)?;
    let n = values.len();
    Ok(Tensor::from_vec(values, n, device)?)
}

/// A weight matrix as `[out, in]` for `Linear`. Marian stores float weights
/// as `[in, out]`; intgemm weights are stored already transposed.
fn weight(file: &MarianFile, name: &str, device: &Device) -> Result<Tensor, InferError> {
    let (values, shape) = file.matrix(name)?;
    let [rows, cols] = shape[..] else {
        return Err(InferError::BadWeights {
            path: name.into(),
            detail: format!("tensor `{name}` should be a matrix but has shape {shape:?}"),
        });
    };
    let is_int = file
        .get(name)
        .is_some_and(|i| i.item_type == ItemType::Intgemm8);
    if is_int {
        Ok(Tensor::from_vec(values, (cols, rows), device)?)
    } else {
        Ok(Tensor::from_vec(values, (rows, cols), device)?
            .t()?
            .contiguous()?)
    }
}

fn linear(
    file: &MarianFile,
    w: &str,
    b: Option<&str>,
    device: &Device,
) -> Result<Linear, InferError> {
    let bias = b.map(|b| vector(file, b, device)).transpose()?;
    Ok(Linear::new(weight(file, w, device)?, bias))
}

/// Multi-head attention `<prefix>_{Wq,Wk,Wv,Wo}` with its post-norm.
struct Attention {
    q: Linear,
    k: Linear,
    v: Linear,
    o: Linear,
    norm: LayerNorm,
    heads: usize,
}

impl Attention {
    fn load(
        file: &MarianFile,
        prefix: &str,
        heads: usize,
        device: &Device,
    ) -> Result<Self, InferError> {
        let proj = |n: &str| {
            linear(
                file,
                &format!("{prefix}_W{n}"),
                Some(&format!("{prefix}_b{n}")),
                device,
            )
        };
        Ok(Self {
            q: proj("q")?,
            k: proj("k")?,
            v: proj("v")?,
            o: proj("o")?,
            norm: LayerNorm::load(file, &format!("{prefix}_Wo"), device)?,
            heads,
        })
    }

    /// `[b, t, dim]` → `[b, heads, t, dim / heads]`.
    fn split(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (b, t, dim) = x.dims3()?;
        x.reshape((b, t, self.heads, dim / self.heads))?
            .transpose(1, 2)?
            .contiguous()
    }

    /// Keys and values of `memory`, computed once per source for cross-attention.
    fn keys_values(&self, memory: &Tensor) -> candle_core::Result<(Tensor, Tensor)> {
        Ok((
            self.split(&self.k.forward(memory)?)?,
            self.split(&self.v.forward(memory)?)?,
        ))
    }

    /// Attention of `x` over prepared keys/values; `mask` is additive
    /// `[b, 1, 1, src]`. Returns `norm(x + attention)`.
    fn forward(
        &self,
        x: &Tensor,
        k: &Tensor,
        v: &Tensor,
        mask: &Tensor,
    ) -> candle_core::Result<Tensor> {
        let (b, t, dim) = x.dims3()?;
        let q = self.split(&self.q.forward(x)?)?;
        let scale = 1.0 / ((dim / self.heads) as f64).sqrt();
        let scores = (q.matmul(&k.t()?)? * scale)?.broadcast_add(mask)?;
        let weights = candle_nn::ops::softmax_last_dim(&scores)?;
        let context = weights.matmul(v)?.transpose(1, 2)?.reshape((b, t, dim))?;
        self.norm.add_norm(&self.o.forward(&context)?, x)
    }
}

/// Feed-forward block `<prefix>_{W1,b1,W2,b2}` with ReLU and post-norm.
struct FeedForward {
    w1: Linear,
    w2: Linear,
    norm: LayerNorm,
}

impl FeedForward {
    fn load(file: &MarianFile, prefix: &str, device: &Device) -> Result<Self, InferError> {
        Ok(Self {
            w1: linear(
                file,
                &format!("{prefix}_W1"),
                Some(&format!("{prefix}_b1")),
                device,
            )?,
            w2: linear(
                file,
                &format!("{prefix}_W2"),
                Some(&format!("{prefix}_b2")),
                device,
            )?,
            norm: LayerNorm::load(file, &format!("{prefix}_ffn"), device)?,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let hidden = self.w1.forward(x)?.relu()?;
        self.norm.add_norm(&self.w2.forward(&hidden)?, x)
    }
}

/// Simpler Simple Recurrent Unit `<prefix>_{W,Wf,bf}`: a forget gate mixes
/// the previous cell with the projected input; the output is ReLU(cell).
struct Ssru {
    w: Linear,
    wf: Linear,
    norm: LayerNorm,
}

impl Ssru {
    fn load(file: &MarianFile, prefix: &str, device: &Device) -> Result<Self, InferError> {
        Ok(Self {
            w: linear(file, &format!("{prefix}_W"), None, device)?,
            wf: linear(
                file,
                &format!("{prefix}_Wf"),
                Some(&format!("{prefix}_bf")),
                device,
            )?,
            norm: LayerNorm::load(file, &format!("{prefix}_ffn"), device)?,
        })
    }

    /// One step: `x` is `[rows, 1, dim]`, `cell` `[rows, 1, dim]` and is
    /// replaced by the new cell state.
    fn step(&self, x: &Tensor, cell: &mut Tensor) -> candle_core::Result<Tensor> {
        let forget = candle_nn::ops::sigmoid(&self.wf.forward(x)?)?;
        let input = self.w.forward(x)?;
        // Marian's highway(): f * cell + (1 - f) * input.
        let next = ((&forget * &*cell)? + ((1.0 - &forget)? * input)?)?;
        let out = next.relu()?;
        *cell = next;
        self.norm.add_norm(&out, x)
    }
}

struct EncoderLayer {
    attention: Attention,
    ffn: FeedForward,
}

struct DecoderLayer {
    ssru: Ssru,
    context: Attention,
    ffn: FeedForward,
}

/// Per-row decoder state for one batch of sources.
pub struct DecoderState {
    /// Next target position (0 before the first step).
    position: usize,
    /// SSRU cell per decoder layer, `[rows, 1, dim]`.
    cells: Vec<Tensor>,
    /// Cross-attention keys and values per decoder layer, `[rows, heads, src, dh]`.
    memory: Vec<(Tensor, Tensor)>,
    /// Additive source padding mask, `[rows, 1, 1, src]`.
    mask: Tensor,
    /// Target ids scored this batch (sorted); `None` scores the whole vocabulary.
    candidates: Option<Tensor>,
    /// Output rows for `candidates`, `[n, dim]`, and their biases `[n]`.
    output: (Tensor, Tensor),
    /// Per row, 0 for candidates of its own source and -inf for the others,
    /// `[rows, n]`; keeps every sentence's output independent of its batch.
    allowed: Option<Tensor>,
}

/// The loaded network.
pub struct BergamotNet {
    config: BergamotConfig,
    embeddings: Tensor,
    output_bias: Tensor,
    encoder: Vec<EncoderLayer>,
    decoder: Vec<DecoderLayer>,
    device: Device,
}

impl BergamotNet {
    pub fn load(file: &MarianFile, device: &Device) -> Result<Self, InferError> {
        let yml = file.text("special:model.yml")?;
        let config =
            BergamotConfig::from_model_yml(yml).map_err(|detail| InferError::BadWeights {
                path: "special:model.yml".into(),
                detail,
            })?;
        let (emb, shape) = file.matrix("Wemb")?;
        let &[vocab, dim] = &shape[..] else {
            return Err(InferError::BadWeights {
                path: "Wemb".into(),
                detail: format!("Wemb should be [vocab, {}] but is {shape:?}", config.dim),
            });
        };
        if dim != config.dim {
            return Err(InferError::BadWeights {
                path: "Wemb".into(),
                detail: format!(
                    "Wemb has width {dim} but model.yml says dim-emb {}",
                    config.dim
                ),
            });
        }
        let embeddings = Tensor::from_vec(emb, (vocab, dim), device)?;
        let output_bias = vector(file, "decoder_ff_logit_out_b", device)?;
        let encoder = (1..=config.encoder_layers)
            .map(|l| {
                Ok(EncoderLayer {
                    attention: Attention::load(
                        file,
                        &format!("encoder_l{l}_self"),
                        config.heads,
                        device,
                    )?,
                    ffn: FeedForward::load(file, &format!("encoder_l{l}_ffn"), device)?,
                })
            })
            .collect::<Result<_, InferError>>()?;
        let decoder = (1..=config.decoder_layers)
            .map(|l| {
                Ok(DecoderLayer {
                    ssru: Ssru::load(file, &format!("decoder_l{l}_rnn"), device)?,
                    context: Attention::load(
                        file,
                        &format!("decoder_l{l}_context"),
                        config.heads,
                        device,
                    )?,
                    ffn: FeedForward::load(file, &format!("decoder_l{l}_ffn"), device)?,
                })
            })
            .collect::<Result<_, InferError>>()?;
        Ok(Self {
            config,
            embeddings,
            output_bias,
            encoder,
            decoder,
            device: device.clone(),
        })
    }

    pub fn vocab_size(&self) -> usize {
        self.embeddings.dims()[0]
    }

    /// The network as the generation engine sees it for one batch:
    /// `allowed` is per source row its sorted shortlist (`None`: the whole
    /// vocabulary).
    pub fn for_batch(&self, allowed: Option<Vec<Vec<u32>>>) -> BatchModel<'_> {
        let special = SpecialTokens {
            pad: EOS,
            eos: vec![EOS],
            // Ignored: Marian's first decoder input is a zero embedding.
            decoder_start: EOS,
            vocab_size: self.vocab_size(),
        };
        BatchModel {
            net: self,
            special,
            allowed,
        }
    }

    /// Marian's sinusoidal positions for `len` positions from `start`:
    /// sines in the first half of each vector, cosines in the second.
    fn positions(&self, start: usize, len: usize) -> candle_core::Result<Tensor> {
        let dim = self.config.dim;
        let half = dim / 2;
        let increment = 10000f32.ln() / (half as f32 - 1.0);
        let mut values = Vec::with_capacity(len * dim);
        for p in start..start + len {
            for i in 0..dim {
                let v = p as f32 * ((i % half) as f32 * -increment).exp();
                values.push(if i < half { v.sin() } else { v.cos() });
            }
        }
        Tensor::from_vec(values, (1, len, dim), &self.device)
    }

    /// Embeddings × sqrt(dim) + positions, `[b, t, dim]`.
    fn embed(&self, ids: &Tensor, start: usize) -> candle_core::Result<Tensor> {
        let (b, t) = ids.dims2()?;
        let emb = self
            .embeddings
            .index_select(&ids.flatten_all()?, 0)?
            .reshape((b, t, self.config.dim))?;
        (emb * (self.config.dim as f64).sqrt())?.broadcast_add(&self.positions(start, t)?)
    }

    /// Additive mask `[b, 1, 1, t]` from a 1/0 `[b, t]` mask.
    fn additive_mask(mask: &Tensor) -> candle_core::Result<Tensor> {
        let (b, t) = mask.dims2()?;
        ((1.0 - mask.to_dtype(DType::F32)?)? * MASK_VALUE)?.reshape((b, 1, 1, t))
    }

    pub fn encode(&self, ids: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        let additive = Self::additive_mask(mask)?;
        let mut x = self.embed(ids, 0)?;
        for layer in &self.encoder {
            let (k, v) = layer.attention.keys_values(&x)?;
            x = layer.attention.forward(&x, &k, &v, &additive)?;
            x = layer.ffn.forward(&x)?;
        }
        Ok(x)
    }

    /// A fresh decoder state. `allowed`, when given, is per row the sorted
    /// target ids that row may produce (its shortlist).
    pub fn start(
        &self,
        encoder_out: &Tensor,
        mask: &Tensor,
        allowed: Option<&[Vec<u32>]>,
    ) -> candle_core::Result<DecoderState> {
        let (rows, _, dim) = encoder_out.dims3()?;
        let memory = self
            .decoder
            .iter()
            .map(|l| l.context.keys_values(encoder_out))
            .collect::<candle_core::Result<_>>()?;
        let zeros = Tensor::zeros((rows, 1, dim), DType::F32, &self.device)?;
        let (candidates, output, allowed) = match allowed {
            None => (
                None,
                (self.embeddings.clone(), self.output_bias.clone()),
                None,
            ),
            Some(lists) => {
                let mut union: Vec<u32> = lists.iter().flatten().copied().collect();
                union.sort_unstable();
                union.dedup();
                let mut table = Vec::with_capacity(rows * union.len());
                for list in lists {
                    table.extend(union.iter().map(|id| {
                        if list.binary_search(id).is_ok() {
                            0f32
                        } else {
                            f32::NEG_INFINITY
                        }
                    }));
                }
                let n = union.len();
                let ids = Tensor::from_vec(union, n, &self.device)?;
                let output = (
                    self.embeddings.index_select(&ids, 0)?,
                    self.output_bias.index_select(&ids, 0)?,
                );
                let allowed = Tensor::from_vec(table, (lists.len(), n), &self.device)?;
                (Some(ids), output, Some(allowed))
            }
        };
        Ok(DecoderState {
            position: 0,
            cells: vec![zeros; self.decoder.len()],
            memory,
            mask: Self::additive_mask(mask)?,
            candidates,
            output,
            allowed,
        })
    }

    /// One decoder step: `tokens` `[rows]` are the previous outputs (ignored
    /// at position 0, where Marian starts from a zero embedding). Returns
    /// logits over the whole vocabulary, `-inf` outside each row's shortlist.
    pub fn step(&self, state: &mut DecoderState, tokens: &Tensor) -> candle_core::Result<Tensor> {
        let rows = tokens.dims1()?;
        let dim = self.config.dim;
        let mut x = if state.position == 0 {
            self.positions(0, 1)?
                .broadcast_as((rows, 1, dim))?
                .contiguous()?
        } else {
            self.embed(&tokens.reshape((rows, 1))?, state.position)?
        };
        for ((layer, cell), (k, v)) in self.decoder.iter().zip(&mut state.cells).zip(&state.memory)
        {
            x = layer.ssru.step(&x, cell)?;
            x = layer.context.forward(&x, k, v, &state.mask)?;
            x = layer.ffn.forward(&x)?;
        }
        state.position += 1;
        let (weights, bias) = &state.output;
        let logits = x
            .reshape((rows, dim))?
            .matmul(&weights.t()?)?
            .broadcast_add(bias)?;
        let (Some(ids), Some(allowed)) = (&state.candidates, &state.allowed) else {
            return Ok(logits);
        };
        let logits = (logits + allowed)?;
        let full = Tensor::full(f32::NEG_INFINITY, (rows, self.vocab_size()), &self.device)?;
        full.scatter(
            &ids.unsqueeze(0)?
                .broadcast_as(logits.shape())?
                .contiguous()?,
            &logits,
            1,
        )
    }

    /// Keeps rows `rows` of the state, in that order.
    pub fn select_rows(&self, state: &mut DecoderState, rows: &Tensor) -> candle_core::Result<()> {
        for cell in &mut state.cells {
            *cell = cell.index_select(rows, 0)?;
        }
        for (k, v) in &mut state.memory {
            *k = k.index_select(rows, 0)?;
            *v = v.index_select(rows, 0)?;
        }
        state.mask = state.mask.index_select(rows, 0)?;
        if let Some(allowed) = &mut state.allowed {
            *allowed = allowed.index_select(rows, 0)?;
        }
        Ok(())
    }
}

/// [`BergamotNet`] with the shortlists of one batch, for the generation
/// engine (the shortlist depends on the sources, which the engine's
/// `start` does not see).
pub struct BatchModel<'a> {
    net: &'a BergamotNet,
    special: SpecialTokens,
    allowed: Option<Vec<Vec<u32>>>,
}

impl Seq2SeqModel for BatchModel<'_> {
    type State = DecoderState;

    fn special_tokens(&self) -> &SpecialTokens {
        &self.special
    }

    fn encode(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<Tensor, InferError> {
        Ok(self.net.encode(input_ids, attention_mask)?)
    }

    fn start(
        &self,
        encoder_out: &Tensor,
        attention_mask: &Tensor,
    ) -> Result<DecoderState, InferError> {
        Ok(self
            .net
            .start(encoder_out, attention_mask, self.allowed.as_deref())?)
    }

    fn step(&self, state: &mut DecoderState, tokens: &Tensor) -> Result<Tensor, InferError> {
        Ok(self.net.step(state, tokens)?)
    }

    fn select_rows(&self, state: &mut DecoderState, rows: &Tensor) -> Result<(), InferError> {
        Ok(self.net.select_rows(state, rows)?)
    }
}

//! The Bergamot "tiny" student network (Marian `src/models/transformer.h`):
//! a 6-layer post-norm transformer encoder and a 2-layer decoder in which an
//! SSRU (`src/rnn/cells.h`) replaces self-attention, followed by
//! cross-attention and a ReLU feed-forward block; one tied embedding matrix
//! serves source, target and output. Modules mirror the checkpoint names.
//!
//! It runs on plain `f32` buffers and the packed kernels of
//! [`precis_kernels`]: sentences are concatenated without padding (each
//! attends to its own span), and each decoder row scores only its own
//! shortlist.

use std::ops::Range;

use precis_kernels::{dot, dots, prefetch, Activation, Linear, ROW_BLOCK};

use crate::config::BergamotConfig;
use crate::marian_bin::{ItemType, MarianFile};
use crate::BergamotError;
use precis_generate::{Batch, Seq2SeqModel, SpecialTokens};

/// Marian's end-of-sentence id, also used for padding.
pub const EOS: u32 = 0;

/// How many output ids ahead of the one being scored to prefetch.
const PREFETCH_AHEAD: usize = 2;

/// Marian's layer-norm epsilon.
const LN_EPS: f32 = 1e-9;

/// Reads tensors of one model file, checking each against the shape the
/// architecture needs, so a mismatched file is an error, never a panic.
struct Weights<'a> {
    file: &'a MarianFile,
}

impl Weights<'_> {
    fn bad(&self, name: &str, detail: String) -> BergamotError {
        BergamotError::BadWeights {
            path: name.into(),
            detail,
        }
    }

    /// Values and shape of `name`, which must hold `len` values.
    fn values(&self, name: &str, len: usize) -> Result<(Vec<f32>, Vec<usize>), BergamotError> {
        let (values, shape) = self.file.matrix(name)?;
        if values.len() != len {
            return Err(self.bad(
                name,
                format!(
                    "tensor `{name}` has shape {shape:?} but this architecture needs {len} values"
                ),
            ));
        }
        Ok((values, shape))
    }

    fn vector(&self, name: &str, len: usize) -> Result<Vec<f32>, BergamotError> {
        Ok(self.values(name, len)?.0)
    }

    /// Matrix `name` as `[outputs][inputs]`. Marian's nominal shape is
    /// `[inputs, outputs]`; float weights are stored that way, intgemm
    /// weights already transposed.
    fn matrix(&self, name: &str, inputs: usize, outputs: usize) -> Result<Vec<f32>, BergamotError> {
        let (values, shape) = self.values(name, inputs * outputs)?;
        if shape != [inputs, outputs] {
            return Err(self.bad(
                name,
                format!("tensor `{name}` has shape {shape:?}, expected [{inputs}, {outputs}]"),
            ));
        }
        let transposed = self
            .file
            .get(name)
            .is_some_and(|i| i.item_type == ItemType::Intgemm8);
        if transposed {
            return Ok(values);
        }
        let mut out = vec![0f32; values.len()];
        for (i, row) in values.chunks_exact(outputs).enumerate() {
            for (o, &v) in row.iter().enumerate() {
                out[o * inputs + i] = v;
            }
        }
        Ok(out)
    }

    /// One packed layer from `parts` (weight name, optional bias name), each
    /// `inputs → outputs`, stacked along the outputs: one pass over the
    /// input computes them all.
    fn linear(
        &self,
        parts: &[(&str, Option<&str>)],
        inputs: usize,
        outputs: usize,
    ) -> Result<Linear, BergamotError> {
        let mut weights = Vec::with_capacity(parts.len() * inputs * outputs);
        let mut bias = Vec::with_capacity(parts.len() * outputs);
        for (w, b) in parts {
            weights.extend(self.matrix(w, inputs, outputs)?);
            match b {
                Some(b) => bias.extend(self.vector(b, outputs)?),
                None => bias.resize(bias.len() + outputs, 0.0),
            }
        }
        Linear::new(&weights, inputs, bias).ok_or_else(|| {
            self.bad(
                parts.first().map_or("", |p| p.0),
                "weights and biases do not match".into(),
            )
        })
    }
}

/// Post-norm layer normalization `<prefix>_ln_scale` / `<prefix>_ln_bias`.
struct LayerNorm {
    scale: Vec<f32>,
    bias: Vec<f32>,
}

impl LayerNorm {
    fn load(weights: &Weights, prefix: &str, dim: usize) -> Result<Self, BergamotError> {
        Ok(Self {
            scale: weights.vector(&format!("{prefix}_ln_scale"), dim)?,
            bias: weights.vector(&format!("{prefix}_ln_bias"), dim)?,
        })
    }

    /// `x = norm(x + residual)` row by row: Marian's "dan" post-processing
    /// at inference, with candle's formula (E[x²] - mean², as the reference
    /// engine's outputs were matched with).
    fn add_norm(&self, x: &mut [f32], residual: &[f32]) {
        let dim = self.scale.len();
        for (row, res) in x.chunks_exact_mut(dim).zip(residual.chunks_exact(dim)) {
            let (mut sum, mut sum2) = (0f32, 0f32);
            for (v, &r) in row.iter_mut().zip(res) {
                *v += r;
                sum += *v;
                sum2 += *v * *v;
            }
            let mean = sum / dim as f32;
            let var = sum2 / dim as f32 - mean * mean;
            let inv_std = (var + LN_EPS).sqrt().recip();
            for ((v, &a), &b) in row.iter_mut().zip(&self.scale).zip(&self.bias) {
                *v = (*v - mean) * inv_std * a + b;
            }
        }
    }
}

/// Multi-head attention `<prefix>_{Wq,Wk,Wv,Wo}` with its post-norm.
struct Attention {
    q: Linear,
    /// Keys then values, `2 * dim` outputs.
    kv: Linear,
    o: Linear,
    norm: LayerNorm,
    heads: usize,
}

impl Attention {
    fn load(
        weights: &Weights,
        prefix: &str,
        dim: usize,
        heads: usize,
    ) -> Result<Self, BergamotError> {
        let names = |n: &str| (format!("{prefix}_W{n}"), format!("{prefix}_b{n}"));
        let [q, k, v, o] = ["q", "k", "v", "o"].map(names);
        fn part((w, b): &(String, String)) -> (&str, Option<&str>) {
            (w, Some(b))
        }
        Ok(Self {
            q: weights.linear(&[part(&q)], dim, dim)?,
            kv: weights.linear(&[part(&k), part(&v)], dim, dim)?,
            o: weights.linear(&[part(&o)], dim, dim)?,
            norm: LayerNorm::load(weights, &format!("{prefix}_Wo"), dim)?,
            heads,
        })
    }

    /// Attention of query rows `x` (`[rows, dim]`) over rows of `kv` (keys
    /// and values, `[n, 2 * dim]`): query row `r` sees rows `spans(r)`.
    /// Returns `norm(x + attention)`.
    fn forward(&self, x: &[f32], kv: &[f32], spans: impl Fn(usize) -> Range<usize>) -> Vec<f32> {
        let q = self.q.forward(x, Activation::None);
        let dim = self.q.outputs();
        let dh = dim / self.heads;
        let scale = (1.0 / (dh as f64).sqrt()) as f32;
        let mut context = vec![0f32; q.len()];
        let mut weights = Vec::new();
        for (r, (q, context)) in q
            .chunks_exact(dim)
            .zip(context.chunks_exact_mut(dim))
            .enumerate()
        {
            let span = spans(r);
            let rows = kv
                .get(span.start * 2 * dim..span.end * 2 * dim)
                .unwrap_or_default();
            for (h, (q, context)) in q
                .chunks_exact(dh)
                .zip(context.chunks_exact_mut(dh))
                .enumerate()
            {
                weights.clear();
                weights.extend(rows.chunks_exact(2 * dim).map(|kv| {
                    let k = &kv[h * dh..(h + 1) * dh];
                    dot(q, k) * scale
                }));
                softmax(&mut weights);
                for (&w, kv) in weights.iter().zip(rows.chunks_exact(2 * dim)) {
                    let v = &kv[dim + h * dh..dim + (h + 1) * dh];
                    for (c, &v) in context.iter_mut().zip(v) {
                        *c += w * v;
                    }
                }
            }
        }
        let mut out = self.o.forward(&context, Activation::None);
        self.norm.add_norm(&mut out, x);
        out
    }
}

/// Softmax in place: `exp(v - max) / sum`.
fn softmax(values: &mut [f32]) {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0f32;
    for v in values.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in values.iter_mut() {
        *v /= sum;
    }
}

/// Feed-forward block `<prefix>_{W1,b1,W2,b2}` with ReLU and post-norm.
struct FeedForward {
    w1: Linear,
    w2: Linear,
    norm: LayerNorm,
}

impl FeedForward {
    fn load(
        weights: &Weights,
        prefix: &str,
        dim: usize,
        ffn_dim: usize,
    ) -> Result<Self, BergamotError> {
        let w = |n: &str| format!("{prefix}_W{n}");
        let b = |n: &str| format!("{prefix}_b{n}");
        Ok(Self {
            w1: weights.linear(&[(&w("1"), Some(&b("1")))], dim, ffn_dim)?,
            w2: weights.linear(&[(&w("2"), Some(&b("2")))], ffn_dim, dim)?,
            norm: LayerNorm::load(weights, &format!("{prefix}_ffn"), dim)?,
        })
    }

    fn forward(&self, x: &[f32]) -> Vec<f32> {
        let dim = self.w2.outputs();
        let mut out = Vec::with_capacity(x.len());
        // A block of rows at a time: the hidden layer, six times wider,
        // stays in cache and never exists for a whole batch (31 MB for 64
        // sentences of 80 tokens).
        for block in x.chunks(ROW_BLOCK * dim) {
            let hidden = self.w1.forward(block, Activation::Relu);
            out.extend(self.w2.forward(&hidden, Activation::None));
        }
        self.norm.add_norm(&mut out, x);
        out
    }
}

/// Simpler Simple Recurrent Unit `<prefix>_{W,Wf,bf}`: a forget gate mixes
/// the previous cell with the projected input; the output is ReLU(cell).
struct Ssru {
    /// The input projection (no bias) then the forget gate, `2 * dim` outputs.
    w: Linear,
    norm: LayerNorm,
}

impl Ssru {
    fn load(weights: &Weights, prefix: &str, dim: usize) -> Result<Self, BergamotError> {
        let (w, wf, bf) = (
            format!("{prefix}_W"),
            format!("{prefix}_Wf"),
            format!("{prefix}_bf"),
        );
        Ok(Self {
            w: weights.linear(&[(&w, None), (&wf, Some(&bf))], dim, dim)?,
            norm: LayerNorm::load(weights, &format!("{prefix}_ffn"), dim)?,
        })
    }

    /// One step for rows `x` (`[rows, dim]`); `cells` (`[rows, dim]`) are
    /// replaced by the new cell states.
    fn step(&self, x: &[f32], cells: &mut [f32]) -> Vec<f32> {
        let dim = self.norm.scale.len();
        let projected = self.w.forward(x, Activation::None);
        let mut out = vec![0f32; x.len()];
        for ((p, cell), out) in projected
            .chunks_exact(2 * dim)
            .zip(cells.chunks_exact_mut(dim))
            .zip(out.chunks_exact_mut(dim))
        {
            let (input, gate) = p.split_at(dim);
            for (((c, &i), &g), o) in cell.iter_mut().zip(input).zip(gate).zip(out.iter_mut()) {
                let forget = ((-g).exp() + 1.0).recip();
                // Marian's highway(): f * cell + (1 - f) * input.
                *c = forget * *c + (1.0 - forget) * i;
                *o = c.max(0.0);
            }
        }
        self.norm.add_norm(&mut out, x);
        out
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
    /// The source (batch row) each live row translates.
    sources: Vec<usize>,
    /// Per source, its rows in `memory`.
    spans: Vec<Range<usize>>,
    /// SSRU cells per decoder layer, `[rows, dim]`.
    cells: Vec<Vec<f32>>,
    /// Cross-attention keys and values per decoder layer, `[tokens, 2 * dim]`
    /// for all sources' tokens, concatenated.
    memory: Vec<Vec<f32>>,
}

/// The loaded network.
pub struct BergamotNet {
    config: BergamotConfig,
    /// `[vocab][dim]`.
    embeddings: Vec<f32>,
    output_bias: Vec<f32>,
    /// Per position-vector index, Marian's sinusoid frequency.
    frequencies: Vec<f32>,
    encoder: Vec<EncoderLayer>,
    decoder: Vec<DecoderLayer>,
}

impl BergamotNet {
    pub fn load(file: &MarianFile) -> Result<Self, BergamotError> {
        let yml = file.text("special:model.yml")?;
        let config =
            BergamotConfig::from_model_yml(yml).map_err(|detail| BergamotError::BadWeights {
                path: "special:model.yml".into(),
                detail,
            })?;
        let weights = Weights { file };
        let (dim, heads, ffn) = (config.dim, config.heads, config.ffn_dim);
        let (embeddings, shape) = file.matrix("Wemb")?;
        let vocab = match shape[..] {
            [vocab, width] if width == dim && vocab > 0 => vocab,
            _ => {
                return Err(weights.bad(
                    "Wemb",
                    format!(
                        "Wemb should be [vocab, {dim}] (dim-emb of model.yml) but is {shape:?}"
                    ),
                ))
            }
        };
        let output_bias = weights.vector("decoder_ff_logit_out_b", vocab)?;
        let encoder = (1..=config.encoder_layers)
            .map(|l| {
                Ok(EncoderLayer {
                    attention: Attention::load(
                        &weights,
                        &format!("encoder_l{l}_self"),
                        dim,
                        heads,
                    )?,
                    ffn: FeedForward::load(&weights, &format!("encoder_l{l}_ffn"), dim, ffn)?,
                })
            })
            .collect::<Result<_, BergamotError>>()?;
        let decoder = (1..=config.decoder_layers)
            .map(|l| {
                Ok(DecoderLayer {
                    ssru: Ssru::load(&weights, &format!("decoder_l{l}_rnn"), dim)?,
                    context: Attention::load(
                        &weights,
                        &format!("decoder_l{l}_context"),
                        dim,
                        heads,
                    )?,
                    ffn: FeedForward::load(&weights, &format!("decoder_l{l}_ffn"), dim, ffn)?,
                })
            })
            .collect::<Result<_, BergamotError>>()?;
        let half = dim / 2;
        let increment = 10000f32.ln() / (half as f32 - 1.0);
        let frequencies = (0..half).map(|i| (i as f32 * -increment).exp()).collect();
        Ok(Self {
            config,
            embeddings,
            output_bias,
            frequencies,
            encoder,
            decoder,
        })
    }

    pub fn vocab_size(&self) -> usize {
        self.output_bias.len()
    }

    /// The network as the generation engine sees it for one batch:
    /// `allowed` is per source row its sorted shortlist (`None`: the whole
    /// vocabulary).
    pub fn for_batch(&self, allowed: Option<Vec<Vec<u32>>>) -> BatchModel<'_> {
        let vocabulary = match allowed {
            None => Vocabulary::Full,
            Some(mut lists) => {
                // EOS first in every list, so it is engine id 0 in all.
                for list in &mut lists {
                    if list.first() != Some(&EOS) {
                        list.retain(|&id| id != EOS);
                        list.insert(0, EOS);
                    }
                }
                let mut holders: Vec<(u32, usize, u32)> = lists
                    .iter()
                    .enumerate()
                    .flat_map(|(source, list)| {
                        list.iter()
                            .enumerate()
                            .map(move |(i, &id)| (id, source, i as u32))
                    })
                    .collect();
                holders.sort_unstable();
                let mut by_id: Vec<(u32, Vec<(usize, u32)>)> = Vec::new();
                for (id, source, i) in holders {
                    match by_id.last_mut() {
                        Some((last, held)) if *last == id => held.push((source, i)),
                        _ => by_id.push((id, vec![(source, i)])),
                    }
                }
                Vocabulary::Shortlist { lists, by_id }
            }
        };
        let special = SpecialTokens {
            pad: 0,
            eos: vec![0],
            // Ignored: Marian's first decoder input is a zero embedding.
            decoder_start: 0,
            vocab_size: vocabulary.width(self.vocab_size()),
        };
        BatchModel {
            net: self,
            special,
            vocabulary,
        }
    }

    /// Adds Marian's sinusoid for `position` to `x` (`dim` values): sines in
    /// the first half, cosines in the second.
    fn add_position(&self, position: usize, x: &mut [f32]) {
        let half = self.frequencies.len();
        let (sines, cosines) = x.split_at_mut(half);
        for ((s, c), &f) in sines.iter_mut().zip(cosines).zip(&self.frequencies) {
            let v = position as f32 * f;
            *s += v.sin();
            *c += v.cos();
        }
    }

    /// Embedding × sqrt(dim) of vocabulary id `id` at `position`, appended
    /// to `x`.
    fn embed(&self, id: u32, position: usize, x: &mut Vec<f32>) {
        let dim = self.config.dim;
        let scale = (dim as f64).sqrt() as f32;
        let start = x.len();
        let row = self
            .embeddings
            .get(id as usize * dim..(id as usize + 1) * dim);
        x.extend(row.unwrap_or_default().iter().map(|&e| e * scale));
        x.resize(start + dim, 0.0);
        self.add_position(position, &mut x[start..]);
    }

    /// Encodes sentences of vocabulary ids, concatenated without padding:
    /// returns `[tokens, dim]` and each sentence's rows.
    fn encode(&self, sentences: &[&[u32]]) -> (Vec<f32>, Vec<Range<usize>>) {
        let mut spans = Vec::with_capacity(sentences.len());
        let mut x = Vec::new();
        let mut token = 0;
        let mut owner = Vec::new();
        for (s, sentence) in sentences.iter().enumerate() {
            spans.push(token..token + sentence.len());
            token += sentence.len();
            for (position, &id) in sentence.iter().enumerate() {
                self.embed(id, position, &mut x);
                owner.push(s);
            }
        }
        for layer in &self.encoder {
            let kv = layer.attention.kv.forward(&x, Activation::None);
            x = layer.attention.forward(&x, &kv, |r| {
                owner
                    .get(r)
                    .and_then(|&s| spans.get(s))
                    .cloned()
                    .unwrap_or_default()
            });
            x = layer.ffn.forward(&x);
        }
        (x, spans)
    }

    /// A fresh decoder state for encoded sources.
    fn start(&self, encoded: &[f32], spans: Vec<Range<usize>>) -> DecoderState {
        let rows = spans.len();
        DecoderState {
            position: 0,
            sources: (0..rows).collect(),
            spans,
            cells: vec![vec![0f32; rows * self.config.dim]; self.decoder.len()],
            memory: self
                .decoder
                .iter()
                .map(|l| l.context.kv.forward(encoded, Activation::None))
                .collect(),
        }
    }

    /// One decoder step: `tokens` are the previous outputs as vocabulary ids
    /// (ignored at position 0, where Marian starts from a zero embedding).
    /// Returns the final hidden state of each row, `[rows, dim]`.
    fn step(&self, state: &mut DecoderState, tokens: &[u32]) -> Vec<f32> {
        let dim = self.config.dim;
        let mut x = Vec::with_capacity(tokens.len() * dim);
        for &token in tokens {
            if state.position == 0 {
                let start = x.len();
                x.resize(start + dim, 0.0);
                self.add_position(0, &mut x[start..]);
            } else {
                self.embed(token, state.position, &mut x);
            }
        }
        for ((layer, cells), memory) in self.decoder.iter().zip(&mut state.cells).zip(&state.memory)
        {
            x = layer.ssru.step(&x, cells);
            x = layer.context.forward(&x, memory, |r| {
                state
                    .sources
                    .get(r)
                    .and_then(|&s| state.spans.get(s))
                    .cloned()
                    .unwrap_or_default()
            });
            x = layer.ffn.forward(&x);
        }
        state.position += 1;
        x
    }

    /// The output scores of vocabulary id `id` for hidden states: for each
    /// `(r, at)` of `targets`, `out[at]` = the score for `hidden[r]`.
    fn logits(&self, id: u32, hidden: &[&[f32]], targets: &[(usize, usize)], out: &mut [f32]) {
        let dim = self.config.dim;
        let id = id as usize;
        let (Some(w), Some(&b)) = (
            self.embeddings.get(id * dim..(id + 1) * dim),
            self.output_bias.get(id),
        ) else {
            return;
        };
        let x = |r: usize| hidden.get(r).copied().unwrap_or_default();
        let mut put = |at: usize, value: f32| {
            if let Some(slot) = out.get_mut(at) {
                *slot = value + b;
            }
        };
        for group in targets.chunks(3) {
            match *group {
                [(r0, a0), (r1, a1), (r2, a2)] => {
                    let [s0, s1, s2] = dots([x(r0), x(r1), x(r2)], w);
                    put(a0, s0);
                    put(a1, s1);
                    put(a2, s2);
                }
                [(r0, a0), (r1, a1)] => {
                    let [s0, s1] = dots([x(r0), x(r1)], w);
                    put(a0, s0);
                    put(a1, s1);
                }
                [(r0, a0)] => put(a0, dot(x(r0), w)),
                _ => {}
            }
        }
    }

    /// Starts loading the output embedding of vocabulary id `id` into cache.
    fn prefetch_output(&self, id: u32) {
        let dim = self.config.dim;
        let id = id as usize;
        if let Some(w) = self.embeddings.get(id * dim..(id + 1) * dim) {
            prefetch(w);
        }
    }

    /// Keeps rows `rows` of the state, in that order.
    fn select_rows(&self, state: &mut DecoderState, rows: &[u32]) {
        let dim = self.config.dim;
        for cells in &mut state.cells {
            *cells = rows
                .iter()
                .flat_map(|&r| {
                    cells
                        .get(r as usize * dim..(r as usize + 1) * dim)
                        .unwrap_or_default()
                })
                .copied()
                .collect();
        }
        state.sources = rows
            .iter()
            .filter_map(|&r| state.sources.get(r as usize).copied())
            .collect();
    }
}

/// The output vocabulary of one batch, as the generation engine sees it.
enum Vocabulary {
    /// Every id of the model; engine ids are vocabulary ids.
    Full,
    /// Each source's shortlist is its own id space: engine id `i` of a row
    /// translating source `s` is vocabulary id `lists[s][i]` (EOS first,
    /// so engine id 0 ends every row). The engine then works on about 2,000
    /// ids per row instead of the whole vocabulary or the batch's union
    /// (10,000 and more), and chooses the same words.
    Shortlist {
        lists: Vec<Vec<u32>>,
        /// Every vocabulary id of the batch, ascending, with the
        /// `(source, engine id)` pairs that stand for it.
        by_id: Vec<(u32, Vec<(usize, u32)>)>,
    },
}

impl Vocabulary {
    /// Engine ids per row.
    fn width(&self, full: usize) -> usize {
        match self {
            Self::Full => full,
            Self::Shortlist { lists, .. } => lists.iter().map(Vec::len).max().unwrap_or(1),
        }
    }

    /// The vocabulary id of engine id `id` for source `source`.
    fn id(&self, source: usize, id: u32) -> u32 {
        match self {
            Self::Full => id,
            Self::Shortlist { lists, .. } => lists
                .get(source)
                .and_then(|list| list.get(id as usize))
                .copied()
                .unwrap_or(EOS),
        }
    }
}

/// [`BergamotNet`] with the shortlists of one batch, for the generation
/// engine (the shortlist depends on the sources, which the engine's
/// `start` does not see). Token ids in and out of the engine are indices
/// into the batch's vocabulary; [`BatchModel::vocab_id`] maps them back.
pub struct BatchModel<'a> {
    net: &'a BergamotNet,
    special: SpecialTokens,
    vocabulary: Vocabulary,
}

impl BatchModel<'_> {
    /// The model's vocabulary id of engine token `token` output for the
    /// batch's source `source`.
    pub fn vocab_id(&self, source: usize, token: u32) -> u32 {
        self.vocabulary.id(source, token)
    }
}

impl Seq2SeqModel for BatchModel<'_> {
    type State = DecoderState;
    type Error = BergamotError;

    fn special_tokens(&self) -> &SpecialTokens {
        &self.special
    }

    fn start(&self, batch: &Batch) -> Result<DecoderState, BergamotError> {
        let sentences: Vec<&[u32]> = (0..batch.rows()).map(|row| batch.tokens(row)).collect();
        let (encoded, spans) = self.net.encode(&sentences);
        Ok(self.net.start(&encoded, spans))
    }

    /// Scores each row's shortlist; the other ids of the batch get -inf.
    fn step(&self, state: &mut DecoderState, tokens: &[u32]) -> Result<Vec<f32>, BergamotError> {
        let tokens: Vec<u32> = tokens
            .iter()
            .zip(&state.sources)
            .map(|(&t, &source)| self.vocabulary.id(source, t))
            .collect();
        let hidden = self.net.step(state, &tokens);
        let dim = self.net.config.dim;
        let rows: Vec<&[f32]> = hidden.chunks_exact(dim).collect();
        let width = self.special.vocab_size;
        let mut logits = vec![f32::NEG_INFINITY; rows.len() * width];
        // Id by id, so each embedding row is read once per step for all the
        // rows that may produce it.
        match &self.vocabulary {
            Vocabulary::Full => {
                let mut targets: Vec<(usize, usize)> =
                    (0..rows.len()).map(|r| (r, r * width)).collect();
                for id in 0..width {
                    self.net.logits(id as u32, &rows, &targets, &mut logits);
                    targets.iter_mut().for_each(|t| t.1 += 1);
                }
            }
            Vocabulary::Shortlist { by_id, lists } => {
                // The live rows of each source (several with beam search).
                let mut rows_of = vec![Vec::new(); lists.len()];
                for (row, &source) in state.sources.iter().enumerate() {
                    if let Some(rows) = rows_of.get_mut(source) {
                        rows.push(row);
                    }
                }
                // The ids some live row may produce, with their targets.
                let mut targets = Vec::new();
                let mut live = Vec::new();
                for (id, holders) in by_id {
                    let start = targets.len();
                    for &(source, i) in holders {
                        let rows = rows_of.get(source).into_iter().flatten();
                        targets.extend(rows.map(|&row| (row, row * width + i as usize)));
                    }
                    if targets.len() > start {
                        live.push((*id, start..targets.len()));
                    }
                }
                for (k, (id, range)) in live.iter().enumerate() {
                    // Embedding rows come from memory, not cache: ask early.
                    if let Some((ahead, _)) = live.get(k + PREFETCH_AHEAD) {
                        self.net.prefetch_output(*ahead);
                    }
                    let targets = targets.get(range.clone()).unwrap_or_default();
                    self.net.logits(*id, &rows, targets, &mut logits);
                }
            }
        }
        Ok(logits)
    }

    fn select_rows(&self, state: &mut DecoderState, rows: &[u32]) -> Result<(), BergamotError> {
        self.net.select_rows(state, rows);
        Ok(())
    }
}

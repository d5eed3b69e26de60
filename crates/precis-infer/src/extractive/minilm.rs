//! `minilm`: extractive summaries ranked with sentence embeddings of
//! all-MiniLM-L6-v2 (a 6-layer BERT, 22M parameters) run on candle.
//!
//! [`SentenceEncoder`] reproduces sentence-transformers' pipeline for the
//! model — BERT tokenizer, truncation at 256 tokens, the encoder, mean
//! pooling over the attention mask, L2 normalization — so its vectors match
//! the Python library's. [`MiniLm`] scores each sentence by how central it
//! is to the article (cosine similarity to the other sentences), weighted by
//! position and length priors, then selects with MMR.

use std::path::Path;
use std::time::Instant;

use candle_core::{Device, Tensor};
use precis_clean::Document;
use serde::Deserialize;
use tokenizers::{Tokenizer, TruncationParams};

use super::{pick, position_weight, prior, sentences, summary, Budget, Sentence};
use crate::models::bert::{self, BertModel};
use crate::quantize::Precision;
use crate::task::check_deadline;
use crate::{InferError, ModelInfo, Summarize, Summary};

/// Most sentences per forward pass. Batching by similar length wastes
/// little on padding (1.12x the real tokens on cnndm-dev) and needs 40%
/// less CPU time than one sentence at a time (40 s vs 56 s single-threaded).
const BATCH: usize = 32;

/// Splits `lengths` (sorted ascending) into batches of similar length, so
/// padding every sentence to its batch's longest wastes little work: a batch
/// ends when the next sentence is over a quarter longer than its first.
fn batches(lengths: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &len) in lengths.iter().enumerate() {
        if i - start == BATCH || len * 4 > lengths[start] * 5 + 16 {
            out.push(start..i);
            start = i;
        }
    }
    if start < lengths.len() {
        out.push(start..lengths.len());
    }
    out
}

/// `sentence_bert_config.json`: the token window sentence-transformers uses.
#[derive(Deserialize)]
struct SentenceBertConfig {
    max_seq_length: usize,
}

/// Turns sentences into unit-length embedding vectors.
pub struct SentenceEncoder {
    model: BertModel,
    tokenizer: Tokenizer,
}

impl SentenceEncoder {
    /// Loads a sentence-transformers model folder: `config.json`,
    /// `model.safetensors`, `tokenizer.json` and, when present,
    /// `sentence_bert_config.json` (its `max_seq_length`, else 512); the
    /// linear layers' weights are kept in `precision`.
    pub fn load(dir: &Path, precision: Precision) -> Result<Self, InferError> {
        crate::integrity::verify(dir)?;
        let file = |name: &str| {
            let path = dir.join(name);
            if path.exists() {
                Ok(path)
            } else {
                Err(InferError::MissingFile {
                    path: dir.to_path_buf(),
                    file: name.to_string(),
                    fix: "a sentence-transformers model folder has config.json, model.safetensors and tokenizer.json".into(),
                })
            }
        };
        let config = bert::Config::load(&file("config.json")?)?;
        let model = BertModel::from_safetensors(&file("model.safetensors")?, &config, precision)?;
        let mut tokenizer = Tokenizer::from_file(file("tokenizer.json")?).map_err(|e| {
            InferError::Tokenizer(format!("{}: {e}", dir.join("tokenizer.json").display()))
        })?;
        let max_length = match std::fs::read_to_string(dir.join("sentence_bert_config.json")) {
            Ok(text) => {
                serde_json::from_str::<SentenceBertConfig>(&text)
                    .map_err(|e| InferError::BadConfig {
                        path: dir.join("sentence_bert_config.json"),
                        detail: e.to_string(),
                    })?
                    .max_seq_length
            }
            Err(_) => 512,
        }
        .min(config.max_position_embeddings);
        // tokenizer.json ships with fixed padding to 128; batches are padded here instead.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length,
                ..TruncationParams::default()
            }))
            .map_err(|e| InferError::Tokenizer(e.to_string()))?;
        Ok(SentenceEncoder { model, tokenizer })
    }

    /// One L2-normalized vector per sentence, in input order.
    pub fn embed(&self, sentences: &[&str]) -> Result<Vec<Vec<f32>>, InferError> {
        self.embed_until(sentences, None)
    }

    /// [`SentenceEncoder::embed`], giving up with [`InferError::TimedOut`]
    /// once `deadline` passes (checked before every batch).
    pub fn embed_until(
        &self,
        sentences: &[&str],
        deadline: Option<Instant>,
    ) -> Result<Vec<Vec<f32>>, InferError> {
        let encodings = self
            .tokenizer
            .encode_batch(sentences.to_vec(), true)
            .map_err(|e| InferError::Tokenizer(e.to_string()))?;
        let mut order: Vec<usize> = (0..encodings.len()).collect();
        order.sort_by_key(|&i| encodings[i].get_ids().len());
        let mut vectors = vec![Vec::new(); encodings.len()];
        let lengths: Vec<usize> = order
            .iter()
            .map(|&i| encodings[i].get_ids().len())
            .collect();
        for range in batches(&lengths) {
            check_deadline(deadline)?;
            let batch = &order[range];
            let len = batch
                .iter()
                .map(|&i| encodings[i].get_ids().len())
                .max()
                .unwrap_or(0);
            let mut ids = Vec::with_capacity(batch.len() * len);
            let mut mask = Vec::with_capacity(batch.len() * len);
            for &i in batch {
                let tokens = encodings[i].get_ids();
                ids.extend(tokens.iter().copied().chain(std::iter::repeat(0)).take(len));
                mask.extend((0..len).map(|k| u32::from(k < tokens.len())));
            }
            let ids = Tensor::from_vec(ids, (batch.len(), len), &Device::Cpu)?;
            let mask = Tensor::from_vec(mask, (batch.len(), len), &Device::Cpu)?;
            let pooled = bert::mean_pool(&self.model.forward(&ids, &mask)?, &mask)?;
            for (&i, vector) in batch.iter().zip(pooled.to_vec2::<f32>()?) {
                vectors[i] = normalize(vector);
            }
        }
        Ok(vectors)
    }
}

fn normalize(mut vector: Vec<f32>) -> Vec<f32> {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    vector.iter_mut().for_each(|x| *x /= norm);
    vector
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x * y)).sum()
}

/// The `minilm` summarizer.
pub struct MiniLm {
    encoder: SentenceEncoder,
    info: ModelInfo,
    budget: Budget,
}

impl MiniLm {
    /// Loads all-MiniLM-L6-v2 (or another sentence-transformers BERT) from
    /// `dir`, its linear layers' weights in `precision`; `info` names it in
    /// summaries.
    ///
    /// ```no_run
    /// use precis_infer::extractive::{Budget, MiniLm};
    /// use precis_infer::{Family, ModelInfo, Precision, Summarize};
    ///
    /// let dir = std::path::Path::new("models/all-MiniLM-L6-v2");
    /// let info = ModelInfo::new("minilm", Family::Bert);
    /// let minilm = MiniLm::load(dir, info, Precision::F32)?.with_budget(Budget::sentences(2));
    /// let document = precis_clean::Document::from_paragraph_lines("The ferry crossed the river on Monday …");
    /// println!("{}", minilm.summarize(&document)?.text);
    /// # Ok::<(), precis_infer::InferError>(())
    /// ```
    pub fn load(dir: &Path, info: ModelInfo, precision: Precision) -> Result<Self, InferError> {
        Ok(MiniLm {
            encoder: SentenceEncoder::load(dir, precision)?,
            info,
            budget: Budget::default(),
        })
    }

    /// Sets the summary length.
    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// Sentence relevance: centrality (mean cosine similarity to the
    /// article's other sentences) times position and length priors.
    fn relevance(sentences: &[Sentence], vectors: &[Vec<f32>]) -> Vec<f64> {
        let n = sentences.len();
        sentences
            .iter()
            .zip(vectors)
            .map(|(sentence, vector)| {
                let centrality =
                    vectors.iter().map(|other| dot(vector, other)).sum::<f64>() / n as f64;
                centrality.max(0.0) * position_weight(sentence.position) * prior(sentence)
            })
            .collect()
    }
}

impl Summarize for MiniLm {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn summarize_until(
        &self,
        document: &Document,
        deadline: Option<Instant>,
    ) -> Result<Summary, InferError> {
        let candidates = sentences(document, deadline)?;
        let sentences = &candidates.sentences;
        let texts: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).collect();
        let vectors = self.encoder.embed_until(&texts, deadline)?;
        let relevance = Self::relevance(sentences, &vectors);
        let similarity = |i: usize, j: usize| dot(&vectors[i], &vectors[j]);
        let picked = pick(sentences, &relevance, &similarity, self.budget);
        summary(&candidates, picked, &self.info, true)
    }
}

#[cfg(test)]
mod tests {
    use super::batches;

    #[test]
    fn batches_group_similar_lengths() {
        assert_eq!(batches(&[10, 11, 12, 40, 41, 200]), vec![0..3, 3..5, 5..6]);
        assert_eq!(batches(&[7; 70]), vec![0..32, 32..64, 64..70]);
        assert!(batches(&[]).is_empty());
    }
}

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

use candle_core::{Device, Tensor};
use precis_clean::Document;
use serde::Deserialize;
use tokenizers::{Tokenizer, TruncationParams};

use super::{pick, position_weight, prior, sentences, summary, Budget, Sentence};
use crate::models::bert::{self, BertModel};
use crate::{InferError, ModelInfo, Summarize, Summary};

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
    /// `sentence_bert_config.json` (its `max_seq_length`, else 512).
    pub fn load(dir: &Path) -> Result<Self, InferError> {
        let file = |name: &str| {
            let path = dir.join(name);
            if path.exists() {
                Ok(path)
            } else {
                Err(InferError::MissingFile {
                    path: dir.to_path_buf(),
                    file: name.to_string(),
                    fix: "fetch the model with `just models` (scripts/fetch_models.sh minilm)"
                        .into(),
                })
            }
        };
        let config = bert::Config::load(&file("config.json")?)?;
        let model = BertModel::from_safetensors(&file("model.safetensors")?, &config)?;
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
        // tokenizer.json ships with fixed padding to 128; sentences run unpadded.
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
    ///
    /// Sentences run one at a time: no padding, and tensors small enough
    /// that candle keeps elementwise work on this thread, which on a 2-core
    /// machine measured faster than length-grouped batches (whose thread
    /// synchronization costs more than it saves).
    pub fn embed(&self, sentences: &[&str]) -> Result<Vec<Vec<f32>>, InferError> {
        let encodings = self
            .tokenizer
            .encode_batch(sentences.to_vec(), true)
            .map_err(|e| InferError::Tokenizer(e.to_string()))?;
        encodings
            .iter()
            .map(|encoding| {
                let ids = encoding.get_ids();
                let ids = Tensor::from_slice(ids, (1, ids.len()), &Device::Cpu)?;
                let mask = ids.ones_like()?;
                let pooled = bert::mean_pool(&self.model.forward(&ids, &mask)?, &mask)?;
                Ok(normalize(pooled.squeeze(0)?.to_vec1::<f32>()?))
            })
            .collect()
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
    /// `dir`; `info` names it in summaries.
    pub fn load(dir: &Path, info: ModelInfo) -> Result<Self, InferError> {
        Ok(MiniLm {
            encoder: SentenceEncoder::load(dir)?,
            info,
            budget: Budget::default(),
        })
    }

    /// Sets the summary length.
    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    pub fn encoder(&self) -> &SentenceEncoder {
        &self.encoder
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

    fn summarize(&self, document: &Document) -> Result<Summary, InferError> {
        let sentences = sentences(document);
        let texts: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).collect();
        let vectors = self.encoder.embed(&texts)?;
        let relevance = Self::relevance(&sentences, &vectors);
        let similarity = |i: usize, j: usize| dot(&vectors[i], &vectors[j]);
        let picked = pick(&sentences, &relevance, &similarity, self.budget);
        summary(&sentences, picked, &self.info)
    }
}

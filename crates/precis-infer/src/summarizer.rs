//! Abstractive summaries with a T5 / flan-T5 or BART / distilBART model,
//! run as named stages: [`Seq2SeqSummarizer::chunks`] splits the input at sentence and paragraph
//! boundaries into overlapping pieces that fit the model's window,
//! [`Seq2SeqSummarizer::summarize_batch`] summarizes pieces in batches with the
//! generation engine, and [`Seq2SeqSummarizer::summarize_text`] reduces the partial
//! summaries (map-reduce) until one summary is left. Truncation happens only
//! when asked for, and is then reported.

use std::path::Path;

use precis_clean::Document;

use crate::files::safetensors_files;
use crate::generate::{generate, GenerationConfig, GenerationOverrides, Seq2SeqModel};
use crate::models::{AnyConfig, AnySeq2Seq};
use crate::quantize::Precision;
use crate::threads;
use crate::tokenize::TextTokenizer;
use crate::{Family, InferError, ModelInfo, Summarize, Summary, TaskDefaults};

/// How partial summaries may be reduced at most; each level shrinks the text
/// by the chunk/summary length ratio, so real articles need one or two.
const MAX_REDUCE_LEVELS: usize = 4;

/// Options of [`Seq2SeqSummarizer::load`]. `Default` is what the CLI uses
/// without flags.
#[derive(Debug, Clone)]
pub struct Seq2SeqOptions {
    /// Weights of the linear layers as stored (f32) or quantized (q8).
    pub precision: Precision,
    /// The task settings of the model's catalog entry, applied between the
    /// model folder's own and [`Seq2SeqOptions::generation`].
    pub task: TaskDefaults,
    /// Generation settings on top of the model's and the catalog's.
    pub generation: GenerationOverrides,
    /// Text put before every input instead of the model's task prefix.
    pub prefix: Option<String>,
    /// Cut inputs longer than the window instead of summarizing them in
    /// chunks. The summary's warnings then say what was cut.
    pub truncate: bool,
    /// Chunks summarized together in one batch.
    pub batch_size: usize,
    /// Input window in tokens; default the model's `n_positions` (512 for
    /// T5) or `max_position_embeddings` (1024 for BART).
    pub window: Option<usize>,
}

impl Default for Seq2SeqOptions {
    fn default() -> Self {
        Self {
            precision: Precision::F32,
            task: TaskDefaults::default(),
            generation: GenerationOverrides::default(),
            prefix: None,
            truncate: false,
            batch_size: 4,
            window: None,
        }
    }
}

/// An abstractive summarizer: a T5- or BART-family model, its tokenizer and
/// generation settings.
#[derive(Debug, Clone)]
pub struct Seq2SeqSummarizer {
    model: AnySeq2Seq,
    tokenizer: TextTokenizer,
    generation: GenerationConfig,
    prefix: String,
    window: usize,
    truncate: bool,
    batch_size: usize,
    info: ModelInfo,
}

/// A piece of the input: one sentence (or a slice of an overlong one) and
/// its cost in tokens.
struct Unit<'a> {
    text: &'a str,
    tokens: usize,
    paragraph: usize,
}

impl Seq2SeqSummarizer {
    /// Loads the T5 or BART model in `dir` (config.json, safetensors
    /// weights, a tokenizer); `info` names it in summaries. The `precis`
    /// crate finds `dir` from a catalog name or a Hub repo id.
    ///
    /// ```no_run
    /// use precis_infer::{ModelInfo, Family, Seq2SeqOptions, Seq2SeqSummarizer};
    ///
    /// let dir = std::path::Path::new("models/my-t5");
    /// let info = ModelInfo::new("my-t5", Family::T5);
    /// let summarizer = Seq2SeqSummarizer::load(dir, info, &Seq2SeqOptions::default())?;
    /// let summary = summarizer.summarize_text("The river town of Arnwick opened its new library …")?;
    /// println!("{} ({} chunk(s))", summary.text, summary.chunks);
    /// # Ok::<(), precis_infer::InferError>(())
    /// ```
    pub fn load(dir: &Path, info: ModelInfo, options: &Seq2SeqOptions) -> Result<Self, InferError> {
        let config_path = dir.join("config.json");
        if !config_path.is_file() {
            return Err(InferError::MissingFile {
                path: dir.to_path_buf(),
                file: "config.json".into(),
                fix: "point at a complete Hugging Face model folder".into(),
            });
        }
        if !matches!(info.family, Family::T5 | Family::Bart) {
            return Err(InferError::WrongFamily {
                name: info.name.clone(),
                family: info.family,
                task: "write summaries (the abstractive families are t5 and bart)",
            });
        }
        let config = AnyConfig::load(&config_path)?;
        let special = config.special_tokens();
        let tokenizer =
            TextTokenizer::from_dir(dir, special.pad)?.fit_model(config.input_vocab_size())?;
        let model = AnySeq2Seq::load(&config, &safetensors_files(dir)?, options.precision)?;
        let task = &options.task;
        let defaults = GenerationConfig::from_model_dir(
            dir,
            Some(task.hf_task.as_deref().unwrap_or("summarization")),
        )?;
        let generation = defaults
            .generation
            .with(&task.generation)
            .with(&options.generation);
        generation.validate()?;
        let prefix = options
            .prefix
            .clone()
            .or_else(|| task.prefix.clone())
            .or(defaults.prefix)
            .unwrap_or_default();
        let window = options.window.or(config.max_positions()).unwrap_or(512);
        if window < 16 {
            return Err(InferError::InvalidSettings(format!(
                "the input window is {window} tokens; it must be at least 16"
            )));
        }
        Ok(Self {
            model,
            tokenizer,
            generation,
            prefix,
            window,
            truncate: options.truncate,
            batch_size: options.batch_size.max(1),
            info,
        })
    }

    /// The generation settings it runs with (model defaults, then the caller's overrides).
    pub fn generation(&self) -> &GenerationConfig {
        &self.generation
    }

    /// Tokens `text` costs inside an input (without the closing `</s>`).
    fn cost(&self, text: &str) -> Result<usize, InferError> {
        let ids = self.tokenizer.encode(text)?;
        let eos = &self.model.special_tokens().eos;
        Ok(ids.iter().filter(|id| !eos.contains(id)).count())
    }

    /// Tokens left for text in one input: window minus prefix and `</s>`.
    fn budget(&self) -> Result<usize, InferError> {
        Ok(self
            .window
            .saturating_sub(self.cost(&self.prefix)? + 1)
            .max(1))
    }

    /// Sentences of `text` with their token costs; a sentence longer than
    /// `budget` is split between words.
    fn units<'a>(&self, text: &'a str, budget: usize) -> Result<Vec<Unit<'a>>, InferError> {
        let mut units = Vec::new();
        let paragraphs = text.split("\n\n").map(str::trim).filter(|p| !p.is_empty());
        for (paragraph, block) in paragraphs.enumerate() {
            for sentence in precis_clean::sentences(block) {
                let tokens = self.cost(sentence)?;
                if tokens <= budget {
                    units.push(Unit {
                        text: sentence,
                        tokens,
                        paragraph,
                    });
                    continue;
                }
                // Greedy word packing; a single word over budget stays whole
                // (T5's relative positions accept it) rather than being lost.
                let mut start = None;
                let mut used = 0;
                for (offset, word) in word_spans(sentence) {
                    let word_tokens = self.cost(word)?;
                    if let Some(from) = start.filter(|_| used + word_tokens > budget) {
                        let piece = sentence.get(from..offset).unwrap_or_default().trim_end();
                        units.push(Unit {
                            text: piece,
                            tokens: used,
                            paragraph,
                        });
                        start = None;
                        used = 0;
                    }
                    start.get_or_insert(offset);
                    used += word_tokens;
                }
                if let Some(from) = start {
                    units.push(Unit {
                        text: sentence.get(from..).unwrap_or_default(),
                        tokens: used,
                        paragraph,
                    });
                }
            }
        }
        Ok(units)
    }

    /// Stage 1: the input split into pieces that fit the window, each
    /// starting with the last sentence of the previous one (overlap keeps
    /// context across cuts). Text that fits comes back as one piece.
    pub fn chunks(&self, text: &str) -> Result<Vec<String>, InferError> {
        let budget = self.budget()?;
        let units = self.units(text, budget)?;
        let mut chunks = Vec::new();
        let mut i = 0;
        while i < units.len() {
            let start = i;
            let mut used = 0;
            while let Some(unit) = units
                .get(i)
                .filter(|u| i == start || used + u.tokens <= budget)
            {
                used += unit.tokens;
                i += 1;
            }
            chunks.push(join_units(units.get(start..i).unwrap_or_default()));
            if i < units.len() && i - start > 1 {
                i -= 1;
            }
        }
        Ok(chunks)
    }

    /// Stage 2: one summary per text, generated in batches.
    pub fn summarize_batch(&self, texts: &[String]) -> Result<Vec<String>, InferError> {
        let mut summaries = Vec::with_capacity(texts.len());
        for group in texts.chunks(self.batch_size) {
            let rows = group
                .iter()
                .map(|text| self.tokenizer.encode(&format!("{}{}", self.prefix, text)))
                .collect::<Result<Vec<_>, _>>()?;
            let batch = self.tokenizer.pad(&rows);
            let generation = threads::on_pool(|| generate(&self.model, &batch, &self.generation))?;
            for hypotheses in &generation.outputs {
                let best = hypotheses
                    .first()
                    .map(|h| h.tokens.as_slice())
                    .unwrap_or_default();
                summaries.push(self.tokenizer.decode(best)?.trim().to_string());
            }
        }
        Ok(summaries)
    }

    /// The whole pipeline on plain text: paragraphs separated by blank lines.
    pub fn summarize_text(&self, text: &str) -> Result<Summary, InferError> {
        if text.trim().is_empty() {
            return Err(InferError::EmptyInput);
        }
        let mut warnings = Vec::new();
        let mut pieces = self.chunks(text)?;
        if self.truncate && pieces.len() > 1 {
            let total = self.cost(text)?;
            let kept = self.cost(pieces.first().map(String::as_str).unwrap_or_default())?;
            warnings.push(format!(
                "the input was truncated on request: only its first {kept} of {total} tokens were summarized (the model reads {} at once); summarize without truncation to use all of it",
                self.window
            ));
            pieces.truncate(1);
        }
        let chunks = pieces.len();
        let mut summaries = self.summarize_batch(&pieces)?;
        let mut levels = 0;
        while summaries.len() > 1 {
            levels += 1;
            let combined = summaries.join("\n\n");
            if levels > MAX_REDUCE_LEVELS {
                warnings.push(format!(
                    "the partial summaries did not get shorter after {MAX_REDUCE_LEVELS} rounds; they are returned joined"
                ));
                return Ok(self.summary(combined, chunks, warnings));
            }
            summaries = self.summarize_batch(&self.chunks(&combined)?)?;
        }
        let text = summaries.pop().unwrap_or_default();
        Ok(self.summary(text, chunks, warnings))
    }

    fn summary(&self, text: String, chunks: usize, warnings: Vec<String>) -> Summary {
        Summary {
            text,
            model: self.info.clone(),
            chunks,
            warnings,
        }
    }
}

impl Summarize for Seq2SeqSummarizer {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Summarizes the article's body paragraphs.
    fn summarize(&self, document: &Document) -> Result<Summary, InferError> {
        let body: Vec<&str> = document
            .paragraphs
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        self.summarize_text(&body.join("\n\n"))
    }
}

/// Words of `text` (split at whitespace) with their byte offsets.
fn word_spans(text: &str) -> Vec<(usize, &str)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_whitespace(), start) {
            (true, Some(from)) => {
                spans.push((from, text.get(from..i).unwrap_or_default()));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    spans
}

/// Units joined back: a space within a paragraph, a blank line between.
fn join_units(units: &[Unit]) -> String {
    let mut out = String::new();
    for (i, unit) in units.iter().enumerate() {
        if i > 0 {
            let same = units
                .get(i - 1)
                .is_some_and(|prev| prev.paragraph == unit.paragraph);
            out.push_str(if same { " " } else { "\n\n" });
        }
        out.push_str(unit.text);
    }
    out
}

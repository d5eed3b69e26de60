//! The two jobs precis does with a model, as traits every model family
//! implements, so the CLI can chain any summarizer with any translator.

use precis_clean::Document;
use serde::{Deserialize, Serialize};

use crate::InferError;

/// Which model produced an output, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Catalog name, Hub repo id or local path, as the user gave it.
    pub name: String,
    /// Model family ("t5", "bart", "marian", "bergamot", "textrank", "minilm").
    pub family: String,
    /// Hub revision or package version the weights came from, when known.
    pub revision: Option<String>,
}

/// A summary and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub text: String,
    pub model: ModelInfo,
    /// How many chunks the input was split into (1 when it fit the model's window).
    pub chunks: usize,
    /// Things the reader must know, e.g. that input was truncated on request.
    pub warnings: Vec<String>,
}

/// Anything that turns a cleaned article into a summary.
pub trait Summarize {
    fn info(&self) -> &ModelInfo;
    fn summarize(&self, document: &Document) -> Result<Summary, InferError>;
}

/// A translation and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Translation {
    /// One output line per input line.
    pub lines: Vec<String>,
    pub model: ModelInfo,
    pub warnings: Vec<String>,
}

/// Anything that translates text from one language to another.
pub trait Translate {
    fn info(&self) -> &ModelInfo;
    /// Translates each line on its own (lines are split into sentences
    /// internally), so the output has exactly one line per input line.
    fn translate_lines(&self, lines: &[&str]) -> Result<Translation, InferError>;
}

/// The line-preserving contract of [`Translate::translate_lines`], shared by
/// every translator: each line is split into sentences, all sentences go to
/// `translate_sentences` in one call (so they batch together), and each
/// line's translations are joined back into one output line. The closure
/// returns, per sentence, its translation and any warnings about it; they are
/// reported with the line number.
pub(crate) fn translate_by_sentence(
    info: &ModelInfo,
    lines: &[&str],
    translate_sentences: impl FnOnce(&[&str]) -> Result<Vec<(String, Vec<String>)>, InferError>,
) -> Result<Translation, InferError> {
    let split: Vec<Vec<&str>> = lines
        .iter()
        .map(|line| precis_clean::sentences(line))
        .collect();
    let flat: Vec<&str> = split.iter().flatten().copied().collect();
    let mut translated = translate_sentences(&flat)?.into_iter();
    let mut warnings = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for (number, sentences) in split.iter().enumerate() {
        let mut texts = Vec::with_capacity(sentences.len());
        for (text, sentence_warnings) in translated.by_ref().take(sentences.len()) {
            warnings.extend(
                sentence_warnings
                    .into_iter()
                    .map(|warning| format!("line {}: {warning}", number + 1)),
            );
            texts.push(text);
        }
        out.push(texts.join(" "));
    }
    Ok(Translation {
        lines: out,
        model: info.clone(),
        warnings,
    })
}

//! Lead-3, the classic news baseline: the article's first three sentences.
//! Hard to beat on news, where the most important facts come first.

use std::time::Instant;

use precis_clean::Document;

use super::{built_in, sentences, summary};
use crate::{Family, InferError, ModelInfo, Summarize, Summary};

/// The first three sentences of the article.
///
/// ```
/// use precis_clean::{clean, CleanOptions};
/// use precis_infer::extractive::Lead3;
/// use precis_infer::Summarize;
///
/// let article = "Ferry returns to the Dnipro\n\n\
///     A small diesel ferry carried its first passengers across the Dnipro on Monday, ending a year without a crossing.\n\n\
///     The old ferry stopped running last March, when its engine failed and its operator went bankrupt.\n\n\
///     Residents of both villages raised the money for the repairs themselves, door to door.\n\n\
///     Officials said they would pay the captain's salary until the end of the year.";
/// let document = clean(article, &CleanOptions::default())?;
/// let summary = Lead3::default().summarize(&document)?;
/// assert!(summary.text.starts_with("A small diesel ferry"));
/// assert_eq!(summary.text.lines().count(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Lead3 {
    info: ModelInfo,
}

impl Default for Lead3 {
    fn default() -> Self {
        Lead3 {
            info: built_in(Family::Lead3),
        }
    }
}

impl Summarize for Lead3 {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn summarize_until(
        &self,
        document: &Document,
        deadline: Option<Instant>,
    ) -> Result<Summary, InferError> {
        let candidates = sentences(document, deadline)?;
        let first = (0..candidates.sentences.len().min(3)).collect();
        summary(&candidates, first, &self.info, false)
    }
}

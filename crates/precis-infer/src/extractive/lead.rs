//! Lead-3, the classic news baseline: the article's first three sentences.
//! Hard to beat on news, where the most important facts come first.

use precis_clean::Document;

use super::{built_in, sentences, summary};
use crate::{Family, InferError, ModelInfo, Summarize, Summary};

/// The first three sentences of the article.
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

    fn summarize(&self, document: &Document) -> Result<Summary, InferError> {
        let sentences = sentences(document);
        summary(
            &sentences,
            (0..sentences.len().min(3)).collect(),
            &self.info,
        )
    }
}

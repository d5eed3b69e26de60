//! [`Family`]: which code runs a model. [`Family::detect`] (in `files.rs`,
//! with the other readers of a model folder) works it out from the files.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The code that runs a model. Serialized in lowercase (`"t5"`,
/// `"bergamot"`, …), as reports and the catalog name families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Family {
    /// T5, flan-T5: an abstractive summarizer.
    T5,
    /// BART, distilBART: an abstractive summarizer.
    Bart,
    /// opus-mt (Hugging Face Marian): a translator.
    Marian,
    /// A Firefox Translations model (Marian binary format): a translator.
    Bergamot,
    /// A sentence-transformers BERT (all-MiniLM-L6-v2): embeddings for the
    /// extractive `minilm` summarizer.
    Bert,
    /// The built-in TextRank summarizer: no model files.
    TextRank,
    /// The built-in first-three-sentences baseline: no model files.
    Lead3,
}

impl Family {
    /// Every family, for listings and error messages.
    pub const ALL: [Family; 7] = [
        Family::T5,
        Family::Bart,
        Family::Marian,
        Family::Bergamot,
        Family::Bert,
        Family::TextRank,
        Family::Lead3,
    ];

    /// The lowercase name reports use.
    pub fn name(self) -> &'static str {
        match self {
            Family::T5 => "t5",
            Family::Bart => "bart",
            Family::Marian => "marian",
            Family::Bergamot => "bergamot",
            Family::Bert => "bert",
            Family::TextRank => "textrank",
            Family::Lead3 => "lead3",
        }
    }

    /// Whether models of this family write summaries (the BERT family
    /// does through the extractive `minilm` summarizer).
    pub fn summarizes(self) -> bool {
        matches!(
            self,
            Family::T5 | Family::Bart | Family::Bert | Family::TextRank | Family::Lead3
        )
    }

    /// Whether models of this family translate.
    pub fn translates(self) -> bool {
        matches!(self, Family::Marian | Family::Bergamot)
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for Family {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Family::ALL
            .into_iter()
            .find(|family| family.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown model family `{name}` (one of {})",
                    names.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for family in Family::ALL {
            assert_eq!(family.name().parse::<Family>(), Ok(family));
            assert_eq!(
                serde_json::to_string(&family).unwrap(),
                format!("\"{family}\"")
            );
        }
        assert!("gpt2".parse::<Family>().is_err());
    }
}

//! [`Family`]: which code runs a model, worked out in one place from the
//! model's own files.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::InferError;

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

    /// The family of the model in `dir`: a Firefox Translations folder
    /// (a `model.*.bin` and no `config.json`), else the `model_type` of its
    /// `config.json`, else the architecture the config names (T5 configs
    /// older than `model_type` name only `T5ForConditionalGeneration`).
    pub fn detect(dir: &Path) -> Result<Family, InferError> {
        let config_path = dir.join("config.json");
        if !config_path.is_file() {
            let bergamot = std::fs::read_dir(dir)
                .map_err(|source| InferError::Io {
                    context: format!("listing model folder {}", dir.display()),
                    source,
                })?
                .filter_map(Result::ok)
                .any(|entry| {
                    let name = entry.file_name();
                    let name = name.to_string_lossy();
                    name.starts_with("model") && name.ends_with(".bin")
                });
            return if bergamot {
                Ok(Family::Bergamot)
            } else {
                Err(InferError::MissingFile {
                    path: dir.to_path_buf(),
                    file: "config.json".into(),
                    fix: "a Hugging Face model folder has a config.json, a Firefox Translations one a model.*.bin".into(),
                })
            };
        }
        Self::from_config(&config_path)
    }

    /// The family a Hugging Face `config.json` declares.
    pub fn from_config(config_path: &Path) -> Result<Family, InferError> {
        #[derive(Deserialize)]
        struct Declared {
            model_type: Option<String>,
            #[serde(default)]
            architectures: Vec<String>,
        }
        let declared: Declared = crate::models::read_config(config_path)?;
        let bad = |detail: String| InferError::BadConfig {
            path: config_path.to_path_buf(),
            detail,
        };
        match declared.model_type.as_deref() {
            Some("t5") => Ok(Family::T5),
            Some("bart") => Ok(Family::Bart),
            Some("marian") => Ok(Family::Marian),
            Some("bert") => Ok(Family::Bert),
            Some(other) => Err(bad(format!(
                "model_type `{other}` is not a family precis runs (t5, bart, marian, bert)"
            ))),
            None => {
                let prefixes = [
                    ("T5", Family::T5),
                    ("Bart", Family::Bart),
                    ("Marian", Family::Marian),
                    ("Bert", Family::Bert),
                ];
                declared
                    .architectures
                    .iter()
                    .find_map(|arch| {
                        prefixes
                            .iter()
                            .find(|(prefix, _)| arch.starts_with(prefix))
                            .map(|&(_, family)| family)
                    })
                    .ok_or_else(|| {
                        bad("it names neither a `model_type` nor a known `architectures` entry, so the model's family is unknown".into())
                    })
            }
        }
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

    fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

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

    #[test]
    fn detection_reads_model_type_then_architectures() {
        let t5 = folder_with(&[("config.json", r#"{"model_type": "t5"}"#)]);
        assert_eq!(Family::detect(t5.path()).unwrap(), Family::T5);
        let old_t5 = folder_with(&[("config.json", r#"{"architectures": ["T5WithLMHeadModel"]}"#)]);
        assert_eq!(Family::detect(old_t5.path()).unwrap(), Family::T5);
        let marian = folder_with(&[("config.json", r#"{"model_type": "marian"}"#)]);
        assert_eq!(Family::detect(marian.path()).unwrap(), Family::Marian);
        let bergamot = folder_with(&[("model.enpt.intgemm.alphas.bin", "")]);
        assert_eq!(Family::detect(bergamot.path()).unwrap(), Family::Bergamot);
    }

    #[test]
    fn unknown_families_are_errors() {
        let gpt = folder_with(&[("config.json", r#"{"model_type": "gpt2"}"#)]);
        let err = Family::detect(gpt.path()).unwrap_err().to_string();
        assert!(err.contains("model_type `gpt2`"), "{err}");
        let bare = folder_with(&[("config.json", "{}")]);
        let err = Family::detect(bare.path()).unwrap_err().to_string();
        assert!(err.contains("family is unknown"), "{err}");
        let empty = folder_with(&[]);
        assert!(Family::detect(empty.path()).is_err());
    }
}

//! The model catalog (`models/catalog.toml`, compiled in): short names for
//! models with their source, pinned revision, license and task defaults.
//! The schema is documented at the top of the TOML file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::generate::GenerationOverrides;
use crate::InferError;

/// The catalog shipped with precis.
pub const CATALOG_TOML: &str = include_str!("../../../models/catalog.toml");

/// One catalog entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    /// Model family: the code that runs it ("t5", "bergamot", "bert", …).
    pub family: String,
    /// What precis uses it for ("summarize", "translate").
    pub tasks: Vec<String>,
    pub description: String,
    /// SPDX id of the weights' license.
    pub license: String,
    /// Approximate download size in MB.
    pub size_mb: u64,
    pub source: PresetSource,
    /// How to summarize with it.
    pub summarize: Option<TaskPreset>,
    /// How to translate with it.
    pub translate: Option<TaskPreset>,
}

/// Where a catalog entry's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresetSource {
    /// A Hugging Face Hub repo at a pinned commit.
    Hub { repo: String, revision: String },
    /// A folder under the downloads directory, filled by `just models`.
    Local(PathBuf),
}

/// A catalog entry as written in TOML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    family: String,
    tasks: Vec<String>,
    description: String,
    license: String,
    size_mb: u64,
    repo: Option<String>,
    revision: Option<String>,
    source: Option<PathBuf>,
    summarize: Option<TaskPreset>,
    translate: Option<TaskPreset>,
}

/// Per-task settings of a catalog entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskPreset {
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

/// All catalog entries by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub models: BTreeMap<String, Preset>,
}

impl Catalog {
    /// The catalog compiled into precis.
    pub fn builtin() -> Result<Self, InferError> {
        Self::parse(CATALOG_TOML, "models/catalog.toml")
    }

    /// Parses catalog TOML; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, InferError> {
        let bad = |detail: String| InferError::BadConfig {
            path: PathBuf::from(origin),
            detail,
        };
        let entries: BTreeMap<String, Entry> =
            toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut models = BTreeMap::new();
        for (name, entry) in entries {
            let source = match (entry.repo, entry.revision, entry.source) {
                (Some(repo), Some(revision), None) if is_commit(&revision) => PresetSource::Hub { repo, revision },
                (None, None, Some(folder)) => PresetSource::Local(folder),
                _ => {
                    return Err(bad(format!(
                        "[{name}] needs either `repo` with `revision` (a 40-hex commit) or `source` (a folder), not both"
                    )))
                }
            };
            let preset = Preset {
                family: entry.family,
                tasks: entry.tasks,
                description: entry.description,
                license: entry.license,
                size_mb: entry.size_mb,
                source,
                summarize: entry.summarize,
                translate: entry.translate,
            };
            models.insert(name, preset);
        }
        Ok(Self { models })
    }

    pub fn get(&self, name: &str) -> Option<&Preset> {
        self.models.get(name)
    }
}

/// Whether `revision` is a full commit hash (what a catalog must pin).
pub fn is_commit(revision: &str) -> bool {
    revision.len() == 40 && revision.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_parses_and_pins_every_hub_model() {
        let catalog = Catalog::builtin().unwrap();
        let t5 = catalog.get("t5-small").unwrap();
        let pinned = PresetSource::Hub {
            repo: "google-t5/t5-small".into(),
            revision: "df1b051c49625cf57a3d0d8d3863ed4d13564fe4".into(),
        };
        assert_eq!(t5.source, pinned);
        assert_eq!(
            t5.summarize.as_ref().unwrap().hf_task.as_deref(),
            Some("summarization")
        );
        let flan = catalog
            .get("flan-t5-small")
            .unwrap()
            .summarize
            .clone()
            .unwrap();
        assert_eq!(flan.prefix.as_deref(), Some("summarize: "));
        assert_eq!(flan.generation.num_beams, Some(4));
        assert_eq!(flan.generation.max_new_tokens, Some(128));
    }

    #[test]
    fn entries_need_exactly_one_pinned_source() {
        let entry = |source: &str| {
            format!("[m]\nfamily = \"t5\"\ntasks = []\ndescription = \"\"\nlicense = \"MIT\"\nsize_mb = 1\n{source}\n")
        };
        let commit = "0123456789abcdef0123456789abcdef01234567";
        assert!(Catalog::parse(
            &entry(&format!("repo = \"a/b\"\nrevision = \"{commit}\"")),
            "t"
        )
        .is_ok());
        assert!(Catalog::parse(&entry("source = \"folder\""), "t").is_ok());
        for bad in ["repo = \"a/b\"", "repo = \"a/b\"\nrevision = \"main\"", ""] {
            let err = Catalog::parse(&entry(bad), "t").unwrap_err().to_string();
            assert!(err.contains("[m] needs"), "{bad:?}: {err}");
        }
        let both = format!("repo = \"a/b\"\nrevision = \"{commit}\"\nsource = \"x\"");
        assert!(Catalog::parse(&entry(&both), "t").is_err());
        assert!(
            Catalog::parse(&entry("source = \"x\"\ncolour = 1"), "t").is_err(),
            "unknown keys are refused"
        );
    }
}

//! The model catalog (`catalog.toml` beside this crate's `src/`, compiled
//! in): short names for models with their family, source, pinned revision,
//! license and task defaults. The schema is documented at the top of the
//! TOML file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use precis_infer::{Family, TaskDefaults};

use crate::Error;

/// The catalog shipped with precis.
pub const CATALOG_TOML: &str = include_str!("../catalog.toml");

/// One catalog entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    /// The code that runs it.
    pub family: Family,
    /// What precis uses it for ("summarize", "translate").
    pub tasks: Vec<String>,
    /// One line for listings.
    pub description: String,
    /// SPDX id of the weights' license.
    pub license: String,
    /// Approximate download size in MB.
    pub size_mb: u64,
    /// Where its files come from.
    pub source: PresetSource,
    /// Where the same files are fetched from when a [`PresetSource::Local`]
    /// folder is missing: a pinned Hub commit.
    pub fallback: Option<PresetSource>,
    /// The languages a summarizer is sound for (ISO 639-1); `None`: any.
    pub languages: Option<Vec<String>>,
    /// How to summarize with it.
    pub summarize: Option<TaskDefaults>,
    /// How to translate with it.
    pub translate: Option<TaskDefaults>,
}

/// Where a catalog entry's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresetSource {
    /// A Hugging Face Hub repo at a pinned commit, or at [`UNPINNED`] when
    /// no public record of a commit with safetensors weights was found.
    Hub {
        /// `owner/name`.
        repo: String,
        /// A 40-hex commit, or [`UNPINNED`].
        revision: String,
    },
    /// A folder under the models directory ([`crate::LoadOptions::models_dir`]).
    Local(PathBuf),
}

/// The one branch a catalog entry may name instead of a commit. Such an
/// entry is listed as unpinned, and what was loaded is recorded by the
/// commit `main` resolved to.
pub const UNPINNED: &str = "main";

impl PresetSource {
    /// Whether the files are fixed: a Hub commit or a downloads folder.
    pub fn is_pinned(&self) -> bool {
        match self {
            Self::Hub { revision, .. } => is_commit(revision),
            Self::Local(_) => true,
        }
    }
}

/// A catalog entry as written in TOML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    family: Family,
    tasks: Vec<String>,
    description: String,
    license: String,
    size_mb: u64,
    repo: Option<String>,
    revision: Option<String>,
    source: Option<PathBuf>,
    languages: Option<Vec<String>>,
    summarize: Option<TaskDefaults>,
    translate: Option<TaskDefaults>,
}

/// All catalog entries by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    /// Entries by name.
    pub models: BTreeMap<String, Preset>,
}

impl Catalog {
    /// The catalog compiled into precis.
    pub fn builtin() -> Result<Self, Error> {
        Self::parse(CATALOG_TOML, "crates/precis/catalog.toml")
    }

    /// Parses catalog TOML; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, Error> {
        let bad = |detail: String| Error::Catalog {
            origin: origin.to_string(),
            detail,
        };
        let entries: BTreeMap<String, Entry> =
            toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut models = BTreeMap::new();
        for (name, entry) in entries {
            let (source, fallback) = match (entry.repo, entry.revision, entry.source) {
                (Some(repo), Some(revision), None)
                    if is_commit(&revision) || revision == UNPINNED =>
                {
                    (PresetSource::Hub { repo, revision }, None)
                }
                (None, None, Some(folder)) => (PresetSource::Local(folder), None),
                // A folder with a Hub mirror of the same files, pinned.
                (Some(repo), Some(revision), Some(folder)) if is_commit(&revision) => (
                    PresetSource::Local(folder),
                    Some(PresetSource::Hub { repo, revision }),
                ),
                _ => {
                    return Err(bad(format!(
                        "[{name}] needs either `repo` with `revision` (a 40-hex commit, or \"{UNPINNED}\" when none can be pinned) or `source` (a folder), or both with a commit (the Hub as the folder's mirror)"
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
                fallback,
                languages: entry.languages,
                summarize: entry.summarize,
                translate: entry.translate,
            };
            models.insert(name, preset);
        }
        Ok(Self { models })
    }

    /// The entry `name`, if the catalog has it.
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
    fn builtin_t5_presets_are_pinned_with_their_settings() {
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
    fn every_preset_parses_with_its_task_settings() {
        let catalog = Catalog::builtin().unwrap();
        for (name, preset) in &catalog.models {
            assert!(!preset.description.is_empty(), "{name}");
            assert!(!preset.license.is_empty() && preset.size_mb > 0, "{name}");
            for task in &preset.tasks {
                assert!(
                    matches!(task.as_str(), "summarize" | "translate"),
                    "{name}: task {task}"
                );
            }
            if let PresetSource::Hub { repo, revision } = &preset.source {
                assert!(repo.split('/').count() == 2, "{name}: repo {repo}");
                // Unpinned only where no commit could be checked.
                let unpinned = ["distilbart-cnn-6-6", "opus-mt-en-ro"];
                assert_eq!(
                    preset.source.is_pinned(),
                    !unpinned.contains(&name.as_str()),
                    "{name}: revision {revision}"
                );
            }
        }
        for name in [
            "distilbart-cnn-6-6",
            "distilbart-cnn-12-6",
            "bart-large-cnn",
        ] {
            let preset = catalog.get(name).unwrap();
            assert_eq!(preset.family, Family::Bart, "{name}");
            let generation = preset.summarize.clone().unwrap().generation;
            assert_eq!(generation.num_beams, Some(4), "{name}");
            assert_eq!(generation.length_penalty, Some(2.0), "{name}");
            assert_eq!(generation.max_length, Some(142), "{name}");
            assert_eq!(generation.min_length, Some(56), "{name}");
            assert_eq!(generation.no_repeat_ngram_size, Some(3), "{name}");
            assert!(generation.early_stopping.is_some(), "{name}");
        }
        let flan = catalog
            .get("flan-t5-base")
            .unwrap()
            .summarize
            .clone()
            .unwrap();
        assert_eq!(flan.prefix.as_deref(), Some("summarize: "));
        assert_eq!(flan.generation.num_beams, Some(4));
        let pairs = ["de", "fr", "es", "ru", "uk", "ro"]
            .iter()
            .flat_map(|lang| [format!("en-{lang}"), format!("{lang}-en")])
            .filter(|pair| pair != "ro-en");
        for pair in pairs {
            let name = format!("opus-mt-{pair}");
            let preset = catalog.get(&name).unwrap_or_else(|| panic!("no {name}"));
            assert_eq!(
                (preset.family, preset.license.as_str()),
                (Family::Marian, "CC-BY-4.0"),
                "{name}"
            );
            assert_eq!(preset.tasks, ["translate"], "{name}");
            let generation = preset.translate.clone().unwrap().generation;
            assert_eq!(
                (generation.num_beams, generation.max_length),
                (Some(4), Some(512)),
                "{name}"
            );
        }
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
        let unpinned = Catalog::parse(&entry("repo = \"a/b\"\nrevision = \"main\""), "t").unwrap();
        assert!(!unpinned.get("m").unwrap().source.is_pinned());
        // Other branches, tags and short hashes would float or be typos.
        for bad in [
            "repo = \"a/b\"",
            "repo = \"a/b\"\nrevision = \"v2\"",
            "repo = \"a/b\"\nrevision = \"0123456\"",
            "",
        ] {
            let err = Catalog::parse(&entry(bad), "t").unwrap_err().to_string();
            assert!(err.contains("[m] needs"), "{bad:?}: {err}");
        }
        let both = format!("repo = \"a/b\"\nrevision = \"{commit}\"\nsource = \"x\"");
        let mirrored = Catalog::parse(&entry(&both), "t").unwrap();
        let mirrored = mirrored.get("m").unwrap();
        assert_eq!(mirrored.source, PresetSource::Local("x".into()));
        assert_eq!(
            mirrored.fallback,
            Some(PresetSource::Hub {
                repo: "a/b".into(),
                revision: commit.into()
            })
        );
        // A mirror must be pinned: a branch could serve other files.
        let floating = "repo = \"a/b\"\nrevision = \"main\"\nsource = \"x\"";
        assert!(Catalog::parse(&entry(floating), "t").is_err());
        assert!(
            Catalog::parse(&entry("source = \"x\"\ncolour = 1"), "t").is_err(),
            "unknown keys are refused"
        );
    }
}

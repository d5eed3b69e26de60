//! [`list_models`]: every model precis can run by name, and whether its
//! files are on this machine.

use serde::Serialize;

use crate::catalog::{Catalog, PresetSource};
use crate::hub::{locate, LoadOptions};
use crate::{Error, Family};

/// One model `precis models list` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    /// The name that loads it.
    pub name: String,
    /// The code that runs it.
    pub family: Family,
    /// What precis uses it for (`summarize`, `translate`).
    pub tasks: Vec<String>,
    /// Approximate download size in MB (0 for built-ins).
    pub size_mb: u64,
    /// SPDX id of the weights' license, or `built in`.
    pub license: String,
    /// Whether the files are on this machine (always true for built-ins).
    pub downloaded: bool,
    /// The Hub commit the catalog pins, or the branch it follows.
    pub revision: Option<String>,
    /// False for a Hub model the catalog cannot pin to a commit.
    pub pinned: bool,
    /// One line about it.
    pub description: String,
}

/// The catalog, then the extractive summarizers built into precis.
pub fn list_models(load: &LoadOptions) -> Result<Vec<Listing>, Error> {
    let offline = LoadOptions {
        offline: true,
        ..load.clone()
    };
    let mut rows: Vec<Listing> = Catalog::builtin()?
        .models
        .into_iter()
        .map(|(name, preset)| Listing {
            downloaded: locate(&name, &offline).is_ok(),
            name,
            pinned: preset.source.is_pinned(),
            revision: match preset.source {
                PresetSource::Hub { revision, .. } => Some(revision),
                PresetSource::Local(_) => None,
            },
            family: preset.family,
            tasks: preset.tasks,
            size_mb: preset.size_mb,
            license: preset.license,
            description: preset.description,
        })
        .collect();
    for (family, description) in [
        (
            Family::TextRank,
            "Extractive: ranks sentences on a TF-IDF similarity graph; needs no model files",
        ),
        (
            Family::Lead3,
            "Extractive baseline: the article's first three sentences",
        ),
    ] {
        rows.push(Listing {
            name: family.name().into(),
            family,
            tasks: vec!["summarize".into()],
            size_mb: 0,
            license: "built in".into(),
            downloaded: true,
            revision: None,
            pinned: true,
            description: description.into(),
        });
    }
    Ok(rows)
}

//! [`list_models`]: every model precis can run by name, and whether its
//! files are on this machine.

use serde::Serialize;

use crate::catalog::{Catalog, PresetSource};
use crate::hub::{locate, LoadOptions};
use crate::registry::{self, CachedPair, RegistryPair};
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
    /// The Hub commit the catalog pins, the branch it follows, or a
    /// registry model's version.
    pub revision: Option<String>,
    /// False for a Hub model the catalog cannot pin to a commit.
    pub pinned: bool,
    /// One line about it.
    pub description: String,
}

/// The catalog, the Firefox Translations models in the cache, then the
/// extractive summarizers built into precis. Reads no network.
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
    for cached in registry::cached_pairs(load) {
        if !rows.iter().any(|row| row.name == cached.manifest.name) {
            rows.push(cached_listing(&cached));
        }
    }
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

/// Every pair the Firefox Translations registry publishes, each marked
/// cached or not; offline (`load.offline`), only the cached ones, without
/// touching the network.
pub fn list_registry(load: &LoadOptions) -> Result<Vec<Listing>, Error> {
    let cached = registry::cached_pairs(load);
    if load.offline {
        return Ok(cached.iter().map(cached_listing).collect());
    }
    Ok(registry::remote_pairs(load)?
        .iter()
        .map(|pair| remote_listing(pair, &cached))
        .collect())
}

fn megabytes(bytes: u64) -> u64 {
    bytes.div_ceil(1_000_000)
}

fn registry_listing(
    name: String,
    size: u64,
    downloaded: bool,
    version: &str,
    description: String,
) -> Listing {
    Listing {
        name,
        family: Family::Bergamot,
        tasks: vec!["translate".into()],
        size_mb: megabytes(size),
        license: registry::LICENSE.into(),
        downloaded,
        revision: Some(version.to_string()),
        pinned: true,
        description,
    }
}

fn describe(from: &str, to: &str, architecture: Option<&str>) -> String {
    format!(
        "Firefox Translations {from}→{to}{} (Marian, int8), from the Firefox Translations registry",
        architecture.map(|a| format!(" {a}")).unwrap_or_default()
    )
}

fn cached_listing(cached: &CachedPair) -> Listing {
    let manifest = &cached.manifest;
    registry_listing(
        manifest.name.clone(),
        manifest.files.iter().map(|file| file.size).sum(),
        true,
        &manifest.version,
        describe(
            &manifest.from,
            &manifest.to,
            manifest.architecture.as_deref(),
        ),
    )
}

fn remote_listing(pair: &RegistryPair, cached: &[CachedPair]) -> Listing {
    let downloaded = cached
        .iter()
        .any(|c| c.manifest.name == pair.name() && c.manifest.version == pair.version);
    let mut description = describe(&pair.from, &pair.to, pair.architecture.as_deref());
    if let Some(why) = pair.unsupported() {
        description = format!("{description}; precis cannot run it: {why}");
    }
    registry_listing(
        pair.name(),
        pair.download_size(),
        downloaded,
        &pair.version,
        description,
    )
}

//! Finding a model's files from the name the user gave: a local folder, a
//! catalog preset, or a Hugging Face Hub repo id (`owner/name[@revision]`),
//! and what family of model they hold.
//!
//! Hub files go through hf-hub into the standard Hugging Face cache
//! (`HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`), so
//! models downloaded by Python tools are reused and vice versa. With
//! `HF_HUB_OFFLINE=1` or [`LoadOptions::offline`] only the cache is read.
//! `HF_TOKEN` (else the token file `huggingface-cli login` writes) is sent
//! for gated repos.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use hf_hub::api::sync::{Api, ApiBuilder, ApiError};
use hf_hub::{Cache, Repo, RepoType};

use precis_infer::files::{shard_names, SAFETENSORS, SAFETENSORS_INDEX};
use precis_infer::{Family, ModelInfo};

use crate::catalog::{is_commit, Catalog, Preset, PresetSource};
use crate::registry::{self, Progress};
use crate::Error;

/// How to find model files.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Read the Hugging Face cache only, never the network (also set by
    /// `HF_HUB_OFFLINE=1`).
    pub offline: bool,
    /// Where catalog entries with a `source` folder live; default
    /// [`models_dir`].
    pub models_dir: Option<PathBuf>,
    /// Hugging Face hub cache to use instead of [`hub_cache_dir`].
    pub cache_dir: Option<PathBuf>,
    /// precis's own cache, where Firefox Translations models are
    /// installed, instead of [`registry::cache_dir`].
    pub model_cache: Option<PathBuf>,
    /// The Firefox Translations registry server (a Remote Settings `/v1`
    /// URL) instead of [`registry::server_url`]'s default.
    pub registry_url: Option<String>,
    /// Told how registry downloads progress.
    pub progress: Option<Progress>,
}

/// A model's folder and what it is.
#[derive(Debug, Clone)]
pub struct Located {
    /// Folder holding config.json, tokenizer.json, weights, …
    pub dir: PathBuf,
    /// Its name, family and revision, for reports.
    pub info: ModelInfo,
    /// The catalog entry, when the name was a preset.
    pub preset: Option<Preset>,
}

/// Files of a Hugging Face model folder: `(name, required)`. The weights
/// (`model.safetensors` or its shards) are fetched separately. Older BART
/// checkpoints have `vocab.json` + `merges.txt` instead of `tokenizer.json`,
/// Marian (opus-mt) ones `source.spm` + `vocab.json` (and `target_vocab.json`
/// with separate vocabularies), sentence-transformers ones their token
/// window in `sentence_bert_config.json`; loading the tokenizer says when a folder has
/// none of them.
const HF_FILES: [(&str, bool); 10] = [
    ("config.json", true),
    ("tokenizer.json", false),
    ("vocab.json", false),
    ("merges.txt", false),
    ("source.spm", false),
    ("target.spm", false),
    ("target_vocab.json", false),
    ("generation_config.json", false),
    ("sentence_bert_config.json", false),
    ("tokenizer_config.json", false),
];

/// Finds (downloading if needed) the model `name`: an existing folder, a
/// catalog preset, or a Hub repo id `owner/name` with an optional
/// `@revision`.
pub fn locate(name: &str, options: &LoadOptions) -> Result<Located, Error> {
    let path = Path::new(name);
    if path.is_dir() {
        let info = ModelInfo::new(name, Family::detect(path)?);
        return Ok(Located {
            dir: path.to_path_buf(),
            info,
            preset: None,
        });
    }
    if let Some(preset) = Catalog::builtin()?.get(name) {
        let (dir, revision) = match &preset.source {
            PresetSource::Hub { repo, revision } => {
                let dir = fetch_hf_model(name, repo, revision, options)?;
                let revision = resolved_revision(&dir, revision);
                (dir, Some(revision))
            }
            PresetSource::Local(folder) => match local_source(name, folder, options) {
                Ok(dir) => (dir, None),
                Err(missing) => return public_source(name, preset, missing, options),
            },
        };
        let info = ModelInfo {
            name: name.to_string(),
            family: preset.family,
            revision,
        };
        return Ok(Located {
            dir,
            info,
            preset: Some(preset.clone()),
        });
    }
    if registry::parse_name(name).is_some() {
        return registry::locate_pair(name, options);
    }
    let (repo, revision) = name.split_once('@').unwrap_or((name, "main"));
    let looks_like_repo =
        repo.split('/').count() == 2 && repo.split('/').all(|part| !part.is_empty());
    if !looks_like_repo || revision.is_empty() {
        return Err(Error::UnknownModel(name.to_string()));
    }
    let dir = fetch_hf_model(name, repo, revision, options)?;
    let info = ModelInfo {
        name: name.to_string(),
        family: Family::detect(&dir)?,
        revision: Some(resolved_revision(&dir, revision)),
    };
    Ok(Located {
        dir,
        info,
        preset: None,
    })
}

/// A catalog entry whose downloads folder lacks it, from its public
/// source: its Hub mirror, or for a Bergamot pair the Firefox Translations
/// registry. `missing` when there is none, or offline and it is not cached.
fn public_source(
    name: &str,
    preset: &Preset,
    missing: Error,
    options: &LoadOptions,
) -> Result<Located, Error> {
    let (dir, revision) = match &preset.fallback {
        Some(PresetSource::Hub { repo, revision }) => {
            let dir = fetch_hf_model(name, repo, revision, options)?;
            let revision = resolved_revision(&dir, revision);
            (dir, Some(revision))
        }
        _ if preset.family == Family::Bergamot && registry::parse_name(name).is_some() => {
            match registry::locate_pair(name, options) {
                Ok(located) => (located.dir, located.info.revision),
                Err(Error::NotFetched { .. }) => return Err(missing),
                Err(other) => return Err(other),
            }
        }
        _ => return Err(missing),
    };
    Ok(Located {
        dir,
        info: ModelInfo {
            name: name.to_string(),
            family: preset.family,
            revision,
        },
        preset: Some(preset.clone()),
    })
}

/// The commit a Hub `revision` resolved to: the name of its snapshot
/// folder, so a report of a model loaded at a branch says which files it
/// was. `revision` itself when the folder is not named by a commit.
fn resolved_revision(snapshot: &Path, revision: &str) -> String {
    snapshot
        .file_name()
        .and_then(|name| name.to_str())
        .filter(|name| is_commit(name))
        .unwrap_or(revision)
        .to_string()
}

fn local_source(name: &str, folder: &Path, options: &LoadOptions) -> Result<PathBuf, Error> {
    let root = options.models_dir.clone().unwrap_or_else(models_dir);
    let dir = root.join(folder);
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(Error::NotDownloaded {
            name: name.to_string(),
            dir,
        })
    }
}

/// Whether `HF_HUB_OFFLINE` asks for cache-only operation (as huggingface_hub reads it).
fn offline_from_env() -> bool {
    std::env::var("HF_HUB_OFFLINE")
        .map(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            )
        })
        .unwrap_or(false)
}

/// The folder of downloaded model files (`just models`): `$PRECIS_MODELS_DIR`,
/// else `./models/downloads`, else that of the checkout precis was built
/// from (a development build run from elsewhere). When none exists the
/// first candidate is returned, so error messages name where files are
/// expected.
pub fn models_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PRECIS_MODELS_DIR") {
        return PathBuf::from(dir);
    }
    let here = PathBuf::from("models/downloads");
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/downloads");
    if !here.is_dir() && checkout.is_dir() {
        return checkout;
    }
    here
}

/// The Hugging Face hub cache root, as huggingface_hub resolves it.
pub fn hub_cache_dir() -> PathBuf {
    match std::env::var_os("HF_HUB_CACHE") {
        Some(dir) => PathBuf::from(dir),
        None => Cache::from_env().path().clone(),
    }
}

/// A file of `repo` at `revision` in the cache, if there. Reads the layout
/// huggingface_hub writes (`models--owner--name/snapshots/<commit>/file`,
/// `refs/<branch>` holding the commit), so Python downloads count too.
fn cached_file(cache: &Path, repo: &str, revision: &str, file: &str) -> Option<PathBuf> {
    let repo_dir = cache.join(format!("models--{}", repo.replace('/', "--")));
    let commit = if is_commit(revision) {
        revision.to_string()
    } else {
        std::fs::read_to_string(repo_dir.join("refs").join(revision))
            .ok()?
            .trim()
            .to_string()
    };
    let path = repo_dir.join("snapshots").join(commit).join(file);
    path.is_file().then_some(path)
}

/// One Hub repo at one revision, read through the cache.
struct HubRepo<'a> {
    name: &'a str,
    repo: &'a str,
    revision: &'a str,
    cache: PathBuf,
    offline: bool,
    api: Option<Api>,
}

impl HubRepo<'_> {
    fn not_cached(&self) -> Error {
        Error::NotCached {
            name: self.name.to_string(),
            cache: self.cache.clone(),
            offline: self.offline,
        }
    }

    fn api(&mut self) -> Result<&Api, Error> {
        if self.api.is_none() {
            let token = std::env::var("HF_TOKEN").ok().filter(|t| !t.is_empty());
            let mut builder = ApiBuilder::from_cache(Cache::new(self.cache.clone()))
                .with_progress(std::io::stderr().is_terminal());
            if let Ok(endpoint) = std::env::var("HF_ENDPOINT") {
                builder = builder.with_endpoint(endpoint);
            }
            if token.is_some() {
                builder = builder.with_token(token);
            }
            let api = builder.build().map_err(|e| Error::Hub {
                name: self.name.into(),
                detail: e.to_string(),
            })?;
            self.api = Some(api);
        }
        self.api.as_ref().ok_or_else(|| self.not_cached())
    }

    /// The local path of `file`, downloading it when not cached. `None`
    /// when an optional file does not exist (or, offline, is not cached).
    fn fetch(&mut self, file: &str, required: bool) -> Result<Option<PathBuf>, Error> {
        if let Some(path) = cached_file(&self.cache, self.repo, self.revision, file) {
            return Ok(Some(path));
        }
        if self.offline {
            return if required {
                Err(self.not_cached())
            } else {
                Ok(None)
            };
        }
        let repo = Repo::with_revision(
            self.repo.to_string(),
            RepoType::Model,
            self.revision.to_string(),
        );
        match self.api()?.repo(repo).download(file) {
            Ok(path) => Ok(Some(path)),
            Err(ApiError::RequestError(err)) => match *err {
                ureq::Error::Status(404, _) if !required => Ok(None),
                ureq::Error::Status(404, _) => Err(Error::MissingOnHub {
                    repo: self.repo.to_string(),
                    revision: self.revision.to_string(),
                    file: file.to_string(),
                }),
                ureq::Error::Status(code @ (401 | 403), _) => Err(Error::Hub {
                    name: self.name.to_string(),
                    detail: format!("access denied (HTTP {code}); the repo is gated or private: set HF_TOKEN to a token that has access"),
                }),
                ureq::Error::Status(code, _) => Err(Error::Hub {
                    name: self.name.to_string(),
                    detail: format!("HTTP {code} for {file}; try again later"),
                }),
                ureq::Error::Transport(_) => Err(self.not_cached()),
            },
            Err(other) => Err(Error::Hub { name: self.name.to_string(), detail: other.to_string() }),
        }
    }
}

/// Fetches config, tokenizer and safetensors weights of an HF model and
/// returns its snapshot folder.
fn fetch_hf_model(
    name: &str,
    repo: &str,
    revision: &str,
    options: &LoadOptions,
) -> Result<PathBuf, Error> {
    let mut hub = HubRepo {
        name,
        repo,
        revision,
        cache: options.cache_dir.clone().unwrap_or_else(hub_cache_dir),
        offline: options.offline || offline_from_env(),
        api: None,
    };
    let mut dir = None;
    for (file, required) in HF_FILES {
        if let Some(path) = hub.fetch(file, required)? {
            dir = dir.or_else(|| path.parent().map(Path::to_path_buf));
        }
    }
    if hub.fetch(SAFETENSORS, false)?.is_none() {
        let index = hub
            .fetch(SAFETENSORS_INDEX, true)?
            .ok_or_else(|| hub.not_cached())?;
        for shard in shard_names(&index)? {
            hub.fetch(&shard, true)?;
        }
    }
    dir.ok_or_else(|| hub.not_cached())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_lookup_follows_refs_and_commit_hashes() {
        let cache = tempfile::tempdir().unwrap();
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let repo_dir = cache.path().join("models--acme--tiny");
        std::fs::create_dir_all(repo_dir.join("refs")).unwrap();
        std::fs::create_dir_all(repo_dir.join("snapshots").join(commit)).unwrap();
        std::fs::write(repo_dir.join("refs/main"), commit).unwrap();
        std::fs::write(
            repo_dir.join("snapshots").join(commit).join("config.json"),
            "{}",
        )
        .unwrap();
        let by_branch = cached_file(cache.path(), "acme/tiny", "main", "config.json");
        let by_commit = cached_file(cache.path(), "acme/tiny", commit, "config.json");
        assert!(by_branch.is_some() && by_branch == by_commit);
        assert_eq!(
            cached_file(cache.path(), "acme/tiny", "main", "model.safetensors"),
            None
        );
        assert_eq!(
            cached_file(cache.path(), "acme/tiny", "v2", "config.json"),
            None
        );
    }

    #[test]
    fn a_branch_is_reported_as_the_commit_it_resolved_to() {
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let snapshot = Path::new("/cache/models--acme--tiny/snapshots").join(commit);
        assert_eq!(resolved_revision(&snapshot, "main"), commit);
        assert_eq!(resolved_revision(Path::new("/models/tiny"), "main"), "main");
    }
}

//! The files of a Hugging Face model folder that every family reads the
//! same way: its `config.json` and its safetensors weights, whole or in
//! shards.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{Family, InferError};

/// The weights of an unsharded checkpoint.
pub const SAFETENSORS: &str = "model.safetensors";
/// The index naming a sharded checkpoint's files.
pub const SAFETENSORS_INDEX: &str = "model.safetensors.index.json";

/// The safetensors files of a model folder: `model.safetensors`, or every
/// shard a `model.safetensors.index.json` names.
pub fn safetensors_files(dir: &Path) -> Result<Vec<PathBuf>, InferError> {
    let single = dir.join(SAFETENSORS);
    if single.is_file() {
        return Ok(vec![single]);
    }
    let index = dir.join(SAFETENSORS_INDEX);
    if !index.is_file() {
        let fix = if dir.join("pytorch_model.bin").is_file() {
            "the folder has only pytorch_model.bin; convert it once with transformers (`model.save_pretrained(dir, safe_serialization=True)`)"
        } else {
            "download the model's weights, or point at a complete model folder"
        };
        return Err(InferError::MissingFile {
            path: dir.to_path_buf(),
            file: SAFETENSORS.into(),
            fix: fix.into(),
        });
    }
    let shards = shard_names(&index)?;
    let files: Vec<PathBuf> = shards.iter().map(|shard| dir.join(shard)).collect();
    if let Some(missing) = files.iter().find(|file| !file.is_file()) {
        return Err(InferError::MissingFile {
            path: dir.to_path_buf(),
            file: missing
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            fix: format!("{SAFETENSORS_INDEX} names it; download every shard"),
        });
    }
    Ok(files)
}

/// The distinct shard files of a safetensors index, in first-use order.
pub fn shard_names(index: &Path) -> Result<Vec<String>, InferError> {
    let bad = |detail: String| InferError::BadConfig {
        path: index.to_path_buf(),
        detail,
    };
    let text = std::fs::read_to_string(index).map_err(|e| bad(e.to_string()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let map = value
        .get("weight_map")
        .and_then(|m| m.as_object())
        .ok_or_else(|| bad("no `weight_map` object".into()))?;
    let mut shards: Vec<String> = Vec::new();
    for file in map.values() {
        let file = file
            .as_str()
            .ok_or_else(|| bad("`weight_map` values must be file names".into()))?;
        // Shards must sit next to the index; refuse paths that climb out.
        if file.contains('/') || file.contains('\\') || file == ".." {
            return Err(bad(format!("shard `{file}` is not a plain file name")));
        }
        if !shards.iter().any(|s| s == file) {
            shards.push(file.to_string());
        }
    }
    Ok(shards)
}

/// A model's `config.json` as `T`; a field of the wrong type or a missing
/// one is named in the error.
pub(crate) fn read_config<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, InferError> {
    let bad = |detail: String| InferError::BadConfig {
        path: path.to_path_buf(),
        detail,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| {
        bad(format!(
            "{e}; config.json must be the model's own, as transformers saved it: download it again"
        ))
    })
}

impl Family {
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
        let declared: Declared = read_config(config_path)?;
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

    #[test]
    fn shard_index_lists_each_shard_once_and_refuses_paths() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join(SAFETENSORS_INDEX);
        std::fs::write(&index, r#"{"weight_map": {"a": "s1.safetensors", "b": "s2.safetensors", "c": "s1.safetensors"}}"#).unwrap();
        assert_eq!(
            shard_names(&index).unwrap(),
            ["s1.safetensors", "s2.safetensors"]
        );
        std::fs::write(&index, r#"{"weight_map": {"a": "../evil.safetensors"}}"#).unwrap();
        assert!(shard_names(&index).is_err());
    }
}

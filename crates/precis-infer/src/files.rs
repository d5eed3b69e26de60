//! The files of a Hugging Face model folder that every family reads the
//! same way: its safetensors weights, whole or in shards.

use std::path::{Path, PathBuf};

use crate::InferError;

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

#[cfg(test)]
mod tests {
    use super::*;

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

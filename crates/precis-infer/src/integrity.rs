//! The SHA-256 sums recorded for a model folder when it was fetched
//! (`SHA256SUMS`, in `sha256sum`'s format, so `sha256sum -c SHA256SUMS`
//! checks it too), verified every time the folder is loaded: a damaged or
//! swapped file is refused before it can translate or summarize garbage.
//!
//! Hashing at load costs what reading the files once more costs (about
//! 40 ms for a 25 MB Bergamot folder, 0.1 s for MiniLM's 90 MB with the
//! CPU's SHA extensions), small beside loading the model; a folder without
//! a record loads unchecked, apart from each family's structural checks.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::InferError;

/// The record's file name, in the model folder.
pub const MANIFEST: &str = "SHA256SUMS";

/// The SHA-256 of a file's bytes, in lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String, InferError> {
    let io = |source| InferError::Io {
        context: format!("hashing {}", path.display()),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer).map_err(io)?;
        if read == 0 {
            break;
        }
        hasher.update(buffer.get(..read).unwrap_or_default());
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// One `SHA256SUMS` line: the hash and the file, relative to the folder.
fn parse_line(line: &str) -> Option<(&str, &Path)> {
    let (hash, name) = line.split_once(' ')?;
    // `sha256sum` marks binary mode with `*` before the name.
    let name = name.trim_start_matches([' ', '*']);
    let plain = Path::new(name)
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    (hex && plain && !name.is_empty()).then_some((hash, Path::new(name)))
}

/// Checks every file `dir`'s `SHA256SUMS` lists against its recorded hash.
/// Returns whether there was a record to check.
pub fn verify(dir: &Path) -> Result<bool, InferError> {
    let manifest = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&manifest) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(source) => {
            return Err(InferError::Io {
                context: format!("reading {}", manifest.display()),
                source,
            })
        }
    };
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (expected, name) = parse_line(line).ok_or_else(|| InferError::BadConfig {
            path: manifest.clone(),
            detail: format!(
                "line {} is not `<sha256>  <file in the folder>`: {line}",
                number + 1
            ),
        })?;
        let path = dir.join(name);
        if !path.is_file() {
            return Err(InferError::MissingFile {
                path: dir.to_path_buf(),
                file: name.display().to_string(),
                fix: format!("{MANIFEST} records it as part of the model"),
            });
        }
        let actual = sha256_file(&path)?;
        if !actual.eq_ignore_ascii_case(expected) {
            return Err(InferError::Corrupted {
                path,
                expected: expected.to_ascii_lowercase(),
                actual,
            });
        }
    }
    Ok(true)
}

/// Records the hashes of `files` (relative to `dir`) in `dir`'s
/// `SHA256SUMS`, for [`verify`] to check at every load.
pub fn record(dir: &Path, files: &[PathBuf]) -> Result<(), InferError> {
    let mut text = String::new();
    for file in files {
        let hash = sha256_file(&dir.join(file))?;
        text.push_str(&format!("{hash}  {}\n", file.display()));
    }
    let manifest = dir.join(MANIFEST);
    std::fs::write(&manifest, text).map_err(|source| InferError::Io {
        context: format!("writing {}", manifest.display()),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_folder_loads_and_a_changed_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("weights.bin"), b"trained").unwrap();
        std::fs::write(dir.path().join("vocab.spm"), b"pieces").unwrap();
        assert!(!verify(dir.path()).unwrap(), "no record: nothing to check");
        record(dir.path(), &["weights.bin".into(), "vocab.spm".into()]).unwrap();
        assert!(verify(dir.path()).unwrap());
        // `sha256sum` writes the same format.
        let manifest = std::fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        assert!(manifest.starts_with(&format!(
            "{}  weights.bin\n",
            sha256_file(&dir.path().join("weights.bin")).unwrap()
        )));

        std::fs::write(dir.path().join("weights.bin"), b"trainee").unwrap();
        match verify(dir.path()).unwrap_err() {
            InferError::Corrupted { path, .. } => assert!(path.ends_with("weights.bin")),
            other => panic!("expected Corrupted, got {other}"),
        }
        std::fs::remove_file(dir.path().join("weights.bin")).unwrap();
        let err = verify(dir.path()).unwrap_err();
        assert!(matches!(err, InferError::MissingFile { .. }), "{err}");
    }

    #[test]
    fn a_record_naming_files_outside_the_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let line = format!("{}  ../secret\n", "0".repeat(64));
        std::fs::write(dir.path().join(MANIFEST), line).unwrap();
        let err = verify(dir.path()).unwrap_err();
        assert!(matches!(err, InferError::BadConfig { .. }), "{err}");
        assert_eq!(sha256_file(&dir.path().join(MANIFEST)).unwrap().len(), 64);
    }
}

//! Damaged and mismatched model folders are refused at load (exit 3, with
//! the fix), never translated with: each case copies the real Bergamot
//! folders (`just models`) into the sandbox and breaks the copy as a bad
//! download, a careless copy or a swapped folder would. Without the models
//! the cases skip with a notice (in CI they fail).

use std::path::{Path, PathBuf};

use precis_e2e::{copy_dir, downloaded_models, Sandbox};
use precis_infer::integrity;
use predicates::prelude::*;

const EN_PT: &str = "bergamot-en-pt";
const PT_EN: &str = "bergamot-pt-en";

/// A sandbox whose models folder holds copies of both Bergamot folders.
fn sandbox_with_models() -> Option<Sandbox> {
    let models = downloaded_models(EN_PT)?;
    downloaded_models(PT_EN)?;
    let sandbox = Sandbox::new();
    for folder in [EN_PT, PT_EN] {
        let copy = sandbox.models_dir().join(folder);
        copy_dir(&models.join(folder), &copy);
        // Each case decides whether its folder has a record of hashes.
        let _ = std::fs::remove_file(copy.join(integrity::MANIFEST));
    }
    Some(sandbox)
}

fn folder(sandbox: &Sandbox, name: &str) -> PathBuf {
    sandbox.models_dir().join(name)
}

/// The one file of `dir` whose name starts with `prefix`.
fn file(dir: &Path, prefix: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .collect();
    assert_eq!(found.len(), 1, "{prefix}* in {}: {found:?}", dir.display());
    found.into_iter().next().unwrap()
}

/// Records every file's hash in `dir`'s SHA256SUMS, as a fetch does.
fn record_hashes(dir: &Path) {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| PathBuf::from(e.unwrap().file_name()))
        .filter(|name| !name.to_string_lossy().starts_with('.'))
        .collect();
    integrity::record(dir, &files).unwrap();
}

/// Overwrites `len` bytes of `path` from `offset` with pseudo-random ones.
fn scribble(path: &Path, offset: usize, len: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for byte in &mut bytes[offset..offset + len] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *byte = (x >> 24) as u8;
    }
    std::fs::write(path, bytes).unwrap();
}

/// `precis translate --from en --to pt` on one line fails with exit 3 and
/// a message holding each of `wants`; returns the message.
fn refuses(sandbox: &Sandbox, wants: &[&str]) -> String {
    let assert = sandbox
        .precis()
        .args(["translate", "--from", "en", "--to", "pt"])
        .write_stdin("The library opens on Saturday.\n")
        .assert()
        .code(3)
        .stdout("");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for want in wants {
        assert!(stderr.contains(want), "{want:?} not in:\n{stderr}");
    }
    stderr
}

#[test]
fn the_intact_copy_translates() {
    let Some(sandbox) = sandbox_with_models() else {
        return;
    };
    record_hashes(&folder(&sandbox, EN_PT));
    sandbox
        .precis()
        .args(["translate", "--from", "en", "--to", "pt"])
        .write_stdin("The library opens on Saturday.\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("biblioteca"));
}

#[test]
fn random_bytes_inside_the_model_are_found_without_a_record() {
    let Some(sandbox) = sandbox_with_models() else {
        return;
    };
    let model = file(&folder(&sandbox, EN_PT), "model.");
    scribble(&model, 4 << 20, 4 << 20);
    // Whichever check meets the random bytes first (a quantization
    // multiplier out of range, int8 runs spread like noise) refuses them.
    let stderr = refuses(&sandbox, &["model.enpt.intgemm.alphas.bin"]);
    assert!(
        stderr.contains("damaged") || stderr.contains("corrupt"),
        "{stderr}"
    );
}

#[test]
fn a_changed_byte_is_found_by_the_recorded_hash() {
    let Some(sandbox) = sandbox_with_models() else {
        return;
    };
    let dir = folder(&sandbox, EN_PT);
    record_hashes(&dir);
    // One byte of one weight: no structural check can see it.
    let model = file(&dir, "model.");
    let mut bytes = std::fs::read(&model).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&model, bytes).unwrap();
    refuses(
        &sandbox,
        &["is corrupted: its SHA-256 is", "fetch them again"],
    );
}

#[test]
fn the_shortlist_of_the_other_direction_is_refused() {
    let Some(sandbox) = sandbox_with_models() else {
        return;
    };
    let (en_pt, pt_en) = (folder(&sandbox, EN_PT), folder(&sandbox, PT_EN));
    std::fs::remove_file(file(&en_pt, "lex.")).unwrap();
    std::fs::copy(file(&pt_en, "lex."), en_pt.join("lex.50.50.pten.s2t.bin")).unwrap();
    refuses(&sandbox, &["do not belong together", "`enpt`", "`pten`"]);
}

/// Renamed to look like its folder's own, the other direction's shortlist
/// has the same shape (both are for 32000 pieces): only the hash tells.
#[test]
fn a_renamed_shortlist_of_the_other_direction_is_found_by_the_hash() {
    let Some(sandbox) = sandbox_with_models() else {
        return;
    };
    let (en_pt, pt_en) = (folder(&sandbox, EN_PT), folder(&sandbox, PT_EN));
    record_hashes(&en_pt);
    std::fs::copy(file(&pt_en, "lex."), file(&en_pt, "lex.")).unwrap();
    refuses(&sandbox, &["lex.50.50.enpt.s2t.bin is corrupted"]);
}

#[test]
fn the_tokenizer_of_the_other_direction_is_refused() {
    let Some(sandbox) = sandbox_with_models() else {
        return;
    };
    let (en_pt, pt_en) = (folder(&sandbox, EN_PT), folder(&sandbox, PT_EN));
    std::fs::copy(pt_en.join("tokenizer.json"), en_pt.join("tokenizer.json")).unwrap();
    refuses(
        &sandbox,
        &[
            "in vocab.enpt.spm but",
            "the tokenizer belongs to another model",
        ],
    );
}

#[test]
fn an_empty_vocabulary_is_refused() {
    let Some(sandbox) = sandbox_with_models() else {
        return;
    };
    std::fs::write(file(&folder(&sandbox, EN_PT), "vocab."), b"").unwrap();
    refuses(
        &sandbox,
        &["vocab.enpt.spm", "the vocabulary file is empty"],
    );
}

/// The en-pt and pt-en folders swapped: `--to pt` would print English.
#[test]
fn swapped_folders_are_refused() {
    let Some(sandbox) = sandbox_with_models() else {
        return;
    };
    let models = sandbox.models_dir();
    std::fs::rename(models.join(EN_PT), models.join("tmp")).unwrap();
    std::fs::rename(models.join(PT_EN), models.join(EN_PT)).unwrap();
    std::fs::rename(models.join("tmp"), models.join(PT_EN)).unwrap();
    refuses(
        &sandbox,
        &[
            "its files are named for pt → en (`pten`), the opposite direction of the en → pt it was loaded for",
            "check that --from and --to name the pair the folder holds",
        ],
    );
}

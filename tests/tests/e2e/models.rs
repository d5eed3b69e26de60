//! `precis models` and the model-problem exits (3): missing, not cached,
//! truncated or incomplete model files, each with a message that says the fix.

use std::path::{Path, PathBuf};

use precis_e2e::{workspace_root, Sandbox, ARTICLE};
use predicates::prelude::*;

/// t5-small's pinned revision in models/catalog.toml.
const T5_SMALL_REVISION: &str = "df1b051c49625cf57a3d0d8d3863ed4d13564fe4";

fn tiny_t5() -> PathBuf {
    workspace_root().join("crates/precis-infer/tests/fixtures/t5-tiny")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// Puts the tiny T5 model into the sandbox's Hugging Face cache as if it
/// were t5-small, laid out as huggingface_hub writes it.
fn cache_tiny_t5_as_t5_small(sandbox: &Sandbox) -> PathBuf {
    let snapshot = sandbox
        .path()
        .join("hf/hub/models--google-t5--t5-small/snapshots")
        .join(T5_SMALL_REVISION);
    copy_dir(&tiny_t5(), &snapshot);
    snapshot
}

#[test]
fn list_shows_catalog_builtins_and_what_is_downloaded() {
    let sandbox = Sandbox::new();
    let table = sandbox
        .precis()
        .args(["models", "list"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    assert!(table.starts_with("NAME "), "{table}");
    let row = |name: &str| {
        table
            .lines()
            .find(|line| line.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} row:\n{table}"))
            .to_owned()
    };
    assert!(row("t5-small").contains(" no "), "{table}");
    assert!(row("textrank").contains(" yes "), "{table}");

    cache_tiny_t5_as_t5_small(&sandbox);
    let json = sandbox
        .precis()
        .args(["models", "list", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<serde_json::Value> = String::from_utf8(json)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let t5 = rows.iter().find(|row| row["name"] == "t5-small").unwrap();
    assert_eq!(t5["downloaded"], true);
    assert_eq!(t5["family"], "t5");
    assert_eq!(t5["license"], "Apache-2.0");
}

#[test]
fn path_of_a_cached_model_and_of_a_missing_one() {
    let sandbox = Sandbox::new();
    sandbox
        .precis()
        .args(["models", "path", "t5-small"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "model `t5-small` is not in the Hugging Face cache",
        ))
        .stderr(predicate::str::contains(
            "run `precis models fetch t5-small`",
        ));
    let snapshot = cache_tiny_t5_as_t5_small(&sandbox);
    sandbox
        .precis()
        .args(["models", "path", "t5-small"])
        .assert()
        .success()
        .stdout(format!("{}\n", snapshot.display()));
}

#[test]
fn cached_model_runs_offline_and_json_names_its_revision() {
    let sandbox = Sandbox::new();
    cache_tiny_t5_as_t5_small(&sandbox);
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args([
            "run",
            "--offline",
            "--model",
            "t5-small",
            "--max-length",
            "8",
            "--format",
            "json",
            "a.txt",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "\"revision\": \"{T5_SMALL_REVISION}\""
        )));
}

#[test]
fn fetch_without_network_exits_3() {
    Sandbox::new()
        .precis()
        .args(["models", "fetch", "flan-t5-small"])
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with("note: fetching flan-t5-small into"))
        .stderr(predicate::str::contains("error: cannot fetch flan-t5-small\n  caused by: model `flan-t5-small` is not in the Hugging Face cache"));
}

#[test]
fn truncated_weights_exit_3() {
    let sandbox = Sandbox::new();
    let model = sandbox.path().join("t5");
    copy_dir(&tiny_t5(), &model);
    let weights = model.join("model.safetensors");
    let len = std::fs::metadata(&weights).unwrap().len();
    std::fs::File::options()
        .write(true)
        .open(&weights)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args(["summarize", "--model", "t5", "a.txt"])
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with(
            "error: cannot load the summarizer t5\n  caused by: ",
        ))
        .stderr(predicate::str::contains("t5"))
        .stderr(predicate::str::contains("corrupt").or(predicate::str::contains("truncated")));
}

#[test]
fn missing_model_files_exit_3_naming_the_file() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    for file in ["tokenizer.json", "config.json", "model.safetensors"] {
        let model = sandbox.path().join(format!("no-{file}"));
        copy_dir(&tiny_t5(), &model);
        std::fs::remove_file(model.join(file)).unwrap();
        sandbox
            .precis()
            .args(["summarize", "--model"])
            .arg(model.file_name().unwrap())
            .arg("a.txt")
            .assert()
            .code(3)
            .stderr(predicate::str::contains(format!("has no {file}")));
    }
}

#[test]
fn corrupt_translation_model_exits_3() {
    let sandbox = Sandbox::new();
    sandbox.write("model/model.enpt.intgemm.alphas.bin", b"not a marian model");
    sandbox.write("model/tokenizer.json", b"{}");
    sandbox
        .precis()
        .args(["translate", "--to", "pt", "--model", "model"])
        .write_stdin("The ferry runs again.\n")
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with(
            "error: cannot load the translation model model\n  caused by: ",
        ));
}

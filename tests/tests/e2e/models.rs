//! `precis models` and the model-problem exits (3): missing, not cached,
//! truncated or incomplete model files, each with a message that says the fix.

use std::path::PathBuf;

use precis_e2e::{copy_dir, fixture_model, Registry, Sandbox, ARTICLE};
use predicates::prelude::*;

/// t5-small's pinned revision in models/catalog.toml.
const T5_SMALL_REVISION: &str = "df1b051c49625cf57a3d0d8d3863ed4d13564fe4";

fn tiny_t5() -> PathBuf {
    fixture_model("t5-tiny")
}

/// Puts the tiny T5 model into the sandbox's Hugging Face cache as if it
/// were t5-small.
fn cache_tiny_t5_as_t5_small(sandbox: &Sandbox) -> PathBuf {
    sandbox.cache_model_as("t5-tiny", "google-t5/t5-small", T5_SMALL_REVISION)
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
        .env_remove("HF_HUB_OFFLINE")
        .args(["models", "path", "t5-small"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "model `t5-small` is not in the Hugging Face cache",
        ))
        .stderr(predicate::str::contains(
            "run `precis models fetch t5-small`",
        ))
        .stderr(predicate::str::contains("offline").not());
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
        .stderr(predicate::str::starts_with("note: fetching flan-t5-small\n"))
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

/// The tiny T5 copied to the sandbox folder `name`, with `file` (a JSON
/// file of it) changed by `edit`. Returns the text written: compact, so
/// parse errors point at line 1.
fn tiny_t5_edited(
    sandbox: &Sandbox,
    name: &str,
    file: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> String {
    let model = sandbox.path().join(name);
    copy_dir(&tiny_t5(), &model);
    let path = model.join(file);
    let mut json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut json);
    let text = json.to_string();
    std::fs::write(&path, &text).unwrap();
    text
}

/// `precis summarize --model MODEL` fails with exit 3 and exactly `cause`.
fn summarize_fails_with(sandbox: &Sandbox, model: &str, cause: &str) {
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .args(["summarize", "--model", model, "a.txt"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(format!(
            "error: cannot load the summarizer {model}\n  caused by: {cause}\n"
        ));
}

#[test]
fn config_with_wrong_shapes_exits_3_naming_the_tensor() {
    let sandbox = Sandbox::new();
    let cases = [
        ("d_model", 48, "shared.weight", "[256, 32]", "[256, 48]"),
        (
            "d_ff",
            128,
            "encoder.block.0.layer.1.DenseReluDense.wi.weight",
            "[64, 32]",
            "[128, 32]",
        ),
        (
            "num_heads",
            8,
            "encoder.block.0.layer.0.SelfAttention.q.weight",
            "[32, 32]",
            "[64, 32]",
        ),
    ];
    for (field, value, tensor, got, expected) in cases {
        tiny_t5_edited(&sandbox, field, "config.json", |config| {
            config[field] = value.into()
        });
        summarize_fails_with(
            &sandbox,
            field,
            &format!("model files in {field}/model.safetensors are corrupt or do not match the config: tensor `{tensor}` has shape {got} in the weights but config.json implies {expected}: config.json and the weights do not belong together; use the config.json that came with these weights"),
        );
    }
}

#[test]
fn config_field_of_wrong_type_or_missing_exits_3() {
    let sandbox = Sandbox::new();
    let text = tiny_t5_edited(&sandbox, "string", "config.json", |config| {
        config["d_model"] = "32".into()
    });
    // serde_json points at the end of the bad value, or of the file.
    let bad_value = r#""d_model":"32""#;
    let column = text.find(bad_value).unwrap() + bad_value.len();
    summarize_fails_with(
        &sandbox,
        "string",
        &format!("cannot read string/config.json: invalid type: string \"32\", expected usize at line 1 column {column}; config.json must be the model's own, as transformers saved it: download it again"),
    );
    let text = tiny_t5_edited(&sandbox, "missing", "config.json", |config| {
        config.as_object_mut().unwrap().remove("num_heads");
    });
    summarize_fails_with(
        &sandbox,
        "missing",
        &format!("cannot read missing/config.json: missing field `num_heads` at line 1 column {}; config.json must be the model's own, as transformers saved it: download it again", text.len()),
    );
}

#[test]
fn tokenizer_larger_than_the_model_vocabulary_exits_3() {
    // 160 pieces + 140 = ids up to 299, past config.json's 256 embeddings.
    let sandbox = Sandbox::new();
    tiny_t5_edited(&sandbox, "t5", "tokenizer.json", |tokenizer| {
        let vocab = tokenizer["model"]["vocab"].as_array_mut().unwrap();
        vocab.extend((0..140).map(|i| serde_json::json!([format!("\u{2581}zz{i}"), -20.0])));
    });
    summarize_fails_with(
        &sandbox,
        "t5",
        "cannot read t5/tokenizer.json: the tokenizer has token ids up to 299 but the model has only 256 embeddings (vocab_size in config.json): the tokenizer belongs to another model; use the model's own",
    );
}

#[test]
fn tokenizer_template_with_an_undefined_special_token_exits_3() {
    // tokenizers 0.23 loads this file and panics on the first encode.
    let sandbox = Sandbox::new();
    tiny_t5_edited(&sandbox, "t5", "tokenizer.json", |tokenizer| {
        tokenizer["post_processor"]["special_tokens"] = serde_json::json!({});
    });
    summarize_fails_with(
        &sandbox,
        "t5",
        "cannot read t5/tokenizer.json: the post_processor's `single` template names the special token `</s>`, which its `special_tokens` map does not define; the file is damaged or was edited by hand: download the model's tokenizer.json again",
    );
}

#[test]
fn missing_tokenizer_exits_3_with_the_fix() {
    let sandbox = Sandbox::new();
    copy_dir(&tiny_t5(), &sandbox.path().join("t5"));
    std::fs::remove_file(sandbox.path().join("t5/tokenizer.json")).unwrap();
    summarize_fails_with(
        &sandbox,
        "t5",
        "model folder t5 has no tokenizer.json: download the model's tokenizer.json (older checkpoints ship only spiece.model: load it once with transformers' AutoTokenizer and save_pretrained to get one)",
    );
}

#[test]
fn offline_flag_with_an_empty_cache_exits_3() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        // --offline alone, without the sandbox's HF_HUB_OFFLINE.
        .env_remove("HF_HUB_OFFLINE")
        .args(["run", "--offline", "--model", "t5-small", "a.txt"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(format!(
            "error: cannot load the summarizer t5-small\n  caused by: model `t5-small` is not in the Hugging Face cache ({}) and the Hub cannot be reached (offline mode: HF_HUB_OFFLINE or the offline option is set); run `precis models fetch t5-small` on a machine with network access, or pass a local model folder with --model PATH\n",
            sandbox.path().join("hf/hub").display()
        ));
}

#[test]
fn marian_vocabulary_larger_than_the_model_exits_3() {
    // ids 211..=220 past the tiny opus-mt model's 211 embeddings.
    let sandbox = Sandbox::new();
    let vocab_path = sandbox.copy_model("marian-tiny", "opus").join("vocab.json");
    let mut vocab: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&vocab_path).unwrap()).unwrap();
    vocab.extend((0..10).map(|i| (format!("\u{2581}zz{i}"), (211 + i).into())));
    std::fs::write(&vocab_path, serde_json::Value::Object(vocab).to_string()).unwrap();
    sandbox
        .precis()
        .args(["translate", "--to", "de", "--model", "opus"])
        .write_stdin("The ferry runs again.\n")
        .assert()
        .code(3)
        .stdout("")
        .stderr("error: cannot load the translation model opus\n  caused by: cannot read opus/vocab.json: the tokenizer has token ids up to 220 but the model has only 211 embeddings (vocab_size in config.json): the tokenizer belongs to another model; use the model's own\n");
}

/// A small pair as the registry would publish it: random bytes for the
/// network and shortlist (fetching does not run them) and a real
/// SentencePiece vocabulary (installing builds the tokenizer from it).
fn tiny_pair() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let noise = |n: usize| (0..n).map(|i| (i * 7 % 251) as u8).collect::<Vec<u8>>();
    let vocab = std::fs::read(fixture_model("marian-tiny").join("source.spm")).unwrap();
    vec![
        ("model.enxx.intgemm.alphas.bin", "model", noise(200_000)),
        ("lex.50.50.enxx.s2t.bin", "lex", noise(50_000)),
        ("vocab.enxx.spm", "vocab", vocab),
    ]
}

#[test]
fn fetch_from_the_registry_then_list_and_find_it_offline() {
    let registry = Registry::serve(&[("en", "xx", tiny_pair()), ("xx", "en", tiny_pair())]);
    let sandbox = Sandbox::new();
    let listing = |args: &[&str]| {
        let output = sandbox
            .precis()
            .env("PRECIS_REGISTRY_URL", registry.url())
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        (
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (table, _) = listing(&["models", "list", "--remote"]);
    let row = |table: &str, name: &str| {
        table
            .lines()
            .find(|line| line.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} row:\n{table}"))
            .to_owned()
    };
    assert!(row(&table, "bergamot-en-xx").contains(" no "), "{table}");
    assert!(row(&table, "bergamot-en-xx").contains("MPL-2.0"), "{table}");

    let (path, _) = listing(&["models", "fetch", "en-xx"]);
    let dir = PathBuf::from(path.trim_end());
    assert_eq!(dir, sandbox.cache_dir().join("bergamot/en-xx-3.0"));
    assert!(dir.join("precis-manifest.json").is_file() && dir.join("tokenizer.json").is_file());

    let (table, _) = listing(&["models", "list", "--remote"]);
    assert!(row(&table, "bergamot-en-xx").contains(" yes "), "{table}");
    assert!(row(&table, "bergamot-xx-en").contains(" no "), "{table}");
    // Offline: no registry (the sandbox's default URL answers nothing),
    // only what is cached, and said so.
    let (table, notes) = {
        let output = sandbox
            .precis()
            .args(["models", "list", "--remote", "--offline"])
            .assert()
            .success()
            .get_output()
            .clone();
        (
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    assert!(row(&table, "bergamot-en-xx").contains(" yes "), "{table}");
    assert!(!table.contains("bergamot-xx-en"), "{table}");
    assert!(
        notes.contains("offline: 1 Firefox Translations pair(s) in the cache"),
        "{notes}"
    );
    sandbox
        .precis()
        .args(["models", "path", "bergamot-en-xx"])
        .assert()
        .success()
        .stdout(format!("{}\n", dir.display()));
    sandbox
        .precis()
        .args(["models", "path", "bergamot-xx-en"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "run `precis models fetch bergamot-xx-en`",
        ))
        .stderr(predicate::str::contains("offline").not());
}

#[test]
fn registry_failures_exit_3_and_install_nothing() {
    let registry = Registry::serve(&[("en", "xx", tiny_pair())]);
    let sandbox = Sandbox::new();
    let fetch = || {
        sandbox
            .precis()
            .env("PRECIS_REGISTRY_URL", registry.url())
            .args(["models", "fetch", "bergamot-en-xx"])
            .assert()
            .code(3)
    };
    registry.tamper("lex.50.50");
    fetch()
        .stderr(predicate::str::contains(
            "error: cannot fetch bergamot-en-xx\n  caused by: lex.50.50.enxx.s2t.bin",
        ))
        .stderr(predicate::str::contains("but the registry publishes"))
        .stderr(predicate::str::contains("nothing was installed"));
    registry.tamper("lex.50.50");
    registry.cut_short("model.enxx");
    fetch().stderr(predicate::str::contains("nothing was installed"));
    let left: Vec<_> = std::fs::read_dir(sandbox.cache_dir().join("bergamot"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".lock"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // No registry at all: a network error, with the fix.
    sandbox
        .precis()
        .args(["models", "fetch", "en-xx"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "cannot reach http://127.0.0.1:9/v1",
        ))
        .stderr(predicate::str::contains("check the network connection"));
}

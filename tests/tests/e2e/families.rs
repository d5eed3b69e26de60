//! The BART and Marian (opus-mt) families end to end, on the tiny random
//! models under `crates/precis-infer/tests/fixtures/`: `precis summarize`
//! with a BART folder, `precis translate` with a Marian folder, `precis run`
//! chaining both, and the catalog's opus-mt default for a language pair
//! without a Bergamot model. Random models write gibberish, so these check
//! structure, determinism, exit codes and the JSON fields, not the text.

use std::time::Duration;

use precis_e2e::{json_records, Sandbox, ARTICLE};
use predicates::prelude::*;

/// opus-mt-en-de's pinned revision in models/catalog.toml.
const OPUS_MT_EN_DE_REVISION: &str = "0012d6d6ff4b4dd06bee042d3294295f0e587abd";

/// Runs `precis ARGS` in `sandbox`, asserts it succeeded and returns stdout.
fn stdout_of(sandbox: &Sandbox, args: &[&str]) -> String {
    let output = sandbox.precis().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "precis {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn summarize_with_a_bart_folder() {
    let sandbox = Sandbox::new();
    sandbox.copy_model("bart-tiny", "bart");
    sandbox.write("a.txt", ARTICLE);
    let args = ["summarize", "--model", "bart", "--format", "json", "a.txt"];
    let first = stdout_of(&sandbox, &args);
    let record = &json_records(first.as_bytes())[0];
    let summary = &record["summary"];
    assert_eq!(summary["model"]["name"], "bart", "{record}");
    assert_eq!(summary["model"]["family"], "bart", "{record}");
    // bart-tiny has a 64-token window: the article is summarized in chunks.
    assert!(summary["chunks"].as_u64().unwrap() > 1, "{record}");
    let text = summary["text"].as_str().unwrap();
    assert!(!text.trim().is_empty(), "{record}");
    assert!(
        !ARTICLE.contains(text.trim()),
        "an abstractive model writes its own text, not a copy: {text:?}"
    );
    let again = stdout_of(&sandbox, &args);
    assert_eq!(
        json_records(again.as_bytes()),
        json_records(first.as_bytes()),
        "beam search is deterministic"
    );

    // The text output is the summary alone (its control characters shown
    // as symbols: a random model writes some).
    let text_output = stdout_of(&sandbox, &["summarize", "--model", "bart", "a.txt"]);
    assert_eq!(
        text_output.lines().count(),
        text.lines().count(),
        "{text_output}"
    );
    assert!(!text_output.contains("Summary"), "{text_output}");
}

#[test]
fn translate_with_a_marian_folder_keeps_the_lines() {
    let sandbox = Sandbox::new();
    sandbox.copy_model("marian-tiny", "marian");
    let input = "The river town opened its new library.\n\nRain fell all day. Children ran between the shelves.\n";
    sandbox.write("in.txt", input);
    let args = ["translate", "--model", "marian", "--to", "de", "in.txt"];
    let text = stdout_of(&sandbox, &args);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "one output line per input line: {text:?}");
    assert_eq!(lines[1], "", "an empty line stays empty: {text:?}");
    assert_eq!(stdout_of(&sandbox, &args), text, "deterministic");

    let json = stdout_of(
        &sandbox,
        &[
            "translate",
            "--model",
            "marian",
            "--to",
            "de",
            "--format",
            "json",
            "in.txt",
        ],
    );
    let record = &json_records(json.as_bytes())[0];
    let translation = &record["translation"];
    assert_eq!(translation["model"]["name"], "marian", "{record}");
    assert_eq!(translation["model"]["family"], "marian", "{record}");
    assert_eq!(translation["to"], "de");
    let translated: Vec<&str> = translation["article"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line.as_str().unwrap())
        .collect();
    assert_eq!(translated, lines, "text and JSON give the same translation");
}

#[test]
fn run_chains_a_bart_summarizer_and_a_marian_translator() {
    let sandbox = Sandbox::new();
    sandbox.copy_model("bart-tiny", "bart");
    sandbox.copy_model("marian-tiny", "marian");
    sandbox.write("a.txt", ARTICLE);
    let args = [
        "run",
        "--model",
        "bart",
        "--to",
        "de",
        "--translation-model",
        "marian",
        "--format",
        "json",
        "a.txt",
    ];
    let first = stdout_of(&sandbox, &args);
    let record = &json_records(first.as_bytes())[0];
    assert_eq!(record["summary"]["model"]["family"], "bart", "{record}");
    let translation = &record["translation"];
    assert_eq!(translation["model"]["name"], "marian", "{record}");
    assert_eq!(translation["model"]["family"], "marian", "{record}");
    assert_eq!(translation["to"], "de");
    let summary_lines = record["summary"]["text"].as_str().unwrap().lines().count();
    assert_eq!(
        translation["summary"]["lines"].as_array().unwrap().len(),
        summary_lines,
        "{record}"
    );
    assert_eq!(
        json_records(stdout_of(&sandbox, &args).as_bytes()),
        json_records(first.as_bytes()),
        "deterministic"
    );
}

#[test]
fn default_translator_for_a_pair_without_bergamot_is_opus_mt() {
    let sandbox = Sandbox::new();
    sandbox.cache_model_as(
        "marian-tiny",
        "Helsinki-NLP/opus-mt-en-de",
        OPUS_MT_EN_DE_REVISION,
    );
    sandbox.write("in.txt", "The ferry runs again.\nIt leaves at noon.\n");
    let json = stdout_of(
        &sandbox,
        &["translate", "--to", "de", "--format", "json", "in.txt"],
    );
    let record = &json_records(json.as_bytes())[0];
    let translation = &record["translation"];
    assert_eq!(translation["model"]["name"], "opus-mt-en-de", "{record}");
    assert_eq!(translation["model"]["family"], "marian", "{record}");
    assert_eq!(
        translation["model"]["revision"], OPUS_MT_EN_DE_REVISION,
        "{record}"
    );
    let lines = &translation["article"]["lines"];
    assert_eq!(lines.as_array().unwrap().len(), 2, "{record}");
}

/// The error when the default opus-mt model is neither cached nor
/// reachable names the model, says the Hub could not be reached, and gives
/// both fixes.
fn assert_names_model_and_fixes(assert: assert_cmd::assert::Assert, flag: &str) {
    assert
        .code(3)
        .stderr(predicate::str::contains("opus-mt-en-de"))
        .stderr(predicate::str::contains("the Hub cannot be reached"))
        .stderr(predicate::str::contains(
            "run `precis models fetch opus-mt-en-de` on a machine with network access",
        ))
        .stderr(predicate::str::contains(format!("{flag} NAME|DIR")));
}

#[test]
fn default_opus_mt_offline_exits_3_with_the_fix() {
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    // The sandbox sets HF_HUB_OFFLINE=1: nothing is fetched.
    assert_names_model_and_fixes(
        sandbox
            .precis()
            .args(["translate", "--to", "de"])
            .write_stdin("The ferry runs again.\n")
            .assert(),
        "--model",
    );
    assert_names_model_and_fixes(
        sandbox
            .precis()
            .args(["run", "--model", "lead3", "--to", "de", "a.txt"])
            .assert(),
        "--translation-model",
    );
}

#[test]
fn default_opus_mt_with_the_hub_unreachable_exits_3_with_the_fix() {
    // Online mode against an endpoint that refuses connections at once
    // (port 9, discard, is closed on test machines): the real download path
    // runs, fails and must say so, never hang.
    let assert = Sandbox::new()
        .precis()
        .env_remove("HF_HUB_OFFLINE")
        .env("HF_ENDPOINT", "http://127.0.0.1:9")
        .timeout(Duration::from_secs(60))
        .args(["translate", "--to", "de"])
        .write_stdin("The ferry runs again.\n")
        .assert();
    assert_names_model_and_fixes(assert, "--model");
}

/// A Hub download that works: the catalog's opus-mt-en-de served by a
/// local stand-in for the Hub (the tiny Marian files), fetched with
/// `precis models fetch` into the Hugging Face cache, then translated with
/// offline.
#[test]
fn a_hub_model_is_fetched_into_the_cache_and_then_used_offline() {
    let sandbox = Sandbox::new();
    let hub = precis_e2e::Server::start();
    hub.serve_hub_repo(
        "Helsinki-NLP/opus-mt-en-de",
        OPUS_MT_EN_DE_REVISION,
        &precis_e2e::fixture_model("marian-tiny"),
    );
    sandbox
        .precis()
        .env_remove("HF_HUB_OFFLINE")
        .env("HF_ENDPOINT", hub.origin())
        .timeout(Duration::from_secs(120))
        .args(["models", "fetch", "opus-mt-en-de"])
        .assert()
        .success();
    let snapshot = sandbox
        .path()
        .join("hf/hub/models--Helsinki-NLP--opus-mt-en-de/snapshots")
        .join(OPUS_MT_EN_DE_REVISION);
    assert!(snapshot.join("model.safetensors").is_file());
    // The sandbox is offline again: the cached copy serves the pair.
    sandbox.write("in.txt", "The ferry runs again.\n");
    let json = stdout_of(
        &sandbox,
        &[
            "translate",
            "--from",
            "en",
            "--to",
            "de",
            "--format",
            "json",
            "in.txt",
        ],
    );
    let record = &json_records(json.as_bytes())[0];
    assert_eq!(record["translation"]["model"]["name"], "opus-mt-en-de");
    assert_eq!(
        record["translation"]["model"]["revision"], OPUS_MT_EN_DE_REVISION,
        "{record}"
    );
}

/// The summary text of `precis summarize --model t5 --format json a.txt`
/// with `flags` on the tiny T5 folder.
fn t5_summary(sandbox: &Sandbox, flags: &[&str]) -> String {
    let mut args = vec!["summarize", "--model", "t5", "--format", "json"];
    args.extend_from_slice(flags);
    args.push("a.txt");
    let record = json_records(stdout_of(sandbox, &args).as_bytes()).remove(0);
    let text = record["summary"]["text"].as_str().unwrap().to_owned();
    assert!(!text.trim().is_empty(), "{flags:?}: {record}");
    text
}

/// The generation options the README documents, end to end: each is
/// accepted for a generating model and changes or keeps the output as it
/// should.
#[test]
fn generation_options_reach_the_decoder() {
    let sandbox = Sandbox::new();
    sandbox.copy_model("t5-tiny", "t5");
    sandbox.write("a.txt", ARTICLE);
    let greedy = t5_summary(&sandbox, &["--beams", "1"]);
    // The tiny model's logits are far apart: 8-bit weights pick the same
    // greedy tokens, so q8 really ran the model.
    assert_eq!(
        t5_summary(&sandbox, &["--beams", "1", "--quantize", "q8"]),
        greedy
    );
    // Threads split the work, never change the result.
    assert_eq!(
        t5_summary(&sandbox, &["--beams", "1", "--threads", "2"]),
        greedy
    );
    // A seeded sample is reproducible.
    let sampled = ["--sample", "--seed", "7", "--top-k", "20", "--top-p", "0.9"];
    assert_eq!(
        t5_summary(&sandbox, &sampled),
        t5_summary(&sandbox, &sampled)
    );
    // Random weights repeat themselves ("ellellell"): banning repeated
    // bigrams must change the greedy text.
    assert_ne!(
        t5_summary(&sandbox, &["--beams", "1", "--no-repeat-ngram", "2"]),
        greedy
    );
    let beams = ["--beams", "4", "--length-penalty", "2.0"];
    assert_eq!(t5_summary(&sandbox, &beams), t5_summary(&sandbox, &beams));
}

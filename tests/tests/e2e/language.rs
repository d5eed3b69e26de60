//! Languages: `--from auto` (the default) translates each input from its
//! detected language; a `--from` the text is confidently not in is refused;
//! a text already in the target language passes through; English-only
//! summarizers give way to textrank on other languages unless named.
//! The translating cases run the real Bergamot en↔pt models (`just
//! models`); without them they are skipped with a notice (in CI they fail).

use precis_e2e::{downloaded_models, json_records, succeed, Sandbox};
use predicates::prelude::*;

/// A Portuguese article of our own, long enough to be detected reliably.
const ARTIGO: &str = "\
Balsa volta a cruzar o rio depois de um ano

A pequena balsa a diesel levou os primeiros passageiros de uma margem à outra na segunda-feira, pondo fim a um ano sem travessia.

A balsa antiga deixou de funcionar em março do ano passado, quando o motor avariou e a empresa que a explorava foi à falência.

Os moradores das duas aldeias juntaram o dinheiro para a reparação, porta a porta, durante o inverno.

A câmara municipal disse que vai pagar o salário do capitão até ao fim do ano e procurar um novo operador.
";

const ENGLISH: &str =
    "The library on the main square opens again on Saturday after two years of repairs.\n";

fn json(output: &std::process::Output) -> serde_json::Value {
    json_records(&output.stdout).remove(0)
}

#[test]
fn translate_from_auto_detects_english_and_portuguese() {
    let Some(models) = downloaded_models("bergamot-en-pt") else {
        return;
    };
    let Some(_) = downloaded_models("bergamot-pt-en") else {
        return;
    };
    let sandbox = Sandbox::new();
    let translate = |to: &str, input: &str| {
        json(&succeed(
            sandbox
                .precis()
                .env("PRECIS_MODELS_DIR", &models)
                .args(["translate", "--to", to, "--format", "json"])
                .write_stdin(input),
        ))
    };
    let english = translate("pt", ENGLISH);
    let english = &english["translation"];
    assert_eq!(english["from"], "en", "{english}");
    assert_eq!(english["model"]["name"], "bergamot-en-pt");
    assert!(
        english["article"]["lines"][0]
            .as_str()
            .unwrap()
            .contains("biblioteca"),
        "{english}"
    );
    let portuguese = translate("en", ARTIGO);
    let portuguese = &portuguese["translation"];
    assert_eq!(portuguese["from"], "pt", "{portuguese}");
    assert_eq!(portuguese["model"]["name"], "bergamot-pt-en");
    assert!(
        portuguese["article"]["lines"].to_string().contains("ferry"),
        "{portuguese}"
    );
}

#[test]
fn run_from_auto_translates_a_portuguese_article_into_english() {
    let Some(models) = downloaded_models("bergamot-pt-en") else {
        return;
    };
    let sandbox = Sandbox::new();
    sandbox.write("artigo.txt", ARTIGO);
    let output = succeed(sandbox.precis().env("PRECIS_MODELS_DIR", &models).args([
        "run",
        "--model",
        "textrank",
        "--to",
        "en",
        "--format",
        "json",
        "artigo.txt",
    ]));
    let record = json(&output);
    assert_eq!(record["language"]["code"], "pt", "{record}");
    assert_eq!(record["language"]["reliable"], true);
    assert_eq!(record["translation"]["from"], "pt");
    assert_eq!(record["translation"]["model"]["name"], "bergamot-pt-en");
}

#[test]
fn a_missing_model_for_a_detected_language_says_which_and_how_to_fix() {
    let sandbox = Sandbox::new();
    sandbox.write("artigo.txt", ARTIGO);
    sandbox
        .precis()
        .args(["run", "--model", "textrank", "--to", "de", "artigo.txt"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "error: no translation model for pt → de (pt: the language artigo.txt was detected to be in); pass a model with --translation-model NAME|DIR, or the articles' language with --from LANG",
        ));
    // pt → de has no model of its own: it goes through English, and the
    // error names both models it looked for.
    sandbox
        .precis()
        .args(["translate", "--to", "de", "artigo.txt"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "error: no translation model for pt → de (precis looks for the catalog's bergamot-pt-en+opus-mt-en-de;",
        ));
    sandbox
        .precis()
        .args(["translate", "--to", "ja", "artigo.txt"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "error: no translation model for pt → ja: the catalog has none for this pair, nor one for each half of the way through English",
        ));
}

#[test]
fn a_given_language_the_text_is_not_in_is_refused() {
    let Some(models) = downloaded_models("bergamot-en-pt") else {
        return;
    };
    let sandbox = Sandbox::new();
    sandbox.write("artigo.txt", ARTIGO);
    sandbox
        .precis()
        .env("PRECIS_MODELS_DIR", &models)
        .args(["translate", "--from", "en", "--to", "pt", "artigo.txt"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "the text is in pt (detected with confidence",
        ))
        .stderr(predicate::str::contains("not en as given"))
        .stderr(predicate::str::contains("pass --from pt, or --from auto"));
    // The same in `run`: the article fails, nothing is printed for it.
    sandbox
        .precis()
        .env("PRECIS_MODELS_DIR", &models)
        .args([
            "run",
            "--model",
            "textrank",
            "--from",
            "en",
            "--to",
            "pt",
            "artigo.txt",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the text is in pt"));
}

#[test]
fn a_short_text_against_the_given_language_is_translated_with_a_warning() {
    let Some(models) = downloaded_models("bergamot-en-pt") else {
        return;
    };
    let output = succeed(
        Sandbox::new()
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
            .write_stdin("Bom dia\n"),
    );
    let record = json(&output);
    assert_eq!(record["translation"]["from"], "en");
    let warnings = record["warnings"].to_string();
    assert!(warnings.contains("too low to be sure"), "{record}");
}

/// No model is needed to pass a text through: these run everywhere.
#[test]
fn a_text_already_in_the_target_language_passes_through() {
    let sandbox = Sandbox::new();
    sandbox.write("artigo.txt", ARTIGO);
    let output = succeed(sandbox.precis().args([
        "translate",
        "--from",
        "pt",
        "--to",
        "pt-BR",
        "--format",
        "json",
        "artigo.txt",
    ]));
    let record = json(&output);
    assert_eq!(record["translation"]["model"], serde_json::Value::Null);
    let lines: Vec<&str> = record["translation"]["article"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(lines, ARTIGO.lines().collect::<Vec<_>>());
    // Passing through is a note, not a warning; so is serving pt-BR as pt.
    assert_eq!(
        record["notes"],
        serde_json::json!([
            "translation: the text is already in pt: passed through untranslated",
            "translation: pt-BR was asked for and served as pt (models are per language): the regional spelling and vocabulary of pt-BR are not guaranteed"
        ]),
        "{record}"
    );
    assert_eq!(record["warnings"], serde_json::json!([]), "{record}");
    // Detected: English text asked in English, and `run` says so too.
    sandbox
        .precis()
        .args(["translate", "--to", "en"])
        .write_stdin(ENGLISH)
        .assert()
        .success()
        .stdout(ENGLISH)
        .stderr(predicate::str::contains("already in en"));
    let output = succeed(sandbox.precis().args([
        "run",
        "--model",
        "textrank",
        "--to",
        "pt",
        "--format",
        "json",
        "artigo.txt",
    ]));
    let record = json(&output);
    assert_eq!(record["translation"]["from"], "pt");
    assert_eq!(record["translation"]["model"], serde_json::Value::Null);
    assert_eq!(
        record["translation"]["summary"]["lines"]
            .as_array()
            .unwrap()
            .len(),
        record["summary"]["text"].as_str().unwrap().lines().count()
    );
}

#[test]
fn english_only_summarizers_give_way_or_refuse_on_other_languages() {
    let Some(models) = downloaded_models("all-minilm-l6-v2") else {
        return;
    };
    let sandbox = Sandbox::new();
    sandbox.write("artigo.txt", ARTIGO);
    // The default (minilm, here) is replaced by textrank, with a warning.
    let output = succeed(sandbox.precis().env("PRECIS_MODELS_DIR", &models).args([
        "summarize",
        "--format",
        "json",
        "artigo.txt",
    ]));
    let record = json(&output);
    assert_eq!(record["summary"]["model"]["name"], "textrank", "{record}");
    assert!(
        record["warnings"].to_string().contains(
            "the article is in pt and minilm summarizes en only: summarized with textrank instead"
        ),
        "{record}"
    );
    // Named, it refuses the article and says how to fix it.
    sandbox
        .precis()
        .env("PRECIS_MODELS_DIR", &models)
        .args(["summarize", "--model", "minilm", "artigo.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "minilm summarizes en only, and the article is in pt",
        ))
        .stderr(predicate::str::contains("textrank and lead3 work in any"));
}

//! The command line itself: help, version, completions, usage errors (exit 2).

use precis_e2e::Sandbox;
use predicates::prelude::*;

const SUBCOMMANDS: &[&[&str]] = &[
    &["run"],
    &["clean"],
    &["summarize"],
    &["translate"],
    &["models"],
    &["models", "list"],
    &["models", "fetch"],
    &["models", "path"],
    &["eval"],
    &["eval", "summarize"],
    &["eval", "translate"],
    &["eval", "clean"],
    &["completions"],
];

#[test]
fn every_subcommand_has_help_with_examples() {
    let sandbox = Sandbox::new();
    for subcommand in SUBCOMMANDS {
        sandbox
            .precis()
            .args(*subcommand)
            .arg("--help")
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:\n  precis"));
    }
}

#[test]
fn top_level_help_documents_models_folder_and_exit_codes() {
    Sandbox::new()
        .precis()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("PRECIS_MODELS_DIR"))
        .stdout(predicate::str::contains("3  model problem"));
}

#[test]
fn version() {
    Sandbox::new()
        .precis()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("precis 0."));
}

#[test]
fn completions_for_each_shell() {
    let sandbox = Sandbox::new();
    for (shell, marker) in [
        ("bash", "_precis()"),
        ("zsh", "#compdef precis"),
        ("fish", "complete -c precis"),
    ] {
        sandbox
            .precis()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(marker))
            .stdout(predicate::str::contains("translate-all"));
    }
}

#[test]
fn usage_errors_exit_2() {
    let sandbox = Sandbox::new();
    let cases: &[&[&str]] = &[
        &["run", "--no-such-option"],
        &["run", "--format", "yaml", "a.txt"],
        &["summarize", "--top-p", "0.9", "a.txt"],
        &["run", "--translate-all", "a.txt"],
        &["completions", "powershell-classic"],
        &["frobnicate"],
        &[],
    ];
    for args in cases {
        sandbox
            .precis()
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("error:").or(predicate::str::contains("Usage:")));
    }
}

#[test]
fn generation_options_are_refused_for_extractive_summarizers() {
    let sandbox = Sandbox::new();
    let article = sandbox.write("a.txt", precis_e2e::ARTICLE);
    sandbox
        .precis()
        .args(["summarize", "--model", "textrank", "--beams", "4"])
        .arg(&article)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: --beams only apply to models that generate text; textrank picks sentences",
        ));
}

#[test]
fn bad_timeout_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let article = sandbox.write("a.txt", precis_e2e::ARTICLE);
    sandbox
        .precis()
        .args(["run", "--timeout", "0"])
        .arg(&article)
        .assert()
        .code(2)
        .stderr("error: --timeout 0 is not a positive number of seconds\n");
}

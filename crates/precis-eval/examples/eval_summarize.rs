//! Scores the built-in extractive summarizers on a `{id, article, reference}`
//! JSONL data set and prints a ROUGE table with timings.
//!
//! cargo run --release -p precis-eval --example eval_summarize -- \
//!     [--data ../shared/eval/cnndm-dev.jsonl] [--minilm models/downloads/all-minilm-l6-v2] \
//!     [lead3] [textrank] [minilm] [minilm-q8]
//!
//! `minilm-q8` is minilm with its linear layers quantized to `Q8_0`: the
//! ROUGE cost of precis's q8 on real trained weights (on cnndm-dev: none).
//! It runs slower than f32, as candle's fast int8 kernels need rows of a
//! multiple of 256 values and MiniLM's are 384.

use std::path::PathBuf;
use std::time::Instant;

use precis_eval::rouge::Prf;
use precis_eval::{read_summary_data, summarize_dataset};
use precis_infer::extractive::{Lead3, MiniLm, TextRank};
use precis_infer::quantize::Precision;
use precis_infer::{ModelInfo, Summarize};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut data = PathBuf::from("../shared/eval/cnndm-dev.jsonl");
    let mut minilm_dir = PathBuf::from("models/downloads/all-minilm-l6-v2");
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data" => data = args.next().ok_or("--data needs a path")?.into(),
            "--minilm" => minilm_dir = args.next().ok_or("--minilm needs a path")?.into(),
            name => names.push(name.to_string()),
        }
    }
    if names.is_empty() {
        names = vec!["lead3".into(), "textrank".into(), "minilm".into()];
    }
    let items = read_summary_data(&data)?;
    println!("{} articles from {}", items.len(), data.display());
    println!("| summarizer | R-1 | R-2 | R-L | R-Lsum | load s | summarize s |");
    println!("|---|---|---|---|---|---|---|");
    for name in &names {
        let start = Instant::now();
        let summarizer: Box<dyn Summarize> = match name.as_str() {
            "lead3" => Box::new(Lead3::default()),
            "textrank" => Box::new(TextRank::default()),
            "minilm" | "minilm-q8" => {
                let info = ModelInfo {
                    name: name.clone(),
                    family: "minilm".into(),
                    revision: None,
                };
                let precision = if name == "minilm" {
                    Precision::F32
                } else {
                    Precision::Q8
                };
                Box::new(MiniLm::load(&minilm_dir, info, precision)?)
            }
            other => {
                return Err(format!(
                    "unknown summarizer `{other}`: use lead3, textrank, minilm or minilm-q8"
                )
                .into())
            }
        };
        let load = start.elapsed().as_secs_f64();
        let report = summarize_dataset(summarizer.as_ref(), &items)?;
        let f = |p: Prf| format!("{:.2}", 100.0 * p.fmeasure);
        let m = report.mean;
        println!(
            "| {name} | {} | {} | {} | {} | {load:.2} | {:.1} |",
            f(m.rouge1),
            f(m.rouge2),
            f(m.rouge_l),
            f(m.rouge_lsum),
            report.seconds
        );
    }
    Ok(())
}

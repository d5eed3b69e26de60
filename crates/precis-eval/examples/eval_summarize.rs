//! Scores summarizers on a `{id, article, reference}` JSONL data set and
//! prints a ROUGE table with timings. Summarizers are named as `precis
//! summarize --model` takes them (`lead3`, `textrank`, `minilm`, a catalog
//! name, a folder); a `-q8` suffix loads the model with its linear layers
//! quantized to `Q8_0`.
//!
//! cargo run --release -p precis-eval --example eval_summarize -- \
//!     [--data ../shared/eval/cnndm-dev.jsonl] [lead3] [textrank] [minilm] [minilm-q8]
//!
//! `minilm-q8` is the ROUGE cost of precis's q8 on real trained weights (on
//! cnndm-dev: none). It runs slower than f32, as candle's fast int8 kernels
//! need rows of a multiple of 256 values and MiniLM's are 384.

use std::path::PathBuf;
use std::time::Instant;

use precis::{Precision, Summarizer};
use precis_eval::rouge::Prf;
use precis_eval::{read_summary_data, summarize_dataset};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut data = PathBuf::from("../shared/eval/cnndm-dev.jsonl");
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data" => data = args.next().ok_or("--data needs a path")?.into(),
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
        let summarizer = match name.strip_suffix("-q8") {
            Some(model) => Summarizer::builder(model).precision(Precision::Q8),
            None => Summarizer::builder(name.as_str()),
        }
        .load()?;
        let load = start.elapsed().as_secs_f64();
        let report = summarize_dataset(&summarizer, &items)?;
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

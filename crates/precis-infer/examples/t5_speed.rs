//! Times the T5 summarizer on a text file in f32 and q8, generating a fixed
//! number of tokens so both runs do the same work, and reports how often
//! q8's greedy tokens equal f32's.
//!
//! cargo run --release -p precis-infer --example t5_speed -- MODEL FILE [NEW_TOKENS] [BEAMS]
//!
//! MODEL is anything `Summarizer::load` accepts (catalog name, Hub repo id,
//! folder). Random weights in t5-small's shape are enough for speed.

use std::time::Instant;

use precis_infer::generate::GenerationOverrides;
use precis_infer::quantize::Precision;
use precis_infer::{Summarizer, SummarizerOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: t5_speed MODEL FILE [NEW_TOKENS] [BEAMS]";
    let model = args.next().ok_or(usage)?;
    let text = std::fs::read_to_string(args.next().ok_or(usage)?)?;
    let new_tokens: usize = args.next().map_or(Ok(64), |n| n.parse())?;
    let beams: usize = args.next().map_or(Ok(1), |n| n.parse())?;
    let generation = GenerationOverrides {
        min_new_tokens: Some(new_tokens),
        max_new_tokens: Some(new_tokens),
        max_length: None,
        num_beams: Some(beams),
        ..GenerationOverrides::default()
    };
    println!(
        "{model}: {new_tokens} new tokens, {beams} beam(s), {} threads",
        precis_infer::threads::threads()
    );
    let mut outputs = Vec::new();
    for precision in [Precision::F32, Precision::Q8] {
        let options = SummarizerOptions {
            precision,
            generation: generation.clone(),
            ..SummarizerOptions::default()
        };
        let start = Instant::now();
        let summarizer = Summarizer::load(&model, &options)?;
        let loaded = start.elapsed();
        let start = Instant::now();
        let summary = summarizer.summarize_text(&text)?;
        let took = start.elapsed();
        let generated = new_tokens * summary.chunks;
        println!(
            "{precision:?}: load {:.2}s, summarize {:.2}s ({} chunk(s), {:.1} tokens/s)",
            loaded.as_secs_f64(),
            took.as_secs_f64(),
            summary.chunks,
            generated as f64 / took.as_secs_f64()
        );
        outputs.push(summary.text);
    }
    let words: Vec<Vec<&str>> = outputs
        .iter()
        .map(|o| o.split_whitespace().collect())
        .collect();
    let same = words[0]
        .iter()
        .zip(&words[1])
        .take_while(|(a, b)| a == b)
        .count();
    println!(
        "q8 output equals f32 for the first {same} of {} words",
        words[0].len()
    );
    Ok(())
}

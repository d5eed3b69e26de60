//! Times one generation configuration of a seq2seq model folder and prints
//! one JSON object on stdout — precis's side of `scripts/bench_seq2seq.py`,
//! which runs HF transformers and CTranslate2 on the same work.
//!
//! cargo run --release -p precis-infer --example bench_generate -- MODEL_DIR
//!     [--precision f32|q8] [--threads N] [--batch B] [--beams K]
//!     [--src-len 512] [--new-tokens 128]
//!
//! MODEL_DIR holds `config.json` and `model.safetensors` (random weights in
//! a real model's shape are enough). The input is `--batch` rows of
//! `--src-len` pseudo-random ids ending in eos, the same ids
//! `bench_seq2seq.py` feeds the other runners (`input_checksum` shows it).
//! Exactly `--new-tokens` tokens are generated (min = max new tokens), by
//! greedy search or beam search. One configuration per process, so that the
//! peak RSS belongs to it.
//!
//! Timings: `load_s` reads the config and memory-maps (and, for q8,
//! quantizes) the weights; an untimed one-token warm-up run follows;
//! `ttft_s` is a one-token generation (encoder + first decoder step);
//! `total_s` the full generation. `tokens_per_s` counts the new tokens of the
//! best sequence of every row: batch × new tokens / total_s.

use std::path::PathBuf;
use std::time::Instant;

use precis_infer::files::safetensors_files;
use precis_infer::generate::{
    generate, Batch, GenerationConfig, GenerationOverrides, Seq2SeqModel,
};
use precis_infer::models::{AnyConfig, AnySeq2Seq};
use precis_infer::quantize::Precision;
use precis_infer::threads;

const USAGE: &str = "usage: bench_generate MODEL_DIR [--precision f32|q8] [--threads N] \
                     [--batch B] [--beams K] [--src-len N] [--new-tokens N]";

struct Args {
    model: PathBuf,
    precision: Precision,
    threads: usize,
    batch: usize,
    beams: usize,
    src_len: usize,
    new_tokens: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut parsed = Args {
        model: PathBuf::new(),
        precision: Precision::F32,
        threads: 1,
        batch: 1,
        beams: 1,
        src_len: 512,
        new_tokens: 128,
    };
    let mut model = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value; {USAGE}"))
        };
        let number = |name: &str, text: String| {
            text.parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("{name} must be a positive integer, not `{text}`"))
        };
        match arg.as_str() {
            "--precision" => {
                parsed.precision = match value("--precision")?.as_str() {
                    "f32" => Precision::F32,
                    "q8" => Precision::Q8,
                    other => return Err(format!("--precision is f32 or q8, not `{other}`")),
                }
            }
            "--threads" => parsed.threads = number("--threads", value("--threads")?)?,
            "--batch" => parsed.batch = number("--batch", value("--batch")?)?,
            "--beams" => parsed.beams = number("--beams", value("--beams")?)?,
            "--src-len" => parsed.src_len = number("--src-len", value("--src-len")?)?,
            "--new-tokens" => parsed.new_tokens = number("--new-tokens", value("--new-tokens")?)?,
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}; {USAGE}")),
            _ if model.is_none() => model = Some(PathBuf::from(arg)),
            _ => return Err(format!("one model folder only; {USAGE}")),
        }
    }
    parsed.model = model.ok_or(USAGE)?;
    if parsed.src_len < 2 {
        return Err("--src-len must be at least 2 (tokens, then eos)".into());
    }
    Ok(parsed)
}

/// splitmix64: a tiny generator that `bench_seq2seq.py` reimplements, so
/// every runner reads the same ids.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// `batch` rows of `src_len - 1` ids in `4..vocab_size - 1` (clear of the
/// special ids every family puts at the ends of its vocabulary), then eos.
fn input_ids(batch: usize, src_len: usize, vocab_size: usize, eos: u32) -> Vec<Vec<u32>> {
    let mut rng = SplitMix64(0x5EED);
    let span = (vocab_size as u64).saturating_sub(5).max(1);
    (0..batch)
        .map(|_| {
            let mut row: Vec<u32> = (1..src_len)
                .map(|_| (4 + rng.next() % span) as u32)
                .collect();
            row.push(eos);
            row
        })
        .collect()
}

/// Peak resident set size of this process in MB (`VmHWM`).
fn peak_rss_mb() -> Result<f64, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("cannot read /proc/self/status: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .ok_or_else(|| "no VmHWM line in /proc/self/status".into())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    // Every kernel splits its work across the pool it runs in.
    let pool = threads::pool(args.threads)?;

    let started = Instant::now();
    let config = AnyConfig::load(&args.model.join("config.json"))?;
    let model = AnySeq2Seq::load(&config, &safetensors_files(&args.model)?, args.precision)?;
    let load_s = started.elapsed().as_secs_f64();

    let special = model.special_tokens().clone();
    let eos = *special.eos.first().ok_or("the config names no eos token")?;
    let rows = input_ids(args.batch, args.src_len, special.vocab_size, eos);
    let checksum: u64 = rows.iter().flatten().map(|&id| u64::from(id)).sum();
    let batch = Batch::pad(&rows, special.pad);
    let run = |new_tokens: usize| -> Result<(f64, Vec<usize>), Box<dyn std::error::Error>> {
        let overrides = GenerationOverrides {
            min_new_tokens: Some(new_tokens),
            max_new_tokens: Some(new_tokens),
            num_beams: Some(args.beams),
            ..GenerationOverrides::default()
        };
        let config = GenerationConfig::default().with(&overrides);
        let started = Instant::now();
        let generation = pool.install(|| generate(&model, &batch, &config))?;
        let seconds = started.elapsed().as_secs_f64();
        let lengths = generation
            .outputs
            .iter()
            .map(|row| row.first().map_or(0, |best| best.tokens.len()))
            .collect();
        Ok((seconds, lengths))
    };

    run(1)?;
    let (ttft_s, _) = run(1)?;
    let (total_s, lengths) = run(args.new_tokens)?;
    if let Some(short) = lengths.iter().find(|&&n| n != args.new_tokens) {
        return Err(format!(
            "a row generated {short} tokens instead of {}: the min/max new tokens were not honoured",
            args.new_tokens
        )
        .into());
    }

    let report = serde_json::json!({
        "runner": "precis",
        "model": args.model.file_name().map(|n| n.to_string_lossy()),
        "precision": match args.precision { Precision::F32 => "f32", Precision::Q8 => "q8" },
        "threads": pool.current_num_threads(),
        "batch": args.batch,
        "beams": args.beams,
        "src_len": args.src_len,
        "new_tokens": args.new_tokens,
        "input_checksum": checksum,
        "load_s": load_s,
        "ttft_s": ttft_s,
        "total_s": total_s,
        "tokens_per_s": (args.batch * args.new_tokens) as f64 / total_s,
        "peak_rss_mb": peak_rss_mb()?,
    });
    println!("{report}");
    Ok(())
}

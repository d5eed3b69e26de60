//! Safetensors weights for a fixed tiny T5 config (so the fuzzer explores
//! the weight file, not allocations a fuzzed config could ask for).
#![no_main]

mod scratch;

use libfuzzer_sys::fuzz_target;
use precis_infer::models::{AnyConfig, AnySeq2Seq};
use precis_infer::quantize::Precision;

const CONFIG: &str = include_str!("../../crates/precis-infer/tests/fixtures/t5-tiny/config.json");

fuzz_target!(|bytes: &[u8]| {
    let dir = scratch::dir();
    let config_path = scratch::write(&dir, "config.json", CONFIG.as_bytes());
    let config = AnyConfig::load(&config_path).expect("the fixture config loads");
    let weights = scratch::write(&dir, "model.safetensors", bytes);
    for precision in [Precision::F32, Precision::Q8] {
        let _ = AnySeq2Seq::load(&config, std::slice::from_ref(&weights), precision);
    }
});

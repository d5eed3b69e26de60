//! Marian's `vocab.json` (piece → id) under opus-mt's tokenizer: any bytes
//! load or fail cleanly, and a loaded tokenizer encodes and decodes without
//! panicking. `source.spm` is the tiny fixture's.
#![no_main]

mod scratch;

use libfuzzer_sys::fuzz_target;
use precis_infer::tokenize::MarianTokenizer;

const SPM: &[u8] = include_bytes!("../../crates/precis-infer/tests/fixtures/marian-tiny/source.spm");

fuzz_target!(|bytes: &[u8]| {
    static DEFAULT_HOOK: std::sync::Once = std::sync::Once::new();
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    let dir = scratch::dir();
    scratch::write(&dir, "source.spm", SPM);
    scratch::write(&dir, "vocab.json", bytes);
    if let Ok(tokenizer) = MarianTokenizer::from_dir(&dir) {
        if let Ok(ids) = tokenizer.encode("A ferry crossed the river, 3 km.") {
            let _ = tokenizer.decode(&ids);
        }
    }
});

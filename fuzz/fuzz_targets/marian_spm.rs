//! The SentencePiece reader (`source.spm`, the protobuf `ModelProto`)
//! under opus-mt's tokenizer: any bytes load or fail cleanly, and a loaded
//! tokenizer encodes and decodes without panicking. `vocab.json` is the
//! tiny fixture's.
#![no_main]

mod scratch;

use libfuzzer_sys::fuzz_target;
use precis_infer::tokenize::MarianTokenizer;

const VOCAB: &[u8] = include_bytes!("../../crates/precis-infer/tests/fixtures/marian-tiny/vocab.json");

fuzz_target!(|bytes: &[u8]| {
    // As in the tokenizer target: tokenizers may panic inside, caught by
    // the loader; libFuzzer's hook would abort before the catch.
    static DEFAULT_HOOK: std::sync::Once = std::sync::Once::new();
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    let dir = scratch::dir();
    scratch::write(&dir, "vocab.json", VOCAB);
    scratch::write(&dir, "source.spm", bytes);
    if let Ok(tokenizer) = MarianTokenizer::from_dir(&dir) {
        if let Ok(ids) = tokenizer.encode("A ferry crossed the river, 3 km.") {
            let _ = tokenizer.decode(&ids);
        }
    }
});

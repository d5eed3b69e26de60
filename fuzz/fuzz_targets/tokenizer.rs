//! tokenizer.json loading, then a round trip through the loaded tokenizer.
#![no_main]

mod scratch;

use libfuzzer_sys::fuzz_target;
use precis_infer::tokenize::TextTokenizer;

fuzz_target!(|bytes: &[u8]| {
    let dir = scratch::dir();
    scratch::write(&dir, "tokenizer.json", bytes);
    if let Ok(tokenizer) = TextTokenizer::from_dir(&dir, 0) {
        let _ = tokenizer.vocab_size();
        if let Ok(ids) = tokenizer.encode("A ferry crossed the river, 3 km.") {
            let _ = tokenizer.decode(&ids);
        }
    }
});

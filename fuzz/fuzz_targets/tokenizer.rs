//! tokenizer.json loading, then a round trip through the loaded tokenizer.
#![no_main]

mod scratch;

use libfuzzer_sys::fuzz_target;
use precis_infer::tokenize::TextTokenizer;

fuzz_target!(|bytes: &[u8]| {
    // TextTokenizer catches the panics tokenizers raises on some damaged
    // files; libFuzzer's panic hook would abort on those before the catch,
    // so use the default hook (a panic that escapes still aborts the run).
    static DEFAULT_HOOK: std::sync::Once = std::sync::Once::new();
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    let dir = scratch::dir();
    scratch::write(&dir, "tokenizer.json", bytes);
    if let Ok(tokenizer) = TextTokenizer::from_dir(&dir, 0) {
        let _ = tokenizer.vocab_size();
        if let Ok(ids) = tokenizer.encode("A ferry crossed the river, 3 km.") {
            let _ = tokenizer.decode(&ids);
        }
    }
});

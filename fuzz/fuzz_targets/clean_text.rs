//! Plain-text cleaning of any UTF-8 input: never panics, and a document it
//! returns prints and re-cleans without panicking either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use precis_clean::{clean, CleanOptions, InputKind};

fuzz_target!(|input: &str| {
    let options = CleanOptions {
        input: InputKind::Text,
    };
    if let Ok(document) = clean(input, &options) {
        let _ = clean(&document.to_text(), &options);
    }
});

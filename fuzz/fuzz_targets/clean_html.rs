//! HTML cleaning of any bytes (charset sniffing and decoding included).
#![no_main]

use libfuzzer_sys::fuzz_target;
use precis_clean::{clean_bytes, CleanOptions, InputKind};

fuzz_target!(|bytes: &[u8]| {
    let options = CleanOptions {
        input: InputKind::Html,
    };
    if let Ok(document) = clean_bytes(bytes, &options) {
        let _ = document.to_text();
    }
});

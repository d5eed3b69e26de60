//! config.json of any seq2seq family: parsing never panics, and a config
//! that parses answers its accessors.
#![no_main]

mod scratch;

use libfuzzer_sys::fuzz_target;
use precis_infer::models::AnyConfig;

fuzz_target!(|bytes: &[u8]| {
    let path = scratch::write(&scratch::dir(), "config.json", bytes);
    if let Ok(config) = AnyConfig::load(&path) {
        let _ = config.special_tokens();
        let _ = config.max_positions();
    }
});

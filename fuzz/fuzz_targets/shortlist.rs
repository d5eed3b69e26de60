//! Marian's binary lexical shortlist (`lex.*.s2t.bin`): any bytes parse or
//! fail cleanly, and a parsed one checks against a vocabulary and selects
//! targets for any source ids without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use precis_bergamot::Shortlist;

fuzz_target!(|bytes: &[u8]| {
    let Ok(list) = Shortlist::from_bytes(bytes) else {
        return;
    };
    for vocab in [0, 8, 300] {
        let _ = list.check_vocab(vocab);
        let _ = list.allowed(&[0, 1, 7, 299, u32::MAX], vocab);
    }
});

//! Sentence splitting: spans are in order, on char boundaries, and the
//! text between them is only whitespace (no character is lost).
#![no_main]

use libfuzzer_sys::fuzz_target;
use precis_clean::sentence_spans;

fuzz_target!(|text: &str| {
    let mut end = 0;
    for span in sentence_spans(text) {
        assert!(
            span.start >= end && span.start < span.end,
            "{span:?} after {end}"
        );
        let gap = text.get(end..span.start).expect("gap on char boundaries");
        assert!(gap.trim().is_empty(), "lost {gap:?}");
        assert!(
            text.get(span.clone()).is_some(),
            "{span:?} not on char boundaries"
        );
        end = span.end;
    }
    let tail = text.get(end..).expect("tail on a char boundary");
    assert!(tail.trim().is_empty(), "lost {tail:?}");
});

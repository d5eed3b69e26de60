//! The character encoding an HTML page declares for itself
//! (`<meta charset=…>` or `<meta http-equiv="Content-Type" content="…; charset=…">`),
//! for pages saved in ISO-8859-1, Windows-1252, Shift_JIS, … rather than UTF-8.

use std::sync::LazyLock;

use encoding_rs::Encoding;
use regex::bytes::Regex;

/// How far into the page the declaration is looked for (browsers use 1024
/// bytes; sites with long `<head>`s put it later).
const SNIFF_BYTES: usize = 8192;

static CHARSET: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.-]+)"#).ok());

/// The encoding `bytes` declare, when it is one other than UTF-8.
pub(crate) fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..SNIFF_BYTES).unwrap_or(bytes);
    let label = CHARSET.as_ref()?.captures(head)?.get(1)?.as_bytes();
    Encoding::for_label(label).filter(|e| *e != encoding_rs::UTF_8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_charset_and_http_equiv() {
        assert_eq!(
            declared_encoding(b"<html><head><meta charset=\"iso-8859-1\">"),
            Some(encoding_rs::WINDOWS_1252)
        );
        assert_eq!(
            declared_encoding(
                b"<meta http-equiv='Content-Type' content='text/html; charset=Shift_JIS'>"
            ),
            Some(encoding_rs::SHIFT_JIS)
        );
        assert_eq!(declared_encoding(b"<meta charset=utf-8>"), None);
        assert_eq!(
            declared_encoding(b"plain text, charset=latin1 but no meta"),
            None
        );
    }
}

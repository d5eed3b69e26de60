//! Stage 1, decode: turn the bytes a user hands us into text, or refuse
//! with a clear reason. Text that had to be repaired says so in `warnings`.

use crate::CleanError;

/// Text decoded from bytes, with what the user should know about the decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded text, without a byte-order mark.
    pub text: String,
    /// Repairs made while decoding (invalid UTF-8 replaced, …).
    pub warnings: Vec<String>,
}

/// Magic numbers of binary formats users are likely to pass by mistake.
const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a DOCX/EPUB document)"),
    (b"\x1F\x8B", "a gzip-compressed file"),
    (b"\x7FELF", "an executable"),
    (b"RIFF", "a RIFF media file"),
];

/// Decodes UTF-8 (with or without BOM) or UTF-16 (with a BOM, or without
/// one when its NUL bytes show it: see `bomless_utf16`).
///
/// Other encodings are decoded when the page declares them, or guessed
/// from the bytes when it declares none and holds no UTF-8 character.
/// Invalid bytes in UTF-8 text are decoded lossily (U+FFFD) with a warning
/// rather than refused, because scraped pages often carry a few stray
/// Latin-1 bytes in otherwise good text. Binary data, empty and
/// whitespace-only input are refused. Every decoding other than UTF-8 is
/// reported in `warnings`.
pub fn decode(bytes: &[u8]) -> Result<Decoded, CleanError> {
    if bytes.is_empty() {
        return Err(CleanError::Empty);
    }
    let mut warnings = Vec::new();
    let text = if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        decode_utf16(rest, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        decode_utf16(rest, u16::from_be_bytes)?
    } else if let Some((text, order)) = bomless_utf16(bytes) {
        warnings.push(format!(
            "the input has no byte-order mark but is UTF-16 ({order}, as its NUL bytes show); it was decoded as such"
        ));
        text
    } else {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        reject_binary(bytes)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            // A page saved in its own declared encoding (ISO-8859-1, Shift_JIS, …).
            Err(_) if crate::html::declared_encoding(bytes).is_some() => {
                let encoding = crate::html::declared_encoding(bytes).unwrap_or(encoding_rs::UTF_8);
                decode_legacy(
                    bytes,
                    encoding,
                    "the input is not UTF-8; it was decoded as {}, the encoding the page declares",
                    &mut warnings,
                )
            }
            // No UTF-8 character anywhere, only bytes UTF-8 cannot hold: a
            // page saved in a legacy encoding that it does not declare.
            // Browsers guess which from the bytes; Firefox's guesser does.
            Err(_) if !has_utf8_beyond_ascii(bytes) => {
                let mut detector = chardetng::EncodingDetector::new();
                detector.feed(bytes, true);
                let encoding = detector.guess(None, false);
                decode_legacy(bytes, encoding, "the input is not UTF-8 and declares no encoding; it was decoded as {}, which its bytes suggest (if characters look wrong, re-save the file as UTF-8)", &mut warnings)
            }
            // Stray bytes in UTF-8 text (a Latin-1 fragment pasted in).
            Err(_) => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                let replaced = text.matches('\u{FFFD}').count();
                warnings.push(format!(
                    "the input is not valid UTF-8: {replaced} invalid byte sequence(s) were replaced by U+FFFD; re-save the file as UTF-8 to keep those characters"
                ));
                text
            }
        }
    };
    if text.is_empty() {
        return Err(CleanError::Empty);
    }
    if crate::normalize::is_blank(&text) {
        return Err(CleanError::WhitespaceOnly);
    }
    Ok(Decoded { text, warnings })
}

/// Decodes `bytes` as `encoding`, with a warning: `why` with the
/// encoding's name in place of `{}`, and whether bytes were replaced.
fn decode_legacy(
    bytes: &[u8],
    encoding: &'static encoding_rs::Encoding,
    why: &str,
    warnings: &mut Vec<String>,
) -> String {
    let (text, _, had_errors) = encoding.decode(bytes);
    let mut warning = why.replacen("{}", encoding.name(), 1);
    if had_errors {
        warning.push_str(" (invalid bytes were replaced by U+FFFD)");
    }
    warnings.push(warning);
    text.into_owned()
}

/// Whether `bytes` hold a valid UTF-8 sequence of more than one byte.
fn has_utf8_beyond_ascii(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii())
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, CleanError> {
    let pairs = bytes.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err(CleanError::InvalidUtf16 {
            detail: "odd number of bytes".into(),
        });
    }
    let units = pairs.map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|e| CleanError::InvalidUtf16 {
            detail: format!("unpaired surrogate {:#06x}", e.unpaired_surrogate()),
        })
}

/// UTF-16 without a byte-order mark (what some Windows tools write),
/// told by where its NUL bytes fall: text is mostly characters below
/// U+0100, whose UTF-16 units have a zero high byte, so every other byte is
/// NUL — at odd offsets in little-endian, even ones in big-endian. Binary
/// files have NULs anywhere, including whole zero units, and are left to
/// [`reject_binary`]. Returns the text and the byte order's name.
fn bomless_utf16(bytes: &[u8]) -> Option<(String, &'static str)> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) || !bytes.contains(&0) {
        return None;
    }
    let sample = bytes.get(..bytes.len().min(4096))?;
    let (mut low, mut high) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        match (pair[0], pair[1]) {
            (0, 0) => return None,
            (_, 0) => low += 1,
            (0, _) => high += 1,
            _ => {}
        }
    }
    let units = sample.len() / 2;
    let (unit, order): (fn([u8; 2]) -> u16, _) = if low * 2 >= units && high * 10 <= low {
        (u16::from_le_bytes, "little-endian")
    } else if high * 2 >= units && low * 10 <= high {
        (u16::from_be_bytes, "big-endian")
    } else {
        return None;
    };
    let text = decode_utf16(bytes, unit).ok()?;
    // A zero unit past the sample is binary after all.
    (!text.contains('\0')).then_some((text, order))
}

fn reject_binary(bytes: &[u8]) -> Result<(), CleanError> {
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Err(CleanError::Binary {
            what: (*what).to_owned(),
        });
    }
    // Text never contains NUL; UTF-16 without a BOM and binaries do.
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(CleanError::Binary {
            what: format!("a NUL byte at offset {offset}"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_stripped() {
        let decoded = decode(b"\xEF\xBB\xBFHello").unwrap();
        assert_eq!(decoded.text, "Hello");
        assert!(decoded.warnings.is_empty());
    }

    #[test]
    fn utf16_with_bom_decodes() {
        let le: Vec<u8> = b"\xFF\xFE"
            .iter()
            .copied()
            .chain("Grüß".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = b"\xFE\xFF"
            .iter()
            .copied()
            .chain("Grüß".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&le).unwrap().text, "Grüß");
        assert_eq!(decode(&be).unwrap().text, "Grüß");
    }

    #[test]
    fn utf16_without_bom_is_told_by_its_nul_bytes() {
        let text = "Ferry returns to the river, café reopens.\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, order) in [(le, "little-endian"), (be, "big-endian")] {
            let decoded = decode(&bytes).unwrap();
            assert_eq!(decoded.text, text);
            assert!(
                decoded.warnings[0].contains(order),
                "{:?}",
                decoded.warnings
            );
        }
        // Zero units and stray NULs are binary, not UTF-16.
        assert!(matches!(
            decode(b"ab\0\0cd\0\0"),
            Err(CleanError::Binary { .. })
        ));
        assert!(matches!(
            decode(b"text\0more!"),
            Err(CleanError::Binary { .. })
        ));
    }

    #[test]
    fn odd_utf16_is_refused() {
        assert!(matches!(
            decode(b"\xFF\xFEa\x00b"),
            Err(CleanError::InvalidUtf16 { .. })
        ));
    }

    #[test]
    fn invalid_bytes_in_utf8_text_are_lossy_with_warning() {
        let decoded = decode(
            "Caf\u{e9} au lait, th\u{e9} "
                .bytes()
                .chain(*b"glac\xE9")
                .collect::<Vec<u8>>()
                .as_slice(),
        )
        .unwrap();
        assert_eq!(decoded.text, "Caf\u{e9} au lait, th\u{e9} glac\u{FFFD}");
        assert_eq!(decoded.warnings.len(), 1);
        assert!(decoded.warnings[0].contains("1 invalid"));
    }

    #[test]
    fn an_undeclared_legacy_encoding_is_guessed_with_warning() {
        // German in windows-1252, and Russian in windows-1251.
        let decoded = decode(
            b"Die Stra\xDFe am Hafen wird im M\xE4rz f\xFCr den Verkehr gesperrt, sagte die Stadt.",
        )
        .unwrap();
        assert_eq!(
            decoded.text,
            "Die Stra\u{df}e am Hafen wird im M\u{e4}rz f\u{fc}r den Verkehr gesperrt, sagte die Stadt."
        );
        assert!(
            decoded.warnings[0].contains("windows-1252"),
            "{:?}",
            decoded.warnings
        );
        let russian = encoding_rs::WINDOWS_1251
            .encode("Паром снова ходит по вечерам, сообщил город.")
            .0;
        let decoded = decode(&russian).unwrap();
        assert_eq!(decoded.text, "Паром снова ходит по вечерам, сообщил город.");
        assert!(
            decoded.warnings[0].contains("windows-1251"),
            "{:?}",
            decoded.warnings
        );
    }

    #[test]
    fn binary_is_refused_with_what_it_is() {
        let err = decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err();
        assert!(err.to_string().contains("PNG image"), "{err}");
        let err = decode(b"text\0more").unwrap_err();
        assert!(err.to_string().contains("offset 4"), "{err}");
    }

    #[test]
    fn empty_and_blank_are_refused() {
        assert!(matches!(decode(b""), Err(CleanError::Empty)));
        assert!(matches!(decode(b"\xEF\xBB\xBF"), Err(CleanError::Empty)));
        assert!(matches!(
            decode(" \n\t\u{a0}\u{200b}".as_bytes()),
            Err(CleanError::WhitespaceOnly)
        ));
    }
}

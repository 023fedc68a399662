//! Reading a file within the size limit and decoding its text.
//!
//! Decoding order (the first that applies wins):
//!
//! 1. UTF-8 byte-order mark → UTF-8 (must then be valid UTF-8);
//! 2. UTF-16 LE or BE byte-order mark → UTF-16 (must be well-formed);
//! 3. valid UTF-8 → UTF-8;
//! 4. otherwise GB18030, the superset of GBK and GB2312 that Chinese Excel and CRM systems write
//!    when they say "ANSI". A malformed GB18030 sequence is an error, never a replacement
//!    character: a silently garbled name is worse than a rejected file.
//!
//! Text containing NUL characters is rejected: it is almost always UTF-16 saved without a
//! byte-order mark, which we cannot tell apart from other encodings with certainty.

use crate::error::ImportError;
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use std::io::Read;
use std::path::Path;

/// Largest file the importer reads: 200 MiB.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// Reads the whole file, refusing files over [`MAX_FILE_BYTES`].
pub(crate) fn read_limited(path: &Path) -> Result<Vec<u8>, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(too_large(path));
    }
    // The file may grow between the size check and the read; `take` keeps the bound.
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(path));
    }
    Ok(bytes)
}

pub(crate) fn too_large(path: &Path) -> ImportError {
    ImportError::TooLarge {
        path: path.to_path_buf(),
        limit_bytes: MAX_FILE_BYTES,
    }
}

/// Decodes a text file's bytes as described in the module documentation. The result never
/// starts with a byte-order mark.
pub(crate) fn decode_text(bytes: &[u8], path: &Path) -> Result<String, ImportError> {
    let encoding_error = |reason: &str| ImportError::Encoding {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        std::str::from_utf8(rest)
            .map_err(|_| {
                encoding_error(
                    "the file starts with a UTF-8 byte-order mark but is not valid UTF-8",
                )
            })?
            .to_string()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        UTF_16LE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or_else(|| {
                encoding_error(
                    "the file starts with a UTF-16 LE byte-order mark but is not valid UTF-16",
                )
            })?
            .into_owned()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        UTF_16BE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or_else(|| {
                encoding_error(
                    "the file starts with a UTF-16 BE byte-order mark but is not valid UTF-16",
                )
            })?
            .into_owned()
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or_else(|| {
                encoding_error(
                    "the text is neither UTF-8 nor GB18030/GBK; save it as \"CSV UTF-8\" and import again",
                )
            })?
            .into_owned()
    };
    if text.contains('\0') {
        return Err(encoding_error(
            "the text contains NUL characters (UTF-16 without a byte-order mark?); save it as \"CSV UTF-8\" and import again",
        ));
    }
    Ok(text)
}

/// Converts CRLF and lone CR line endings to LF.
pub(crate) fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Result<String, ImportError> {
        decode_text(bytes, Path::new("x.csv"))
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("姓名".as_bytes()).unwrap(), "姓名");
        assert_eq!(decode(b"\xEF\xBB\xBFabc").unwrap(), "abc");
        assert!(matches!(
            decode(b"\xEF\xBB\xBF\xFF"),
            Err(ImportError::Encoding { .. })
        ));
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("姓名,a".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).unwrap(), "姓名,a");
        let mut be = vec![0xFE, 0xFF];
        be.extend("姓名,a".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).unwrap(), "姓名,a");
        // An odd number of bytes cannot be UTF-16.
        assert!(matches!(
            decode(&le[..le.len() - 1]),
            Err(ImportError::Encoding { .. })
        ));
    }

    #[test]
    fn gbk_and_gb18030() {
        let (bytes, _, unmappable) = GB18030.encode("客户编号,姓名");
        assert!(!unmappable);
        assert_eq!(decode(&bytes).unwrap(), "客户编号,姓名");
        // 0xFF is not a valid GB18030 lead byte.
        assert!(matches!(
            decode(b"abc\xFF\xFFdef"),
            Err(ImportError::Encoding { .. })
        ));
    }

    #[test]
    fn nul_characters_are_rejected() {
        // UTF-16 LE without a byte-order mark is valid UTF-8 full of NULs.
        assert!(matches!(
            decode(b"a\0b\0"),
            Err(ImportError::Encoding { .. })
        ));
    }

    #[test]
    fn newlines() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
    }
}

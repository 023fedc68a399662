//! Finding and checking the CJK font embedded in the PDF.
//!
//! Discovery order ([`PdfFont::discover`]):
//!
//! 1. `$COPILOT_PDF_FONT`: a `.ttf`, `.otf` or `.ttc` file, optionally `path#index` for a face of a
//!    collection. When set it is used or its error is returned — never silently skipped.
//! 2. Debian/Ubuntu `fonts-noto-cjk` (`/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc`),
//!    then the same font where Fedora and Arch put it, then Noto Serif CJK and WenQuanYi Micro Hei.
//! 3. Windows (`%WINDIR%\Fonts\msyh.ttc` Microsoft YaHei, `simsun.ttc`), macOS
//!    (`PingFang.ttc`, `STHeiti Medium.ttc`, `Songti.ttc`, `Arial Unicode.ttf`).
//!
//! In a collection without an explicit index, the first face whose family name ends in ` SC`
//! (Simplified Chinese, e.g. "Noto Sans CJK SC", "PingFang SC") is taken, else the first face
//! with Chinese glyphs. Nothing falls back to a font without CJK glyphs: a font that lacks a glyph
//! for any character of the document is refused at render time, naming the character.

use crate::error::{ExportError, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Environment variable naming the PDF font (`path` or `path#index`).
pub const FONT_ENV: &str = "COPILOT_PDF_FONT";

/// A font file (or one face of a collection) for the PDF. Cheap to clone.
#[derive(Clone)]
pub struct PdfFont {
    data: Arc<Vec<u8>>,
    /// The same bytes, parsed by the PDF writer (cheap to clone).
    krilla: krilla::text::Font,
    index: u32,
    path: PathBuf,
    family: String,
}

impl std::fmt::Debug for PdfFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFont")
            .field("path", &self.path)
            .field("index", &self.index)
            .field("family", &self.family)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// Standard locations, in order (see the module docs).
fn candidates() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let windir = std::env::var_os("WINDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(r"C:\Windows"));
    v.push(windir.join("Fonts").join("msyh.ttc"));
    v.push(windir.join("Fonts").join("simsun.ttc"));
    v.extend(
        [
            "/System/Library/Fonts/PingFang.ttc",
            "/System/Library/Fonts/STHeiti Medium.ttc",
            "/System/Library/Fonts/Supplemental/Songti.ttc",
            "/Library/Fonts/Arial Unicode.ttf",
        ]
        .iter()
        .map(PathBuf::from),
    );
    v
}

impl PdfFont {
    /// Finds a CJK font: `$COPILOT_PDF_FONT`, else the standard locations of the module docs.
    ///
    /// Errors: [`ExportError::FontUnreadable`] if the variable names an unusable file,
    /// [`ExportError::FontNotFound`] listing everything searched if no location has a usable font.
    pub fn discover() -> Result<PdfFont> {
        if let Some(spec) = std::env::var_os(FONT_ENV).filter(|s| !s.is_empty()) {
            let (path, index) = parse_spec(&spec.to_string_lossy())?;
            return PdfFont::from_file(&path, index);
        }
        let mut searched = vec![format!("${FONT_ENV} (unset)")];
        for path in candidates() {
            if path.is_file() {
                match PdfFont::from_file(&path, None) {
                    Ok(font) => return Ok(font),
                    Err(e) => searched.push(format!("{} ({e})", path.display())),
                }
            } else {
                searched.push(path.display().to_string());
            }
        }
        Err(ExportError::FontNotFound { searched })
    }

    /// Loads a font file; `index` picks a face of a collection (`None`: see the module docs).
    pub fn from_file(path: &Path, index: Option<u32>) -> Result<PdfFont> {
        let data = std::fs::read(path).map_err(|e| ExportError::FontUnreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        PdfFont::from_bytes(data, index, path)
    }

    /// A font from bytes; `origin` names it in messages.
    pub fn from_bytes(data: Vec<u8>, index: Option<u32>, origin: &Path) -> Result<PdfFont> {
        let unreadable = |reason: String| ExportError::FontUnreadable {
            path: origin.to_path_buf(),
            reason,
        };
        let faces = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        let index = match index {
            Some(i) if i >= faces => {
                return Err(unreadable(format!(
                    "face index {i} out of range (the file has {faces})"
                )))
            }
            Some(i) => i,
            None => choose_face(&data, faces)
                .ok_or_else(|| unreadable("no face with Chinese glyphs".into()))?,
        };
        let face = ttf_parser::Face::parse(&data, index)
            .map_err(|e| unreadable(format!("face {index}: {e}")))?;
        let family = family_name(&face).unwrap_or_else(|| "unnamed".into());
        let data = Arc::new(data);
        let krilla = krilla::text::Font::new(data.clone().into(), index)
            .ok_or_else(|| unreadable(format!("face {index} not usable by the PDF writer")))?;
        Ok(PdfFont {
            data,
            krilla,
            index,
            path: origin.to_path_buf(),
            family,
        })
    }

    /// The file it came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Face index within a collection (0 for a single font).
    pub fn index(&self) -> u32 {
        self.index
    }

    /// Family name, e.g. `Noto Sans CJK SC`.
    pub fn family(&self) -> &str {
        &self.family
    }

    pub(crate) fn krilla(&self) -> &krilla::text::Font {
        &self.krilla
    }

    pub(crate) fn face(&self) -> Result<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(&self.data, self.index).map_err(|e| ExportError::FontUnreadable {
            path: self.path.clone(),
            reason: e.to_string(),
        })
    }

    /// `Noto Sans CJK SC #2`, for messages.
    pub(crate) fn describe(&self) -> String {
        format!("{} #{} ({})", self.family, self.index, self.path.display())
    }
}

/// `path` or `path#index`.
fn parse_spec(spec: &str) -> Result<(PathBuf, Option<u32>)> {
    if let Some((path, index)) = spec.rsplit_once('#') {
        if let Ok(i) = index.trim().parse::<u32>() {
            return Ok((PathBuf::from(path), Some(i)));
        }
        if !Path::new(spec).exists() {
            return Err(ExportError::FontUnreadable {
                path: PathBuf::from(spec),
                reason: format!("{FONT_ENV}: {index:?} is not a face index (path#index)"),
            });
        }
    }
    Ok((PathBuf::from(spec), None))
}

fn family_name(face: &ttf_parser::Face<'_>) -> Option<String> {
    use ttf_parser::name_id::{FAMILY, TYPOGRAPHIC_FAMILY};
    let names: Vec<_> = face.names().into_iter().collect();
    [TYPOGRAPHIC_FAMILY, FAMILY].iter().find_map(|&id| {
        names
            .iter()
            .filter(|n| n.name_id == id && n.is_unicode())
            // Prefer the English name (language id 0x0409) when the font has several.
            .min_by_key(|n| n.language_id != 0x0409)
            .and_then(|n| n.to_string())
    })
}

fn has_chinese(face: &ttf_parser::Face<'_>) -> bool {
    "中文简体".chars().all(|c| face.glyph_index(c).is_some())
}

/// The face to use in a collection: the first ` SC` family with Chinese glyphs, else the first
/// face with Chinese glyphs.
fn choose_face(data: &[u8], faces: u32) -> Option<u32> {
    let usable: Vec<(u32, String)> = (0..faces)
        .filter_map(|i| {
            let face = ttf_parser::Face::parse(data, i).ok()?;
            has_chinese(&face).then(|| (i, family_name(&face).unwrap_or_default()))
        })
        .collect();
    usable
        .iter()
        .find(|(_, family)| family.ends_with(" SC"))
        .or_else(|| usable.first())
        .map(|(i, _)| *i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_with_and_without_index() {
        assert_eq!(
            parse_spec("/x/NotoSansCJK.ttc#2").unwrap(),
            (PathBuf::from("/x/NotoSansCJK.ttc"), Some(2))
        );
        assert_eq!(
            parse_spec("/x/font.otf").unwrap(),
            (PathBuf::from("/x/font.otf"), None)
        );
        assert!(parse_spec("/nowhere/font.ttc#two").is_err());
    }

    #[test]
    fn missing_file_is_named() {
        let e = PdfFont::from_file(Path::new("/nowhere/font.ttc"), None).unwrap_err();
        assert!(e.to_string().contains("/nowhere/font.ttc"), "{e}");
    }
}

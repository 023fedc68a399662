//! GGUF header and metadata validation, done with bounds checks before candle
//! reads the file.
//!
//! Format: <https://github.com/ggml-org/ggml/blob/master/docs/gguf.md>.
//!
//! Guarantees of [`inspect_gguf`]:
//! - it never panics on any input, and reads the file front to back once;
//! - it never allocates in proportion to a count or length the file claims
//!   before checking that the remaining bytes can hold it: the only buffers it
//!   keeps are a few short strings (architecture, name, tokenizer names, at
//!   most [`MAX_KEPT_STRING`] bytes each), the metadata keys and one entry per
//!   tensor actually read;
//! - a claim beyond a fixed sanity cap (more than 2^20 tensors or metadata
//!   entries, strings or arrays over 2^30 bytes or elements, tensor
//!   element counts over 2^62) is [`LlmError::MalformedGguf`]; a claim within
//!   the caps that runs past the end of the file is [`LlmError::Truncated`];
//! - `general.alignment` must be a non-zero power of two stored as UINT32
//!   (as the specification says), every tensor offset must be aligned to it,
//!   and every tensor's data must lie inside the file without overlapping another.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

use crate::error::{LlmError, Result};

/// Largest tensor or metadata count accepted in the header (2^20). Real models
/// have a few hundred to a few thousand tensors and a few dozen metadata entries.
pub const MAX_COUNT: u64 = 1 << 20;
/// Largest string length accepted, in bytes (2^30, as in ggml's `gguf.cpp`).
pub const MAX_STRING_LEN: u64 = 1 << 30;
/// Largest array length accepted, in elements (2^30, as in ggml's `gguf.cpp`).
pub const MAX_ARRAY_LEN: u64 = 1 << 30;
/// Largest metadata key or tensor name accepted, in bytes.
pub const MAX_NAME_LEN: u64 = 1 << 16;
/// Longest string value this inspector keeps in memory (architecture, name,
/// tokenizer model and pre-tokenizer names), in bytes. Longer values of those
/// keys are rejected as malformed.
pub const MAX_KEPT_STRING: u64 = 4096;
/// Largest number of elements accepted in one tensor (2^62).
const MAX_TENSOR_ELEMENTS: u64 = 1 << 62;
/// The GGUF default when `general.alignment` is absent.
const DEFAULT_ALIGNMENT: u64 = 32;
/// ggml's `GGML_MAX_DIMS`.
const MAX_DIMS: u32 = 4;

/// What [`inspect_gguf`] learned about a GGUF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GgufSummary {
    /// GGUF format version (2 or 3).
    pub version: u32,
    /// Size of the file in bytes.
    pub file_size: u64,
    /// Number of tensors declared (and validated).
    pub tensor_count: u64,
    /// Number of metadata key/value pairs.
    pub metadata_count: u64,
    /// Alignment of the tensor data, in bytes (a power of two; 32 when absent).
    pub alignment: u64,
    /// Byte offset at which the tensor data section starts.
    pub tensor_data_offset: u64,
    /// `general.architecture`, e.g. `"llama"` or `"gemma3"`.
    pub architecture: String,
    /// `general.name`, if present.
    pub name: Option<String>,
    /// `<architecture>.context_length`: the context window the model was trained for, in tokens.
    pub context_length: Option<u64>,
    /// `general.file_type` (llama.cpp's `llama_ftype`), if present.
    pub file_type: Option<u32>,
    /// Human-readable quantization, e.g. `"Q4_1"` or `"Q4_K_M"`: from
    /// `general.file_type` when present and known, else the ggml type holding
    /// the most tensor bytes.
    pub quantization: String,
    /// `tokenizer.ggml.model`, e.g. `"gpt2"` (byte-level BPE) or `"llama"` (SentencePiece).
    pub tokenizer_model: Option<String>,
    /// `tokenizer.ggml.pre`, llama.cpp's pre-tokenizer name, e.g. `"smollm"`.
    pub tokenizer_pre: Option<String>,
    /// Number of entries in `tokenizer.ggml.tokens`.
    pub vocab_size: Option<u64>,
    /// Whether `tokenizer.chat_template` is present.
    pub has_chat_template: bool,
    /// Number of tensors per ggml type name (e.g. `"Q4_1" → 210`).
    pub tensor_types: BTreeMap<String, u64>,
}

/// Validates a GGUF file's header and metadata with bounds checks before candle
/// reads it (see the module documentation for the exact rules), and returns the
/// metadata needed to describe and load the model.
///
/// # Errors
/// [`LlmError::Io`] if the file cannot be read; [`LlmError::Truncated`] if it
/// ends before data its header declares; [`LlmError::MalformedGguf`] for a bad
/// magic, a version other than 2 or 3, absurd counts or lengths, invalid UTF-8
/// in keys, unknown value or tensor types, a zero or non-power-of-two alignment,
/// misaligned or overlapping tensors, or a missing `general.architecture`.
pub fn inspect_gguf(path: &Path) -> Result<GgufSummary> {
    let file = File::open(path).map_err(|e| LlmError::io(path, e))?;
    let file_size = file.metadata().map_err(|e| LlmError::io(path, e))?.len();
    inspect_reader(file, file_size, path)
}

/// Validates GGUF bytes from any seekable reader of known length. `path` is
/// only used in error values.
pub(crate) fn inspect_reader<R: Read + Seek>(
    reader: R,
    file_size: u64,
    path: &Path,
) -> Result<GgufSummary> {
    let mut p = Parser {
        reader: BufReader::with_capacity(64 * 1024, reader),
        pos: 0,
        len: file_size,
        path: path.to_path_buf(),
    };
    p.parse()
}

/// One ggml tensor type: name, elements per block, bytes per block.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GgmlType {
    pub(crate) name: &'static str,
    pub(crate) block_elements: u64,
    pub(crate) block_bytes: u64,
}

/// The ggml tensor types candle 0.11 can load, with their block layouts
/// (`ggml.c`'s `type_traits`).
pub(crate) fn ggml_type(id: u32) -> Option<GgmlType> {
    let (name, block_elements, block_bytes) = match id {
        0 => ("F32", 1, 4),
        1 => ("F16", 1, 2),
        2 => ("Q4_0", 32, 18),
        3 => ("Q4_1", 32, 20),
        6 => ("Q5_0", 32, 22),
        7 => ("Q5_1", 32, 24),
        8 => ("Q8_0", 32, 34),
        9 => ("Q8_1", 32, 36),
        10 => ("Q2_K", 256, 84),
        11 => ("Q3_K", 256, 110),
        12 => ("Q4_K", 256, 144),
        13 => ("Q5_K", 256, 176),
        14 => ("Q6_K", 256, 210),
        15 => ("Q8_K", 256, 292),
        30 => ("BF16", 1, 2),
        _ => return None,
    };
    Some(GgmlType {
        name,
        block_elements,
        block_bytes,
    })
}

/// llama.cpp's `llama_ftype` names (`llama_model_ftype_name`).
fn file_type_name(file_type: u32) -> Option<&'static str> {
    Some(match file_type {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K",
        11 => "Q3_K_S",
        12 => "Q3_K_M",
        13 => "Q3_K_L",
        14 => "Q4_K_S",
        15 => "Q4_K_M",
        16 => "Q5_K_S",
        17 => "Q5_K_M",
        18 => "Q6_K",
        21 => "Q2_K_S",
        32 => "BF16",
        _ => return None,
    })
}

// GGUF metadata value types.
const T_U8: u32 = 0;
const T_I8: u32 = 1;
const T_U16: u32 = 2;
const T_I16: u32 = 3;
const T_U32: u32 = 4;
const T_I32: u32 = 5;
const T_F32: u32 = 6;
const T_BOOL: u32 = 7;
const T_STRING: u32 = 8;
const T_ARRAY: u32 = 9;
const T_U64: u32 = 10;
const T_I64: u32 = 11;
const T_F64: u32 = 12;

/// On-disk size of a fixed-size value type; `None` for strings and arrays.
fn fixed_size(value_type: u32) -> Option<u64> {
    match value_type {
        T_U8 | T_I8 | T_BOOL => Some(1),
        T_U16 | T_I16 => Some(2),
        T_U32 | T_I32 | T_F32 => Some(4),
        T_U64 | T_I64 | T_F64 => Some(8),
        _ => None,
    }
}

/// A metadata value as far as the inspector keeps it.
enum Value {
    /// An unsigned integer (any width) and the type it was stored as.
    Unsigned(u64, u32),
    /// Anything else that is not kept: signed or float scalars, skipped strings.
    Other,
    /// A string that was kept.
    Str(String),
    /// An array: element type and length (elements skipped).
    Array { len: u64 },
}

struct Parser<R> {
    reader: BufReader<R>,
    pos: u64,
    len: u64,
    path: PathBuf,
}

impl<R: Read + Seek> Parser<R> {
    fn remaining(&self) -> u64 {
        self.len.saturating_sub(self.pos)
    }

    fn malformed(&self, reason: impl Into<String>) -> LlmError {
        LlmError::malformed(&self.path, reason)
    }

    /// Fails with `Truncated` unless `n` more bytes are in the file.
    fn need(&self, n: u64) -> Result<()> {
        if n > self.remaining() {
            return Err(LlmError::Truncated {
                path: self.path.clone(),
                offset: self.pos,
                needed: n,
                file_size: self.len,
            });
        }
        Ok(())
    }

    fn read_array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.need(N as u64)?;
        let mut buf = [0u8; N];
        self.reader
            .read_exact(&mut buf)
            .map_err(|e| LlmError::io(&self.path, e))?;
        self.pos += N as u64;
        Ok(buf)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.read_array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.read_array()?))
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.read_array()?))
    }

    fn skip(&mut self, n: u64) -> Result<()> {
        self.need(n)?;
        // `n <= remaining <= file size`, and a file size fits in i64.
        let step = i64::try_from(n).map_err(|_| self.malformed("skip too large"))?;
        self.reader
            .seek_relative(step)
            .map_err(|e| LlmError::io(&self.path, e))?;
        self.pos += n;
        Ok(())
    }

    /// Reads a string's length prefix and checks it against `cap` and the file.
    fn string_len(&mut self, what: &dyn Fn() -> String, cap: u64) -> Result<u64> {
        let at = self.pos;
        let n = self.u64()?;
        if n > cap {
            return Err(self.malformed(format!(
                "{} at offset {at} claims {n} bytes, more than the {cap} accepted",
                what()
            )));
        }
        self.need(n)?;
        Ok(n)
    }

    fn string(&mut self, what: &dyn Fn() -> String, cap: u64) -> Result<String> {
        let at = self.pos;
        let n = self.string_len(what, cap)?;
        // `n` is at most `cap` and within the file, so this allocation is bounded.
        let mut buf = vec![0u8; n as usize];
        self.reader
            .read_exact(&mut buf)
            .map_err(|e| LlmError::io(&self.path, e))?;
        self.pos += n;
        String::from_utf8(buf)
            .map_err(|_| self.malformed(format!("{} at offset {at} is not UTF-8", what())))
    }

    fn skip_string(&mut self, what: &dyn Fn() -> String) -> Result<()> {
        let n = self.string_len(what, MAX_STRING_LEN)?;
        self.skip(n)
    }

    /// Reads one metadata value of `value_type`; keeps strings only when `keep` is set.
    fn value(&mut self, key: &str, value_type: u32, keep: bool) -> Result<Value> {
        let what = || format!("metadata value `{key}`");
        match value_type {
            T_U8 => Ok(Value::Unsigned(u64::from(self.u8()?), T_U8)),
            T_U16 => Ok(Value::Unsigned(
                u64::from(u16::from_le_bytes(self.read_array()?)),
                T_U16,
            )),
            T_U32 => Ok(Value::Unsigned(u64::from(self.u32()?), T_U32)),
            T_U64 => Ok(Value::Unsigned(self.u64()?, T_U64)),
            T_I8 | T_I16 | T_I32 | T_I64 | T_F32 | T_F64 => {
                let size = fixed_size(value_type).unwrap_or(1);
                self.skip(size)?;
                Ok(Value::Other)
            }
            T_BOOL => {
                let at = self.pos;
                match self.u8()? {
                    0 | 1 => Ok(Value::Other),
                    b => Err(self.malformed(format!(
                        "boolean `{key}` at offset {at} has value {b}, expected 0 or 1"
                    ))),
                }
            }
            T_STRING if keep => Ok(Value::Str(self.string(&what, MAX_KEPT_STRING)?)),
            T_STRING => {
                self.skip_string(&what)?;
                Ok(Value::Other)
            }
            T_ARRAY => {
                let at = self.pos;
                let elem_type = self.u32()?;
                let len = self.u64()?;
                if len > MAX_ARRAY_LEN {
                    return Err(self.malformed(format!(
                        "array `{key}` at offset {at} claims {len} elements, more than the {MAX_ARRAY_LEN} accepted"
                    )));
                }
                match elem_type {
                    T_STRING => {
                        // Each string has at least its 8-byte length prefix.
                        self.need(len.saturating_mul(8))?;
                        for _ in 0..len {
                            self.skip_string(&|| format!("element of array `{key}`"))?;
                        }
                    }
                    T_ARRAY => {
                        return Err(self.malformed(format!(
                            "array `{key}` at offset {at} holds arrays; nested arrays are not supported"
                        )))
                    }
                    t => match fixed_size(t) {
                        Some(size) => {
                            let bytes = len.saturating_mul(size);
                            if t == T_BOOL {
                                self.need(bytes)?;
                            }
                            self.skip(bytes)?;
                        }
                        None => {
                            return Err(self.malformed(format!(
                                "array `{key}` at offset {at} has unknown element type {t}"
                            )))
                        }
                    },
                }
                Ok(Value::Array { len })
            }
            t => Err(self.malformed(format!(
                "metadata value `{key}` at offset {} has unknown type {t}",
                self.pos.saturating_sub(4)
            ))),
        }
    }

    fn parse(&mut self) -> Result<GgufSummary> {
        let magic: [u8; 4] = self.read_array()?;
        if &magic != b"GGUF" {
            return Err(self.malformed(format!(
                "bad magic {magic:02x?}, expected the bytes \"GGUF\""
            )));
        }
        let version = self.u32()?;
        if version != 2 && version != 3 {
            return Err(self.malformed(format!(
                "unsupported GGUF version {version}, expected 2 or 3"
            )));
        }
        let tensor_count = self.u64()?;
        let metadata_count = self.u64()?;
        if tensor_count > MAX_COUNT {
            return Err(self.malformed(format!(
                "header claims {tensor_count} tensors, more than the {MAX_COUNT} accepted"
            )));
        }
        if metadata_count > MAX_COUNT {
            return Err(self.malformed(format!(
                "header claims {metadata_count} metadata entries, more than the {MAX_COUNT} accepted"
            )));
        }
        // Smallest possible entries: a key/value pair is an 8-byte key length,
        // a 1-byte key, a 4-byte type and a 1-byte value; a tensor info is an
        // 8-byte name length, a 1-byte name, a 4-byte dimension count, one
        // 8-byte dimension, a 4-byte type and an 8-byte offset.
        let min_header = metadata_count
            .saturating_mul(14)
            .saturating_add(tensor_count.saturating_mul(33));
        self.need(min_header)?;

        let mut architecture: Option<String> = None;
        let mut name = None;
        let mut file_type = None;
        let mut alignment = DEFAULT_ALIGNMENT;
        let mut tokenizer_model = None;
        let mut tokenizer_pre = None;
        let mut vocab_size = None;
        let mut has_chat_template = false;
        // `<arch>.context_length` may come before `general.architecture` in
        // principle, so every `*.context_length` is kept (at most a handful).
        let mut context_lengths: Vec<(String, u64)> = Vec::new();
        let mut keys: HashSet<String> = HashSet::new();

        for index in 0..metadata_count {
            let key = self.string(&|| format!("metadata key #{index}"), MAX_NAME_LEN)?;
            let value_type = self.u32()?;
            let keep = matches!(
                key.as_str(),
                "general.architecture"
                    | "general.name"
                    | "tokenizer.ggml.model"
                    | "tokenizer.ggml.pre"
            );
            let value = self.value(&key, value_type, keep)?;
            match (key.as_str(), value) {
                ("general.architecture", Value::Str(s)) => architecture = Some(s),
                ("general.name", Value::Str(s)) => name = Some(s),
                ("tokenizer.ggml.model", Value::Str(s)) => tokenizer_model = Some(s),
                ("tokenizer.ggml.pre", Value::Str(s)) => tokenizer_pre = Some(s),
                ("tokenizer.ggml.tokens", Value::Array { len }) => vocab_size = Some(len),
                ("tokenizer.chat_template", _) => has_chat_template = true,
                ("general.file_type", Value::Unsigned(v, _)) => {
                    file_type = u32::try_from(v).ok();
                }
                ("general.alignment", Value::Unsigned(v, T_U32)) => {
                    if v == 0 || !v.is_power_of_two() {
                        return Err(self.malformed(format!(
                            "general.alignment is {v}; it must be a non-zero power of two"
                        )));
                    }
                    alignment = v;
                }
                ("general.alignment", _) => {
                    return Err(self.malformed(
                        "general.alignment must be stored as UINT32 (GGUF specification)",
                    ));
                }
                (k, Value::Unsigned(v, _))
                    if k.ends_with(".context_length") && context_lengths.len() < 16 =>
                {
                    context_lengths.push((k.to_string(), v));
                }
                (
                    "general.architecture"
                    | "general.name"
                    | "tokenizer.ggml.model"
                    | "tokenizer.ggml.pre",
                    _,
                ) => {
                    return Err(self.malformed(format!("metadata `{key}` must be a string")));
                }
                _ => {}
            }
            if !keys.insert(key.clone()) {
                return Err(self.malformed(format!("metadata key `{key}` appears twice")));
            }
        }

        let architecture =
            architecture.ok_or_else(|| self.malformed("metadata has no general.architecture"))?;
        let context_key = format!("{architecture}.context_length");
        let context_length = context_lengths
            .iter()
            .find(|(k, _)| *k == context_key)
            .map(|(_, v)| *v);

        struct Extent {
            start: u64,
            bytes: u64,
            index: u64,
        }
        let mut extents: Vec<Extent> = Vec::new();
        let mut names: HashSet<String> = HashSet::new();
        let mut tensor_types: BTreeMap<String, u64> = BTreeMap::new();
        let mut bytes_per_type: BTreeMap<&'static str, u64> = BTreeMap::new();
        for index in 0..tensor_count {
            let tensor_name = self.string(&|| format!("tensor name #{index}"), MAX_NAME_LEN)?;
            let at = self.pos;
            let n_dims = self.u32()?;
            if n_dims == 0 || n_dims > MAX_DIMS {
                return Err(self.malformed(format!(
                    "tensor `{tensor_name}` at offset {at} has {n_dims} dimensions, expected 1 to {MAX_DIMS}"
                )));
            }
            let mut elements: u64 = 1;
            let mut first_dim = 0;
            for d in 0..n_dims {
                let dim = self.u64()?;
                // An empty tensor has no place in a model and makes candle build a slice from a
                // dangling pointer (a panic in debug builds, undefined behaviour in release).
                if dim == 0 {
                    return Err(self.malformed(format!(
                        "tensor `{tensor_name}` has a zero-length dimension"
                    )));
                }
                if d == 0 {
                    first_dim = dim;
                }
                elements = elements
                    .checked_mul(dim)
                    .filter(|e| *e <= MAX_TENSOR_ELEMENTS)
                    .ok_or_else(|| {
                        self.malformed(format!(
                            "tensor `{tensor_name}` claims more than {MAX_TENSOR_ELEMENTS} elements"
                        ))
                    })?;
            }
            let type_id = self.u32()?;
            let ty = ggml_type(type_id).ok_or_else(|| {
                self.malformed(format!(
                    "tensor `{tensor_name}` has ggml type {type_id}, which this runtime cannot load"
                ))
            })?;
            if first_dim % ty.block_elements != 0 {
                return Err(self.malformed(format!(
                    "tensor `{tensor_name}` has a first dimension of {first_dim}, not a multiple of the {} block size {}",
                    ty.name, ty.block_elements
                )));
            }
            let bytes = (elements / ty.block_elements)
                .checked_mul(ty.block_bytes)
                .ok_or_else(|| self.malformed(format!("tensor `{tensor_name}` is too large")))?;
            let offset = self.u64()?;
            if offset % alignment != 0 {
                return Err(self.malformed(format!(
                    "tensor `{tensor_name}` data offset {offset} is not a multiple of the alignment {alignment}"
                )));
            }
            if !names.insert(tensor_name.clone()) {
                return Err(self.malformed(format!("tensor `{tensor_name}` appears twice")));
            }
            *tensor_types.entry(ty.name.to_string()).or_default() += 1;
            *bytes_per_type.entry(ty.name).or_default() += bytes;
            extents.push(Extent {
                start: offset,
                bytes,
                index,
            });
        }

        let tensor_data_offset = self
            .pos
            .checked_next_multiple_of(alignment)
            .ok_or_else(|| self.malformed("tensor data offset overflows"))?;
        extents.sort_by_key(|e| e.start);
        let mut previous_end = 0u64;
        for extent in &extents {
            let start = tensor_data_offset
                .checked_add(extent.start)
                .ok_or_else(|| self.malformed("tensor data offset overflows"))?;
            let end = start
                .checked_add(extent.bytes)
                .ok_or_else(|| self.malformed("tensor data end overflows"))?;
            if start < previous_end {
                return Err(self.malformed(format!(
                    "tensor #{} overlaps the tensor before it (starts at {start}, previous ends at {previous_end})",
                    extent.index
                )));
            }
            if end > self.len {
                return Err(LlmError::Truncated {
                    path: self.path.clone(),
                    offset: start,
                    needed: extent.bytes,
                    file_size: self.len,
                });
            }
            previous_end = end;
        }

        let quantization = file_type
            .and_then(file_type_name)
            .map(str::to_string)
            .or_else(|| {
                bytes_per_type
                    .iter()
                    .max_by_key(|(_, bytes)| **bytes)
                    .map(|(name, _)| name.to_string())
            })
            .unwrap_or_else(|| "unknown".to_string());

        Ok(GgufSummary {
            version,
            file_size: self.len,
            tensor_count,
            metadata_count,
            alignment,
            tensor_data_offset,
            architecture,
            name,
            context_length,
            file_type,
            quantization,
            tokenizer_model,
            tokenizer_pre,
            vocab_size,
            has_chat_template,
            tensor_types,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// Builds small GGUF files for the tests.
    #[derive(Default)]
    pub(crate) struct GgufBuilder {
        pub(crate) version: u32,
        pub(crate) metadata: Vec<(String, u32, Vec<u8>)>,
        pub(crate) tensors: Vec<(String, Vec<u64>, u32, u64)>,
        pub(crate) tensor_count_override: Option<u64>,
        pub(crate) metadata_count_override: Option<u64>,
        pub(crate) data_bytes: usize,
        pub(crate) alignment: u64,
    }

    fn string_bytes(s: &str) -> Vec<u8> {
        let mut v = (s.len() as u64).to_le_bytes().to_vec();
        v.extend_from_slice(s.as_bytes());
        v
    }

    impl GgufBuilder {
        pub(crate) fn new() -> Self {
            Self {
                version: 3,
                alignment: 32,
                ..Self::default()
            }
        }

        pub(crate) fn string(mut self, key: &str, value: &str) -> Self {
            self.metadata
                .push((key.to_string(), T_STRING, string_bytes(value)));
            self
        }

        pub(crate) fn u32(mut self, key: &str, value: u32) -> Self {
            self.metadata
                .push((key.to_string(), T_U32, value.to_le_bytes().to_vec()));
            self
        }

        pub(crate) fn raw(mut self, key: &str, value_type: u32, bytes: Vec<u8>) -> Self {
            self.metadata.push((key.to_string(), value_type, bytes));
            self
        }

        pub(crate) fn string_array(mut self, key: &str, values: &[&str]) -> Self {
            let mut v = T_STRING.to_le_bytes().to_vec();
            v.extend_from_slice(&(values.len() as u64).to_le_bytes());
            for s in values {
                v.extend_from_slice(&string_bytes(s));
            }
            self.metadata.push((key.to_string(), T_ARRAY, v));
            self
        }

        pub(crate) fn tensor(mut self, name: &str, dims: &[u64], ty: u32, offset: u64) -> Self {
            self.tensors
                .push((name.to_string(), dims.to_vec(), ty, offset));
            self
        }

        pub(crate) fn build(&self) -> Vec<u8> {
            let mut out = b"GGUF".to_vec();
            out.extend_from_slice(&self.version.to_le_bytes());
            let tc = self
                .tensor_count_override
                .unwrap_or(self.tensors.len() as u64);
            let mc = self
                .metadata_count_override
                .unwrap_or(self.metadata.len() as u64);
            out.extend_from_slice(&tc.to_le_bytes());
            out.extend_from_slice(&mc.to_le_bytes());
            for (key, ty, bytes) in &self.metadata {
                out.extend_from_slice(&string_bytes(key));
                out.extend_from_slice(&ty.to_le_bytes());
                out.extend_from_slice(bytes);
            }
            for (name, dims, ty, offset) in &self.tensors {
                out.extend_from_slice(&string_bytes(name));
                out.extend_from_slice(&(dims.len() as u32).to_le_bytes());
                for d in dims {
                    out.extend_from_slice(&d.to_le_bytes());
                }
                out.extend_from_slice(&ty.to_le_bytes());
                out.extend_from_slice(&offset.to_le_bytes());
            }
            while !(out.len() as u64).is_multiple_of(self.alignment) {
                out.push(0);
            }
            out.extend(std::iter::repeat_n(0u8, self.data_bytes));
            out
        }
    }

    /// A small valid file: two F32 tensors of 8 elements (32 bytes each).
    fn valid() -> GgufBuilder {
        let mut b = GgufBuilder::new()
            .string("general.architecture", "llama")
            .string("general.name", "tiny")
            .u32("llama.context_length", 128)
            .u32("general.file_type", 0)
            .u32("general.alignment", 32)
            .string("tokenizer.ggml.model", "gpt2")
            .string_array("tokenizer.ggml.tokens", &["a", "b", "<|im_end|>"])
            .tensor("a.weight", &[8], 0, 0)
            .tensor("b.weight", &[4, 2], 0, 32);
        b.data_bytes = 64;
        b
    }

    fn inspect(bytes: &[u8]) -> Result<GgufSummary> {
        inspect_reader(
            Cursor::new(bytes.to_vec()),
            bytes.len() as u64,
            Path::new("test.gguf"),
        )
    }

    #[test]
    fn valid_file_is_summarised() {
        let s = inspect(&valid().build()).expect("valid file");
        assert_eq!(s.architecture, "llama");
        assert_eq!(s.name.as_deref(), Some("tiny"));
        assert_eq!(s.context_length, Some(128));
        assert_eq!(s.quantization, "F32");
        assert_eq!(s.tokenizer_model.as_deref(), Some("gpt2"));
        assert_eq!(s.vocab_size, Some(3));
        assert_eq!(s.tensor_count, 2);
        assert_eq!(s.tensor_types.get("F32"), Some(&2));
        assert_eq!(s.tensor_data_offset % 32, 0);
    }

    #[test]
    fn bad_magic_is_malformed() {
        let mut bytes = valid().build();
        bytes[0] = b'X';
        assert!(matches!(
            inspect(&bytes),
            Err(LlmError::MalformedGguf { .. })
        ));
    }

    #[test]
    fn unsupported_version_is_malformed() {
        let mut b = valid();
        b.version = 1;
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
        b.version = 4;
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
    }

    #[test]
    fn empty_and_tiny_files_are_truncated() {
        assert!(matches!(inspect(b""), Err(LlmError::Truncated { .. })));
        assert!(matches!(inspect(b"GGUF"), Err(LlmError::Truncated { .. })));
        assert!(matches!(
            inspect(b"GGUF\x03\0\0\0"),
            Err(LlmError::Truncated { .. })
        ));
    }

    #[test]
    fn absurd_tensor_count_is_malformed() {
        let mut b = valid();
        b.tensor_count_override = Some(1 << 60);
        match inspect(&b.build()) {
            Err(LlmError::MalformedGguf { reason, .. }) => assert!(reason.contains("tensors")),
            other => panic!("expected MalformedGguf, got {other:?}"),
        }
        b.tensor_count_override = Some(u64::MAX);
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
    }

    #[test]
    fn plausible_counts_beyond_the_file_are_truncated() {
        let mut b = valid();
        b.tensor_count_override = Some(10_000);
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::Truncated { .. })
        ));
        let mut b = valid();
        b.metadata_count_override = Some(1 << 19);
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::Truncated { .. })
        ));
    }

    #[test]
    fn absurd_metadata_count_is_malformed() {
        let mut b = valid();
        b.metadata_count_override = Some(1 << 40);
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
    }

    #[test]
    fn absurd_string_length_is_malformed() {
        let mut value = (1u64 << 62).to_le_bytes().to_vec();
        value.extend_from_slice(b"abc");
        let b = GgufBuilder::new()
            .string("general.architecture", "llama")
            .raw("general.description", T_STRING, value);
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
        // An absurd key length, too.
        let mut bytes = b"GGUF".to_vec();
        bytes.extend_from_slice(&3u32.to_le_bytes());
        bytes.extend_from_slice(&0u64.to_le_bytes());
        bytes.extend_from_slice(&1u64.to_le_bytes());
        bytes.extend_from_slice(&u64::MAX.to_le_bytes());
        bytes.extend_from_slice(&[0u8; 32]);
        assert!(matches!(
            inspect(&bytes),
            Err(LlmError::MalformedGguf { .. })
        ));
    }

    #[test]
    fn string_past_the_end_is_truncated() {
        let mut value = 1000u64.to_le_bytes().to_vec();
        value.extend_from_slice(b"abc");
        let b = GgufBuilder::new()
            .string("general.architecture", "llama")
            .raw("general.description", T_STRING, value);
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::Truncated { .. })
        ));
    }

    #[test]
    fn absurd_array_length_is_malformed() {
        let mut value = T_U32.to_le_bytes().to_vec();
        value.extend_from_slice(&(1u64 << 61).to_le_bytes());
        let b = GgufBuilder::new()
            .string("general.architecture", "llama")
            .raw("tokenizer.ggml.scores", T_ARRAY, value);
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
        // Within the cap but beyond the file: truncated, and nothing allocated.
        let mut value = T_STRING.to_le_bytes().to_vec();
        value.extend_from_slice(&(1u64 << 29).to_le_bytes());
        let b = GgufBuilder::new()
            .string("general.architecture", "llama")
            .raw("tokenizer.ggml.tokens", T_ARRAY, value);
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::Truncated { .. })
        ));
    }

    #[test]
    fn nested_arrays_and_unknown_types_are_malformed() {
        let mut value = T_ARRAY.to_le_bytes().to_vec();
        value.extend_from_slice(&1u64.to_le_bytes());
        let b = GgufBuilder::new()
            .string("general.architecture", "llama")
            .raw("x", T_ARRAY, value);
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
        let b = GgufBuilder::new()
            .string("general.architecture", "llama")
            .raw("x", 99, vec![0; 8]);
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
        let b = GgufBuilder::new()
            .string("general.architecture", "llama")
            .raw("x", T_BOOL, vec![7]);
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
    }

    #[test]
    fn zero_and_odd_alignment_are_malformed() {
        for bad in [0u32, 3, 48] {
            let b = GgufBuilder::new()
                .string("general.architecture", "llama")
                .u32("general.alignment", bad);
            match inspect(&b.build()) {
                Err(LlmError::MalformedGguf { reason, .. }) => {
                    assert!(reason.contains("alignment"), "{reason}")
                }
                other => panic!("alignment {bad}: expected MalformedGguf, got {other:?}"),
            }
        }
        let b = GgufBuilder::new()
            .string("general.architecture", "llama")
            .raw("general.alignment", T_U64, 32u64.to_le_bytes().to_vec());
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
    }

    #[test]
    fn tensor_problems_are_typed() {
        // Data past the end of the file.
        let mut b = valid();
        b.data_bytes = 40;
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::Truncated { .. })
        ));
        // Misaligned offset.
        let mut b = valid().tensor("c.weight", &[8], 0, 70);
        b.data_bytes = 128;
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
        // Overlap.
        let mut b = valid().tensor("c.weight", &[16], 0, 32);
        b.data_bytes = 128;
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
        // Unknown ggml type, too many dims, element count overflow, bad block multiple, empty dimension.
        for (dims, ty) in [
            (vec![32u64, 0], 0u32),
            (vec![8u64], 77u32),
            (vec![1, 1, 1, 1, 1], 0),
            (vec![u64::MAX, 4], 0),
            (vec![1 << 40, 1 << 30], 0),
            (vec![8], 2),
        ] {
            let mut b = valid().tensor("c.weight", &dims, ty, 64);
            b.data_bytes = 128;
            assert!(
                matches!(inspect(&b.build()), Err(LlmError::MalformedGguf { .. })),
                "dims {dims:?} type {ty}"
            );
        }
        // Duplicate names.
        let mut b = valid().tensor("a.weight", &[8], 0, 64);
        b.data_bytes = 128;
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
    }

    #[test]
    fn missing_architecture_is_malformed() {
        let b = GgufBuilder::new().string("general.name", "x");
        assert!(matches!(
            inspect(&b.build()),
            Err(LlmError::MalformedGguf { .. })
        ));
    }

    #[test]
    fn every_truncation_of_a_valid_file_is_a_typed_error() {
        let bytes = valid().build();
        for len in 0..bytes.len() {
            match inspect(&bytes[..len]) {
                Err(LlmError::Truncated { .. }) | Err(LlmError::MalformedGguf { .. }) => {}
                other => panic!("truncated to {len} bytes: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn random_corruptions_never_panic() {
        // A fixed-seed xorshift: flip bytes and cut lengths at random.
        let bytes = valid().build();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..5000 {
            let mut corrupt = bytes.clone();
            for _ in 0..(next() % 4 + 1) {
                let i = (next() % corrupt.len() as u64) as usize;
                corrupt[i] = next() as u8;
            }
            let cut = (next() % (corrupt.len() as u64 + 1)) as usize;
            let _ = inspect(&corrupt[..cut]);
        }
    }
}

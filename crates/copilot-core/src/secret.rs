//! Types that hold secrets or personal data.
//!
//! Guarantees: `Debug` never prints the content (logs and error messages carry ids only), and the
//! memory is zeroed on drop. Serialisation of [`Sensitive`] is transparent, because the only place it
//! is serialised to is the encrypted store.

use serde::{Deserialize, Serialize};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The 32-byte SQLCipher database key. Produced only by the vault crate, consumed only by the
/// store's open path; it never leaves memory unwrapped.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct DatabaseKey([u8; 32]);

impl DatabaseKey {
    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        DatabaseKey(bytes)
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DatabaseKey(<redacted>)")
    }
}

/// A piece of personal data (a name, an ID number, a phone number, note text).
///
/// `Debug` and `Display` are redacted; read the value with [`Sensitive::expose`] where it is
/// really needed (rendering the memo, the encrypted store).
#[derive(
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Zeroize,
    ZeroizeOnDrop,
)]
#[serde(transparent)]
pub struct Sensitive(String);

impl Sensitive {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Sensitive(value.into())
    }

    /// The value itself. Call sites are the audit surface for personal data.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sensitive(<{} chars redacted>)", self.0.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Sensitive::new("王晓明");
        assert!(!format!("{s:?}").contains("王晓明"));
        let k = DatabaseKey::from_bytes([7; 32]);
        assert_eq!(format!("{k:?}"), "DatabaseKey(<redacted>)");
    }
}

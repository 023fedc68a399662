//! Sealing a user's keys under their password (real Argon2id at production parameters).

use copilot_bundle::{
    fingerprint, BundleError, SealedKeys, UserKeys, KDF_M_COST_KIB, KDF_P_COST, KDF_T_COST,
    MIN_PASSWORD_CHARS, SEALED_KEYS_FORMAT,
};
use std::time::Instant;

const PASSWORD: &str = "correct horse battery 电池";

#[test]
fn seal_unseal_round_trip_and_wrong_password() {
    let keys = UserKeys::generate();
    let sealed = keys.seal(PASSWORD).unwrap();
    assert_eq!(sealed.format, SEALED_KEYS_FORMAT);
    assert_eq!(sealed.signing_key, keys.signing_key_hex());
    assert_eq!(sealed.age_recipient, keys.age_recipient());
    assert_eq!(
        (sealed.kdf.m_cost_kib, sealed.kdf.t_cost, sealed.kdf.p_cost),
        (KDF_M_COST_KIB, KDF_T_COST, KDF_P_COST)
    );
    assert_eq!(sealed.fingerprint().unwrap(), keys.fingerprint());

    // Through JSON, as in the store.
    let json = serde_json::to_string(&sealed).unwrap();
    assert!(!json.contains("AGE-SECRET-KEY"));
    let back: SealedKeys = serde_json::from_str(&json).unwrap();
    let t = Instant::now();
    let opened = back.unseal(PASSWORD).unwrap();
    eprintln!(
        "unseal (Argon2id m={} KiB t={} p={}): {} ms",
        KDF_M_COST_KIB,
        KDF_T_COST,
        KDF_P_COST,
        t.elapsed().as_millis()
    );
    assert_eq!(opened.signing_key_hex(), keys.signing_key_hex());
    assert_eq!(opened.age_recipient(), keys.age_recipient());

    assert!(matches!(
        back.unseal("correct horse battery 电氵"),
        Err(BundleError::WrongPassword)
    ));
    // Two seals of the same keys differ (random salt and nonce).
    let again = keys.seal(PASSWORD).unwrap();
    assert_ne!(again.kdf.salt, sealed.kdf.salt);
    assert_ne!(again.ciphertext, sealed.ciphertext);
}

#[test]
fn short_passwords_are_refused() {
    let keys = UserKeys::generate();
    let short: String = "密".repeat(MIN_PASSWORD_CHARS - 1); // 33 bytes, 11 characters
    assert!(matches!(
        keys.seal(&short),
        Err(BundleError::WeakPassword { min: 12 })
    ));
    assert!(keys.seal(&"密".repeat(MIN_PASSWORD_CHARS)).is_ok());
}

#[test]
fn altered_sealed_records_are_refused() {
    let keys = UserKeys::generate();
    let other = UserKeys::generate();
    let sealed = keys.seal(PASSWORD).unwrap();

    // Public keys are bound as associated data: swapping them in the store is caught.
    let mut swapped = sealed.clone();
    swapped.signing_key = other.signing_key_hex();
    assert!(matches!(
        swapped.unseal(PASSWORD),
        Err(BundleError::WrongPassword)
    ));
    let mut swapped = sealed.clone();
    swapped.age_recipient = other.age_recipient();
    assert!(matches!(
        swapped.unseal(PASSWORD),
        Err(BundleError::WrongPassword)
    ));

    // A flipped ciphertext byte.
    let mut flipped = sealed.clone();
    let mut ct = hex::decode(&flipped.ciphertext).unwrap();
    ct[5] ^= 1;
    flipped.ciphertext = hex::encode(ct);
    assert!(matches!(
        flipped.unseal(PASSWORD),
        Err(BundleError::WrongPassword)
    ));

    // KDF parameters weakened or inflated: refused before deriving.
    for (m, t, p) in [
        (8, 3, 4),
        (KDF_M_COST_KIB, 1, 4),
        (4_000_000, 3, 4),
        (KDF_M_COST_KIB, 3, 0),
    ] {
        let mut weak = sealed.clone();
        weak.kdf.m_cost_kib = m;
        weak.kdf.t_cost = t;
        weak.kdf.p_cost = p;
        assert!(
            matches!(weak.unseal(PASSWORD), Err(BundleError::Malformed(_))),
            "m={m} t={t} p={p}"
        );
    }

    let mut wrong = sealed.clone();
    wrong.format = "wealth-copilot/sealed-keys/9".into();
    assert!(matches!(
        wrong.unseal(PASSWORD),
        Err(BundleError::WrongFormat { .. })
    ));
    let mut bad_nonce = sealed;
    bad_nonce.nonce.pop();
    assert!(matches!(
        bad_nonce.unseal(PASSWORD),
        Err(BundleError::Malformed(_))
    ));
}

#[test]
fn public_halves_and_redacted_debug() {
    let keys = UserKeys::generate();
    let hex_key = keys.signing_key_hex();
    assert_eq!(hex_key.len(), 64);
    assert!(hex_key
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert!(keys.age_recipient().starts_with("age1"));
    let fp = keys.fingerprint();
    assert_eq!(fp.len(), 19);
    assert_eq!(fp.split(' ').count(), 4);
    assert_eq!(fingerprint(&hex_key).unwrap(), fp);
    assert!(matches!(
        fingerprint("abcd"),
        Err(BundleError::InvalidKey(_))
    ));
    let debug = format!("{keys:?}");
    assert!(debug.contains(&hex_key));
    assert!(debug.contains("redacted"));
    assert!(!debug.contains("AGE-SECRET-KEY"));
    assert_ne!(UserKeys::generate().signing_key_hex(), hex_key);
}

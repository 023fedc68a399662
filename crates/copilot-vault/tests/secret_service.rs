//! Against the real OS keychain: on Linux the Secret Service (gnome-keyring), which
//! `scripts/test.sh` starts inside a private D-Bus session. Without one this test fails with a
//! message saying so — it never falls back to a mock.

use copilot_vault::{KeychainStatus, KeychainUse, Passphrase, UnlockMethod, Vault, VaultError};

fn require_secret_service() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run the tests through scripts/test.sh, which starts dbus-run-session and gnome-keyring-daemon"
    );
}

#[test]
fn vault_unlocks_through_the_real_secret_service_and_reports_a_missing_entry() {
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let pass = Passphrase::new("real keychain test passphrase");
    let (vault, key, status) =
        Vault::create(dir.path(), &pass, KeychainUse::Required).expect("Secret Service reachable");
    assert_eq!(status, KeychainStatus::Stored);

    // A fresh open (as on the next app start) unlocks silently through the keychain.
    let reopened = Vault::open(dir.path()).unwrap();
    let (k, how) = reopened.unlock(None).unwrap();
    assert_eq!(how, UnlockMethod::Keychain);
    assert_eq!(k, key);

    // The entry removed from the keychain: its own error, and the passphrase still works.
    vault.forget_keychain_entry().unwrap();
    assert!(matches!(
        reopened.unlock_with_keychain(),
        Err(VaultError::KeychainEntryMissing)
    ));
    match reopened.unlock(None) {
        Err(VaultError::PassphraseRequired(inner)) => {
            assert!(matches!(*inner, VaultError::KeychainEntryMissing))
        }
        other => panic!("expected PassphraseRequired(KeychainEntryMissing), got {other:?}"),
    }
    let (k, how) = reopened.unlock(Some(&pass)).unwrap();
    assert_eq!((k, how), (key, UnlockMethod::Passphrase));
}

#[test]
fn a_keychain_entry_of_another_vault_is_rejected() {
    require_secret_service();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let pass = Passphrase::new("real keychain test passphrase");
    let (va, _, _) = Vault::create(a.path(), &pass, KeychainUse::Required).unwrap();
    let (vb, _, _) = Vault::create(b.path(), &pass, KeychainUse::Required).unwrap();
    // Point vault B's descriptor at vault A's keychain account: the AEAD rejects the key.
    let path_b = Vault::file_path(b.path());
    let text = std::fs::read_to_string(&path_b)
        .unwrap()
        .replace(vb.vault_id(), va.vault_id());
    std::fs::write(&path_b, text).unwrap();
    let swapped = Vault::open(b.path()).unwrap();
    assert!(matches!(
        swapped.unlock_with_keychain(),
        Err(VaultError::KeychainKeyRejected)
    ));
    va.forget_keychain_entry().unwrap();
    vb.forget_keychain_entry().unwrap();
}

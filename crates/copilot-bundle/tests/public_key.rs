//! Public key files: round trip, self-signature, validation.

use copilot_bundle::{BundleError, PublicKeyFile, UserKeys, PUBLIC_KEY_FORMAT};
use copilot_protocol::review::Role;

type Edit = (&'static str, Box<dyn Fn(&mut PublicKeyFile)>);

fn file() -> (UserKeys, PublicKeyFile) {
    let keys = UserKeys::generate();
    let f = PublicKeyFile::new(
        &keys,
        "mgr1",
        "王经理",
        Role::Supervisor,
        "2026-11-30T09:00:00Z",
    )
    .unwrap();
    (keys, f)
}

#[test]
fn round_trip() {
    let (keys, f) = file();
    let bytes = f.to_bytes();
    let parsed = PublicKeyFile::parse(&bytes).unwrap();
    assert_eq!(parsed, f);
    assert_eq!(parsed.format, PUBLIC_KEY_FORMAT);
    assert_eq!(parsed.fingerprint(), keys.fingerprint());
    let info = parsed.to_user_info();
    assert_eq!(info.user_id, "mgr1");
    assert_eq!(info.role, Role::Supervisor);
    assert_eq!(info.signing_key, keys.signing_key_hex());
    assert_eq!(info.age_recipient, keys.age_recipient());
    assert!(!info.local);
    // from a UserInfo
    let mut local = info.clone();
    local.local = true;
    assert_eq!(PublicKeyFile::for_user(&keys, &local).unwrap(), f);
    assert!(matches!(
        PublicKeyFile::for_user(&UserKeys::generate(), &local),
        Err(BundleError::InvalidKey(_))
    ));
}

#[test]
fn edited_fields_are_rejected() {
    let (_, f) = file();
    let other = UserKeys::generate();
    let edits: Vec<Edit> = vec![
        ("user_id", Box::new(|f| f.user_id = "mgr2".into())),
        (
            "display_name",
            Box::new(|f| f.display_name = "李经理".into()),
        ),
        ("role", Box::new(|f| f.role = Role::Advisor)),
        (
            "created_at",
            Box::new(|f| f.created_at = "2026-12-01T09:00:00Z".into()),
        ),
        (
            "age_recipient",
            Box::new(move |f| f.age_recipient = other.age_recipient()),
        ),
    ];
    for (what, edit) in edits {
        let mut g = f.clone();
        edit(&mut g);
        assert!(
            matches!(
                PublicKeyFile::parse(&g.to_bytes()),
                Err(BundleError::BadSignature)
            ),
            "{what}"
        );
    }
    // Another key, with the original signature: the signature no longer verifies.
    let mut g = f.clone();
    g.signing_key = UserKeys::generate().signing_key_hex();
    assert!(matches!(
        PublicKeyFile::parse(&g.to_bytes()),
        Err(BundleError::BadSignature)
    ));
}

#[test]
fn every_flipped_byte_is_rejected_or_harmless_whitespace() {
    let (_, f) = file();
    let bytes = f.to_bytes();
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        match PublicKeyFile::parse(&b) {
            Err(_) => {}
            // JSON whitespace (pretty printing) is not signed: the content must be unchanged.
            Ok(parsed) => {
                assert!(bytes[i].is_ascii_whitespace(), "byte {i} accepted");
                assert_eq!(parsed, f);
            }
        }
    }
}

#[test]
fn bad_files_get_clear_errors() {
    let (keys, f) = file();
    assert!(matches!(
        PublicKeyFile::parse(b"wealth-copilot/bundle/1\n{}"),
        Err(BundleError::WrongFormat { .. })
    ));
    assert!(matches!(
        PublicKeyFile::parse(br#"{"format":"wealth-copilot/sealed-keys/1"}"#),
        Err(BundleError::WrongFormat { .. })
    ));
    let mut v: serde_json::Value = serde_json::from_slice(&f.to_bytes()).unwrap();
    v["extra"] = "x".into();
    assert!(matches!(
        PublicKeyFile::parse(&serde_json::to_vec(&v).unwrap()),
        Err(BundleError::Malformed(_))
    ));
    let mut g = f.clone();
    g.age_recipient = "age1notarecipient".into();
    assert!(matches!(
        PublicKeyFile::parse(&g.to_bytes()),
        Err(BundleError::InvalidKey(_))
    ));
    for bad in ["", "a b", "x/y", &"a".repeat(65), "名字"] {
        assert!(matches!(
            PublicKeyFile::new(&keys, bad, "N", Role::Advisor, "2026-11-30T09:00:00Z"),
            Err(BundleError::InvalidUserId(_))
        ));
    }
    assert!(PublicKeyFile::new(
        &keys,
        &"a".repeat(64),
        "N",
        Role::Advisor,
        "2026-11-30T09:00:00Z"
    )
    .is_ok());
    assert!(matches!(
        PublicKeyFile::new(&keys, "adv1", "  ", Role::Advisor, "2026-11-30T09:00:00Z"),
        Err(BundleError::Malformed(_))
    ));
    assert!(matches!(
        PublicKeyFile::new(&keys, "adv1", "N", Role::Advisor, "yesterday"),
        Err(BundleError::Malformed(_))
    ));
    assert!(matches!(
        PublicKeyFile::parse(&vec![b' '; 70_000]),
        Err(BundleError::Malformed(_))
    ));
}

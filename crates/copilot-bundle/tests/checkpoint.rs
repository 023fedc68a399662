//! Signed audit checkpoints.

use copilot_bundle::{sign_checkpoint, verify_checkpoint, BundleError, UserKeys};
use copilot_protocol::review::AuditCheckpoint;

type Edit = Box<dyn Fn(&mut AuditCheckpoint)>;

#[test]
fn sign_verify_and_every_edit_is_caught() {
    let keys = UserKeys::generate();
    let cp = sign_checkpoint(
        &keys,
        "adv1",
        1234,
        &"a1".repeat(32),
        "2026-11-30T09:00:00Z",
    );
    assert_eq!(cp.records, 1234);
    assert_eq!(cp.signer, "adv1");
    assert_eq!(cp.signing_key, keys.signing_key_hex());
    assert_eq!(cp.signature.len(), 128);
    verify_checkpoint(&cp).unwrap();

    let other = UserKeys::generate();
    let edits: Vec<Edit> = vec![
        Box::new(|c| c.records -= 1),
        Box::new(|c| c.head_mac = "b2".repeat(32)),
        Box::new(|c| c.at = "2026-11-30T09:00:01Z".into()),
        Box::new(|c| c.signer = "adv2".into()),
        Box::new(move |c| c.signing_key = other.signing_key_hex()),
    ];
    for (i, edit) in edits.iter().enumerate() {
        let mut c = cp.clone();
        edit(&mut c);
        assert!(
            matches!(verify_checkpoint(&c), Err(BundleError::BadSignature)),
            "edit {i}"
        );
    }
    // Every bit of the signature.
    let sig = hex::decode(&cp.signature).unwrap();
    for i in 0..sig.len() * 8 {
        let mut s = sig.clone();
        s[i / 8] ^= 1 << (i % 8);
        let mut c = cp.clone();
        c.signature = hex::encode(s);
        assert!(verify_checkpoint(&c).is_err(), "signature bit {i}");
    }
    let mut c = cp.clone();
    c.signature = "00".into();
    assert!(matches!(
        verify_checkpoint(&c),
        Err(BundleError::Malformed(_))
    ));
    let mut c = cp;
    c.signing_key = "zz".into();
    assert!(matches!(
        verify_checkpoint(&c),
        Err(BundleError::InvalidKey(_))
    ));
}

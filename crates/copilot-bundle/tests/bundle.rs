//! Review bundles end to end with real keys: round trips, tampering, misaddressing, impostors.

mod common;

use common::{decision, lookup, request, user, User};
use copilot_bundle::{
    open_bundle, open_bundle_at, peek_bundle, seal_bundle, seal_bundle_at, BundleError, BundleKind,
    BundlePayload, PublicKeyFile, BUNDLE_FORMAT,
};
use copilot_protocol::review::Role;
use time::{Duration, OffsetDateTime};

struct World {
    adv: User,
    mgr: User,
    mgr2: User,
}

fn world() -> World {
    World {
        adv: user("adv1", Role::Advisor),
        mgr: user("mgr1", Role::Supervisor),
        mgr2: user("mgr2", Role::Supervisor),
    }
}

fn replace_once(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let pos = bytes
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .expect("pattern present");
    let mut out = bytes[..pos].to_vec();
    out.extend_from_slice(to.as_bytes());
    out.extend_from_slice(&bytes[pos + from.len()..]);
    out
}

#[test]
fn review_request_and_decision_round_trip() {
    let w = world();
    let req = request(&w.adv);
    let (header, file) = seal_bundle("adv1", &w.adv.keys, &w.mgr.info, &req).unwrap();
    assert_eq!(header.kind, BundleKind::ReviewRequest);
    assert_eq!((header.from.as_str(), header.to.as_str()), ("adv1", "mgr1"));
    assert_eq!(header.from_signing_key, w.adv.keys.signing_key_hex());
    assert_eq!(header.to_recipient, w.mgr.keys.age_recipient());
    assert!(file.starts_with(format!("{BUNDLE_FORMAT}\n{{").as_bytes()));
    // The memo is not in clear.
    let text = String::from_utf8_lossy(&file);
    assert!(!text.contains("WM-R2-001") && !text.contains("C-0042"));

    let clear = peek_bundle(&file).unwrap();
    assert_eq!(clear.bundle_id, header.bundle_id);
    assert_eq!(clear.kind, BundleKind::ReviewRequest);
    assert_eq!((clear.from.as_str(), clear.to.as_str()), ("adv1", "mgr1"));

    let opened = open_bundle(&file, &w.mgr.info, &w.mgr.keys, lookup(&[&w.adv])).unwrap();
    assert_eq!(opened.header, header);
    assert_eq!(opened.payload, req);
    assert_eq!(opened.payload.draft_id(), "D-1");

    let dec = decision(&w.mgr, "adv1", &header.bundle_id);
    let (dh, dfile) = seal_bundle("mgr1", &w.mgr.keys, &w.adv.info, &dec).unwrap();
    assert_eq!(dh.kind, BundleKind::Decision);
    let back = open_bundle(&dfile, &w.adv.info, &w.adv.keys, lookup(&[&w.mgr])).unwrap();
    assert_eq!(back.header, dh);
    assert_eq!(back.payload, dec);
    match back.payload {
        BundlePayload::Decision { in_reply_to, .. } => assert_eq!(in_reply_to, header.bundle_id),
        _ => panic!("not a decision"),
    }

    // Replay is the app's check: the same file opens again with the same id; a new seal of the
    // same payload has a new id.
    let again = open_bundle(&file, &w.mgr.info, &w.mgr.keys, lookup(&[&w.adv])).unwrap();
    assert_eq!(again.header.bundle_id, header.bundle_id);
    let (h2, _) = seal_bundle("adv1", &w.adv.keys, &w.mgr.info, &req).unwrap();
    assert_ne!(h2.bundle_id, header.bundle_id);
}

/// Flipping any single byte of a bundle file (two different bit masks at every position) is
/// rejected, with an error of the class that belongs to the region hit.
#[test]
fn every_flipped_byte_is_rejected_with_the_right_error() {
    let w = world();
    let (_, file) = seal_bundle("adv1", &w.adv.keys, &w.mgr.info, &request(&w.adv)).unwrap();
    let magic_end = BUNDLE_FORMAT.len(); // the '\n' after the format line
    let clear_end = magic_end
        + 1
        + file[magic_end + 1..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap();
    let known = lookup(&[&w.adv, &w.mgr2]);
    let mut classes = std::collections::BTreeMap::<String, usize>::new();
    for i in 0..file.len() {
        for mask in [0x01u8, 0x80] {
            let mut b = file.clone();
            b[i] ^= mask;
            let err = match open_bundle(&b, &w.mgr.info, &w.mgr.keys, &known) {
                Ok(_) => panic!("byte {i} ^ {mask:#x} accepted"),
                Err(e) => e,
            };
            let ok = if i <= magic_end {
                matches!(err, BundleError::WrongFormat { .. })
            } else if i <= clear_end {
                matches!(
                    err,
                    BundleError::Malformed(_)
                        | BundleError::InvalidUserId(_)
                        | BundleError::NotForMe { .. }
                        | BundleError::UnknownSender(_)
                        | BundleError::HeaderMismatch { .. }
                )
            } else {
                matches!(err, BundleError::Decrypt(_))
            };
            assert!(ok, "byte {i} ^ {mask:#x}: unexpected {err:?}");
            let name = format!("{err:?}");
            let class = name.split([' ', '(', '{']).next().unwrap().to_string();
            *classes.entry(class).or_default() += 1;
        }
    }
    eprintln!("{} bytes; rejections by class: {classes:?}", file.len());
    assert!(classes.contains_key("Decrypt") && classes.contains_key("WrongFormat"));
}

#[test]
fn truncated_or_extended_files_are_rejected() {
    let w = world();
    let (_, file) = seal_bundle("adv1", &w.adv.keys, &w.mgr.info, &request(&w.adv)).unwrap();
    let open = |b: &[u8]| open_bundle(b, &w.mgr.info, &w.mgr.keys, lookup(&[&w.adv]));
    for cut in [1, 16, 100, file.len() / 2] {
        assert!(
            matches!(
                open(&file[..file.len() - cut]),
                Err(BundleError::Decrypt(_))
            ),
            "cut {cut}"
        );
    }
    let mut longer = file.clone();
    longer.extend_from_slice(b"extra");
    assert!(matches!(open(&longer), Err(BundleError::Decrypt(_))));
    assert!(matches!(open(b""), Err(BundleError::WrongFormat { .. })));
}

#[test]
fn misaddressed_bundles_are_refused_before_decrypting() {
    let w = world();
    let (_, file) = seal_bundle("adv1", &w.adv.keys, &w.mgr.info, &request(&w.adv)).unwrap();
    // A third user opens it.
    match open_bundle(&file, &w.mgr2.info, &w.mgr2.keys, lookup(&[&w.adv])) {
        Err(BundleError::NotForMe { to, me }) => {
            assert_eq!((to.as_str(), me.as_str()), ("mgr1", "mgr2"));
        }
        other => panic!("{other:?}"),
    }
    // Readdressed in the clear header to the third user: it is not encrypted to their key.
    let readdressed = replace_once(&file, "\"to\":\"mgr1\"", "\"to\":\"mgr2\"");
    assert_eq!(peek_bundle(&readdressed).unwrap().to, "mgr2");
    assert!(matches!(
        open_bundle(&readdressed, &w.mgr2.info, &w.mgr2.keys, lookup(&[&w.adv])),
        Err(BundleError::Decrypt(_))
    ));
}

#[test]
fn clear_header_edits_that_still_decrypt_are_header_mismatches() {
    let w = world();
    let adv2 = user("adv2", Role::Advisor);
    let (h, file) = seal_bundle("adv1", &w.adv.keys, &w.mgr.info, &request(&w.adv)).unwrap();
    let open = |b: &[u8]| open_bundle(b, &w.mgr.info, &w.mgr.keys, lookup(&[&w.adv, &adv2]));
    let new_id = uuid::Uuid::new_v4().to_string();
    let cases = [
        (replace_once(&file, &h.bundle_id, &new_id), "bundle_id"),
        (
            replace_once(&file, "\"from\":\"adv1\"", "\"from\":\"adv2\""),
            "from",
        ),
    ];
    for (b, field) in cases {
        match open(&b) {
            Err(BundleError::HeaderMismatch { field: f }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    // The kind: a decision header on a review request.
    match open(&replace_once(
        &file,
        "\"kind\":\"review_request\"",
        "\"kind\":\"decision\"",
    )) {
        Err(BundleError::HeaderMismatch { field }) => assert_eq!(field, "kind"),
        other => panic!("kind: {other:?}"),
    }
    // Any other spelling of the same header is refused.
    let spaced = replace_once(&file, "\"kind\":", "\"kind\" :");
    assert!(matches!(open(&spaced), Err(BundleError::Malformed(_))));
}

#[test]
fn unknown_sender_and_replaced_sender_key() {
    let w = world();
    let (_, file) = seal_bundle("adv1", &w.adv.keys, &w.mgr.info, &request(&w.adv)).unwrap();
    match open_bundle(&file, &w.mgr.info, &w.mgr.keys, |_: &str| None) {
        Err(BundleError::UnknownSender(id)) => assert_eq!(id, "adv1"),
        other => panic!("{other:?}"),
    }
    // The manager imported another key for adv1 (or adv1's key changed): the bundle's key is
    // not the one known.
    let mut stale = w.adv.info.clone();
    let replacement = copilot_bundle::UserKeys::generate();
    stale.signing_key = replacement.signing_key_hex();
    let err = open_bundle(&file, &w.mgr.info, &w.mgr.keys, move |_: &str| {
        Some(stale.clone())
    })
    .unwrap_err();
    match &err {
        BundleError::SenderKeyMismatch {
            user_id,
            expected,
            found,
        } => {
            assert_eq!(user_id, "adv1");
            assert_eq!(expected, &replacement.fingerprint());
            assert_eq!(found, &w.adv.keys.fingerprint());
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("do not trust it"));
}

#[test]
fn an_impostor_claiming_to_be_the_advisor_is_refused() {
    let w = world();
    let mallory = user("adv1", Role::Advisor); // own keys, claims adv1's id
    let (_, forged) = seal_bundle("adv1", &mallory.keys, &w.mgr.info, &request(&mallory)).unwrap();
    assert!(matches!(
        open_bundle(&forged, &w.mgr.info, &w.mgr.keys, lookup(&[&w.adv])),
        Err(BundleError::SenderKeyMismatch { .. })
    ));
    // The impostor's public key file, once imported in place of the real one, would be the
    // trust failure the fingerprint check by phone exists for.
    let pk = PublicKeyFile::new(
        &mallory.keys,
        "adv1",
        "Mallory",
        Role::Advisor,
        "2026-11-30T09:00:00Z",
    )
    .unwrap();
    assert_ne!(pk.fingerprint(), w.adv.keys.fingerprint());
}

#[test]
fn roles_and_maker_checker_are_enforced() {
    let w = world();
    let adv2 = user("adv2", Role::Advisor);
    // A review request to an advisor.
    assert!(matches!(
        seal_bundle("adv1", &w.adv.keys, &adv2.info, &request(&w.adv)),
        Err(BundleError::RoleNotAllowed { .. })
    ));
    // A "decision" from an advisor.
    let (_, file) = seal_bundle(
        "adv2",
        &adv2.keys,
        &w.adv.info,
        &decision(&adv2, "adv1", "x"),
    )
    .unwrap();
    assert!(matches!(
        open_bundle(&file, &w.adv.info, &w.adv.keys, lookup(&[&adv2])),
        Err(BundleError::RoleNotAllowed { .. })
    ));
    // A supervisor deciding on their own draft (S22).
    assert!(matches!(
        seal_bundle(
            "mgr1",
            &w.mgr.keys,
            &w.adv.info,
            &decision(&w.mgr, "mgr1", "x")
        ),
        Err(BundleError::Inconsistent(_))
    ));
    // To oneself.
    assert!(matches!(
        seal_bundle(
            "mgr1",
            &w.mgr.keys,
            &w.mgr.info,
            &decision(&w.mgr, "adv1", "x")
        ),
        Err(BundleError::Inconsistent(_))
    ));
    // A checkpoint signed by someone else than the sender.
    assert!(matches!(
        seal_bundle("adv1", &w.adv.keys, &w.mgr.info, &request(&w.mgr2)),
        Err(BundleError::Inconsistent(_))
    ));
}

#[test]
fn bundles_from_the_future_are_refused() {
    let w = world();
    let now = OffsetDateTime::now_utc();
    let req = request(&w.adv);
    let (_, late) = seal_bundle_at(
        "adv1",
        &w.adv.keys,
        &w.mgr.info,
        &req,
        now + Duration::days(2),
    )
    .unwrap();
    assert!(matches!(
        open_bundle_at(&late, &w.mgr.info, &w.mgr.keys, lookup(&[&w.adv]), now),
        Err(BundleError::FromTheFuture { .. })
    ));
    let (_, skewed) = seal_bundle_at(
        "adv1",
        &w.adv.keys,
        &w.mgr.info,
        &req,
        now + Duration::hours(3),
    )
    .unwrap();
    assert!(open_bundle_at(&skewed, &w.mgr.info, &w.mgr.keys, lookup(&[&w.adv]), now).is_ok());
    // Old bundles open (a review may take weeks).
    let (_, old) = seal_bundle_at(
        "adv1",
        &w.adv.keys,
        &w.mgr.info,
        &req,
        now - Duration::days(90),
    )
    .unwrap();
    assert!(open_bundle_at(&old, &w.mgr.info, &w.mgr.keys, lookup(&[&w.adv]), now).is_ok());
}

#[test]
fn other_files_are_the_wrong_format() {
    let w = world();
    let open = |b: &[u8]| open_bundle(b, &w.mgr.info, &w.mgr.keys, lookup(&[&w.adv]));
    let pk = PublicKeyFile::new(
        &w.adv.keys,
        "adv1",
        "A",
        Role::Advisor,
        "2026-11-30T09:00:00Z",
    )
    .unwrap();
    for bytes in [
        pk.to_bytes(),
        b"age-encryption.org/v1\n-> X25519 abc\n".to_vec(),
        b"wealth-copilot/bundle/2\n{}\n".to_vec(),
        b"%PDF-1.7\n".to_vec(),
    ] {
        let err = open(&bytes).unwrap_err();
        assert!(matches!(err, BundleError::WrongFormat { .. }), "{err:?}");
    }
    assert!(open(b"wealth-copilot/bundle/2\n{}\n")
        .unwrap_err()
        .to_string()
        .contains("does not read"));
}

#[test]
fn opening_with_someone_elses_keys_is_an_error() {
    let w = world();
    let (_, file) = seal_bundle("adv1", &w.adv.keys, &w.mgr.info, &request(&w.adv)).unwrap();
    assert!(matches!(
        open_bundle(&file, &w.mgr.info, &w.mgr2.keys, lookup(&[&w.adv])),
        Err(BundleError::InvalidKey(_))
    ));
}

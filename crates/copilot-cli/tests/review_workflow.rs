//! The maker–checker review as users run it through `copilot`, with the real store, keys, model
//! and PDF renderer: one shared workstation, and two laptops exchanging bundle files.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PASS: &str = "review test passphrase";
const PW_MGR: &str = "manager password 1";
const PW_ADV: &str = "advisor password 1";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `copilot` on `data`, signed in as `user` (None: nobody).
fn run(data: &Path, user: Option<(&str, &str)>, args: &[&str]) -> Output {
    run_env(data, user, args, &[])
}

/// As [`run`], with extra environment variables.
fn run_env(data: &Path, user: Option<(&str, &str)>, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_copilot"));
    cmd.arg("--data-dir")
        .arg(data)
        .args(args)
        .env("COPILOT_PASSPHRASE", PASS)
        .env("COPILOT_TODAY", "2026-11-29")
        .env("COPILOT_MODEL_DIR", repo().join("models"))
        .env_remove("COPILOT_USER")
        .env_remove("COPILOT_USER_PASSWORD");
    if let Some((id, pw)) = user {
        cmd.env("COPILOT_USER", id).env("COPILOT_USER_PASSWORD", pw);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn fails(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success(),
        "expected a failure containing {needle:?}"
    );
    assert!(err.contains(needle), "stderr {err:?} lacks {needle:?}");
}

fn add_user(data: &Path, by: Option<(&str, &str)>, id: &str, role: &str, pw: &str) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_copilot"));
    cmd.arg("--data-dir")
        .arg(data)
        .args(["users", "add", id, "--name", id, "--role", role])
        .env("COPILOT_PASSPHRASE", PASS)
        .env("COPILOT_NEW_USER_PASSWORD", pw)
        .env_remove("COPILOT_USER");
    if let Some((u, p)) = by {
        cmd.env("COPILOT_USER", u).env("COPILOT_USER_PASSWORD", p);
    }
    ok(&cmd.output().unwrap());
}

fn laptop(sample: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(&run(dir.path(), None, &["init", "--no-keychain"]));
    if sample {
        let s = repo().join("assets/sample");
        for (kind, file) in [
            ("clients", "clients.csv"),
            ("products", "products.csv"),
            ("holdings", "holdings.csv"),
            ("documents", "documents"),
        ] {
            ok(&run(
                dir.path(),
                None,
                &["import", kind, s.join(file).to_str().unwrap()],
            ));
        }
    }
    dir
}

fn draft_as(data: &Path, user: (&str, &str)) -> Value {
    let out = ok(&run(
        data,
        Some(user),
        &[
            "draft", "C0002", "--amount", "200000", "--lang", "en", "--json",
        ],
    ));
    serde_json::from_str(&out).unwrap()
}

fn review(data: &Path, user: (&str, &str), args: &[&str]) -> Value {
    let mut all = vec!["review"];
    all.extend_from_slice(args);
    all.push("--json");
    serde_json::from_str(&ok(&run(data, Some(user), &all))).unwrap()
}

fn audit_ok(data: &Path, user: Option<(&str, &str)>, extra: &[&str]) -> Value {
    let mut args = vec!["audit", "verify", "--json"];
    args.extend_from_slice(extra);
    let v: Value = serde_json::from_str(&ok(&run(data, user, &args))).unwrap();
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["first_broken"].is_null(), "{v}");
    v
}

#[test]
fn one_workstation_draft_review_resubmit_approve_export() {
    let dir = laptop(true);
    let d = dir.path();
    let mgr = ("mgr1", PW_MGR);
    let adv = ("adv1", PW_ADV);
    add_user(d, None, "mgr1", "supervisor", PW_MGR);
    // After the first user, only a signed-in supervisor adds users.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_copilot"));
    let o = cmd
        .arg("--data-dir")
        .arg(d)
        .args(["users", "add", "adv1", "--name", "A", "--role", "advisor"])
        .env("COPILOT_PASSPHRASE", PASS)
        .env("COPILOT_NEW_USER_PASSWORD", PW_ADV)
        .env_remove("COPILOT_USER")
        .output()
        .unwrap();
    fails(&o, "sign in");
    add_user(d, Some(mgr), "adv1", "advisor", PW_ADV);
    // Once users exist, nobody acts without signing in; a wrong password is refused.
    fails(&run(d, None, &["draft", "C0002", "--json"]), "sign in");
    fails(&run(d, None, &["review", "queue"]), "sign in");
    fails(&run(d, None, &["clients", "list"]), "sign in");
    fails(
        &run(d, Some(("adv1", "wrong password!!")), &["review", "queue"]),
        "wrong password",
    );

    let draft = draft_as(d, adv);
    let id = draft["draft_id"].as_str().unwrap().to_string();
    assert_eq!(draft["provenance"]["operator"], "adv1");
    assert_eq!(draft["ai_text"], draft["text"]);

    let v = review(d, adv, &["submit", &id]);
    assert_eq!(v["record"]["state"], "submitted");
    // Maker–checker: the drafter cannot decide; an advisor cannot decide.
    fails(&run(d, Some(adv), &["review", "approve", &id]), "S22");
    fails(
        &run(d, Some(mgr), &["review", "request-changes", &id]),
        "comment is required",
    );
    // Submitted = locked for edits.
    let edit = d.join("edit.txt");
    let text = draft["text"].as_str().unwrap();
    let edited = text.replacen("Client summary", "Client summary (reviewed)", 1);
    assert_ne!(edited, text, "the memo has a heading to edit");
    std::fs::write(&edit, &edited).unwrap();
    fails(
        &run(
            d,
            Some(adv),
            &["drafts", "edit", &id, "--text-file", edit.to_str().unwrap()],
        ),
        "submitted",
    );
    let v = review(
        d,
        mgr,
        &[
            "request-changes",
            &id,
            "--comment",
            "Please name the review date.",
        ],
    );
    // Edits keep the AI label, the disclosures and the provenance as generated (S15, S25).
    let gutted = d.join("gutted.txt");
    std::fs::write(&gutted, "").unwrap();
    fails(
        &run(
            d,
            Some(adv),
            &[
                "drafts",
                "edit",
                &id,
                "--text-file",
                gutted.to_str().unwrap(),
            ],
        ),
        "empty",
    );
    let cut = text.find("Disclosures").expect("the memo has disclosures");
    std::fs::write(&gutted, &text[..cut]).unwrap();
    fails(
        &run(
            d,
            Some(adv),
            &[
                "drafts",
                "edit",
                &id,
                "--text-file",
                gutted.to_str().unwrap(),
            ],
        ),
        "S15",
    );
    assert_eq!(v["record"]["state"], "changes_requested");

    ok(&run(
        d,
        Some(adv),
        &["drafts", "edit", &id, "--text-file", edit.to_str().unwrap()],
    ));
    let v = review(d, adv, &["submit", &id, "--comment", "done"]);
    assert_eq!(v["record"]["state"], "submitted");
    assert!(v["edit_distance"].as_u64().unwrap() > 0);
    assert!(
        v["diff"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "insert" && s["text"].as_str().unwrap().contains("reviewed")),
        "the diff shows the advisor's insertion: {}",
        v["diff"]
    );
    let v = review(d, mgr, &["approve", &id]);
    assert_eq!(v["record"]["state"], "approved");
    assert_eq!(v["record"]["reviewer"], "mgr1");
    // Approved = locked; a change is a new version by the drafter.
    fails(
        &run(
            d,
            Some(adv),
            &["drafts", "edit", &id, "--text-file", edit.to_str().unwrap()],
        ),
        "approved",
    );
    let v2 = review(d, adv, &["new-version", &id]);
    assert_eq!(v2["record"]["version"], 2);
    assert_eq!(v2["record"]["previous_version"], id.as_str());
    assert_eq!(v2["record"]["state"], "draft");
    fails(
        &run(d, Some(adv), &["review", "new-version", &id]),
        "already has a newer version",
    );

    // Exports of the approved version.
    let json_path = d.join("rec.json");
    ok(&run(
        d,
        Some(adv),
        &[
            "export",
            &id,
            "--format",
            "json",
            "--out",
            json_path.to_str().unwrap(),
        ],
    ));
    let doc: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(doc["approval"]["approver"], "mgr1");
    assert_eq!(
        doc["approval"]["approver_key_fingerprint"]
            .as_str()
            .unwrap()
            .len(),
        19,
        "four groups of four hex digits: {}",
        doc["approval"]
    );
    assert_eq!(doc["draft"]["text"], edited.as_str());
    assert!(doc["checkpoint"]["records"].as_u64().unwrap() > 5);
    assert_eq!(
        doc["draft"]["provenance"]["model_sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    let pdf_path = d.join("rec.pdf");
    ok(&run(
        d,
        Some(adv),
        &[
            "export",
            &id,
            "--format",
            "pdf",
            "--out",
            pdf_path.to_str().unwrap(),
        ],
    ));
    assert!(std::fs::read(&pdf_path).unwrap().starts_with(b"%PDF-"));
    for (format, ext) in [("html", "html"), ("markdown", "md")] {
        let path = d.join(format!("rec.{ext}"));
        ok(&run(
            d,
            Some(adv),
            &[
                "export",
                &id,
                "--format",
                format,
                "--out",
                path.to_str().unwrap(),
            ],
        ));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("Client summary (reviewed)"), "{format}");
        assert!(text.contains("mgr1"), "{format} names the approver");
    }
    let shown = ok(&run(d, Some(mgr), &["review", "show", &id]));
    assert!(
        shown.contains("approved") && shown.contains("{+"),
        "{shown}"
    );
    // Only approved drafts are exported for clients.
    fails(
        &run(
            d,
            Some(adv),
            &[
                "export",
                v2["record"]["draft_id"].as_str().unwrap(),
                "--format",
                "json",
            ],
        ),
        "only an approved",
    );

    // The audit chain is intact and reaches the export's signed checkpoint.
    let a = audit_ok(d, Some(mgr), &[]);
    let b = audit_ok(d, Some(adv), &["--checkpoint", json_path.to_str().unwrap()]);
    // Signing in for the second check appended one `sign_in` record.
    assert_eq!(
        b["records"].as_u64().unwrap(),
        a["records"].as_u64().unwrap() + 1
    );
    // An unreadable checkpoint is still one JSON object, and exit 1.
    let o = run(
        d,
        Some(adv),
        &[
            "audit",
            "verify",
            "--json",
            "--checkpoint",
            pdf_path.to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert!(
        v["reason"].as_str().unwrap().starts_with("checkpoint"),
        "{v}"
    );
    let log = ok(&run(d, Some(adv), &["audit", "log", "--last", "100"]));
    for action in [
        "rules_change",
        "import",
        "key_change",
        "sign_in",
        "model_change",
        "draft",
        "submit",
        "decision",
        "edit",
        "new_version",
        "sign_in_failed",
        "export",
    ] {
        assert!(
            log.contains(&format!("\t{action}\t")),
            "no {action} record:\n{log}"
        );
    }

    // ROI: one resubmitted approval, one new version; the CSV carries no client data.
    let roi: Value = serde_json::from_str(&ok(&run(d, Some(adv), &["roi", "--json"]))).unwrap();
    let row = roi["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["draft_id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["submissions"], 2);
    assert_eq!(row["first_pass_approved"], false);
    assert_eq!(row["advisor"], "adv1");
    assert!(row["edit_distance"].as_u64().unwrap() > 0);
    assert!(row["review_turnaround_secs"].as_i64().unwrap() >= 0);
    let csv = ok(&run(d, Some(adv), &["roi", "--csv"]));
    assert!(csv.contains(&id));
    assert!(!csv.contains("C0002"), "client ids stay out of the ROI CSV");
}

#[test]
fn two_laptops_exchange_signed_encrypted_bundles() {
    let a = laptop(true); // the advisor's laptop
    let b = laptop(false); // the branch manager's laptop, no client data
    let adv = ("adv1", PW_ADV);
    let mgr = ("mgr1", PW_MGR);
    add_user(a.path(), None, "adv1", "advisor", PW_ADV);
    add_user(b.path(), None, "mgr1", "supervisor", PW_MGR);
    add_user(
        b.path(),
        Some(mgr),
        "mgr2",
        "supervisor",
        "manager password 2",
    );
    // Public keys exchanged as files; a supervisor's key needs its fingerprint, confirmed with
    // its owner out of band (export-key prints it).
    let adv_key = a.path().join("adv1.pub.json");
    let mgr_key = b.path().join("mgr1.pub.json");
    let mgr2_key = b.path().join("mgr2.pub.json");
    let fp = |out: String| {
        out.trim()
            .strip_prefix("fingerprint: ")
            .expect("export-key prints the fingerprint")
            .to_string()
    };
    ok(&run(
        a.path(),
        Some(adv),
        &["users", "export-key", "--out", adv_key.to_str().unwrap()],
    ));
    let mgr_fp = fp(ok(&run(
        b.path(),
        Some(mgr),
        &["users", "export-key", "--out", mgr_key.to_str().unwrap()],
    )));
    let mgr2_fp = fp(ok(&run(
        b.path(),
        Some(("mgr2", "manager password 2")),
        &["users", "export-key", "--out", mgr2_key.to_str().unwrap()],
    )));
    fails(
        &run(
            a.path(),
            Some(adv),
            &["users", "import-key", mgr_key.to_str().unwrap()],
        ),
        "fingerprint",
    );
    fails(
        &run(
            a.path(),
            Some(adv),
            &[
                "users",
                "import-key",
                mgr_key.to_str().unwrap(),
                "--fingerprint",
                &mgr2_fp,
            ],
        ),
        "do not import it",
    );
    ok(&run(
        a.path(),
        Some(adv),
        &[
            "users",
            "import-key",
            mgr_key.to_str().unwrap(),
            "--fingerprint",
            &mgr_fp,
        ],
    ));
    ok(&run(
        a.path(),
        Some(adv),
        &[
            "users",
            "import-key",
            mgr2_key.to_str().unwrap(),
            "--fingerprint",
            &mgr2_fp.to_uppercase(),
        ],
    ));
    ok(&run(
        b.path(),
        Some(mgr),
        &["users", "import-key", adv_key.to_str().unwrap()],
    ));
    // A key is never replaced silently.
    fails(
        &run(
            b.path(),
            Some(mgr),
            &["users", "import-key", adv_key.to_str().unwrap()],
        ),
        "already exists",
    );

    let draft = draft_as(a.path(), adv);
    let id = draft["draft_id"].as_str().unwrap().to_string();
    // A bundle is only for a submitted draft.
    let req = a.path().join("request.wcb");
    fails(
        &run(
            a.path(),
            Some(adv),
            &[
                "bundle",
                "export",
                &id,
                "--to",
                "mgr1",
                "--out",
                req.to_str().unwrap(),
            ],
        ),
        "submit it",
    );
    review(a.path(), adv, &["submit", &id]);
    ok(&run(
        a.path(),
        Some(adv),
        &[
            "bundle",
            "export",
            &id,
            "--to",
            "mgr1",
            "--out",
            req.to_str().unwrap(),
        ],
    ));
    let bytes = std::fs::read(&req).unwrap();
    assert!(
        !String::from_utf8_lossy(&bytes).contains("C0002"),
        "the client id is inside the encrypted part only"
    );

    // Wrongly addressed: mgr2 cannot open mgr1's bundle.
    fails(
        &run(
            b.path(),
            Some(("mgr2", "manager password 2")),
            &["bundle", "import", req.to_str().unwrap()],
        ),
        "mgr1",
    );
    // Tampered: one byte flipped in the ciphertext.
    let mut bad = bytes.clone();
    let at = bad.len() - 40;
    bad[at] ^= 0x01;
    let bad_path = b.path().join("tampered.wcb");
    std::fs::write(&bad_path, &bad).unwrap();
    let o = run(
        b.path(),
        Some(mgr),
        &["bundle", "import", bad_path.to_str().unwrap()],
    );
    assert!(!o.status.success(), "a tampered bundle is refused");

    let imported: Value = serde_json::from_str(&ok(&run(
        b.path(),
        Some(mgr),
        &["bundle", "import", req.to_str().unwrap(), "--json"],
    )))
    .unwrap();
    assert_eq!(imported["kind"], "review_request");
    assert_eq!(imported["from"], "adv1");
    // Replayed: the same file again.
    fails(
        &run(
            b.path(),
            Some(mgr),
            &["bundle", "import", req.to_str().unwrap()],
        ),
        "already imported",
    );
    let v = review(b.path(), mgr, &["show", &id]);
    assert_eq!(v["record"]["state"], "submitted");
    assert_eq!(v["draft"]["text"], draft["text"]);
    review(b.path(), mgr, &["approve", &id, "--comment", "OK"]);
    let dec = b.path().join("decision.wcb");
    ok(&run(
        b.path(),
        Some(mgr),
        &["bundle", "export", &id, "--out", dec.to_str().unwrap()],
    ));
    std::fs::copy(&dec, a.path().join("decision.wcb")).unwrap();

    // With the bank's trust root installed on laptop A, a decision from a supervisor the root has
    // not vouched for is refused, and nothing of it is written (the same file imports later).
    let it = tempfile::tempdir().unwrap();
    let (secret, public) = (
        it.path().join("root.secret.json"),
        it.path().join("root.json"),
    );
    ok(&run(
        a.path(),
        None,
        &[
            "trust",
            "init-root",
            "--name",
            "Test bank",
            "--secret-out",
            secret.to_str().unwrap(),
            "--public-out",
            public.to_str().unwrap(),
        ],
    ));
    let root = [("COPILOT_TRUST_ROOT", public.to_str().unwrap())];
    fails(
        &run_env(
            a.path(),
            Some(adv),
            &[
                "bundle",
                "import",
                a.path().join("decision.wcb").to_str().unwrap(),
            ],
            &root,
        ),
        "not vouched",
    );
    assert_eq!(
        review(a.path(), adv, &["show", &id])["record"]["state"],
        "submitted"
    );
    let vouch = it.path().join("mgr1.vouch.json");
    ok(&run(
        a.path(),
        None,
        &[
            "trust",
            "vouch",
            "--root-secret",
            secret.to_str().unwrap(),
            mgr_key.to_str().unwrap(),
            "--out",
            vouch.to_str().unwrap(),
        ],
    ));
    ok(&run_env(
        a.path(),
        Some(adv),
        &["users", "vouch", vouch.to_str().unwrap()],
        &root,
    ));

    let imported: Value = serde_json::from_str(&ok(&run_env(
        a.path(),
        Some(adv),
        &[
            "bundle",
            "import",
            a.path().join("decision.wcb").to_str().unwrap(),
            "--json",
        ],
        &root,
    )))
    .unwrap();
    assert_eq!(imported["kind"], "decision");
    let v = review(a.path(), adv, &["show", &id]);
    assert_eq!(v["record"]["state"], "approved");
    assert_eq!(v["record"]["reviewer"], "mgr1");
    fails(
        &run(
            a.path(),
            Some(adv),
            &[
                "bundle",
                "import",
                a.path().join("decision.wcb").to_str().unwrap(),
            ],
        ),
        "already imported",
    );
    audit_ok(a.path(), Some(adv), &[]);
    audit_ok(b.path(), Some(mgr), &[]);
    // A checkpoint of laptop B's log is not laptop A's: a clear answer, not a false "truncated".
    let b_export = b.path().join("approved.json");
    ok(&run(
        b.path(),
        Some(mgr),
        &[
            "export",
            &id,
            "--format",
            "json",
            "--out",
            b_export.to_str().unwrap(),
        ],
    ));
    audit_ok(
        b.path(),
        Some(mgr),
        &["--checkpoint", b_export.to_str().unwrap()],
    );
    let o = run(
        a.path(),
        Some(adv),
        &[
            "audit",
            "verify",
            "--json",
            "--checkpoint",
            b_export.to_str().unwrap(),
        ],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("another workstation"),
        "{v}"
    );
}

#[test]
fn with_a_trust_root_only_vouched_supervisors_decide() {
    let dir = laptop(true);
    let d = dir.path();
    let it = tempfile::tempdir().unwrap();
    let (secret, public) = (
        it.path().join("root.secret.json"),
        it.path().join("trust-root.json"),
    );
    ok(&run(
        d,
        None,
        &[
            "trust",
            "init-root",
            "--name",
            "Test bank",
            "--secret-out",
            secret.to_str().unwrap(),
            "--public-out",
            public.to_str().unwrap(),
        ],
    ));
    let root = public.to_str().unwrap().to_string();
    let env = [("COPILOT_TRUST_ROOT", root.as_str())];
    let mgr = ("mgr1", PW_MGR);
    let adv = ("adv1", PW_ADV);
    ok(&run_env(
        d,
        None,
        &[
            "users",
            "add",
            "mgr1",
            "--name",
            "M",
            "--role",
            "supervisor",
        ],
        &[("COPILOT_NEW_USER_PASSWORD", PW_MGR), env[0]],
    ));
    ok(&run_env(
        d,
        Some(mgr),
        &["users", "add", "adv1", "--name", "A", "--role", "advisor"],
        &[("COPILOT_NEW_USER_PASSWORD", PW_ADV), env[0]],
    ));
    let out = ok(&run_env(
        d,
        Some(adv),
        &[
            "draft", "C0002", "--amount", "200000", "--lang", "en", "--json",
        ],
        &env,
    ));
    let id = serde_json::from_str::<Value>(&out).unwrap()["draft_id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&run_env(d, Some(adv), &["review", "submit", &id], &env));
    // A supervisor the bank's root has not vouched for cannot decide (a self-made supervisor).
    let o = run_env(d, Some(mgr), &["review", "approve", &id], &env);
    fails(&o, "not vouched");

    let key = it.path().join("mgr1.pub.json");
    ok(&run_env(
        d,
        Some(mgr),
        &["users", "export-key", "--out", key.to_str().unwrap()],
        &env,
    ));
    // A vouch from another root is refused.
    let rogue = tempfile::tempdir().unwrap();
    let rogue_secret = rogue.path().join("s.json");
    ok(&run(
        d,
        None,
        &[
            "trust",
            "init-root",
            "--name",
            "Rogue",
            "--secret-out",
            rogue_secret.to_str().unwrap(),
            "--public-out",
            rogue.path().join("p.json").to_str().unwrap(),
        ],
    ));
    let forged = rogue.path().join("vouch.json");
    ok(&run(
        d,
        None,
        &[
            "trust",
            "vouch",
            "--root-secret",
            rogue_secret.to_str().unwrap(),
            key.to_str().unwrap(),
            "--out",
            forged.to_str().unwrap(),
        ],
    ));
    fails(
        &run_env(
            d,
            Some(adv),
            &["users", "vouch", forged.to_str().unwrap()],
            &env,
        ),
        "another root",
    );
    // IT vouches with the real root; then mgr1 decides.
    let vouch = it.path().join("mgr1.vouch.json");
    ok(&run(
        d,
        None,
        &[
            "trust",
            "vouch",
            "--root-secret",
            secret.to_str().unwrap(),
            key.to_str().unwrap(),
            "--out",
            vouch.to_str().unwrap(),
        ],
    ));
    ok(&run_env(
        d,
        Some(adv),
        &["users", "vouch", vouch.to_str().unwrap()],
        &env,
    ));
    let v: Value = serde_json::from_str(&ok(&run_env(
        d,
        Some(mgr),
        &["review", "approve", &id, "--json"],
        &env,
    )))
    .unwrap();
    assert_eq!(v["record"]["state"], "approved");
    // A trust root that cannot be read is an error, not a silent "no trust root".
    fails(
        &run_env(
            d,
            Some(mgr),
            &["review", "queue"],
            &[("COPILOT_TRUST_ROOT", "/nonexistent/root.json")],
        ),
        "/nonexistent/root.json",
    );
}

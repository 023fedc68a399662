//! The shell's services without a window: the 10,000-client list stays fast (the figure is
//! printed), sorting and paging, masking and revealing, settings, locking.

use copilot_protocol::ipc::{
    ClientSort, CreateVaultArgs, IdArgs, ImportArgs, ImportKindArg, ListClientsArgs, RevealArgs,
    Settings, UnlockArgs,
};
use copilot_protocol::{Lang, RiskLevel};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use wealth_copilot_desktop::service::{Shell, ShellConfig};

const PASS: &str = "service test passphrase";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn shell(dir: &Path) -> Shell {
    std::env::set_var("COPILOT_TODAY", "2026-11-30");
    Shell::new(ShellConfig {
        data_dir: dir.join("data"),
        models_dir: Some(repo().join("models")),
        assets_dir: Some(repo().join("assets")),
    })
}

fn create(s: &Shell) {
    s.create_vault(CreateVaultArgs {
        passphrase: PASS.into(),
        use_keychain: false,
    })
    .unwrap();
}

/// A valid 18-digit PRC ID number (GB 11643 check digit) for a serial.
fn id_number(serial: usize) -> String {
    let body = format!(
        "110101{:04}{:02}{:02}{:03}",
        1950 + serial % 50,
        1 + serial % 12,
        1 + serial % 28,
        serial % 1000
    );
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{body}{check}")
}

#[test]
fn ten_thousand_clients_list_fast() {
    let dir = tempfile::tempdir().unwrap();
    let s = shell(dir.path());
    create(&s);
    let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
    let given = [
        "静", "伟", "芳", "娜", "敏", "强", "磊", "军", "洋", "勇", "艳", "杰",
    ];
    let mut csv = String::from(
        "client_id,name,id_number,birth_date,phone,investor_class,risk_level,lowest_category,assessment_date,questionnaire_version,civil_capacity,horizon_months,liquidity_need,objective,investable_assets,currency,experience_years\n",
    );
    let mut seen = std::collections::HashSet::new();
    for i in 0..10_000 {
        let mut serial = i;
        let mut id = id_number(serial);
        while !seen.insert(id.clone()) {
            serial += 10_000;
            id = id_number(serial);
        }
        let birth = format!("{}-{}-{}", &id[6..10], &id[10..12], &id[12..14]);
        writeln!(
            csv,
            "X{i:05},{}{}{},{id},{birth},137{:08},ordinary,C{},no,2026-0{}-15,Q2026.1,full,36,medium,balanced,{},CNY,5",
            surnames[i % 10],
            given[i % 12],
            given[(i / 12) % 12],
            i,
            1 + i % 5,
            1 + i % 9,
            100_000 + i * 10
        )
        .unwrap();
    }
    let file = dir.path().join("clients-10k.csv");
    std::fs::write(&file, csv).unwrap();
    let args = ImportArgs {
        kind: ImportKindArg::Clients,
        paths: vec![file.display().to_string()],
    };
    let preview = s.preview_import(args.clone()).unwrap();
    assert!(
        preview.problems.is_empty(),
        "{:?}",
        &preview.problems[..preview.problems.len().min(3)]
    );
    assert_eq!(preview.total_rows, 10_000);
    let started = Instant::now();
    assert_eq!(s.import_files(args).unwrap().records, 10_000);
    println!(
        "FIGURE import_10k_clients_ms = {:.0}",
        started.elapsed().as_secs_f64() * 1e3
    );

    let mut timings = Vec::new();
    let queries: [(Option<&str>, Option<RiskLevel>, Option<bool>, ClientSort); 5] = [
        (None, None, None, ClientSort::ClientId),
        (Some("静"), None, None, ClientSort::Name),
        (Some("X0999"), None, None, ClientSort::ClientId),
        (
            None,
            Some(RiskLevel::C3),
            Some(false),
            ClientSort::AssessmentDate,
        ),
        (Some("李"), Some(RiskLevel::C2), None, ClientSort::RiskLevel),
    ];
    for _ in 0..3 {
        for (q, risk, expired, sort) in queries {
            let started = Instant::now();
            let page = s
                .list_clients(ListClientsArgs {
                    query: q.map(str::to_string),
                    risk_level: risk,
                    expired,
                    sort,
                    offset: 0,
                    limit: 50,
                })
                .unwrap();
            timings.push((started.elapsed().as_secs_f64() * 1e3, page.elapsed_ms));
            assert!(page.clients.len() <= 50);
            if q == Some("X0999") {
                assert_eq!(page.total, 10, "X09990..X09999 match");
            }
        }
    }
    let mut wall: Vec<f64> = timings.iter().map(|t| t.0).collect();
    wall.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = wall[wall.len() / 2];
    let max = wall[wall.len() - 1];
    println!("FIGURE list_clients_10k_ms_median = {median:.1}");
    println!("FIGURE list_clients_10k_ms_max = {max:.1}");
    assert!(
        max < 1_000.0,
        "list_clients at 10,000 clients took {max:.0} ms"
    );
}

#[test]
fn sample_flow_without_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let s = shell(dir.path());
    assert!(!s.status().initialised);
    let e = s.list_clients(ListClientsArgs::default()).unwrap_err();
    assert_eq!(e.code, "locked");
    create(&s);
    let done = s.import_sample().unwrap();
    assert!(done.records > 48, "{done:?}");
    let st = s.status();
    assert!(st.initialised && st.unlocked);
    assert_eq!(st.counts.unwrap()[0], 48);

    // Sorted, paged; Chinese substring search.
    let page = s
        .list_clients(ListClientsArgs {
            query: Some("静".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert!(page.clients.iter().any(|c| c.client_id == "C0002"));
    let page = s
        .list_clients(ListClientsArgs {
            sort: ClientSort::Name,
            offset: 5,
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    assert_eq!((page.total, page.clients.len()), (48, 5));

    // Masked until revealed.
    let c = s.get_client(IdArgs { id: "C0002".into() }).unwrap();
    assert_eq!(c.id_number_masked.as_deref(), Some("1101**********536X"));
    assert_eq!(c.phone_masked.as_deref(), Some("137****6414"));
    assert!(!c.holdings.is_empty());
    let id = s
        .reveal_client_field(RevealArgs {
            client_id: "C0002".into(),
            field: "id_number".into(),
        })
        .unwrap();
    assert_eq!(id, "11010119880114536X");
    assert_eq!(
        s.reveal_client_field(RevealArgs {
            client_id: "C0002".into(),
            field: "notes".into()
        })
        .unwrap_err()
        .code,
        "invalid"
    );
    assert_eq!(
        s.get_client(IdArgs { id: "C9999".into() })
            .unwrap_err()
            .code,
        "not_found"
    );

    // A blocked client's draft needs no model; saving re-runs the lint.
    let mut events = Vec::new();
    let draft = s
        .start_draft(
            copilot_protocol::ipc::StartDraftArgs {
                client_id: "C0008".into(),
                amount: Some("50万".into()),
                currency: None,
                goal: None,
                lang: Lang::En,
                client_initiated: vec![],
                channel: None,
                recording_id: None,
                overrides: vec![],
            },
            &mut |e| events.push(e),
        )
        .unwrap();
    assert!(!events.is_empty());
    // The rule pack's S24 reason codes reach the UI; an override of a block is refused (S24)
    // before any model work.
    assert!(s
        .status()
        .override_reasons
        .iter()
        .any(|r| r.code == "CLIENT_CONFIRMED_CAPACITY"));
    let refused = s
        .start_draft(
            copilot_protocol::ipc::StartDraftArgs {
                client_id: "C0002".into(),
                amount: None,
                currency: None,
                goal: None,
                lang: Lang::En,
                client_initiated: vec![],
                channel: Some("remote".into()),
                recording_id: None,
                overrides: vec![copilot_protocol::Override {
                    rule_id: copilot_protocol::rules::S5,
                    product_code: Some("BF01".into()),
                    reason_code: "SUPERVISOR_INSTRUCTED".into(),
                }],
            },
            &mut |_| {},
        )
        .unwrap_err();
    assert_eq!(refused.code, "rule", "{refused:?}");
    assert!(refused.message.contains("S24"), "{refused:?}");
    let refused = s
        .save_draft(copilot_protocol::ipc::SaveDraftArgs {
            draft_id: draft.draft_id.clone(),
            text: below_label(&draft.text, "A principal-protected choice."),
        })
        .unwrap_err();
    assert_eq!(refused.code, "rule");
    assert!(refused.message.contains("S13"), "{refused:?}");
    // The disclosures and provenance at the end stay as generated (S15/S25).
    let refused = s
        .save_draft(copilot_protocol::ipc::SaveDraftArgs {
            draft_id: draft.draft_id.clone(),
            text: format!("{}\nDiscussed in the branch.", draft.text),
        })
        .unwrap_err();
    assert!(refused.message.contains("S15"), "{refused:?}");
    let saved = s
        .save_draft(copilot_protocol::ipc::SaveDraftArgs {
            draft_id: draft.draft_id.clone(),
            text: below_label(&draft.text, "Discussed in the branch."),
        })
        .unwrap();
    assert!(saved.text.contains("\nDiscussed in the branch.\n"));
    let docs = s.open_citation(IdArgs { id: "nope".into() }).unwrap_err();
    assert_eq!(docs.code, "not_found");

    // Settings persist beside the vault.
    let set = Settings {
        ui_lang: Lang::En,
        lock_minutes: 5,
        theme: "dark".into(),
    };
    s.set_settings(set.clone()).unwrap();
    assert_eq!(
        s.set_settings(Settings {
            lock_minutes: 0,
            ..set.clone()
        })
        .unwrap_err()
        .code,
        "invalid"
    );

    // Lock drops the workspace; the wrong passphrase is refused; the right one unlocks.
    assert!(!s.lock().unlocked);
    assert_eq!(
        s.get_client(IdArgs { id: "C0002".into() })
            .unwrap_err()
            .code,
        "locked"
    );
    let wrong = s
        .unlock(UnlockArgs {
            passphrase: Some("not the passphrase".into()),
        })
        .unwrap_err();
    assert_eq!(wrong.code, "wrong_passphrase");
    assert!(
        s.unlock(UnlockArgs {
            passphrase: Some(PASS.into())
        })
        .unwrap()
        .unlocked
    );
    // Auto-lock: not before the idle limit, then the keys are dropped.
    assert!(!s.lock_if_idle_for(std::time::Duration::from_secs(3600)));
    assert!(!s.auto_lock_if_idle());
    assert!(s.status().unlocked);
    assert!(s.lock_if_idle_for(std::time::Duration::ZERO));
    assert!(!s.status().unlocked);
    drop(s);
    let again = shell(dir.path());
    assert_eq!(again.get_settings(), set);
}

/// The memo with `line` inserted below its first line (the AI label); the end of the memo
/// (disclosures, provenance) is not editable.
fn below_label(memo: &str, line: &str) -> String {
    let at = memo.find('\n').unwrap_or(memo.len());
    format!("{}\n{line}{}", &memo[..at], &memo[at..])
}

//! `copilot users|review|bundle|audit|roi|export`: the maker–checker review, bundles between
//! laptops, the audit log, the ROI ledger and exports.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use copilot_app::Workspace;
use copilot_protocol::review::{Decision, DiffKind, ExportFormat, ReviewView, Role};
use std::io::IsTerminal;
use std::path::PathBuf;

/// `println!` that ignores a closed stdout (`| head`) instead of panicking.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

/// `copilot users …`
#[derive(Subcommand)]
pub enum UsersCommand {
    /// Add a local user (advisor or supervisor); their keys are generated and sealed under the
    /// password ($COPILOT_NEW_USER_PASSWORD or a prompt). After the first user, only a
    /// signed-in supervisor adds users.
    Add {
        /// User id (employee id).
        user_id: String,
        /// Name shown in the app.
        #[arg(long)]
        name: String,
        /// advisor or supervisor.
        #[arg(long)]
        role: Role,
    },
    /// List users (local and peers).
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the signed-in user's public-key file, for peers on other laptops.
    ExportKey {
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Attach a vouch file from the bank's trust root (IT: `copilot trust vouch`) to the user
    /// it names; with a trust root installed, only vouched supervisors decide reviews.
    Vouch {
        /// The vouch file.
        file: PathBuf,
    },
    /// Import a peer's public-key file (a user on another laptop). A supervisor's key needs
    /// --fingerprint, confirmed with them out of band (`users export-key` prints it).
    ImportKey {
        /// The file.
        file: PathBuf,
        /// The fingerprint you confirmed with the key's owner (e.g. "1a2b 3c4d 5e6f 7a8b").
        #[arg(long)]
        fingerprint: Option<String>,
    },
}

/// `copilot trust …` (for bank IT; no data directory involved)
#[derive(Subcommand)]
pub enum TrustCommand {
    /// Create the bank's trust root: a secret file (keep it offline) and the public file to
    /// install where advisors cannot write (/etc/wealth-copilot/trust-root.json, or point
    /// COPILOT_TRUST_ROOT at it). With it installed, only vouched supervisors decide reviews.
    InitRoot {
        /// Who holds the root, e.g. "Example Bank, Shanghai branch".
        #[arg(long)]
        name: String,
        /// Where to write the secret (must not exist).
        #[arg(long)]
        secret_out: PathBuf,
        /// Where to write the public trust root.
        #[arg(long)]
        public_out: PathBuf,
    },
    /// Vouch for the user of a public-key file (id, role, signing key) with the root secret.
    Vouch {
        /// The root secret file.
        #[arg(long)]
        root_secret: PathBuf,
        /// The user's public-key file (`copilot users export-key`).
        key: PathBuf,
        /// Where to write the vouch file.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Runs `copilot trust …`.
pub fn trust(cmd: TrustCommand) -> Result<()> {
    match cmd {
        TrustCommand::InitRoot {
            name,
            secret_out,
            public_out,
        } => {
            if secret_out.exists() {
                bail!(
                    "{} exists; a root secret is never overwritten",
                    secret_out.display()
                );
            }
            let (secret, public) = copilot_app::users::new_trust_root(&name);
            std::fs::write(&secret_out, secret)
                .with_context(|| format!("writing {}", secret_out.display()))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&secret_out, std::fs::Permissions::from_mode(0o600))?;
            }
            std::fs::write(&public_out, public)
                .with_context(|| format!("writing {}", public_out.display()))?;
            eprintln!(
                "wrote the root secret to {} (keep it offline) and the trust root to {}",
                secret_out.display(),
                public_out.display()
            );
        }
        TrustCommand::Vouch {
            root_secret,
            key,
            out,
        } => {
            let secret = std::fs::read(&root_secret)
                .with_context(|| format!("reading {}", root_secret.display()))?;
            let file = std::fs::read(&key).with_context(|| format!("reading {}", key.display()))?;
            let vouch = copilot_app::users::vouch_for_key(&secret, &file)
                .with_context(|| format!("vouching for {}", key.display()))?;
            std::fs::write(&out, vouch).with_context(|| format!("writing {}", out.display()))?;
            eprintln!("wrote {}", out.display());
        }
    }
    Ok(())
}

/// `copilot review …`
#[derive(Subcommand)]
pub enum ReviewCommand {
    /// Submit (or resubmit) a draft for review (the drafter).
    Submit(ReviewArgs),
    /// Approve a submitted draft (a supervisor who is not the drafter, S22).
    Approve(ReviewArgs),
    /// Send a submitted draft back with a comment.
    RequestChanges(ReviewArgs),
    /// Reject a submitted draft with a comment.
    Reject(ReviewArgs),
    /// Make a new version of an approved or rejected draft (the drafter).
    NewVersion {
        /// Draft id.
        draft_id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a draft's review: state, history, AI text vs final text.
    Show {
        /// Draft id.
        draft_id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List drafts with their review state.
    Queue {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of a review step.
#[derive(Args)]
pub struct ReviewArgs {
    /// Draft id.
    draft_id: String,
    /// Comment (required to request changes or reject).
    #[arg(long)]
    comment: Option<String>,
    /// Print the review as JSON.
    #[arg(long)]
    json: bool,
}

/// `copilot bundle …`
#[derive(Subcommand)]
pub enum BundleCommand {
    /// Write a review bundle (a submitted draft, to a supervisor) or a decision bundle (a draft
    /// received and decided here, back to its drafter): encrypted to the recipient, signed.
    Export {
        /// Draft id.
        draft_id: String,
        /// Recipient supervisor (review requests).
        #[arg(long)]
        to: Option<String>,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Import a bundle addressed to the signed-in user.
    Import {
        /// The file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `copilot audit …`
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Verify the hash chain; exit 1 and name the first broken record if it is broken.
    Verify {
        /// Print one JSON object: ok, records, first_broken, reason.
        #[arg(long)]
        json: bool,
        /// A signed checkpoint (an export's JSON, a bundle's checkpoint as JSON) the log must
        /// still reach: detects truncation.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// Print the newest records.
    Log {
        /// How many.
        #[arg(long, default_value_t = 20)]
        last: usize,
    },
}

/// `copilot roi`
#[derive(Args)]
pub struct RoiArgs {
    /// Print the PII-free CSV (one row per draft).
    #[arg(long, conflicts_with = "json")]
    csv: bool,
    /// Print the whole ledger as JSON.
    #[arg(long)]
    json: bool,
    /// Write the CSV to this file instead (implies --csv).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// `copilot export`
#[derive(Args)]
pub struct ExportArgs {
    /// Draft id (approved).
    draft_id: String,
    /// pdf, html, markdown or json.
    #[arg(long, default_value = "pdf")]
    format: ExportFormat,
    /// Output file (default: DRAFT_ID.<ext> in the current directory).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Signs in `user` (from `--user` / `$COPILOT_USER`) with `$COPILOT_USER_PASSWORD` or a prompt.
pub fn sign_in(ws: &mut Workspace, user: Option<&str>) -> Result<()> {
    let Some(user) = user.filter(|u| !u.is_empty()) else {
        return Ok(());
    };
    let password = match std::env::var("COPILOT_USER_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ if std::io::stdin().is_terminal() => {
            rpassword::prompt_password(format!("Password for {user}: "))?
        }
        _ => bail!("no password for {user}: set COPILOT_USER_PASSWORD or run in a terminal"),
    };
    ws.sign_in(user, &password)?;
    Ok(())
}

fn json_out<T: serde::Serialize>(v: &T) -> Result<()> {
    crate::emit(&format!("{}\n", serde_json::to_string_pretty(v)?));
    Ok(())
}

fn print_review(v: &ReviewView, json: bool) -> Result<()> {
    if json {
        return json_out(v);
    }
    let r = &v.record;
    out!(
        "{}\tversion {}\t{}\tdrafter {}\treviewer {}",
        r.draft_id,
        r.version,
        r.state.as_str(),
        r.drafter,
        r.reviewer.as_deref().unwrap_or("-")
    );
    for e in &r.events {
        out!(
            "  {}  {:<16} {:<10} {}",
            e.at,
            e.action.as_str(),
            e.actor,
            e.comment.as_deref().unwrap_or("")
        );
    }
    let d = &v.draft;
    out!(
        "client {}  proposed {}  excluded {}  origin {}",
        d.client_id,
        d.proposed.join(", "),
        d.excluded.len(),
        v.origin
    );
    if let Some(inv) = &d.invalidated {
        out!("  INVALIDATED [{}] {}", inv.rule_id, inv.message);
    }
    for r in &d.requirements {
        out!(
            "  requires [{}]{} {}",
            r.rule_id,
            r.product_code
                .as_deref()
                .map(|c| format!(" {c}:"))
                .unwrap_or_default(),
            r.text
        );
    }
    for o in &d.overrides {
        out!(
            "  override [{}]{} reason {}",
            o.rule_id,
            o.product_code
                .as_deref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default(),
            o.reason_code
        );
    }
    for f in &d.flagged {
        out!(
            "  verifier/lint removed [{}] {:?}: {}",
            f.rule_id,
            f.text,
            f.reason
        );
    }
    for n in &d.injection {
        out!("  injection notice ({}): {}", n.source, n.message);
    }
    out!(
        "  edit distance (AI text → final): {} characters; changes ([-removed-] {{+added+}}):",
        v.edit_distance
    );
    for span in &v.diff {
        match span.kind {
            DiffKind::Equal => {}
            DiffKind::Insert => out!("    {{+{}+}}", span.text.trim_end()),
            DiffKind::Delete => out!("    [-{}-]", span.text.trim_end()),
        }
    }
    Ok(())
}

pub fn users(ws: &mut Workspace, cmd: UsersCommand) -> Result<()> {
    match cmd {
        UsersCommand::Add {
            user_id,
            name,
            role,
        } => {
            let password = match std::env::var("COPILOT_NEW_USER_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ if std::io::stdin().is_terminal() => {
                    let a = rpassword::prompt_password(format!(
                        "Password for {user_id} (at least 12 characters): "
                    ))?;
                    let b = rpassword::prompt_password("Repeat it: ")?;
                    if a != b {
                        bail!("the passwords do not match");
                    }
                    a
                }
                _ => bail!("no password: set COPILOT_NEW_USER_PASSWORD or run in a terminal"),
            };
            let u = ws.add_user(&user_id, &name, role, &password)?;
            eprintln!(
                "added {} ({}), signing key {}",
                u.user_id, u.role, u.signing_key
            );
        }
        UsersCommand::List { json } => {
            let list = ws.list_users()?;
            if json {
                json_out(&list)?;
            } else {
                for u in &list {
                    out!(
                        "{}\t{}\t{}\t{}",
                        u.user_id,
                        u.role,
                        if u.local { "local" } else { "peer" },
                        u.display_name
                    );
                }
            }
        }
        UsersCommand::ExportKey { out } => {
            let me = ws
                .signed_in()
                .map(|u| u.user_id.clone())
                .context("sign in (--user) to export your public key")?;
            let done = ws.export_public_key(&me, &out)?;
            eprintln!("wrote {} ({} bytes)", done.path, done.bytes);
            // The peer confirms this with you before importing the file.
            out!("fingerprint: {}", ws.key_fingerprint(&me)?);
        }
        UsersCommand::Vouch { file } => {
            let u = ws.attach_vouch(&file)?;
            eprintln!(
                "{} ({}) is vouched for by the trust root",
                u.user_id, u.role
            );
        }
        UsersCommand::ImportKey { file, fingerprint } => {
            let u = ws.import_public_key(&file, fingerprint.as_deref())?;
            eprintln!("imported {} ({}) as a peer", u.user_id, u.role);
        }
    }
    Ok(())
}

pub fn review(ws: &mut Workspace, cmd: ReviewCommand) -> Result<()> {
    let (args, decision) = match cmd {
        ReviewCommand::Submit(a) => {
            let v = ws.submit(&a.draft_id, a.comment.as_deref())?;
            return print_review(&v, a.json);
        }
        ReviewCommand::Approve(a) => (a, Decision::Approve),
        ReviewCommand::RequestChanges(a) => (a, Decision::RequestChanges),
        ReviewCommand::Reject(a) => (a, Decision::Reject),
        ReviewCommand::NewVersion { draft_id, json } => {
            let v = ws.new_version(&draft_id)?;
            eprintln!("new version {} of {}", v.record.draft_id, draft_id);
            return print_review(&v, json);
        }
        ReviewCommand::Show { draft_id, json } => {
            return print_review(&ws.review(&draft_id)?, json);
        }
        ReviewCommand::Queue { json } => {
            let q = ws.review_queue()?;
            if json {
                return json_out(&q);
            }
            for i in &q {
                out!(
                    "{}\tv{}\t{}\t{}\t{}\t{}",
                    i.draft_id,
                    i.version,
                    i.state.as_str(),
                    i.drafter,
                    i.client_id,
                    i.origin
                );
            }
            return Ok(());
        }
    };
    let v = ws.decide(&args.draft_id, decision, args.comment.as_deref())?;
    print_review(&v, args.json)
}

pub fn bundle(ws: &mut Workspace, cmd: BundleCommand) -> Result<()> {
    match cmd {
        BundleCommand::Export { draft_id, to, out } => {
            let (done, id) = ws.export_bundle(&draft_id, to.as_deref(), &out)?;
            eprintln!("wrote bundle {id} to {} ({} bytes)", done.path, done.bytes);
        }
        BundleCommand::Import { file, json } => {
            let b = ws.import_bundle(&file)?;
            if json {
                json_out(&b)?;
            } else {
                eprintln!(
                    "imported {} {} for draft {} from {}",
                    b.kind, b.bundle_id, b.draft_id, b.from
                );
            }
        }
    }
    Ok(())
}

/// Runs `audit`; returns false when the chain is broken (the caller exits 1).
pub fn audit(ws: &Workspace, cmd: AuditCommand) -> Result<bool> {
    match cmd {
        AuditCommand::Verify { json, checkpoint } => {
            let verified = (|| -> Result<_> {
                let cp: Option<copilot_protocol::review::AuditCheckpoint> = match &checkpoint {
                    Some(path) => {
                        let text = std::fs::read_to_string(path)
                            .with_context(|| format!("reading {}", path.display()))?;
                        let value: serde_json::Value =
                            serde_json::from_str(&text).with_context(|| {
                                format!("{} is not JSON (give an export's .json)", path.display())
                            })?;
                        // An export document carries it under "checkpoint"; a bare checkpoint
                        // is accepted too.
                        let inner = value.get("checkpoint").cloned().unwrap_or(value);
                        Some(serde_json::from_value(inner).with_context(|| {
                            format!("{} holds no audit checkpoint", path.display())
                        })?)
                    }
                    None => None,
                };
                Ok(ws.audit_verify(cp.as_ref())?)
            })();
            let report = match verified {
                Ok(r) => r,
                // A checkpoint that cannot be read or trusted is reported as one JSON object too.
                Err(e) if json => {
                    crate::emit(&format!(
                        "{}\n",
                        serde_json::json!({
                            "ok": false,
                            "records": null,
                            "first_broken": null,
                            "reason": format!("checkpoint: {e:#}"),
                        })
                    ));
                    return Ok(false);
                }
                Err(e) => return Err(e),
            };
            if json {
                crate::emit(&format!("{}\n", serde_json::to_string(&report)?));
            } else if report.ok {
                out!("audit log intact: {} record(s)", report.records);
            } else {
                out!(
                    "audit log BROKEN at record {} ({}); {} record(s) read",
                    report.first_broken.unwrap_or(0),
                    report.reason.as_deref().unwrap_or("?"),
                    report.records
                );
            }
            Ok(report.ok)
        }
        AuditCommand::Log { last } => {
            for r in ws.audit_tail(last)? {
                out!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    r.seq,
                    r.at,
                    r.actor,
                    r.action,
                    r.subject,
                    r.data
                );
            }
            Ok(true)
        }
    }
}

pub fn roi(ws: &mut Workspace, args: RoiArgs) -> Result<()> {
    if let Some(out) = &args.out {
        let done = ws.export_roi_csv(out)?;
        eprintln!("wrote {} ({} bytes)", done.path, done.bytes);
        return Ok(());
    }
    let report = ws.roi()?;
    if args.json {
        return json_out(&report);
    }
    if args.csv {
        let mut bytes = Vec::new();
        copilot_app::exchange::write_roi_csv(&report, &mut bytes)?;
        crate::emit(&String::from_utf8_lossy(&bytes));
        return Ok(());
    }
    let t = &report.total;
    out!(
        "drafts {}  submitted {}  approved {}  first-pass {}  median Generate→submit {}  mean edit distance {}  median turnaround {}  lint catches {}  overrides {}",
        t.drafts,
        t.submitted,
        t.approved,
        t.first_pass_rate.map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_else(|| "-".into()),
        t.median_generate_to_submit_secs.map(|s| format!("{s} s")).unwrap_or_else(|| "-".into()),
        t.mean_edit_distance.map(|d| format!("{d:.0}")).unwrap_or_else(|| "-".into()),
        t.median_turnaround_secs.map(|s| format!("{s} s")).unwrap_or_else(|| "-".into()),
        t.lint_catches,
        t.overrides
    );
    for g in &report.per_advisor {
        out!(
            "  advisor {}: {} drafts, {} approved",
            g.key,
            g.drafts,
            g.approved
        );
    }
    for g in &report.per_week {
        out!(
            "  week {}: {} drafts, {} approved",
            g.key,
            g.drafts,
            g.approved
        );
    }
    Ok(())
}

pub fn export(ws: &mut Workspace, args: ExportArgs) -> Result<()> {
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from(format!("{}.{}", args.draft_id, args.format.extension())));
    let done = ws.export_draft(&args.draft_id, args.format, &out)?;
    eprintln!(
        "wrote {} ({} bytes, sha256 {})",
        done.path, done.bytes, done.sha256
    );
    Ok(())
}

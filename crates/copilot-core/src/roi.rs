//! The ROI ledger: what the copilot is worth, per draft, per advisor and per week. Pure: the
//! caller reads the drafts and their review records from the store; nothing here does I/O, and
//! nothing leaves the machine (no telemetry).
//!
//! Per draft ([`RoiRow`]):
//!
//! - **Generate → submit**: seconds from the advisor pressing *Generate*
//!   (`provenance.started_at`, or `created_at` for drafts stored before it was recorded) to the
//!   first submission.
//! - **Edit distance**: characters inserted + deleted between the memo as generated (`ai_text`,
//!   or `text` for drafts stored before `ai_text` existed) and the final text. The review record
//!   holds only the SHA-256 of the submitted text; a submitted or decided draft is locked, so its
//!   current `text` is the last submitted text. For a draft still being edited it is the text so
//!   far.
//! - **First-pass approval**: `Some(true)` when approved on the only submission; `Some(false)`
//!   once changes were requested or it was rejected (or it was approved after a resubmission);
//!   `None` while no supervisor has decided.
//! - **Review turnaround**: the sum over decided submissions of decision time − submission time.
//! - **Rule catches** by rule id: one per excluded product (its excluding rule), per client-level
//!   block, per client-level warning, per product warning of an eligible product, and per
//!   flagged claim (S14 verifier findings, S13 language findings). **Lint catches** are the S13
//!   findings alone. **Overrides** are `rule:reason_code`.
//!
//! Groups ([`RoiGroup`]): per advisor (by id), per ISO week of `created_at` (oldest first) and in
//! total. Medians of an even count are the mean of the two middle values, rounded down. The mean
//! edit distance is over the drafts submitted at least once (their text is final); the
//! first-pass rate is over the decided drafts.
//!
//! Times that do not parse as RFC 3339 leave the figures that need them empty (`None`) and put the
//! draft in week `unknown`; they are never guessed.

use crate::review::edit_distance;
use copilot_protocol::review::{
    ReviewAction, ReviewRecord, ReviewState, RoiGroup, RoiReport, RoiRow,
};
use copilot_protocol::DraftReport;
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// The week key of a draft whose creation time does not parse.
pub const UNKNOWN_WEEK: &str = "unknown";

/// The ROI ledger of `items` (each draft with its review record). Rows are ordered by creation
/// time, then draft id.
pub fn compute(items: &[(DraftReport, ReviewRecord)]) -> RoiReport {
    let mut ordered: Vec<&(DraftReport, ReviewRecord)> = items.iter().collect();
    ordered.sort_by(|(a, _), (b, _)| {
        let key = |d: &DraftReport| (parse_time(&d.provenance.created_at), d.draft_id.clone());
        key(a).cmp(&key(b))
    });
    let rows: Vec<RoiRow> = ordered.iter().map(|(d, r)| row(d, r)).collect();

    let mut by_advisor: BTreeMap<&str, Vec<&RoiRow>> = BTreeMap::new();
    let mut by_week: BTreeMap<&str, Vec<&RoiRow>> = BTreeMap::new();
    for r in &rows {
        by_advisor.entry(&r.advisor).or_default().push(r);
        by_week.entry(&r.week).or_default().push(r);
    }
    // `YYYY-Www` sorts chronologically as text; `unknown` sorts after every week.
    let per_advisor = by_advisor
        .into_iter()
        .map(|(k, rs)| group(k, &rs))
        .collect();
    let per_week = by_week.into_iter().map(|(k, rs)| group(k, &rs)).collect();
    let total = group("all", &rows.iter().collect::<Vec<_>>());
    RoiReport {
        rows,
        per_advisor,
        per_week,
        total,
    }
}

/// The ledger row of one draft. Rule catches count excluded products, blocks, warnings,
/// verifier/lint findings and an S17 invalidation; a new version (version > 1) does not count
/// again what its first version counted (catches, lint, overrides).
pub fn row(draft: &DraftReport, review: &ReviewRecord) -> RoiRow {
    let ai = if draft.ai_text.is_empty() {
        &draft.text
    } else {
        &draft.ai_text
    };
    let started = draft
        .provenance
        .started_at
        .as_deref()
        .unwrap_or(&draft.provenance.created_at);
    let first_submit = review
        .events
        .iter()
        .find(|e| e.action == ReviewAction::Submit);
    let generate_to_submit_secs = first_submit.and_then(|e| seconds_between(started, &e.at));

    RoiRow {
        draft_id: draft.draft_id.clone(),
        advisor: review.drafter.clone(),
        week: iso_week(&draft.provenance.created_at),
        state: review.state,
        generate_to_submit_secs,
        edit_distance: edit_distance(ai, &draft.text),
        ai_chars: ai.chars().count() as u64,
        first_pass_approved: first_pass_approved(review),
        submissions: u32::try_from(review.submissions()).unwrap_or(u32::MAX),
        review_turnaround_secs: review_turnaround(review),
        // A new version (version > 1) copies its predecessor's gate result and verifier
        // findings: they were counted on version 1 and are not counted again.
        rule_catches: if review.version > 1 {
            BTreeMap::new()
        } else {
            rule_catches(draft)
        },
        lint_catches: if review.version > 1 {
            0
        } else {
            count_u32(
                draft
                    .flagged
                    .iter()
                    .filter(|f| f.rule_id == copilot_protocol::rules::S13),
            )
        },
        overrides: if review.version > 1 {
            Vec::new()
        } else {
            draft
                .overrides
                .iter()
                .map(|o| format!("{}:{}", o.rule_id, o.reason_code))
                .collect()
        },
    }
}

/// `2026-W48` for a time in ISO week 48 of ISO year 2026 (UTC), [`UNKNOWN_WEEK`] if unparseable.
pub fn iso_week(rfc3339: &str) -> String {
    match parse_time(rfc3339) {
        Some(t) => {
            let (year, week, _) = t.to_offset(UtcOffset::UTC).date().to_iso_week_date();
            format!("{year}-W{week:02}")
        }
        None => UNKNOWN_WEEK.to_string(),
    }
}

fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

fn seconds_between(from: &str, to: &str) -> Option<i64> {
    Some((parse_time(to)? - parse_time(from)?).whole_seconds())
}

fn is_decision(action: ReviewAction) -> bool {
    matches!(
        action,
        ReviewAction::Approve | ReviewAction::RequestChanges | ReviewAction::Reject
    )
}

fn first_pass_approved(review: &ReviewRecord) -> Option<bool> {
    let sent_back = review.events.iter().any(|e| {
        matches!(
            e.action,
            ReviewAction::RequestChanges | ReviewAction::Reject
        )
    });
    let approved = review.state == ReviewState::Approved
        || review
            .events
            .iter()
            .any(|e| e.action == ReviewAction::Approve);
    if sent_back {
        Some(false)
    } else if approved {
        Some(review.submissions() == 1)
    } else {
        None
    }
}

/// Sum over decided submissions of (decision − submission). A decision answers the latest
/// submission before it.
fn review_turnaround(review: &ReviewRecord) -> Option<i64> {
    let mut pending: Option<&str> = None;
    let mut total: Option<i64> = None;
    for e in &review.events {
        if e.action == ReviewAction::Submit {
            pending = Some(&e.at);
        } else if is_decision(e.action) {
            if let Some(submitted) = pending.take() {
                if let Some(secs) = seconds_between(submitted, &e.at) {
                    total = Some(total.unwrap_or(0) + secs);
                }
            }
        }
    }
    total
}

fn rule_catches(draft: &DraftReport) -> BTreeMap<String, u32> {
    let mut catches: BTreeMap<String, u32> = BTreeMap::new();
    let ids = draft
        .excluded
        .iter()
        .map(|x| x.rule_id)
        .chain(draft.blocks.iter().map(|f| f.rule_id))
        .chain(draft.warnings.iter().map(|f| f.rule_id))
        .chain(
            draft
                .eligible
                .iter()
                .flat_map(|p| p.warnings.iter().map(|f| f.rule_id)),
        )
        .chain(draft.flagged.iter().map(|f| f.rule_id))
        // S17: a re-rating caught the draft after it was made.
        .chain(draft.invalidated.iter().map(|i| i.rule_id));
    for id in ids {
        *catches.entry(id.to_string()).or_default() += 1;
    }
    catches
}

fn count_u32<T>(it: impl Iterator<Item = T>) -> u32 {
    u32::try_from(it.count()).unwrap_or(u32::MAX)
}

fn group(key: &str, rows: &[&RoiRow]) -> RoiGroup {
    let submitted: Vec<&&RoiRow> = rows.iter().filter(|r| r.submissions > 0).collect();
    let decided: Vec<bool> = rows.iter().filter_map(|r| r.first_pass_approved).collect();
    let mut rule_catches: BTreeMap<String, u32> = BTreeMap::new();
    for r in rows {
        for (id, n) in &r.rule_catches {
            *rule_catches.entry(id.clone()).or_default() += n;
        }
    }
    RoiGroup {
        key: key.to_string(),
        drafts: count_u32(rows.iter()),
        submitted: count_u32(submitted.iter()),
        approved: count_u32(rows.iter().filter(|r| r.state == ReviewState::Approved)),
        first_pass_rate: (!decided.is_empty())
            .then(|| decided.iter().filter(|&&b| b).count() as f64 / decided.len() as f64),
        median_generate_to_submit_secs: median(
            rows.iter()
                .filter_map(|r| r.generate_to_submit_secs)
                .collect(),
        ),
        mean_edit_distance: (!submitted.is_empty()).then(|| {
            submitted
                .iter()
                .map(|r| r.edit_distance as f64)
                .sum::<f64>()
                / submitted.len() as f64
        }),
        median_turnaround_secs: median(
            rows.iter()
                .filter_map(|r| r.review_turnaround_secs)
                .collect(),
        ),
        rule_catches,
        lint_catches: rows.iter().map(|r| r.lint_catches).sum(),
        overrides: count_u32(rows.iter().flat_map(|r| r.overrides.iter())),
    }
}

/// Median; for an even count the mean of the two middle values, rounded down.
fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]).div_euclid(2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use copilot_protocol::review::ReviewEvent;

    /// A draft from a small JSON template; `extra` overrides fields.
    fn draft(id: &str, created_at: &str, extra: serde_json::Value) -> DraftReport {
        let mut v = serde_json::json!({
            "draft_id": id, "client_id": "C0001", "lang": "zh", "amount": null, "currency": null,
            "goal": null, "has_recommendation": true, "blocks": [], "proposed": ["P1"],
            "eligible": [], "excluded": [], "rationale_model": "", "rationale": "",
            "text": "AI 生成的建议", "ai_text": "AI 生成的建议", "flagged": [], "citations": [],
            "provenance": {
                "model_sha256": "ab", "model_name": "m", "quantization": "Q4_1",
                "prompt_version": "p1", "rules_version": "pack@1", "index_snapshot": "s1",
                "operator": "adv1", "created_at": created_at,
                "started_at": null
            }
        });
        for (k, val) in extra.as_object().unwrap() {
            if k == "started_at" {
                v["provenance"]["started_at"] = val.clone();
            } else {
                v[k] = val.clone();
            }
        }
        serde_json::from_value(v).unwrap()
    }

    fn record(
        id: &str,
        drafter: &str,
        state: ReviewState,
        events: &[(&str, ReviewAction)],
    ) -> ReviewRecord {
        ReviewRecord {
            draft_id: id.into(),
            version: 1,
            previous_version: None,
            state,
            drafter: drafter.into(),
            reviewer: None,
            events: events
                .iter()
                .map(|(at, action)| ReviewEvent {
                    at: (*at).into(),
                    actor: "x".into(),
                    action: *action,
                    comment: None,
                    text_sha256: String::new(),
                })
                .collect(),
        }
    }

    use ReviewAction::{Approve, Edit, RequestChanges, Submit};

    #[test]
    fn first_pass_approval_timings_and_edits() {
        let d = draft(
            "d1",
            "2026-11-26T09:00:00Z",
            serde_json::json!({"started_at": "2026-11-26T08:59:00Z", "text": "AI 生成的建议！"}),
        );
        let r = record(
            "d1",
            "adv1",
            ReviewState::Approved,
            &[
                ("2026-11-26T09:10:00Z", Submit),
                ("2026-11-26T10:10:00Z", Approve),
            ],
        );
        let row = row(&d, &r);
        assert_eq!(row.week, "2026-W48");
        assert_eq!(row.generate_to_submit_secs, Some(660));
        assert_eq!(row.edit_distance, 1);
        assert_eq!(row.ai_chars, 8);
        assert_eq!(row.first_pass_approved, Some(true));
        assert_eq!(row.submissions, 1);
        assert_eq!(row.review_turnaround_secs, Some(3600));
    }

    #[test]
    fn resubmitted_draft_is_not_first_pass_and_turnaround_sums_decisions() {
        // No started_at: the clock starts at created_at. No ai_text: text is the AI text.
        let d = draft(
            "d2",
            "2026-11-26T09:00:00Z",
            serde_json::json!({"ai_text": ""}),
        );
        let r = record(
            "d2",
            "adv1",
            ReviewState::Approved,
            &[
                ("2026-11-26T09:01:00Z", Submit),
                ("2026-11-26T09:11:00Z", RequestChanges),
                ("2026-11-26T09:12:00Z", Edit),
                ("2026-11-26T09:20:00Z", Submit),
                ("2026-11-26T09:25:00Z", Approve),
            ],
        );
        let row = row(&d, &r);
        assert_eq!(row.generate_to_submit_secs, Some(60));
        assert_eq!(row.edit_distance, 0);
        assert_eq!(row.first_pass_approved, Some(false));
        assert_eq!(row.submissions, 2);
        assert_eq!(row.review_turnaround_secs, Some(600 + 300));
    }

    #[test]
    fn undecided_and_unsubmitted_drafts_have_no_decision_figures() {
        let d = draft("d3", "2026-11-26T09:00:00Z", serde_json::json!({}));
        let waiting = row(
            &d,
            &record(
                "d3",
                "adv1",
                ReviewState::Submitted,
                &[("2026-11-26T09:05:00Z", Submit)],
            ),
        );
        assert_eq!(waiting.first_pass_approved, None);
        assert_eq!(waiting.review_turnaround_secs, None);
        assert_eq!(waiting.generate_to_submit_secs, Some(300));
        let fresh = row(&d, &record("d3", "adv1", ReviewState::Draft, &[]));
        assert_eq!(fresh.generate_to_submit_secs, None);
        assert_eq!(fresh.submissions, 0);
        // A rejection on the first submission is decided, not first-pass.
        let rejected = row(
            &d,
            &record(
                "d3",
                "adv1",
                ReviewState::Rejected,
                &[
                    ("2026-11-26T09:05:00Z", Submit),
                    ("2026-11-26T09:06:00Z", ReviewAction::Reject),
                ],
            ),
        );
        assert_eq!(rejected.first_pass_approved, Some(false));
        assert_eq!(rejected.review_turnaround_secs, Some(60));
    }

    #[test]
    fn rule_and_lint_catches_and_overrides() {
        let d = draft(
            "d4",
            "2026-11-26T09:00:00Z",
            serde_json::json!({
                "excluded": [
                    {"product_code": "P2", "rule_id": "S4", "reason": "r"},
                    {"product_code": "P3", "rule_id": "S4", "reason": "r"},
                    {"product_code": "P4", "rule_id": "S12", "reason": "r"}
                ],
                "blocks": [{"rule_id": "S3", "message": "m"}],
                "warnings": [{"rule_id": "S18", "message": "m"}],
                "eligible": [{"product_code": "P1", "name": "n", "rating": "R2", "score": 80,
                    "reasons": [], "warnings": [{"rule_id": "S8", "message": "m"}]}],
                "flagged": [
                    {"text": "12%", "reason": "r", "rule_id": "S14"},
                    {"text": "保本", "reason": "r", "rule_id": "S13", "category": "promise"},
                    {"text": "稳赚", "reason": "r", "rule_id": "S13", "category": "promise"}
                ],
                "overrides": [{"rule_id": "S8", "product_code": "P1", "reason_code": "CLIENT_CONFIRMED"}]
            }),
        );
        let row = row(&d, &record("d4", "adv1", ReviewState::Draft, &[]));
        let expected: BTreeMap<String, u32> = [
            ("S3", 1),
            ("S4", 2),
            ("S12", 1),
            ("S18", 1),
            ("S8", 1),
            ("S14", 1),
            ("S13", 2),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(row.rule_catches, expected);
        assert_eq!(row.lint_catches, 2);
        assert_eq!(row.overrides, vec!["S8:CLIENT_CONFIRMED".to_string()]);
    }

    #[test]
    fn groups_per_advisor_per_week_and_total() {
        let items = vec![
            (
                draft(
                    "a",
                    "2026-12-01T09:00:00Z",
                    serde_json::json!({"text": "AI 生成的建议 12"}),
                ),
                record(
                    "a",
                    "zoe",
                    ReviewState::Approved,
                    &[
                        ("2026-12-01T09:02:00Z", Submit),
                        ("2026-12-01T09:12:00Z", Approve),
                    ],
                ),
            ),
            (
                draft("b", "2026-11-24T09:00:00Z", serde_json::json!({})),
                record(
                    "b",
                    "adam",
                    ReviewState::Approved,
                    &[
                        ("2026-11-24T09:04:00Z", Submit),
                        ("2026-11-24T09:05:00Z", RequestChanges),
                        ("2026-11-24T09:06:00Z", Submit),
                        ("2026-11-24T09:36:00Z", Approve),
                    ],
                ),
            ),
            (
                draft(
                    "c",
                    "2026-11-25T09:00:00Z",
                    serde_json::json!({"text": "x"}),
                ),
                record("c", "adam", ReviewState::Draft, &[]),
            ),
            (
                draft("d", "not a time", serde_json::json!({})),
                record("d", "zoe", ReviewState::Draft, &[]),
            ),
        ];
        let report = compute(&items);
        let ids: Vec<&str> = report.rows.iter().map(|r| r.draft_id.as_str()).collect();
        assert_eq!(
            ids,
            ["d", "b", "c", "a"],
            "unparseable times first, then oldest"
        );
        let advisors: Vec<&str> = report.per_advisor.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(advisors, ["adam", "zoe"]);
        let weeks: Vec<&str> = report.per_week.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(weeks, ["2026-W48", "2026-W49", UNKNOWN_WEEK]);

        let adam = &report.per_advisor[0];
        assert_eq!((adam.drafts, adam.submitted, adam.approved), (2, 1, 1));
        assert_eq!(adam.first_pass_rate, Some(0.0));
        assert_eq!(adam.median_generate_to_submit_secs, Some(240));
        assert_eq!(adam.median_turnaround_secs, Some(60 + 1800));
        // Only the submitted draft counts towards the mean edit distance.
        assert_eq!(adam.mean_edit_distance, Some(0.0));

        let t = &report.total;
        assert_eq!(t.key, "all");
        assert_eq!((t.drafts, t.submitted, t.approved), (4, 2, 2));
        assert_eq!(t.first_pass_rate, Some(0.5));
        assert_eq!(t.median_generate_to_submit_secs, Some((120 + 240) / 2));
        assert_eq!(t.mean_edit_distance, Some(1.5));
        assert_eq!(t.median_turnaround_secs, Some((600 + 1860) / 2));
        assert_eq!(report.per_week[2].median_generate_to_submit_secs, None);
        assert_eq!(report.per_week[2].first_pass_rate, None);
    }

    #[test]
    fn iso_week_uses_the_iso_year() {
        assert_eq!(iso_week("2026-12-31T10:00:00Z"), "2026-W53");
        assert_eq!(iso_week("2027-01-01T10:00:00+08:00"), "2026-W53");
        assert_eq!(iso_week("2025-12-29T00:00:00Z"), "2026-W01");
        assert_eq!(median(vec![5, 1, 3]), Some(3));
        assert_eq!(median(vec![]), None);
    }
}

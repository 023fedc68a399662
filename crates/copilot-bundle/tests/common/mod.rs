//! Fixtures shared by the integration tests: users with real keys, a draft, payloads.
#![allow(dead_code)]

use copilot_bundle::{sign_checkpoint, BundlePayload, UserKeys};
use copilot_protocol::review::{
    Decision, ReviewAction, ReviewEvent, ReviewRecord, ReviewState, Role, UserInfo,
};
use copilot_protocol::DraftReport;

pub struct User {
    pub info: UserInfo,
    pub keys: UserKeys,
}

pub fn user(id: &str, role: Role) -> User {
    let keys = UserKeys::generate();
    User {
        info: UserInfo {
            user_id: id.into(),
            display_name: format!("User {id}"),
            role,
            signing_key: keys.signing_key_hex(),
            age_recipient: keys.age_recipient(),
            local: true,
            created_at: "2026-11-30T09:00:00Z".into(),
        },
        keys,
    }
}

/// The workstation's directory of known users.
pub fn lookup(users: &[&User]) -> impl Fn(&str) -> Option<UserInfo> {
    let infos: Vec<UserInfo> = users.iter().map(|u| u.info.clone()).collect();
    move |id: &str| infos.iter().find(|u| u.user_id == id).cloned()
}

pub fn draft(draft_id: &str) -> DraftReport {
    serde_json::from_value(serde_json::json!({
        "draft_id": draft_id,
        "client_id": "C-0042",
        "lang": "zh",
        "amount": "200000",
        "currency": "CNY",
        "goal": "三年后子女教育金，稳健",
        "has_recommendation": true,
        "blocks": [],
        "proposed": ["WM-R2-001"],
        "eligible": [],
        "excluded": [],
        "rationale_model": "稳健型产品符合客户风险承受能力。",
        "rationale": "稳健型产品符合客户风险承受能力。",
        "text": "建议配置 WM-R2-001。\n理财非存款，产品有风险，投资须谨慎。",
        "ai_text": "建议配置 WM-R2-001。",
        "flagged": [],
        "citations": [],
        "provenance": {
            "model_sha256": "ab".repeat(32),
            "model_name": "qwen",
            "quantization": "q4",
            "prompt_version": "p1",
            "rules_version": "r1",
            "index_snapshot": "i1",
            "operator": "adv1",
            "created_at": "2026-11-30T09:00:00Z"
        }
    }))
    .unwrap()
}

pub fn record(draft_id: &str, drafter: &str, state: ReviewState) -> ReviewRecord {
    ReviewRecord {
        draft_id: draft_id.into(),
        version: 1,
        previous_version: None,
        state,
        drafter: drafter.into(),
        reviewer: None,
        events: vec![ReviewEvent {
            at: "2026-11-30T09:30:00Z".into(),
            actor: drafter.into(),
            action: ReviewAction::Submit,
            comment: None,
            text_sha256: "cd".repeat(32),
        }],
    }
}

pub fn request(from: &User) -> BundlePayload {
    BundlePayload::ReviewRequest {
        draft: draft("D-1"),
        review: record("D-1", &from.info.user_id, ReviewState::Submitted),
        checkpoint: sign_checkpoint(
            &from.keys,
            &from.info.user_id,
            17,
            &"0f".repeat(32),
            "2026-11-30T09:30:00Z",
        ),
    }
}

pub fn decision(from: &User, drafter: &str, in_reply_to: &str) -> BundlePayload {
    let mut review = record("D-1", drafter, ReviewState::ChangesRequested);
    review.reviewer = Some(from.info.user_id.clone());
    BundlePayload::Decision {
        draft_id: "D-1".into(),
        decision: Decision::RequestChanges,
        comment: Some("请补充双录编号。".into()),
        reviewer: from.info.user_id.clone(),
        reviewer_name: from.info.display_name.clone(),
        decided_at: "2026-11-30T10:00:00Z".into(),
        text_sha256: "cd".repeat(32),
        in_reply_to: in_reply_to.into(),
        review,
        checkpoint: sign_checkpoint(
            &from.keys,
            &from.info.user_id,
            40,
            &"1e".repeat(32),
            "2026-11-30T10:00:00Z",
        ),
    }
}

//! The client-ready document as data: the same title, header fields, memo and sections for the
//! Markdown, HTML and PDF renderers, with zh and en labels. Values here are untrusted text; each
//! renderer escapes them for its format.

use copilot_protocol::review::ExportDocument;
use copilot_protocol::Lang;

/// How a field's value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Ordinary text.
    Text,
    /// A hash, key or signature: monospaced where possible, may break anywhere.
    Code,
}

/// One labelled value.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub label: &'static str,
    pub value: String,
    pub kind: Kind,
}

/// A titled group of fields.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub heading: &'static str,
    pub fields: Vec<Field>,
}

/// Everything a renderer prints, in order.
#[derive(Debug, Clone)]
pub(crate) struct Page<'a> {
    pub lang: Lang,
    pub title: &'static str,
    /// Client id, date, draft id and version.
    pub header: Vec<Field>,
    pub memo_heading: &'static str,
    /// The memo exactly as approved (rationale, disclosures and provenance block included).
    pub memo: &'a str,
    /// Approval, provenance, audit checkpoint, export.
    pub sections: Vec<Section>,
    /// A closing line.
    pub footer: &'static str,
}

/// Labels in one language.
struct Labels {
    title: &'static str,
    client_id: &'static str,
    date: &'static str,
    draft: &'static str,
    version: &'static str,
    memo: &'static str,
    approval: &'static str,
    approver: &'static str,
    approved_at: &'static str,
    comment: &'static str,
    approved_sha: &'static str,
    approver_key: &'static str,
    provenance: &'static str,
    model: &'static str,
    model_sha: &'static str,
    rules: &'static str,
    rules_sha: &'static str,
    prompt: &'static str,
    index: &'static str,
    created_at: &'static str,
    operator: &'static str,
    audit: &'static str,
    records: &'static str,
    head_mac: &'static str,
    checkpoint_at: &'static str,
    signer: &'static str,
    signer_key: &'static str,
    signature: &'static str,
    exported: &'static str,
    exported_at: &'static str,
    exported_by: &'static str,
    footer: &'static str,
}

const ZH: Labels = Labels {
    title: "投资产品推荐书",
    client_id: "客户编号",
    date: "日期",
    draft: "文书编号",
    version: "版本",
    memo: "推荐意见",
    approval: "审批",
    approver: "审批人",
    approved_at: "审批时间",
    comment: "审批意见",
    approved_sha: "审批文本 SHA-256",
    approver_key: "审批人签名密钥指纹",
    provenance: "生成来源",
    model: "模型",
    model_sha: "模型 SHA-256",
    rules: "适当性规则版本",
    rules_sha: "规则文件 SHA-256",
    prompt: "提示词版本",
    index: "检索索引快照",
    created_at: "生成时间",
    operator: "操作人",
    audit: "审计检查点",
    records: "审计记录数",
    head_mac: "链头 MAC",
    checkpoint_at: "检查点时间",
    signer: "签署人",
    signer_key: "签署公钥 (Ed25519)",
    signature: "签名",
    exported: "导出",
    exported_at: "导出时间",
    exported_by: "导出人",
    footer: "本文件由 Wealth Copilot 在本机生成，经主管审批；文本的 SHA-256 与审批记录一致。",
};

const EN: Labels = Labels {
    title: "Investment recommendation",
    client_id: "Client id",
    date: "Date",
    draft: "Document id",
    version: "Version",
    memo: "Recommendation",
    approval: "Approval",
    approver: "Approved by",
    approved_at: "Approved at",
    comment: "Comment",
    approved_sha: "SHA-256 of the approved text",
    approver_key: "Approver's signing-key fingerprint",
    provenance: "Provenance",
    model: "Model",
    model_sha: "Model SHA-256",
    rules: "Suitability rules",
    rules_sha: "Rule pack SHA-256",
    prompt: "Prompt version",
    index: "Search index snapshot",
    created_at: "Generated at",
    operator: "Operator",
    audit: "Audit checkpoint",
    records: "Audit records",
    head_mac: "Head MAC",
    checkpoint_at: "Checkpoint at",
    signer: "Signed by",
    signer_key: "Signing key (Ed25519)",
    signature: "Signature",
    exported: "Export",
    exported_at: "Exported at",
    exported_by: "Exported by",
    footer: "Generated locally by Wealth Copilot and approved by a supervisor; the SHA-256 of the text matches the approval record.",
};

fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// Page-number text, `第 2 / 5 页` or `Page 2 of 5`.
pub(crate) fn page_number(lang: Lang, page: usize, pages: usize) -> String {
    match lang {
        Lang::Zh => format!("第 {page} / {pages} 页"),
        Lang::En => format!("Page {page} of {pages}"),
    }
}

fn text(label: &'static str, value: impl Into<String>) -> Field {
    Field {
        label,
        value: value.into(),
        kind: Kind::Text,
    }
}

fn code(label: &'static str, value: impl Into<String>) -> Field {
    Field {
        label,
        value: value.into(),
        kind: Kind::Code,
    }
}

/// The date part (`YYYY-MM-DD`) of an RFC 3339 time, or the whole string if it is shorter.
fn date_of(rfc3339: &str) -> &str {
    rfc3339.get(..10).unwrap_or(rfc3339)
}

impl<'a> Page<'a> {
    /// The document for `doc` in `lang`. Prints the client id only (never a name or ID number).
    pub(crate) fn new(doc: &'a ExportDocument, lang: Lang) -> Self {
        let l = labels(lang);
        let d = &doc.draft;
        let p = &d.provenance;
        let a = &doc.approval;
        let c = &doc.checkpoint;
        let header = vec![
            text(l.client_id, d.client_id.clone()),
            text(l.date, date_of(&a.approved_at)),
            code(l.draft, d.draft_id.clone()),
            text(l.version, doc.review.version.to_string()),
        ];
        let mut approval = vec![
            text(l.approver, format!("{} ({})", a.approver_name, a.approver)),
            text(l.approved_at, a.approved_at.clone()),
        ];
        if let Some(comment) = a.comment.as_deref().filter(|s| !s.trim().is_empty()) {
            approval.push(text(l.comment, comment));
        }
        approval.push(code(l.approved_sha, a.text_sha256.clone()));
        if let Some(fp) = &a.approver_key_fingerprint {
            approval.push(code(l.approver_key, fp.clone()));
        }
        let mut provenance = vec![
            text(l.model, format!("{} ({})", p.model_name, p.quantization)),
            code(l.model_sha, p.model_sha256.clone()),
            text(l.rules, p.rules_version.clone()),
        ];
        if !p.rules_sha256.is_empty() {
            provenance.push(code(l.rules_sha, p.rules_sha256.clone()));
        }
        provenance.extend([
            text(l.prompt, p.prompt_version.clone()),
            code(l.index, p.index_snapshot.clone()),
            text(l.created_at, p.created_at.clone()),
            text(l.operator, p.operator.clone()),
        ]);
        let audit = vec![
            text(l.records, c.records.to_string()),
            code(l.head_mac, c.head_mac.clone()),
            text(l.checkpoint_at, c.at.clone()),
            text(l.signer, c.signer.clone()),
            code(l.signer_key, c.signing_key.clone()),
            code(l.signature, c.signature.clone()),
        ];
        let exported = vec![
            text(l.exported_at, doc.exported_at.clone()),
            text(l.exported_by, doc.exported_by.clone()),
        ];
        Page {
            lang,
            title: l.title,
            header,
            memo_heading: l.memo,
            memo: &d.text,
            sections: vec![
                Section {
                    heading: l.approval,
                    fields: approval,
                },
                Section {
                    heading: l.provenance,
                    fields: provenance,
                },
                Section {
                    heading: l.audit,
                    fields: audit,
                },
                Section {
                    heading: l.exported,
                    fields: exported,
                },
            ],
            footer: l.footer,
        }
    }

    /// Every piece of text the document prints (for the PDF's glyph check).
    pub(crate) fn all_text(&self) -> impl Iterator<Item = &str> {
        let fields = self
            .header
            .iter()
            .chain(self.sections.iter().flat_map(|s| s.fields.iter()));
        [self.title, self.memo_heading, self.memo, self.footer]
            .into_iter()
            .chain(self.sections.iter().map(|s| s.heading))
            .chain(fields.flat_map(|f| [f.label, f.value.as_str()]))
    }
}

/// The `lang` attribute value: `zh-CN` or `en`.
pub(crate) fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    }
}

/// The label/value separator: a full-width colon in Chinese.
pub(crate) fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "：",
        Lang::En => ": ",
    }
}

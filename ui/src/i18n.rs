//! Every visible string of the UI, in Simplified Chinese and English, in one table.
//!
//! Each entry is written once with both languages side by side, so a key cannot exist in one
//! language only: the table and the [`Key`] enum are generated from the same list. The tests check
//! that no text is empty and that the Chinese side is actually Chinese.

use copilot_protocol::Lang;

macro_rules! i18n_table {
    ($($key:ident => $zh:literal, $en:literal;)+) => {
        /// A translatable string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key {
            $(#[doc = $en] $key,)+
        }

        impl Key {
            /// Every key, in table order.
            pub const ALL: &'static [Key] = &[$(Key::$key),+];

            /// The text in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Key::$key, Lang::Zh) => $zh, (Key::$key, Lang::En) => $en,)+
                }
            }
        }
    };
}

i18n_table! {
    AppTitle => "财富顾问助手", "Wealth Copilot";
    NavClients => "客户", "Clients";
    NavImport => "导入", "Import";
    NavSettings => "设置", "Settings";
    Lock => "锁定", "Lock";
    Dismiss => "关闭", "Dismiss";
    Loading => "正在加载…", "Loading…";
    Locked => "已锁定", "Locked";
    StatusCounts => "客户 {0} · 持仓 {1} · 产品 {2} · 文档 {3} · 草稿 {4}", "Clients {0} · holdings {1} · products {2} · documents {3} · drafts {4}";
    StatusModel => "模型", "Model";
    StatusNoModel => "未加载模型", "No model";
    StatusKeychain => "钥匙串", "Keychain";
    NavReview => "审核", "Review";
    NavRoi => "成效", "ROI";
    ShortcutsHint => "快捷键：Alt+1–5 切换页面 · Ctrl+L 锁定", "Shortcuts: Alt+1–5 switch screens · Ctrl+L lock";

    FirstRunTitle => "创建加密数据库", "Create the encrypted vault";
    FirstRunIntro => "客户数据仅保存在本机，并以恢复口令加密。请妥善保管口令：遗失后数据无法恢复。", "Client data stays on this computer, encrypted with a recovery passphrase. Keep the passphrase safe: without it the data cannot be recovered.";
    Passphrase => "恢复口令", "Recovery passphrase";
    PassphraseConfirm => "再次输入口令", "Confirm the passphrase";
    UseKeychain => "使用系统钥匙串自动解锁", "Unlock automatically with the system keychain";
    CreateVault => "创建", "Create vault";
    StrengthEmpty => "请输入至少 10 个字符，可用一句话作为口令。", "Enter at least 10 characters; a sentence makes a good passphrase.";
    StrengthWeak => "强度：弱 — 请加长口令或混合字母、数字与符号。", "Strength: weak — make it longer or mix letters, digits and symbols.";
    StrengthFair => "强度：中 — 可以使用，更长会更安全。", "Strength: fair — acceptable; longer is safer.";
    StrengthStrong => "强度：强", "Strength: strong";
    PassphraseMismatch => "两次输入的口令不一致。", "The passphrases do not match.";
    VaultCreated => "数据库已创建。下一步：导入数据。", "Vault created. Next: import your data.";

    UnlockTitle => "解锁", "Unlock";
    UnlockIntro => "请输入恢复口令以打开客户数据。", "Enter the recovery passphrase to open the client data.";
    UnlockButton => "解锁", "Unlock";
    Unlocking => "正在解锁…", "Unlocking…";

    ImportTitle => "导入数据", "Import data";
    ImportIntro => "选择数据类型，每行填写一个文件的绝对路径（CSV 或 Excel；文档可填文件夹）。先预览，无错误后才能导入。", "Choose the kind of data and enter one absolute file path per line (CSV or Excel; documents may be a folder). Preview first; importing is possible only without errors.";
    ImportKind => "数据类型", "Kind of data";
    KindClients => "客户", "Clients";
    KindHoldings => "持仓", "Holdings";
    KindProducts => "产品", "Products";
    KindDocuments => "产品文档", "Product documents";
    ImportPaths => "文件路径（每行一个）", "File paths (one per line)";
    ImportPreview => "预览", "Preview";
    ImportRun => "导入", "Import";
    ImportSample => "导入示例数据", "Import sample data";
    PreviewTitle => "预览（前几行）", "Preview (first rows)";
    PreviewTotal => "共 {0} 行数据", "{0} data rows in all";
    ErrorsTitle => "问题", "Problems";
    ErrorsNone => "未发现问题。", "No problems found.";
    ErrorsBlock => "存在 {0} 个问题，修正文件后再预览；在此之前不会导入任何数据。", "{0} problems: fix the files and preview again; nothing is imported until then.";
    ColFile => "文件", "File";
    ColRow => "行", "Row";
    ColColumn => "列", "Column";
    ColProblem => "问题", "Problem";
    ImportDoneMsg => "已导入 {0} 个文件，{1} 条记录。", "Imported {0} files, {1} records.";
    Working => "处理中…", "Working…";

    ClientsTitle => "客户", "Clients";
    SearchClients => "搜索：姓名、客户号或证件号后几位", "Search: name, client id or last digits of the ID number";
    FilterRisk => "风险等级", "Risk level";
    FilterRiskAll => "全部等级", "All levels";
    FilterExpired => "仅显示测评过期", "Expired assessments only";
    SortBy => "排序", "Sort by";
    SortClientId => "客户号", "Client id";
    SortName => "姓名", "Name";
    SortRisk => "风险等级", "Risk level";
    SortAssessment => "测评日期（最早在前）", "Assessment date (oldest first)";
    ClientCount => "共 {0} 位客户（{1} 毫秒）", "{0} clients ({1} ms)";
    ColClientId => "客户号", "Client id";
    ColName => "姓名", "Name";
    ColRisk => "风险等级", "Risk level";
    ColAssessment => "测评日期", "Assessment";
    ColAge => "年龄", "Age";
    Expired => "已过期", "Expired";
    Valid => "有效", "Valid";
    NoAssessment => "无测评", "No assessment";
    LowestCategory => "最低类别", "Lowest category";
    PrevPage => "上一页", "Previous page";
    NextPage => "下一页", "Next page";
    PageOf => "第 {0} / {1} 页", "Page {0} of {1}";
    NoClients => "没有符合条件的客户。", "No matching clients.";

    BackToClients => "返回客户列表", "Back to clients";
    Profile => "客户档案", "Profile";
    IdNumber => "证件号码", "ID number";
    Phone => "电话", "Phone";
    Reveal => "显示", "Reveal";
    Hide => "隐藏", "Hide";
    InvestorClass => "投资者类别", "Investor class";
    Horizon => "投资期限", "Horizon";
    Months => "{0} 个月", "{0} months";
    Liquidity => "流动性需求", "Liquidity need";
    Objective => "投资目标", "Objective";
    InvestableAssets => "可投资资产", "Investable assets";
    Experience => "投资经验", "Experience";
    Years => "{0} 年", "{0} years";
    AssessmentDate => "风险测评日期", "Risk assessment date";
    Holdings => "持仓", "Holdings";
    NoHoldings => "无持仓。", "No holdings.";
    ColProduct => "产品", "Product";
    ColAssetClass => "资产类别", "Asset class";
    ColMarketValue => "市值", "Market value";
    Allocation => "资产配置", "Allocation";
    ClassCash => "现金类", "Cash";
    ClassFixedIncome => "固定收益", "Fixed income";
    ClassEquity => "权益类", "Equity";
    ClassAlternative => "另类投资", "Alternative";
    Notes => "顾问备注", "Advisor notes";
    NoNotes => "无备注。", "No notes.";
    Drafts => "建议书草稿", "Drafts";
    NoDrafts => "暂无草稿。", "No drafts yet.";
    NewDraft => "新建建议书", "New draft";
    Open => "打开", "Open";
    InvalidatedBadge => "需复核（S17）", "Re-check (S17)";
    FlaggedCount => "{0} 处标记", "{0} flagged";

    DraftTitle => "建议书工作台", "Draft workspace";
    Amount => "金额", "Amount";
    AmountHint => "如 500000 或 50万", "e.g. 500000 or 50万";
    Currency => "币种", "Currency";
    Goal => "客户目标", "Goal";
    MemoLang => "建议书语言", "Memo language";
    LangZh => "简体中文", "简体中文";
    LangEn => "English", "English";
    Generate => "生成", "Generate";
    Cancel => "取消", "Cancel";
    Save => "保存", "Save";
    DraftShortcuts => "Ctrl+Enter 生成 · Esc 取消 · Ctrl+S 保存", "Ctrl+Enter generate · Esc cancel · Ctrl+S save";
    ProgressIdle => "就绪", "Ready";
    ProgressStarting => "正在进行适当性评估…", "Checking suitability…";
    ProgressAssessed => "评估完成：{0} 个可推荐，{1} 个排除", "Assessed: {0} eligible, {1} excluded";
    ProgressLoadingModel => "正在加载模型（仅首次）…", "Loading the model (first time only)…";
    ProgressPrompting => "模型正在阅读资料…", "The model is reading…";
    ProgressGenerating => "正在生成… {0} 个片段", "Generating… {0} pieces";
    ProgressVerifying => "正在核验…", "Verifying…";
    ProgressDone => "完成", "Done";
    ProgressCancelled => "已取消", "Cancelled";
    ProgressFailed => "失败", "Failed";
    Rationale => "推荐理由（模型生成，实时）", "Rationale (model, live)";
    Eligible => "可推荐产品", "Eligible products";
    Excluded => "排除的产品（原因）", "Excluded products (why not)";
    NoneListed => "无。", "None.";
    Proposed => "建议", "Proposed";
    Score => "匹配度", "Fit";
    Rating => "风险评级", "Rating";
    ClientInitiated => "客户主动要求", "Client-initiated";
    Requirements => "审批前须完成", "Required before approval";
    Blocks => "客户层面限制", "Client-level blocks";
    Warnings => "提示", "Warnings";
    ClientInitiatedInput => "客户主动要求的产品（S6，代码以逗号分隔）", "Products the client asked for (S6, codes separated by commas)";
    Channel => "销售渠道（S16）", "Sales channel (S16)";
    ChannelBranch => "网点（适用双录）", "Branch (dual recording)";
    ChannelRemote => "远程", "Remote";
    RecordingId => "双录编号", "Dual-recording id";
    OverridesTitle => "提示的例外处理（S24）", "Override warnings (S24)";
    OverridesIntro => "提示可附原因代码覆盖，禁止类规则不可覆盖；选择后请重新生成。", "A warning may be overridden with a reason code; blocks cannot. Generate again to apply.";
    OverrideNone => "不覆盖", "Do not override";
    OverridesPending => "已选 {0} 项例外，将在下次生成时应用。", "{0} override(s) chosen; they apply to the next generation.";
    Flagged => "已移除的表述", "Removed statements";
    Injection => "可疑指令（仅供复核，不影响评估）", "Suspected injected instructions (for review; they do not change the assessment)";
    Citations => "引用来源", "Citations";
    NoRecommendation => "无可推荐产品：本建议书不提出推荐。", "Nothing suitable: this memo makes no recommendation.";
    MemoText => "建议书全文（可编辑）", "Memo text (editable)";
    Saved => "已保存。", "Saved.";
    SaveRefused => "未保存：", "Not saved: ";
    Unsaved => "有未保存的修改。", "Unsaved changes.";
    Provenance => "来源信息", "Provenance";
    ProvRules => "规则包", "Rule pack";
    ProvPrompt => "提示模板", "Prompt template";
    ProvIndex => "检索索引快照", "Search index snapshot";
    ProvOperator => "操作人", "Operator";
    ProvCreated => "创建时间 · 草稿号", "Created · draft id";
    Document => "文档：", "Document: ";
    CloseDocument => "关闭文档", "Close document";
    InvalidatedNotice => "此草稿引用的产品评级已变更，需要复核：", "A product this draft cites changed rating; re-check needed: ";

    SettingsTitle => "设置", "Settings";
    UiLang => "界面语言", "Interface language";
    LockMinutes => "闲置自动锁定（分钟）", "Auto-lock after idle (minutes)";
    Theme => "主题", "Theme";
    ThemeSystem => "跟随系统", "System";
    ThemeLight => "浅色", "Light";
    ThemeDark => "深色", "Dark";
    ModelSection => "本地模型", "Local model";
    ModelName => "名称", "Name";
    ModelSha => "SHA-256", "SHA-256";
    ModelSize => "大小", "Size";
    ModelQuant => "量化", "Quantisation";
    ModelLoaded => "已加载", "Loaded";
    ModelNotLoaded => "未加载（首次生成时加载）", "Not loaded (loads on the first draft)";
    DataDir => "数据目录", "Data directory";
    SettingsSaved => "设置已保存。", "Settings saved.";
    Yes => "是", "Yes";
    No => "否", "No";

    SignOut => "退出登录", "Sign out";
    RoleAdvisor => "理财顾问", "Advisor";
    RoleSupervisor => "主管", "Supervisor";
    SignInTitle => "用户登录", "Sign in";
    SignInIntro => "本工作站有多位用户：请选择您的用户并输入登录密码。", "This workstation has several users: choose yours and enter your sign-in password.";
    SignInUser => "用户", "User";
    SignInPassword => "登录密码", "Sign-in password";
    SignInButton => "登录", "Sign in";
    SigningIn => "正在登录…", "Signing in…";

    UsersSection => "用户与密钥", "Users and keys";
    UsersIntro => "第一位用户可直接添加；之后只有已登录的主管可以添加用户。审核人不能审核自己起草的建议书（S22）。", "Anyone adds the first user; after that only a signed-in supervisor adds users. Nobody reviews their own draft (S22).";
    UserId => "用户编号（工号）", "User id (employee id)";
    UserName => "姓名", "Name";
    UserRole => "角色", "Role";
    UserPassword => "登录密码（至少 12 个字符）", "Sign-in password (at least 12 characters)";
    AddUser => "添加用户", "Add user";
    UserAdded => "已添加用户 {0}。", "User {0} added.";
    NoUsers => "尚无用户：单人模式。", "No users yet: single-user mode.";
    ColUser => "用户", "User";
    ColRole => "角色", "Role";
    ColKind => "类型", "Kind";
    ColKey => "签名公钥", "Signing key";
    LocalUser => "本机用户", "Local user";
    PeerUser => "外部同事（公钥）", "Peer (public key)";
    PeerKeyPath => "导入同事的公钥文件（绝对路径）", "Import a colleague's public-key file (absolute path)";
    PeerKeyFingerprint => "与本人核对过的指纹（主管必填）", "Fingerprint confirmed with its owner (required for a supervisor)";
    ImportPeerKey => "导入公钥", "Import key";
    PeerKeyImported => "已导入 {0} 的公钥。", "Imported the public key of {0}.";
    ExportKeyPath => "导出我的公钥到（绝对路径）", "Export my public key to (absolute path)";
    ExportKey => "导出公钥", "Export key";
    AuditSection => "审计日志", "Audit log";
    AuditVerify => "校验审计链", "Verify the audit chain";
    AuditIntact => "完整：{0} 条记录", "intact: {0} records";
    AuditBroken => "已损坏：第 {0} 条记录（{1}），共读取 {2} 条", "broken at record {0} ({1}); {2} records read";

    ReviewState => "审核状态", "Review state";
    StateDraft => "草稿", "Draft";
    StateSubmitted => "已提交", "Submitted";
    StateChangesRequested => "需修改", "Changes requested";
    StateApproved => "已批准", "Approved";
    StateRejected => "已拒绝", "Rejected";
    SubmitComment => "给审核人的说明（可选）", "Note to the reviewer (optional)";
    SubmitReview => "提交审核", "Submit for review";
    SubmittedMsg => "已提交审核。", "Submitted for review.";
    NewVersion => "创建新版本", "Make a new version";
    ReviewHistory => "审核记录", "Review history";
    NoHistory => "暂无审核记录。", "No review steps yet.";
    ActSubmit => "提交审核", "submitted";
    ActRequestChanges => "要求修改", "requested changes";
    ActApprove => "批准", "approved";
    ActReject => "拒绝", "rejected";
    ActEdit => "修改文本", "edited";
    VersionN => "第 {0} 版", "version {0}";
    MemoReadOnly => "建议书全文（只读）", "Memo text (read-only)";
    Drafter => "起草人", "Drafter";
    Reviewer => "审核人", "Reviewer";
    Origin => "来源", "Origin";
    OriginLocal => "本机", "this workstation";

    ExportTitle => "导出已批准的建议书", "Export the approved recommendation";
    ExportPath => "导出文件（绝对路径）", "Export file (absolute path)";
    ExportFormatLabel => "格式", "Format";
    FormatPdf => "PDF 文档", "PDF document";
    FormatHtml => "HTML 网页", "HTML page";
    FormatMarkdown => "Markdown 文本", "Markdown text";
    FormatJson => "JSON（供银行系统）", "JSON (for the bank's systems)";
    ExportRun => "导出", "Export";
    ExportDoneMsg => "已写入 {0}（{1} 字节）", "Wrote {0} ({1} bytes)";
    BundleTitle => "跨电脑审核（审核包）", "Review across laptops (bundle file)";
    BundleIntro => "审核包用收件人的公钥加密，并由您签名。", "The bundle is encrypted to the recipient's public key and signed by you.";
    BundlePath => "审核包文件（绝对路径）", "Bundle file (absolute path)";
    BundleTo => "收件主管（用户编号）", "To supervisor (user id)";
    ExportBundle => "导出审核包", "Export bundle";
    ImportBundlePath => "导入审核包或审核决定（绝对路径）", "Import a review bundle or decision file (absolute path)";
    ImportBundle => "导入", "Import";
    BundleImportedMsg => "已导入（{0}）：草稿 {1}，来自 {2}", "Imported ({0}): draft {1}, from {2}";

    ReviewQueueTitle => "审核队列", "Review queue";
    ReviewFilter => "状态", "State";
    AllStates => "全部状态", "All states";
    ColDraft => "草稿号", "Draft";
    ColVersion => "版本", "Version";
    ColState => "状态", "State";
    ColDrafter => "起草人", "Drafter";
    ColUpdated => "更新时间", "Updated";
    ColProposed => "建议产品", "Proposed";
    NoReviews => "没有符合条件的草稿。", "No matching drafts.";
    ReviewScreenTitle => "审核建议书", "Review the recommendation";
    BackToQueue => "返回审核队列", "Back to the queue";
    OpenDraft => "在工作台打开", "Open in the workspace";
    DiffTitle => "AI 原文与最终文本的差异", "AI text vs the final text";
    DiffLegend => "下划线为顾问新增，删除线为顾问删除。", "Underlined: added by the advisor; struck through: removed by the advisor.";
    EditDistance => "编辑距离：{0} 个字符", "Edit distance: {0} characters";
    ReviewComment => "审核意见（要求修改或拒绝时必填）", "Comment (required to request changes or reject)";
    Approve => "批准", "Approve";
    RequestChanges => "要求修改", "Request changes";
    Reject => "拒绝", "Reject";
    OwnDraft => "这是您起草的建议书，不能由您本人审核（S22）。", "You drafted this recommendation; you cannot review it yourself (S22).";
    DecisionRecorded => "已记录审核决定。", "Decision recorded.";
    OverridesApplied => "例外处理（S24）", "Overrides (S24)";
    ReviewShortcuts => "Alt+A 批准 · Alt+C 要求修改 · Alt+X 拒绝", "Alt+A approve · Alt+C request changes · Alt+X reject";

    RoiTitle => "成效统计", "ROI ledger";
    RoiIntro => "仅统计本机起草的建议书，不含客户信息，不上传。", "This workstation's own drafts only; no client data; nothing leaves the computer.";
    RoiDrafts => "草稿", "Drafts";
    RoiSubmitted => "已提交", "Submitted";
    RoiApproved => "已批准", "Approved";
    RoiFirstPass => "一次通过率", "First-pass rate";
    RoiMedianSubmit => "生成至提交（中位数）", "Generate → submit (median)";
    RoiMeanEdit => "平均编辑距离（字符）", "Mean edit distance (characters)";
    RoiTurnaround => "审核周转（中位数）", "Review turnaround (median)";
    RoiLint => "用语问题拦截", "Lint catches";
    RoiRuleCatches => "规则拦截（按规则）", "Rule catches by rule";
    RoiOverrides => "例外处理", "Overrides";
    RoiByAdvisor => "按顾问", "By advisor";
    RoiByWeek => "按周", "By week";
    RoiGroup => "分组", "Group";
    RoiCsvPath => "CSV 文件（绝对路径）", "CSV file (absolute path)";
    ExportRoiCsv => "导出 CSV", "Export CSV";
    RoiEmpty => "暂无数据。", "No data yet.";
    Refresh => "刷新", "Refresh";
    DurationMinutes => "{0} 分钟", "{0} min";
    DurationSeconds => "{0} 秒", "{0} s";

    ErrLocked => "数据已锁定，请解锁。", "The data is locked; please unlock.";
    ErrWrongPassphrase => "口令不正确。", "Wrong passphrase.";
    ErrNoShell => "未连接到桌面程序。", "Not connected to the desktop shell.";
}

/// Fills `{0}`, `{1}`, … in a translated template.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = template.to_string();
    for (i, a) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), a);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
    }

    #[test]
    fn every_key_has_both_languages() {
        for key in Key::ALL {
            let zh = key.text(Lang::Zh);
            let en = key.text(Lang::En);
            assert!(!zh.trim().is_empty(), "{key:?} has no Chinese text");
            assert!(!en.trim().is_empty(), "{key:?} has no English text");
        }
    }

    #[test]
    fn chinese_side_is_chinese_and_english_side_is_not() {
        // Names that are the same in both languages by design.
        let same = [Key::LangZh, Key::LangEn, Key::ModelSha];
        // English text that shows Chinese input on purpose (an amount typed as `50万`).
        let shows_chinese = [Key::AmountHint];
        for key in Key::ALL.iter().filter(|k| !same.contains(k)) {
            assert!(
                has_cjk(key.text(Lang::Zh)),
                "{key:?}: Chinese text has no Chinese"
            );
            if !shows_chinese.contains(key) {
                assert!(
                    !has_cjk(key.text(Lang::En)),
                    "{key:?}: English text has Chinese"
                );
            }
        }
    }

    #[test]
    fn placeholders_agree_between_languages() {
        for key in Key::ALL {
            for i in 0..6 {
                let p = format!("{{{i}}}");
                assert_eq!(
                    key.text(Lang::Zh).contains(&p),
                    key.text(Lang::En).contains(&p),
                    "{key:?}: placeholder {p}"
                );
            }
        }
    }

    #[test]
    fn fill_replaces_numbered_placeholders() {
        assert_eq!(
            fill(Key::ClientCount.text(Lang::En), &["12", "0.4"]),
            "12 clients (0.4 ms)"
        );
        assert_eq!(
            fill(Key::ClientCount.text(Lang::Zh), &["12", "0.4"]),
            "共 12 位客户（0.4 毫秒）"
        );
    }
}

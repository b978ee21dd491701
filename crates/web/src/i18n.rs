//! Every string the interface shows, in Chinese (the default) and English.
//! Templates read them as `t.<key>`; a missing key fails rendering (strict
//! undefined), so an untranslated string cannot slip through a page test.

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("en") { Lang::En } else { Lang::Zh }
    }
}

/// `(key, 中文, English)`.
pub const STRINGS: &[(&str, &str, &str)] = &[
    ("app_name", "清风智慧监督平台", "Qingfeng Supervision Platform"),
    ("app_short", "清风", "Qingfeng"),
    ("nav_overview", "数据概览", "Data overview"),
    ("nav_batches", "导入批次", "Import batches"),
    ("nav_upload", "上传数据", "Upload data"),
    ("nav_quality", "数据质量", "Data quality"),
    ("nav_home", "首页", "Home"),
    ("section_data", "数据资源", "Data"),
    ("section_supervision", "监督预警", "Supervision"),
    ("nav_warnings", "预警队列", "Warning queue"),
    ("nav_screens", "报价筛查", "Bid screens"),
    ("nav_clues", "问题线索", "Clues"),
    ("nav_dashboard", "驾驶舱", "Dashboard"),
    ("nav_reports", "信访举报", "Citizens' reports"),
    ("reports_title", "信访举报", "Citizens' reports"),
    (
        "reports_intro",
        "群众通过公开网页提交的举报。举报人身份已加密，只有纪检监察人员可按需查看，每次查看都记入审计日志。",
        "Reports the public sent through the open site. Who sent them is encrypted; supervisors may see it on request, each time recorded in the audit trail.",
    ),
    ("reports_none", "暂无举报", "No reports"),
    ("report_title", "信访举报", "Report wrongdoing"),
    (
        "report_intro",
        "可匿名举报。提交后您会得到受理编号和查询密码，凭此查询办理进展。您留下的姓名和联系方式加密保存，只有办案人员可以查看。",
        "You may report anonymously. You will get a receipt code and a secret to follow your report. A name and contact you leave are kept encrypted; only the staff handling it may see them.",
    ),
    ("report_about_kind", "举报对象类型", "About"),
    ("report_kind_person", "个人", "A person"),
    ("report_kind_unit", "单位", "A unit"),
    ("report_kind_fund", "资金", "A fund"),
    ("report_kind_other", "其他", "Other"),
    ("report_about", "被举报对象", "Whom or what"),
    ("report_content", "举报内容", "What happened"),
    ("report_identity", "举报人（可不填）", "You (optional)"),
    ("report_name", "姓名", "Name"),
    ("report_contact", "联系方式", "Contact"),
    ("report_submit", "提交举报", "Send the report"),
    ("report_follow", "查询办理进展", "Follow a report"),
    ("report_receipt", "受理编号", "Receipt code"),
    ("report_secret", "查询密码", "Secret"),
    ("report_check", "查询", "Check"),
    ("report_received", "举报已受理", "Your report was received"),
    (
        "report_keep",
        "请记下受理编号和查询密码：它们只显示这一次，凭它们查询办理进展。",
        "Write down the receipt code and the secret: they are shown this once, and you need both to follow your report.",
    ),
    ("report_bad_kind", "请选择举报对象类型", "Choose what the report is about"),
    ("report_empty", "被举报对象和举报内容都不能为空", "Say whom or what, and what happened"),
    (
        "report_too_long",
        "举报内容不超过5000字，对象不超过200字",
        "At most 5,000 characters of text and 200 for whom or what",
    ),
    ("report_not_found", "受理编号或查询密码不对", "No report with that receipt code and secret"),
    ("report_status_received", "已受理，待处理", "Received, waiting"),
    ("report_status_accepted", "已立为线索办理", "Taken up as a clue"),
    ("report_status_closed", "已办结", "Closed"),
    ("report_anonymous", "匿名", "Anonymous"),
    ("report_sealed", "已加密", "Encrypted"),
    ("report_reveal", "查看举报人身份（将记入审计日志）", "Show who sent it (recorded in the audit trail)"),
    ("report_clue_title", "举报：", "Report:"),
    ("report_reply", "答复", "Reply"),
    ("report_close", "同时办结", "and close it"),
    ("report_answer", "答复举报人", "Answer the reporter"),
    ("dashboard_title", "驾驶舱", "Dashboard"),
    ("dashboard_open", "待处理预警", "Open warnings"),
    ("dashboard_amount", "涉及金额（元）", "Amount at stake (yuan)"),
    ("dashboard_closed", "已销号线索", "Clues closed"),
    ("dashboard_by_domain", "各领域预警", "Warnings by domain"),
    ("dashboard_pipeline", "线索办理进度", "Clue pipeline"),
    ("dashboard_by_model", "各模型预警", "Warnings by model"),
    ("clues_title", "问题线索", "Clues"),
    (
        "clues_intro",
        "由预警立为线索，交办核查、处置、整改直至销号；每一步都有记录。",
        "Warnings become clues: assigned, verified, disposed of, rectified and closed, every step on record.",
    ),
    ("clues_none", "暂无线索", "No clues"),
    ("clue_code", "线索编号", "Clue"),
    ("clue_title_label", "标题", "Title"),
    ("clue_handler", "承办人", "Handler"),
    ("clue_deadline", "期限", "Deadline"),
    ("clue_updated", "更新时间", "Updated"),
    ("clue_overdue", "已逾期", "Overdue"),
    ("clue_version", "版本", "Version"),
    ("clue_facts", "办理情况", "Where it stands"),
    ("clue_verdict", "核查结论", "Verdict"),
    ("clue_form", "处置形态", "Disposition"),
    ("clue_accountable", "被问责人员", "Held accountable"),
    ("clue_recovered", "追缴金额", "Money recovered"),
    ("clue_rectify_unit", "整改单位", "Rectifying unit"),
    ("clue_rectified_at", "整改完成", "Rectified"),
    ("clue_warnings", "来源预警", "From warnings"),
    ("clue_steps", "可办事项", "Next steps"),
    ("clue_no_steps", "您在此线索上没有可办事项。", "Nothing for you to do on this clue."),
    ("clue_note", "说明", "Note"),
    ("clue_history", "办理记录", "History"),
    ("clue_when", "时间", "When"),
    ("clue_who", "办理人", "Who"),
    ("clue_what", "事项", "What"),
    ("clue_conflict", "线索已被他人更新", "The clue was changed by someone else"),
    ("clue_reload", "刷新线索，查看最新情况后再办", "Reload the clue, see what changed, and act again"),
    ("clue_open", "立为线索", "Open a clue"),
    ("clue_from_selected", "将勾选的预警立为一条线索", "Open one clue of the ticked warnings"),
    ("clue_of_warning", "已立线索", "Clues from this warning"),
    ("clue_action_create", "立为线索", "Opened"),
    ("clue_action_assign", "交办", "Assign"),
    ("clue_action_start", "开始核查", "Start verifying"),
    ("clue_action_verify", "核查结论", "Record the verdict"),
    ("clue_action_dispose", "处置", "Dispose of"),
    ("clue_action_rectify", "下达整改", "Order rectification"),
    ("clue_action_rectified", "整改完成", "Report rectified"),
    ("clue_action_close", "销号", "Close"),
    ("clue_action_comment", "添加意见", "Comment"),
    ("screens_title", "报价筛查：串通评分排名", "Bid screens: tenders by collusion score"),
    (
        "screens_intro",
        "有效报价不少于3家的项目，按串通评分（各筛查指标落在串通一侧的比例）由高到低排列；评分本身不产生预警。",
        "Tenders with three or more valid priced bids, by collusion score (the share of screens on the collusive side); the score raises no warning by itself.",
    ),
    ("screens_score", "串通评分", "Collusion score"),
    ("screens_flags", "串通一侧的指标", "Screens on the collusive side"),
    ("screens_none", "有效报价不足3家，不计算筛查指标。", "Fewer than three valid priced bids: no screens."),
    ("tender_title", "交易项目", "Tender"),
    ("tender_unknown", "未找到该项目的交易记录。", "No record of this tender."),
    ("tender_bids", "投标记录", "Bids"),
    ("tender_shared", "个相同信息（已标红）", "shared identifier value(s), marked"),
    ("tender_awards", "中标及合同", "Award and contract"),
    ("tender_screens", "报价筛查指标", "Bid screens"),
    ("tender_warnings", "本项目的预警", "Warnings on this tender"),
    ("col_bidder", "投标人", "Bidder"),
    ("col_price", "投标报价", "Price"),
    ("col_contact", "委托代理人", "Contact"),
    ("col_winner", "中标人", "Winner"),
    ("col_buyer", "招标人", "Buyer"),
    ("col_tender", "项目", "Tender"),
    ("col_contract", "合同金额", "Contract"),
    ("col_final", "结算金额", "Final"),
    ("won", "中标", "Won"),
    ("bidder_title", "投标人", "Bidder"),
    ("bidder_summary", "参与投标", "Bids"),
    ("bidder_wins", "中标", "Wins"),
    ("bidder_partners", "共同投标企业", "Co-bidders"),
    ("bidder_together", "共同投标次数", "Tenders together"),
    ("bidder_mine", "本企业中标", "This firm won"),
    ("bidder_theirs", "对方中标", "They won"),
    ("bidder_timeline", "投标时间线", "Timeline"),
    ("bidder_this", "本企业", "This firm"),
    ("bidder_co_bidder", "共同投标人", "Co-bidder"),
    ("bidder_warnings", "相关预警", "Related warnings"),
    ("link_tender", "交易项目详情", "The tender"),
    ("link_bidder", "企业投标情况", "The firm's bids"),
    ("link_group", "企业组共同投标情况", "The group's tenders together"),
    ("group_title", "企业组共同投标", "Firms bidding together"),
    ("group_member", "组内企业", "Member"),
    ("group_timeline", "共同投标项目（两家以上组内企业投标）", "Tenders two or more members bid in"),
    ("group_outsider", "组外企业中标", "Won by an outsider"),
    ("nav_models", "模型目录", "Model catalogue"),
    ("warnings_title", "预警队列", "Warning queue"),
    ("filter_domain", "领域", "Domain"),
    ("filter_model", "模型", "Model"),
    ("filter_severity", "等级", "Severity"),
    ("filter_region", "区划代码", "Region code"),
    ("filter_unit", "单位代码", "Unit code"),
    ("filter_min_amount", "最低金额（元）", "Least amount (yuan)"),
    ("filter_sort", "排序", "Sort"),
    ("filter_status", "状态", "Status"),
    ("sort_severity", "等级与金额", "Severity and amount"),
    ("sort_amount", "金额", "Amount"),
    ("sort_newest", "最新", "Newest"),
    ("sort_model", "模型", "Model"),
    ("severity_high", "高", "High"),
    ("severity_medium", "中", "Medium"),
    ("severity_low", "低", "Low"),
    ("warning_open", "待处置", "Open"),
    ("warning_resolved_by_data", "数据已消除", "Resolved by data"),
    ("export_xlsx", "导出Excel", "Export to Excel"),
    ("col_warning", "预警编号", "Warning"),
    ("col_severity", "等级", "Severity"),
    ("col_model", "模型", "Model"),
    ("col_subject", "对象", "Subject"),
    ("col_amount", "涉及金额（元）", "Amount (yuan)"),
    ("col_warning_reason", "预警理由", "Reason"),
    ("col_models_on_subject", "同一对象命中模型数", "Models on this subject"),
    ("col_first_scan", "首次发现（扫描）", "First raised (scan)"),
    ("warning_reason", "预警理由", "Reason"),
    ("warning_figures", "证据数据", "Figures"),
    ("warning_sources", "来源记录", "Source records"),
    ("warning_same_subject", "同一对象的其他预警", "Other warnings on this subject"),
    ("warning_basis", "依据", "Basis"),
    ("source_batch", "批次", "Batch"),
    ("source_row", "原文件行号", "Row in the file"),
    ("source_key", "记录键", "Record key"),
    ("source_missing", "该记录未能读取", "This record could not be read"),
    (
        "no_warnings",
        "暂无预警。导入数据后运行扫描（qingfeng scan）。",
        "No warnings. Import data, then run a scan (qingfeng scan).",
    ),
    ("last_scan", "最近扫描", "Last scan"),
    ("models_title", "监督模型目录", "Supervision model catalogue"),
    ("model_params", "参数（默认值）", "Parameters (defaults)"),
    ("model_figures", "证据数据项", "Evidence figures"),
    ("model_reads", "所用数据表", "Tables read"),
    ("model_open", "待处置预警", "Open warnings"),
    ("model_custom", "自定义模型", "Custom model"),
    ("unit_claims_title", "单位报销明细", "Reimbursements of a unit"),
    ("unit_claims_flagged", "有预警的报销单", "Claims with warnings"),
    ("vehicle_title", "公务用车加油记录", "Fuel history of an official vehicle"),
    ("vehicle_litres", "加油量（升）", "Litres"),
    ("vehicle_rest_day", "休息日加油", "Rest-day refuel"),
    ("vehicle_out_of_town", "异地加油", "Out-of-town refuel"),
    ("vehicle_unknown", "车辆登记中没有这个号牌", "No official vehicle with this plate"),
    ("col_time", "时间", "Time"),
    ("col_station", "加油站", "Station"),
    ("col_city", "城市", "City"),
    ("col_product", "油品", "Product"),
    ("col_claim", "报销单", "Claim"),
    ("col_category", "类别", "Category"),
    ("col_vendor", "商户", "Vendor"),
    ("col_guests", "接待/陪同", "Guests/companions"),
    ("col_claimant", "报销人", "Claimant"),
    ("col_approval", "公函/审批单", "Approval"),
    ("col_date", "日期", "Date"),
    ("link_unit_claims", "该单位全部报销", "All claims of this unit"),
    ("link_vehicle", "该车加油记录", "This vehicle's fuel history"),
    ("subject_person", "人员", "Person"),
    ("subject_account", "账户", "Account"),
    ("subject_tender", "交易项目", "Tender"),
    ("subject_group", "企业组", "Group of firms"),
    ("subject_enterprise", "企业", "Enterprise"),
    ("subject_unit", "单位", "Unit"),
    ("subject_claim", "报销单", "Claim"),
    ("subject_vehicle", "车辆", "Vehicle"),
    ("switch_language", "English", "中文"),
    ("logout", "退出", "Sign out"),
    ("login_title", "工作人员登录", "Staff sign-in"),
    ("login_username", "用户名", "User name"),
    ("login_password", "密码", "Password"),
    ("login_submit", "登录", "Sign in"),
    ("login_failed", "用户名或密码错误", "Wrong user name or password"),
    ("login_throttled", "登录失败次数过多，请15分钟后再试", "Too many failed sign-ins; try again in 15 minutes"),
    ("login_expired", "表单已过期，请重新登录", "The form expired; please sign in again"),
    ("role_admin", "系统管理员", "Administrator"),
    ("role_supervisor", "纪检监察", "Supervisor"),
    ("role_handler", "承办人", "Handler"),
    ("role_clerk", "数据报送员", "Department clerk"),
    ("role_security_admin", "安全管理员", "Security administrator"),
    ("role_auditor", "安全审计员", "Security auditor"),
    ("nav_audit", "审计日志", "Audit trail"),
    ("audit_title", "审计日志", "Audit trail"),
    (
        "audit_intro",
        "每一次写入和敏感查阅（预警、线索、导出、审计日志本身），记录人、时间、来源地址和对象；逐条哈希链接，删改可被发现。",
        "Every write and every sensitive read (warnings, clues, exports, this trail), with who, when, from where and what; each entry hash-linked to the one before, so removal or alteration is found.",
    ),
    ("audit_intact", "哈希链完整", "The hash chain is intact"),
    ("audit_entries", "条记录", "entries"),
    ("audit_export", "导出全部（CSV，含哈希）", "Export all (CSV, with hashes)"),
    ("audit_actor", "操作人", "Actor"),
    ("audit_action", "操作", "Action"),
    ("audit_object", "对象", "Object"),
    ("audit_address", "来源地址", "From"),
    ("audit_detail", "详情", "Detail"),
    ("overview_tables_with_data", "已有数据的表", "Tables with data"),
    ("overview_rows", "数据总行数", "Rows in all"),
    ("overview_accepted", "已接收批次", "Accepted batches"),
    ("overview_rejected", "已拒收批次", "Rejected batches"),
    ("overview_contract", "数据标准中的表", "Tables of the data contract"),
    ("overview_recent", "最近导入", "Recent imports"),
    ("col_table", "数据表", "Table"),
    ("col_table_name", "表名", "Name"),
    ("col_batches", "批次数", "Batches"),
    ("col_rows", "行数", "Rows"),
    ("col_last_import", "最近导入", "Last import"),
    ("col_batch", "批次", "Batch"),
    ("col_status", "状态", "Status"),
    ("col_file", "文件", "File"),
    ("col_errors", "错误数", "Errors"),
    ("col_imported_at", "导入时间", "Imported at"),
    ("col_imported_by", "导入人", "Imported by"),
    ("col_hash", "文件哈希", "File hash"),
    ("col_row", "行号", "Row"),
    ("col_column", "列", "Column"),
    ("col_value", "值", "Value"),
    ("col_reason", "原因", "Reason"),
    ("col_null_rate", "空值率", "Null rate"),
    ("col_checksum", "校验位错误", "Checksum failures"),
    ("col_future", "未来日期", "Future dates"),
    ("col_before_1900", "1900年前日期", "Dates before 1900"),
    ("status_accepted", "已接收", "Accepted"),
    ("status_rejected", "已拒收", "Rejected"),
    ("status_pending", "导入中", "Importing"),
    ("status_aborted", "已中断", "Aborted"),
    ("status_duplicate", "重复文件", "Duplicate"),
    ("filter_all", "全部", "All"),
    ("filter_apply", "筛选", "Filter"),
    ("page_previous", "上一页", "Previous"),
    ("page_next", "下一页", "Next"),
    ("page_of", "页，共", "page, total"),
    ("no_data", "暂无数据", "No data yet"),
    ("upload_hint", "将文件拖到此处，或点击选择文件", "Drop a file here, or click to choose one"),
    (
        "upload_formats",
        "支持CSV（UTF-8或GBK）、XLSX、XLS；文件名以表名开头，如 disbursement_2026-03.csv",
        "CSV (UTF-8 or GBK), XLSX or XLS; the file name starts with the table, e.g. disbursement_2026-03.csv",
    ),
    ("upload_table", "数据表（文件名无法识别时选择）", "Table (when the file name does not say)"),
    ("upload_table_auto", "按文件名识别", "From the file name"),
    ("upload_tolerance", "容错行数", "Bad rows tolerated"),
    ("upload_submit", "上传并校验", "Upload and validate"),
    ("upload_progress", "上传中", "Uploading"),
    ("upload_result", "校验结果", "Validation result"),
    ("upload_accepted", "已接收：数据已入库", "Accepted: the data is stored"),
    ("upload_rejected", "已拒收：未入库任何数据", "Rejected: nothing was stored"),
    (
        "upload_duplicate",
        "与已导入的批次内容相同，未重复导入",
        "Identical to a batch already imported; nothing changed",
    ),
    ("upload_file_error", "文件无法导入", "The file cannot be imported"),
    ("upload_rows_stored", "入库行数", "Rows stored"),
    ("upload_error_rows", "错误明细", "Errors, row by row"),
    ("upload_report", "下载错误报告", "Download the error report"),
    ("upload_no_file", "请选择文件", "Choose a file"),
    ("upload_forbidden", "当前角色不能上传数据", "Your role cannot upload data"),
    ("quality_title", "数据质量报告", "Data-quality report"),
    ("quality_generated", "生成时间", "Generated at"),
    ("quality_rows_chart", "各表数据行数", "Rows per table"),
    ("quality_null_chart", "各列空值率", "Null rate per column"),
    ("quality_duplicates", "主键重复", "Duplicate keys"),
    ("quality_no_duplicates", "主键无重复", "No duplicate keys"),
    ("quality_dangling", "悬空引用", "Dangling references"),
    ("quality_all_resolve", "引用全部有效", "All references resolve"),
    ("quality_target_empty", "被引用的表没有数据", "The referenced table has no data"),
    (
        "quality_complete",
        "每列都有值，无校验位错误和异常日期",
        "Every column filled; no checksum failures or odd dates",
    ),
    ("quality_tolerated", "容错导入时跳过的错误行", "Rows skipped within tolerance"),
    ("error_title", "出错了", "Something went wrong"),
    ("error_not_found", "页面不存在", "Page not found"),
    ("error_forbidden", "请求被拒绝（表单已过期或无权限）", "Request refused (the form expired or you lack the right)"),
    (
        "error_internal",
        "服务器内部错误，请联系管理员并提供编号",
        "Internal error; give the administrator this reference",
    ),
    ("back_home", "返回首页", "Back to the overview"),
];

/// English names of the contract's tables (the contract names them in Chinese).
const TABLE_NAMES_EN: &[(&str, &str)] = &[
    ("person", "Persons"),
    ("death", "Deaths"),
    ("official", "Officials"),
    ("kinship", "Kinship"),
    ("enterprise", "Enterprises"),
    ("enterprise_role", "Shareholders and key persons"),
    ("vehicle", "Vehicles"),
    ("property", "Real estate"),
    ("fund_program", "Fund programs"),
    ("disbursement", "Fund disbursements"),
    ("tender", "Tenders"),
    ("bid", "Bids"),
    ("award", "Awards and contracts"),
    ("budget", "Budgets"),
    ("payment", "Payments"),
    ("reimbursement", "Reimbursements"),
    ("official_vehicle", "Official vehicles"),
    ("fuel_record", "Fuel records"),
    ("inspection_item", "Inspection items"),
    ("inspection_target", "Inspection targets"),
    ("inspector", "Inspectors"),
    ("calendar", "Holiday calendar"),
];

/// A table's name for people: its Chinese label, or its English name.
pub fn table_label(lang: Lang, table: &str) -> String {
    let chinese = contract::stored_table(table).map(|t| t.label).unwrap_or(table);
    match lang {
        Lang::Zh => chinese.to_owned(),
        Lang::En => TABLE_NAMES_EN
            .iter()
            .find(|(k, _)| *k == table)
            .map(|(_, en)| (*en).to_owned())
            .unwrap_or_else(|| table.to_owned()),
    }
}

/// A column's name for people: its Chinese label, or (in English) none beyond its key.
pub fn column_label(lang: Lang, label: &str) -> &str {
    if lang == Lang::Zh { label } else { "" }
}

/// The strings of one language, keyed for templates.
pub fn strings(lang: Lang) -> BTreeMap<&'static str, &'static str> {
    STRINGS.iter().map(|(key, zh, en)| (*key, if lang == Lang::Zh { *zh } else { *en })).collect()
}

pub fn get(lang: Lang, key: &str) -> &'static str {
    STRINGS.iter().find(|(k, _, _)| *k == key).map(|(_, zh, en)| if lang == Lang::Zh { *zh } else { *en }).unwrap_or("")
}

/// An enum value as the contract stores it (`valid`), shown as the department
/// wrote it in Chinese (`有效`), or as the key in English. Anything else as is.
pub fn enum_label(lang: Lang, table: &str, column: &str, value: &str) -> String {
    contract::table(table)
        .and_then(|t| t.columns.iter().find(|c| c.key == column))
        .and_then(|c| c.enum_values())
        .and_then(|values| values.iter().find(|e| e.key == value))
        .and_then(|e| e.labels.first())
        .filter(|_| lang == Lang::Zh)
        .map(|l| (*l).to_owned())
        .unwrap_or_else(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_an_english_name() {
        for t in contract::TABLES {
            assert!(TABLE_NAMES_EN.iter().any(|(k, _)| *k == t.name), "{}", t.name);
        }
    }

    #[test]
    fn keys_are_unique_and_translated() {
        let mut seen = std::collections::HashSet::new();
        for (key, zh, en) in STRINGS {
            assert!(seen.insert(key), "{key} twice");
            assert!(!zh.is_empty() && !en.is_empty(), "{key} untranslated");
        }
    }
}

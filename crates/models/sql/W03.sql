--! code = "W03"
--! name_zh = "违规场所消费"
--! name_en = "Prohibited venue"
--! domain = "conduct"
--! severity = "high"
--! subject = "claim"
--! summary_zh = "报销的商户在配置的场所名单上，或其名称含有配置的关键词（会所、KTV、洗浴、高尔夫、夜总会……）。"
--! summary_en = "The vendor is on the configured venue list, or its name contains a configured keyword (会所, KTV, 洗浴, 高尔夫, 夜总会 …)."
--! basis_zh = "中央八项规定精神：严禁出入私人会所，严禁用公款进行高消费娱乐健身活动；《中国共产党纪律处分条例》对违规出入私人会所、用公款高消费娱乐作出处分规定。"
--! basis_en = "The Eight-point Rules forbid private clubs and entertainment or fitness on public money; the Party's disciplinary regulations punish both."
--! reads = ["reimbursement"]
--! reason_zh = "{subject_name}报销单{subject_id}在{vendor}消费{amount}（{expense_date}），命中：{matched}。"
--! reason_en = "Claim {subject_id} of {subject_name}: {amount} spent at {vendor} on {expense_date}; matched: {matched}."
--!
--! [params.keywords]
--! kind = "text"
--! default = "会所,KTV,洗浴,高尔夫,夜总会,足浴,歌厅,桑拿"
--! zh = "场所关键词（逗号分隔）"
--! en = "Venue keywords (comma-separated)"
--!
--! [params.venues]
--! kind = "text"
--! default = ""
--! zh = "场所名单（完整商户名，逗号分隔）"
--! en = "Venue list (full vendor names, comma-separated)"
--!
--! [figures]
--! expense_date = { zh = "发生日期", en = "Date" }
--! vendor = { zh = "商户", en = "Vendor" }
--! category = { zh = "类别", en = "Category" }
--! matched = { zh = "命中", en = "Matched" }
WITH word AS (
    SELECT trim(w) AS w FROM unnest(string_to_array(${keywords}, ',')) AS t(w) WHERE trim(w) <> ''
),
venue AS (
    SELECT trim(v) AS v FROM unnest(string_to_array(${venues}, ',')) AS t(v) WHERE trim(v) <> ''
),
hit AS (
    SELECT r.claim_id, '关键词 keyword ' || w.w AS matched
    FROM reimbursement r JOIN word w ON strpos(upper(r.vendor_name), upper(w.w)) > 0
    UNION ALL
    SELECT r.claim_id, '名单 list' AS matched
    FROM reimbursement r JOIN venue v ON trim(r.vendor_name) = v.v
),
matched AS (
    SELECT claim_id, string_agg(matched, '、' ORDER BY matched) AS matched FROM hit GROUP BY claim_id
)
SELECT
    r.claim_id AS key,
    'claim' AS subject_kind,
    r.claim_id AS subject_id,
    coalesce(u.org_name, r.org_code) AS subject_name,
    r.amount AS amount_fen,
    r.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    r.expense_date,
    r.vendor_name AS vendor,
    r.category,
    m.matched,
    src('reimbursement', r._batch, r._row, r.claim_id) AS src_claim
FROM reimbursement r
JOIN matched m ON m.claim_id = r.claim_id
LEFT JOIN unit u ON u.org_code = r.org_code

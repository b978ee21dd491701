--! code = "W01"
--! name_zh = "节假日公务接待"
--! name_en = "Reception on a rest day"
--! domain = "conduct"
--! severity = "medium"
--! subject = "claim"
--! summary_zh = "公务接待报销的发生日期是周末或法定节假日（调休上班日除外）。"
--! summary_en = "A reception reimbursement dated on a weekend or statutory holiday (not a swapped working day)."
--! basis_zh = "中央八项规定精神及《党政机关国内公务接待管理规定》：严禁借公务接待名义用公款安排宴请；节假日公款吃喝是“四风”问题的典型表现。"
--! basis_en = "The Eight-point Rules and the Regulations on Domestic Official Receptions of Party and Government Organs: no banquets on public money under the name of receptions; holiday dining on public funds is a typical “four winds” problem."
--! reads = ["reimbursement", "calendar"]
--! reason_zh = "{subject_name}报销单{subject_id}的公务接待发生在休息日{expense_date}（{day_kind}），金额{amount}，商户{vendor}。"
--! reason_en = "Claim {subject_id} of {subject_name}: a reception on a rest day, {expense_date} ({day_kind}), {amount} at {vendor}."
--!
--! [figures]
--! expense_date = { zh = "发生日期", en = "Date" }
--! day_kind = { zh = "日期类型", en = "Kind of day" }
--! vendor = { zh = "商户", en = "Vendor" }
--! claimant = { zh = "报销人", en = "Claimant" }
SELECT
    r.claim_id AS key,
    'claim' AS subject_kind,
    r.claim_id AS subject_id,
    coalesce(u.org_name, r.org_code) AS subject_name,
    r.amount AS amount_fen,
    r.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    r.expense_date,
    CASE WHEN date_part('dow', r.expense_date) IN (0, 6) THEN '周末 weekend' ELSE '法定节假日 holiday' END AS day_kind,
    coalesce(r.vendor_name, '') AS vendor,
    coalesce(r.claimant_name, r.claimant_id, '') AS claimant,
    src('reimbursement', r._batch, r._row, r.claim_id) AS src_claim
FROM reimbursement r
LEFT JOIN unit u ON u.org_code = r.org_code
WHERE r.category = 'reception' AND NOT is_workday(r.expense_date)

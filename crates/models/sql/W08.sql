--! code = "W08"
--! name_zh = "重复报销"
--! name_en = "Duplicate reimbursement"
--! domain = "conduct"
--! severity = "high"
--! subject = "claim"
--! summary_zh = "同一发票号码被报销两次；或同一报销人就同一商户、同一日期、同一金额报销两次。预警对象是后一张报销单。"
--! summary_en = "One invoice number claimed twice, or one claimant claims the same vendor, date and amount twice. The warning is on the later claim."
--! basis_zh = "同一票据只能报销一次，重复报销属于套取公款（《会计基础工作规范》关于原始凭证审核的规定）。"
--! basis_en = "A receipt is reimbursed once; claiming it again is taking public money (Basic Standards for Accounting Work, on checking vouchers)."
--! reads = ["reimbursement"]
--! reason_zh = "{subject_name}报销单{subject_id}与{earlier_claims}重复（{rules}），金额{amount}。"
--! reason_en = "Claim {subject_id} of {subject_name} repeats {earlier_claims} ({rules}): {amount}."
--!
--! [figures]
--! earlier_claims = { zh = "此前的报销单", en = "Earlier claims" }
--! rules = { zh = "规则", en = "Rules" }
--! invoice_no = { zh = "发票号码", en = "Invoice" }
--! expense_date = { zh = "发生日期", en = "Date" }
--! claimant = { zh = "报销人", en = "Claimant" }
WITH pair AS (
    SELECT a.claim_id AS first_id, b.claim_id AS second_id, '同一发票 same invoice' AS rule
    FROM reimbursement a
    JOIN reimbursement b ON a.invoice_no = b.invoice_no AND a.claim_id <> b.claim_id
    WHERE a.expense_date < b.expense_date OR (a.expense_date = b.expense_date AND a.claim_id < b.claim_id)
    UNION ALL
    SELECT a.claim_id, b.claim_id, '同一报销人同商户同日同额 same claimant, vendor, date and amount'
    FROM reimbursement a
    JOIN reimbursement b ON a.claimant_id = b.claimant_id AND a.vendor_name = b.vendor_name
        AND a.expense_date = b.expense_date AND a.amount = b.amount AND a.claim_id < b.claim_id
),
later AS (
    SELECT second_id,
        array_to_string(array_sort(array_distinct(array_agg(first_id))), '、') AS earlier_claims,
        array_to_string(array_sort(array_distinct(array_agg(rule))), '、') AS rules
    FROM pair
    GROUP BY second_id
)
SELECT
    r.claim_id AS key,
    'claim' AS subject_kind,
    r.claim_id AS subject_id,
    coalesce(u.org_name, r.org_code) AS subject_name,
    r.amount AS amount_fen,
    r.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    l.earlier_claims,
    l.rules,
    coalesce(r.invoice_no, '') AS invoice_no,
    r.expense_date,
    coalesce(r.claimant_name, r.claimant_id, '') AS claimant,
    src('reimbursement', r._batch, r._row, r.claim_id) AS src_claim
FROM later l
JOIN reimbursement r ON r.claim_id = l.second_id
LEFT JOIN unit u ON u.org_code = r.org_code

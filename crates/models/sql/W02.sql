--! code = "W02"
--! name_zh = "接待超标准"
--! name_en = "Reception over the standard"
--! domain = "conduct"
--! severity = "medium"
--! subject = "claim"
--! summary_zh = "人均费用（金额 /（接待对象 + 陪同人数））超过标准（默认150元）；或接待对象10人以内陪同超过3人、10人以上陪同超过三分之一；或没有公函/审批单。"
--! summary_en = "Per-head cost (amount / (guests + companions)) above the standard (default 150 yuan); or more than 3 companions for up to 10 guests, more than a third of the guests beyond 10; or no approval document."
--! basis_zh = "《党政机关国内公务接待管理规定》：无公函的公务活动不予接待；接待对象在10人以内的陪餐人数不得超过3人，超过10人的不得超过三分之一；工作餐标准由各地规定。"
--! basis_en = "Regulations on Domestic Official Receptions: no reception without an official letter; at most 3 companions for up to 10 guests and at most a third beyond that; meal standards are set locally."
--! reads = ["reimbursement"]
--! reason_zh = "{subject_name}报销单{subject_id}（{expense_date}，{vendor}）：{findings}。"
--! reason_en = "Claim {subject_id} of {subject_name} ({expense_date}, {vendor}): {findings}."
--!
--! [params.per_head]
--! kind = "money"
--! default = 150
--! zh = "人均标准（元）"
--! en = "Per-head standard (yuan)"
--!
--! [params.companions_small]
--! kind = "int"
--! default = 3
--! zh = "接待对象10人以内时的陪同上限"
--! en = "Most companions for up to 10 guests"
--!
--! [figures]
--! expense_date = { zh = "发生日期", en = "Date" }
--! vendor = { zh = "商户", en = "Vendor" }
--! guests = { zh = "接待对象人数", en = "Guests" }
--! companions = { zh = "陪同人数", en = "Companions" }
--! per_head_fen = { zh = "人均费用", en = "Per head" }
--! approval_doc = { zh = "公函/审批单", en = "Approval document" }
--! findings = { zh = "问题", en = "Findings" }
WITH reception AS (
    SELECT r.*,
        CASE WHEN coalesce(r.guests, 0) + coalesce(r.companions, 0) > 0
            THEN r.amount / (coalesce(r.guests, 0) + coalesce(r.companions, 0)) END AS per_head
    FROM reimbursement r
    WHERE r.category = 'reception'
),
judged AS (
    SELECT *,
        per_head IS NOT NULL AND per_head > ${per_head} AS over_standard,
        guests IS NOT NULL AND companions IS NOT NULL
            AND ((guests <= 10 AND companions > ${companions_small}) OR (guests > 10 AND companions * 3 > guests))
            AS too_many_companions,
        approval_doc IS NULL OR trim(approval_doc) = '' AS no_approval
    FROM reception
)
SELECT
    j.claim_id AS key,
    'claim' AS subject_kind,
    j.claim_id AS subject_id,
    coalesce(u.org_name, j.org_code) AS subject_name,
    j.amount AS amount_fen,
    j.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    j.expense_date,
    coalesce(j.vendor_name, '') AS vendor,
    j.guests,
    j.companions,
    j.per_head AS per_head_fen,
    j.approval_doc,
    concat_ws('；',
        CASE WHEN j.over_standard THEN '人均超标准 per head over the standard' END,
        CASE WHEN j.too_many_companions THEN '陪同人数超限 too many companions' END,
        CASE WHEN j.no_approval THEN '无公函或审批单 no approval document' END) AS findings,
    src('reimbursement', j._batch, j._row, j.claim_id) AS src_claim
FROM judged j
LEFT JOIN unit u ON u.org_code = j.org_code
WHERE j.over_standard OR j.too_many_companions OR j.no_approval

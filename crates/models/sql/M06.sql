--! code = "M06"
--! name_zh = "标准不符"
--! name_en = "Amount off the standard"
--! domain = "livelihood"
--! severity = "medium"
--! subject = "person"
--! summary_zh = "有标准的项目发放金额高于标准（超发），或实发低于核定金额或标准（克扣嫌疑）。"
--! summary_en = "A program with a standard pays more than it (overpayment), or pays less than the approved amount or the standard (suspected skimming)."
--! basis_zh = "补贴应按核定标准足额发放，不得超标准发放，也不得截留、克扣（《社会救助暂行办法》关于救助资金发放管理的规定）。"
--! basis_en = "Allowances are paid in full at the approved standard, never above it, and may not be withheld or skimmed (Interim Measures on Social Assistance, on the payment of assistance funds)."
--! reads = ["disbursement", "fund_program"]
--! reason_zh = "{subject_name}{period}的{program_name}实发{paid_fen}，标准{standard_fen}，核定{approved_fen}，差额{amount}（{direction}）。"
--! reason_en = "{subject_name}'s {program_name} for {period} was {paid_fen} against a standard of {standard_fen} and an approved {approved_fen}: {amount} {direction}."
--!
--! [figures]
--! program_code = { zh = "项目代码", en = "Program" }
--! program_name = { zh = "项目名称", en = "Program name" }
--! period = { zh = "所属期", en = "Period" }
--! paid_fen = { zh = "实发金额", en = "Paid" }
--! standard_fen = { zh = "标准金额", en = "Standard" }
--! approved_fen = { zh = "核定金额", en = "Approved" }
--! direction = { zh = "偏差", en = "Direction" }
WITH off AS (
    SELECT d.*, p.name AS program_name, p.standard_amount AS standard,
        CASE WHEN p.standard_amount IS NOT NULL AND d.amount > p.standard_amount THEN d.amount - p.standard_amount
             ELSE coalesce(d.approved_amount, p.standard_amount) - d.amount END AS gap,
        CASE WHEN p.standard_amount IS NOT NULL AND d.amount > p.standard_amount THEN 'over' ELSE 'under' END AS dir
    FROM disbursement d
    JOIN program p ON p.program_code = d.program_code
    WHERE (p.standard_amount IS NOT NULL AND d.amount > p.standard_amount)
       OR d.amount < coalesce(d.approved_amount, p.standard_amount)
)
SELECT
    recipient_id || '/' || program_code || '/' || to_char(period, '%Y-%m') AS key,
    'person' AS subject_kind,
    recipient_id AS subject_id,
    max(recipient_name) AS subject_name,
    sum(gap) AS amount_fen,
    max(handler_org) AS org_code,
    max(region_code) AS region_code,
    program_code,
    max(program_name) AS program_name,
    to_char(period, '%Y-%m') AS period,
    sum(amount) AS paid_fen,
    max(standard) AS standard_fen,
    max(approved_amount) AS approved_fen,
    CASE WHEN max(dir) = min(dir) AND max(dir) = 'over' THEN '超发 over'
         WHEN max(dir) = min(dir) THEN '少发 under' ELSE '超发及少发 over and under' END AS direction,
    array_agg(src('disbursement', _batch, _row, record_id)) AS src_payments
FROM off
GROUP BY recipient_id, program_code, period

--! code = "M04"
--! name_zh = "重复领取"
--! name_en = "Duplicate receipt"
--! domain = "livelihood"
--! severity = "high"
--! subject = "person"
--! summary_zh = "同一人同一所属期被同一项目发放两次以上，或被同一互斥组的两个项目同时发放。"
--! summary_en = "One recipient is paid twice by one program for one period, or by two programs of one exclusive group for one period."
--! basis_zh = "同一救助事项每期只应发放一次；特困人员供养与最低生活保障等不得重复享受（《社会救助暂行办法》关于特困人员供养与其他救助衔接的规定）。"
--! basis_en = "An assistance is paid once a period; support for the extremely poor and the minimum living allowance may not be drawn together (Interim Measures on Social Assistance, on the coordination of assistance)."
--! reads = ["disbursement", "fund_program"]
--! reason_zh = "{subject_name}在{period}被{programs}重复发放{payments}笔，重复金额{amount}。"
--! reason_en = "{subject_name} was paid {payments} times for {period} ({programs}); {amount} paid twice."
--!
--! [figures]
--! period = { zh = "所属期", en = "Period" }
--! programs = { zh = "发放项目", en = "Programs" }
--! exclusive_group = { zh = "互斥组", en = "Exclusive group" }
--! payments = { zh = "发放笔数", en = "Payments" }
--! paid_fen = { zh = "发放合计", en = "Paid in all" }
WITH d AS (
    SELECT d.*, p.exclusive_group, coalesce(p.exclusive_group, d.program_code) AS grp
    FROM disbursement d
    LEFT JOIN program p ON p.program_code = d.program_code
),
-- Count first: only the few repeated (recipient, period, group) carry evidence further.
repeated AS (
    SELECT recipient_id, period, grp FROM d GROUP BY recipient_id, period, grp HAVING count(*) >= 2
),
hit AS (
    SELECT d.* FROM d JOIN repeated r ON r.recipient_id = d.recipient_id AND r.period = d.period AND r.grp = d.grp
)
SELECT
    recipient_id || '/' || to_char(period, '%Y-%m') || '/' || grp AS key,
    'person' AS subject_kind,
    recipient_id AS subject_id,
    max(recipient_name) AS subject_name,
    sum(amount) - max(amount) AS amount_fen,
    max(handler_org) AS org_code,
    max(region_code) AS region_code,
    to_char(period, '%Y-%m') AS period,
    array_agg(program_code ORDER BY program_code, _batch, _row) AS programs,
    max(exclusive_group) AS exclusive_group,
    count(*) AS payments,
    sum(amount) AS paid_fen,
    array_agg(src('disbursement', _batch, _row, record_id)) AS src_payments
FROM hit
GROUP BY recipient_id, period, grp

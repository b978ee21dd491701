--! code = "M09"
--! name_zh = "经办人自批自领"
--! name_en = "Handler pays self or kin"
--! domain = "livelihood"
--! severity = "high"
--! subject = "person"
--! summary_zh = "资金发放的经办人就是领取人本人，或是领取人的亲属。"
--! summary_en = "The handler of a disbursement is the recipient, or a relative of the recipient."
--! basis_zh = "经办人员办理本人及近亲属的救助事项应当回避；利用职务便利为本人或亲属发放资金涉嫌以权谋私、贪污。"
--! basis_en = "Case handlers must recuse themselves from their own and their close relatives' applications; paying oneself or one's kin through one's post is abuse of office and may be embezzlement."
--! reads = ["disbursement", "fund_program", "kinship"]
--! reason_zh = "经办人{handler_id}为其（{relation}）{subject_name}经办发放{program_name}{payments}期（{periods}），合计{amount}。"
--! reason_en = "Handler {handler_id} paid {program_name} to {subject_name} ({relation}) for {payments} period(s) ({periods}), {amount} in all."
--!
--! [figures]
--! program_code = { zh = "项目代码", en = "Program" }
--! program_name = { zh = "项目名称", en = "Program name" }
--! handler_id = { zh = "经办人", en = "Handler" }
--! relation = { zh = "关系", en = "Relation" }
--! periods = { zh = "所属期", en = "Periods" }
--! payments = { zh = "发放笔数", en = "Payments" }
WITH pair AS (
    SELECT d.recipient_id, d.recipient_name, d.program_code, d.period, d.amount, d.handler_org, d.region_code,
        d.record_id, d._batch, d._row, d.handler_id, '本人 self' AS relation, CAST(NULL AS VARCHAR) AS kin_source
    FROM disbursement d
    WHERE d.handler_id = d.recipient_id
    UNION ALL
    SELECT d.recipient_id, d.recipient_name, d.program_code, d.period, d.amount, d.handler_org, d.region_code,
        d.record_id, d._batch, d._row, d.handler_id, r.relation, src('kinship', r._batch, r._row, r.a || '/' || r.b)
    FROM disbursement d
    JOIN kin r ON r.a = d.handler_id AND r.b = d.recipient_id
    WHERE d.handler_id <> d.recipient_id
),
pays AS (
    SELECT DISTINCT recipient_id, recipient_name, program_code, period, amount, handler_org, region_code,
        record_id, _batch, _row, handler_id
    FROM pair
),
paid AS (
    SELECT
        recipient_id, program_code, handler_id,
        max(recipient_name) AS subject_name,
        sum(amount) AS amount_fen,
        max(handler_org) AS org_code,
        max(region_code) AS region_code,
        array_agg(to_char(period, '%Y-%m') ORDER BY period, _batch, _row) AS periods,
        count(*) AS payments,
        array_agg(src('disbursement', _batch, _row, record_id)) AS src_payments
    FROM pays
    GROUP BY recipient_id, program_code, handler_id
),
kin AS (
    SELECT recipient_id, handler_id, string_agg(relation, '、' ORDER BY relation) AS relation,
        array_agg(kin_source) AS src_kinship
    FROM (SELECT DISTINCT recipient_id, handler_id, relation, kin_source FROM pair) AS x
    GROUP BY recipient_id, handler_id
)
SELECT
    a.recipient_id || '/' || a.program_code || '/' || a.handler_id AS key,
    'person' AS subject_kind,
    a.recipient_id AS subject_id,
    a.subject_name,
    a.amount_fen,
    a.org_code,
    a.region_code,
    a.program_code,
    p.name AS program_name,
    a.handler_id,
    k.relation,
    a.periods,
    a.payments,
    a.src_payments,
    k.src_kinship
FROM paid a
JOIN kin k ON k.recipient_id = a.recipient_id AND k.handler_id = a.handler_id
LEFT JOIN program p ON p.program_code = a.program_code

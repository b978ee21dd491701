--! code = "M03"
--! name_zh = "优亲厚友"
--! name_en = "Relative of the responsible cadre"
--! domain = "livelihood"
--! severity = "medium"
--! subject = "person"
--! summary_zh = "领取人在所属期内是同村村干部的亲属，或是经办单位公职人员的亲属。"
--! summary_en = "The recipient is, during the period, a relative of a village cadre of the same village or of an official of the handling unit."
--! basis_zh = "民政部门要求对村（居）干部和经办人员近亲属申请救助实行备案管理；优亲厚友、以权谋私是群众身边不正之风和腐败问题专项整治的重点。"
--! basis_en = "Civil-affairs rules require applications by close relatives of village cadres and case handlers to be registered for review; favouring one's kin is a priority of the campaign against corruption close to the people."
--! reads = ["disbursement", "fund_program", "official", "kinship"]
--! reason_zh = "{subject_name}是{cadres}的亲属，在其任职期间领取{program_name}{payments}期（{periods}），合计{amount}。"
--! reason_en = "{subject_name} is a relative of {cadres} and was paid {program_name} for {payments} period(s) ({periods}) while they held the post, {amount} in all."
--!
--! [figures]
--! program_code = { zh = "项目代码", en = "Program" }
--! program_name = { zh = "项目名称", en = "Program name" }
--! cadres = { zh = "相关干部（关系）", en = "Cadres (relation)" }
--! periods = { zh = "所属期", en = "Periods" }
--! payments = { zh = "发放笔数", en = "Payments" }
WITH pair AS (
    SELECT
        d.recipient_id, d.recipient_name, d.program_code, d.period, d.amount, d.handler_org, d.region_code,
        d.record_id, d._batch, d._row,
        coalesce(o.name, o.id_number) || '（' || coalesce(o.org_name, o.org_code) || coalesce(o.position, '') || '，'
            || r.relation || '）' AS cadre,
        src('official', o._batch, o._row, o.id_number || '/' || o.org_code) AS post_source,
        src('kinship', r._batch, r._row, r.a || '/' || r.b) AS kin_source
    FROM disbursement d
    JOIN kin r ON r.b = d.recipient_id
    JOIN official o ON o.id_number = r.a
        AND ((o.category = 'village_cadre' AND o.region_code = d.region_code) OR o.org_code = d.handler_org)
        AND (o.start_date IS NULL OR o.start_date < d.period + INTERVAL '1 month')
        AND (o.end_date IS NULL OR o.end_date >= d.period)
    WHERE o.id_number <> d.recipient_id
),
pays AS (
    SELECT DISTINCT recipient_id, recipient_name, program_code, period, amount, handler_org, region_code, record_id, _batch, _row
    FROM pair
),
paid AS (
    SELECT
        recipient_id, program_code,
        max(recipient_name) AS subject_name,
        sum(amount) AS amount_fen,
        max(handler_org) AS org_code,
        max(region_code) AS region_code,
        array_agg(to_char(period, '%Y-%m') ORDER BY period, _batch, _row) AS periods,
        count(*) AS payments,
        array_agg(src('disbursement', _batch, _row, record_id)) AS src_payments
    FROM pays
    GROUP BY recipient_id, program_code
),
linked AS (
    SELECT recipient_id, program_code, string_agg(cadre, '；' ORDER BY cadre) AS cadres,
        array_agg(post_source) AS src_posts, array_agg(kin_source) AS src_kinship
    FROM (SELECT DISTINCT recipient_id, program_code, cadre, post_source, kin_source FROM pair) AS x
    GROUP BY recipient_id, program_code
)
SELECT
    a.recipient_id || '/' || a.program_code AS key,
    'person' AS subject_kind,
    a.recipient_id AS subject_id,
    a.subject_name,
    a.amount_fen,
    a.org_code,
    a.region_code,
    a.program_code,
    p.name AS program_name,
    l.cadres,
    a.periods,
    a.payments,
    a.src_payments,
    l.src_posts,
    l.src_kinship
FROM paid a
JOIN linked l ON l.recipient_id = a.recipient_id AND l.program_code = a.program_code
LEFT JOIN program p ON p.program_code = a.program_code

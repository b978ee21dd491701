--! code = "M02"
--! name_zh = "公职人员违规领取"
--! name_en = "Official on a means-tested program"
--! domain = "livelihood"
--! severity = "high"
--! subject = "person"
--! summary_zh = "家计调查类项目（如低保）的领取人在所属期内是公职人员（任何类别）。"
--! summary_en = "The recipient of a means-tested program (such as 低保) is an official of any category during the period."
--! basis_zh = "最低生活保障等家计调查类救助以家庭收入和财产为条件；公职人员有稳定工资收入，隐瞒身份领取属于骗取救助资金，是群众身边不正之风和腐败问题专项整治的重点。"
--! basis_en = "Means-tested assistance depends on household income and assets; officials draw a regular salary, and receiving it by concealing one's post is obtaining assistance by deception, a priority of the campaign against corruption close to the people."
--! reads = ["disbursement", "fund_program", "official"]
--! reason_zh = "{subject_name}在{posts}任职期间领取家计调查类项目{program_name}{payments}期（{periods}），合计{amount}。"
--! reason_en = "{subject_name} was paid the means-tested {program_name} for {payments} period(s) ({periods}) while holding a post ({posts}), {amount} in all."
--!
--! [figures]
--! program_code = { zh = "项目代码", en = "Program" }
--! program_name = { zh = "项目名称", en = "Program name" }
--! posts = { zh = "任职", en = "Posts" }
--! periods = { zh = "任职期间所属期", en = "Periods while in post" }
--! payments = { zh = "发放笔数", en = "Payments" }
WITH pair AS (
    SELECT
        d.recipient_id, d.recipient_name, d.program_code, d.period, d.amount, d.handler_org, d.region_code,
        d.record_id, d._batch, d._row,
        coalesce(o.org_name, o.org_code) || coalesce(o.position, '') AS post,
        src('official', o._batch, o._row, o.id_number || '/' || o.org_code) AS post_source
    FROM disbursement d
    JOIN program p ON p.program_code = d.program_code AND p.means_tested
    JOIN official o ON o.id_number = d.recipient_id
        AND (o.start_date IS NULL OR o.start_date < d.period + INTERVAL '1 month')
        AND (o.end_date IS NULL OR o.end_date >= d.period)
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
held AS (
    SELECT recipient_id, program_code, string_agg(post, '；' ORDER BY post) AS posts, array_agg(post_source) AS src_posts
    FROM (SELECT DISTINCT recipient_id, program_code, post, post_source FROM pair) AS x
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
    h.posts,
    a.periods,
    a.payments,
    a.src_payments,
    h.src_posts
FROM paid a
JOIN held h ON h.recipient_id = a.recipient_id AND h.program_code = a.program_code
LEFT JOIN program p ON p.program_code = a.program_code

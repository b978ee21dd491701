--! code = "M01"
--! name_zh = "死亡人员冒领"
--! name_en = "Deceased recipient"
--! domain = "livelihood"
--! severity = "high"
--! subject = "person"
--! summary_zh = "资金发放的所属期始于领取人死亡日期之后。"
--! summary_en = "A disbursement's period begins after the recipient's death date."
--! basis_zh = "《社会救助暂行办法》：采取虚报、隐瞒、伪造等手段骗取社会救助资金的，停止救助并责令退回；领取人死亡后应停止发放。"
--! basis_en = "Interim Measures on Social Assistance: assistance obtained by false reports or concealment is stopped and recovered; payments stop when the recipient dies."
--! reads = ["disbursement", "death", "fund_program"]
--! reason_zh = "{subject_name}已于{death_date}死亡，其后仍按{periods}共{payments}期领取{program_name}，合计{amount}。"
--! reason_en = "{subject_name} died on {death_date} but was still paid {program_name} for {payments} period(s) ({periods}), {amount} in all."
--!
--! [figures]
--! program_code = { zh = "项目代码", en = "Program" }
--! program_name = { zh = "项目名称", en = "Program name" }
--! death_date = { zh = "死亡日期", en = "Date of death" }
--! periods = { zh = "死亡后所属期", en = "Periods after death" }
--! payments = { zh = "发放笔数", en = "Payments" }
WITH dead AS (
    SELECT id_number, min(death_date) AS death_date, max(src('death', _batch, _row, id_number)) AS source
    FROM death
    GROUP BY id_number
),
hit AS (
    SELECT d.*, x.death_date, x.source AS death_source
    FROM disbursement d
    JOIN dead x ON x.id_number = d.recipient_id
    WHERE d.period > x.death_date
)
SELECT
    h.recipient_id || '/' || h.program_code AS key,
    'person' AS subject_kind,
    h.recipient_id AS subject_id,
    max(h.recipient_name) AS subject_name,
    sum(h.amount) AS amount_fen,
    max(h.handler_org) AS org_code,
    max(h.region_code) AS region_code,
    h.program_code,
    max(p.name) AS program_name,
    max(h.death_date) AS death_date,
    array_agg(to_char(h.period, '%Y-%m') ORDER BY h.period, h._batch, h._row) AS periods,
    count(*) AS payments,
    array_agg(src('disbursement', h._batch, h._row, h.record_id)) AS src_payments,
    max(h.death_source) AS src_death
FROM hit h
LEFT JOIN program p ON p.program_code = h.program_code
GROUP BY h.recipient_id, h.program_code

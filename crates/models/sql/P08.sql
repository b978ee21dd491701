--! code = "P08"
--! name_zh = "利益冲突"
--! name_en = "Conflict of interest"
--! domain = "trading"
--! severity = "high"
--! subject = "tender"
--! summary_zh = "中标企业的法定代表人、股东或主要人员在定标日是招标单位的公职人员，或其亲属。"
--! summary_en = "The winner's legal representative, shareholder or key person is an official of the buyer unit, or a relative of one, on the award date."
--! basis_zh = "《招标投标法实施条例》第三十四条：与招标人存在利害关系可能影响招标公正性的法人、其他组织或者个人，不得参加投标；《政府采购法》第十二条：采购人员及相关人员与供应商有利害关系的，必须回避。"
--! basis_en = "Regulations on the Tendering and Bidding Law art. 34: those with an interest in the buyer that may affect fairness may not bid; Government Procurement Law art. 12: procurement staff with an interest in a supplier must withdraw."
--! reads = ["tender", "award", "enterprise", "enterprise_role", "official", "kinship"]
--! reason_zh = "{subject_name}由{winner}中标；其{role}{holder}与招标单位{official}（{position}）的关系：{relation}。"
--! reason_en = "{winner} won {subject_name}; its {role} {holder} is, to {official} ({position}) of the buyer: {relation}."
--!
--! [figures]
--! winner = { zh = "中标人", en = "Winner" }
--! role = { zh = "企业中的身份", en = "Role in the winner" }
--! holder = { zh = "人员", en = "Person" }
--! official = { zh = "招标单位公职人员", en = "Official of the buyer" }
--! position = { zh = "职务", en = "Position" }
--! relation = { zh = "亲属关系", en = "Relation" }
WITH w AS (
    SELECT t.tender_id, t.title, t.buyer_code, coalesce(t.buyer_name, t.buyer_code) AS buyer_name, t.region_code,
        coalesce(t.award_date, a.contract_date, t.bid_open_date) AS day, a.winner_code,
        coalesce(a.winner_name, a.winner_code) AS winner_name, a.award_amount,
        t._batch, t._row, a._batch AS award_batch, a._row AS award_row
    FROM trade t
    JOIN award a ON a.tender_id = t.tender_id
),
people AS (
    SELECT w.*, e.legal_rep_id AS holder_id, e.legal_rep_name AS holder_name,
        '法定代表人 legal representative' AS role, src('enterprise', e._batch, e._row, e.credit_code) AS holder_source
    FROM w JOIN enterprise e ON e.credit_code = w.winner_code
    WHERE e.legal_rep_id IS NOT NULL
    UNION ALL
    SELECT w.*, r.holder_id, r.holder_name,
        CASE r.role WHEN 'shareholder' THEN '股东 shareholder' WHEN 'director' THEN '董事 director'
            WHEN 'supervisor' THEN '监事 supervisor' WHEN 'manager' THEN '经理 manager'
            WHEN 'finance' THEN '财务负责人 finance officer' ELSE '实际控制人 controller' END,
        src('enterprise_role', r._batch, r._row, r.credit_code || '/' || r.holder_id)
    FROM w JOIN enterprise_role r ON r.credit_code = w.winner_code
        AND (r.start_date IS NULL OR w.day IS NULL OR r.start_date <= w.day)
        AND (r.end_date IS NULL OR w.day IS NULL OR r.end_date >= w.day)
    WHERE r.holder_id IS NOT NULL
),
post AS (
    SELECT o.*, src('official', o._batch, o._row, o.id_number || '/' || o.org_code) AS source FROM official o
),
hit AS (
    SELECT p.*, o.id_number AS official_id, o.name AS official_name, o.position, '本人 self' AS relation,
        o.source AS official_source, CAST(NULL AS VARCHAR) AS kin_source
    FROM people p
    JOIN post o ON o.id_number = p.holder_id AND o.org_code = p.buyer_code
        AND (o.start_date IS NULL OR p.day IS NULL OR o.start_date <= p.day)
        AND (o.end_date IS NULL OR p.day IS NULL OR o.end_date >= p.day)
    UNION ALL
    SELECT p.*, o.id_number, o.name, o.position, k.relation, o.source, src('kinship', k._batch, k._row, k.a || '/' || k.b)
    FROM people p
    JOIN kin k ON k.b = p.holder_id
    JOIN post o ON o.id_number = k.a AND o.org_code = p.buyer_code
        AND (o.start_date IS NULL OR p.day IS NULL OR o.start_date <= p.day)
        AND (o.end_date IS NULL OR p.day IS NULL OR o.end_date >= p.day)
)
SELECT
    h.tender_id || '/' || h.winner_code || '/' || h.holder_id || '/' || h.official_id AS key,
    'tender' AS subject_kind,
    h.tender_id AS subject_id,
    max(h.title) AS subject_name,
    max(h.award_amount) AS amount_fen,
    max(h.buyer_code) AS org_code,
    max(h.region_code) AS region_code,
    max(h.winner_name) AS winner,
    array_to_string(array_agg(DISTINCT h.role), '、') AS role,
    max(coalesce(h.holder_name, h.holder_id)) AS holder,
    max(h.official_name) || '（' || h.official_id || '）' AS official,
    coalesce(max(h.position), '—') AS position,
    max(h.relation) AS relation,
    max(src('tender', h._batch, h._row, h.tender_id)) AS src_tender,
    max(src('award', h.award_batch, h.award_row, h.tender_id)) AS src_award,
    array_agg(DISTINCT h.holder_source) AS src_holder,
    max(h.official_source) AS src_official,
    max(h.kin_source) AS src_kinship
FROM hit h
GROUP BY h.tender_id, h.winner_code, h.holder_id, h.official_id

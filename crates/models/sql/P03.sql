--! code = "P03"
--! name_zh = "中标价贴近限价"
--! name_en = "Award close to the ceiling"
--! domain = "trading"
--! severity = "low"
--! subject = "tender"
--! summary_zh = "中标金额达到最高限价（预算金额）的99%以上。"
--! summary_en = "The award amount is 99 % of the ceiling price or more."
--! basis_zh = "中标价几乎等于最高限价，说明竞争不充分，或限价、标底已经泄露（《招标投标法实施条例》第二十七条要求标底保密）。"
--! basis_en = "An award at the ceiling means little competition, or a leaked ceiling or reserve price (Regulations on the Tendering and Bidding Law art. 27 keep the reserve secret)."
--! reads = ["tender", "award"]
--! reason_zh = "{subject_name}中标金额{amount}，为最高限价{ceiling_fen}的{award_ratio:%}。"
--! reason_en = "{subject_name} was awarded for {amount}, {award_ratio:%} of its ceiling of {ceiling_fen}."
--!
--! [params.ratio]
--! kind = "number"
--! default = 0.99
--! zh = "中标价与限价之比下限"
--! en = "Least award-to-ceiling ratio"
--!
--! [figures]
--! ceiling_fen = { zh = "最高限价", en = "Ceiling" }
--! award_ratio = { zh = "中标价/限价", en = "Award / ceiling" }
--! winner = { zh = "中标人", en = "Winner" }
SELECT
    t.tender_id AS key,
    'tender' AS subject_kind,
    t.tender_id AS subject_id,
    t.title AS subject_name,
    w.award_amount AS amount_fen,
    t.buyer_code AS org_code,
    t.region_code,
    t.ceiling_price AS ceiling_fen,
    CAST(w.award_amount AS DOUBLE) / t.ceiling_price AS award_ratio,
    w.winner,
    src('tender', t._batch, t._row, t.tender_id) AS src_tender,
    w.sources AS src_award
FROM trade t
JOIN won w ON w.tender_id = t.tender_id
WHERE t.ceiling_price > 0 AND CAST(w.award_amount AS DOUBLE) >= ${ratio} * t.ceiling_price

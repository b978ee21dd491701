--! code = "P12"
--! name_zh = "新设企业中标"
--! name_en = "Newly founded winner"
--! domain = "trading"
--! severity = "low"
--! subject = "tender"
--! summary_zh = "中标企业成立不足180天即中标100万元以上的项目（按公告发布日计算）。"
--! summary_en = "The winner was established less than 180 days before publication and the award is 1,000,000 yuan or more."
--! basis_zh = "刚成立的企业缺乏业绩和履约能力却中标大额项目，常见于为投标临时设立的“壳公司”或借用资质、围标陪标。"
--! basis_en = "A firm founded weeks before a large award has no record or capacity: a sign of a shell set up for the tender, borrowed qualifications or cover bidding."
--! reads = ["tender", "award", "enterprise"]
--! reason_zh = "{winner}于{established}成立，{days_since_founding}天后{subject_name}发布公告，该企业以{amount}中标。"
--! reason_en = "{winner} was founded on {established}; {days_since_founding} days later {subject_name} was published, and it won for {amount}."
--!
--! [params.days]
--! kind = "int"
--! default = 180
--! zh = "成立天数上限"
--! en = "Founded fewer days before"
--!
--! [params.amount]
--! kind = "money"
--! default = 1000000
--! zh = "中标金额下限（元）"
--! en = "Least award (yuan)"
--!
--! [figures]
--! winner = { zh = "中标人", en = "Winner" }
--! established = { zh = "成立日期", en = "Established" }
--! publish_date = { zh = "公告发布日期", en = "Published" }
--! days_since_founding = { zh = "成立至公告天数", en = "Days from founding to notice" }
SELECT
    t.tender_id || '/' || a.winner_code AS key,
    'tender' AS subject_kind,
    t.tender_id AS subject_id,
    t.title AS subject_name,
    a.award_amount AS amount_fen,
    t.buyer_code AS org_code,
    t.region_code,
    coalesce(a.winner_name, e.name, a.winner_code) AS winner,
    e.established,
    t.publish_date,
    CAST(t.publish_date AS INT) - CAST(e.established AS INT) AS days_since_founding,
    src('tender', t._batch, t._row, t.tender_id) AS src_tender,
    src('award', a._batch, a._row, a.tender_id) AS src_award,
    src('enterprise', e._batch, e._row, e.credit_code) AS src_enterprise
FROM trade t
JOIN award a ON a.tender_id = t.tender_id
JOIN enterprise e ON e.credit_code = a.winner_code
WHERE a.award_amount >= ${amount} AND t.publish_date IS NOT NULL AND e.established IS NOT NULL
    AND CAST(t.publish_date AS INT) - CAST(e.established AS INT) < ${days}

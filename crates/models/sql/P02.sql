--! code = "P02"
--! name_zh = "公告期过短"
--! name_en = "Short bidding period"
--! domain = "trading"
--! severity = "high"
--! subject = "tender"
--! summary_zh = "从公告发布到开标的天数少于该交易方式的法定最短期限：公开招标、邀请招标20天，竞争性磋商10天，竞争性谈判、询价3天。"
--! summary_en = "Days from publication to bid opening are below the legal minimum for the method: open and invited 20 days, consultation 10, negotiation and inquiry 3."
--! basis_zh = "《招标投标法》第二十四条：自招标文件开始发出之日起至投标人提交投标文件截止之日止，最短不得少于二十日；《政府采购竞争性磋商采购方式管理暂行办法》第十条：不得少于10日；《政府采购非招标采购方式管理办法》第二十九条、第四十五条：不得少于3个工作日。"
--! basis_en = "Tendering and Bidding Law art. 24: at least 20 days from issuing the documents to the bid deadline; consultation at least 10 days; negotiation and inquiry at least 3 (working) days under the procurement rules."
--! reads = ["tender", "award"]
--! reason_zh = "{subject_name}（{method}）{publish_date}发布公告，{bid_open_date}开标，仅隔{days}天，少于法定{minimum_days}天。"
--! reason_en = "{subject_name} ({method}) was published on {publish_date} and opened on {bid_open_date}, {days} days later, under the legal {minimum_days}."
--!
--! [params.open_days]
--! kind = "int"
--! default = 20
--! zh = "公开招标、邀请招标最短天数"
--! en = "Minimum days, open and invited tenders"
--!
--! [params.consultation_days]
--! kind = "int"
--! default = 10
--! zh = "竞争性磋商最短天数"
--! en = "Minimum days, consultation"
--!
--! [params.negotiation_days]
--! kind = "int"
--! default = 3
--! zh = "竞争性谈判、询价最短天数"
--! en = "Minimum days, negotiation and inquiry"
--!
--! [figures]
--! method = { zh = "交易方式", en = "Method" }
--! publish_date = { zh = "公告发布日期", en = "Published" }
--! bid_open_date = { zh = "开标日期", en = "Bid opening" }
--! days = { zh = "公告天数", en = "Days" }
--! minimum_days = { zh = "法定最短天数", en = "Legal minimum (days)" }
WITH t AS (
    SELECT *, CAST(bid_open_date AS INT) - CAST(publish_date AS INT) AS days,
        CASE method WHEN 'open' THEN ${open_days} WHEN 'invited' THEN ${open_days}
            WHEN 'consultation' THEN ${consultation_days}
            WHEN 'negotiation' THEN ${negotiation_days} WHEN 'inquiry' THEN ${negotiation_days} END AS minimum_days
    FROM trade
    WHERE publish_date IS NOT NULL AND bid_open_date IS NOT NULL
)
SELECT
    t.tender_id AS key,
    'tender' AS subject_kind,
    t.tender_id AS subject_id,
    t.title AS subject_name,
    coalesce(w.award_amount, t.ceiling_price) AS amount_fen,
    t.buyer_code AS org_code,
    t.region_code,
    t.method_label AS method,
    t.publish_date,
    t.bid_open_date,
    t.days,
    t.minimum_days,
    src('tender', t._batch, t._row, t.tender_id) AS src_tender,
    w.sources AS src_award
FROM t
LEFT JOIN won w ON w.tender_id = t.tender_id
WHERE t.minimum_days IS NOT NULL AND t.days < t.minimum_days

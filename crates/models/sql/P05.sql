--! code = "P05"
--! name_zh = "投标信息雷同"
--! name_en = "Shared bidder identifiers"
--! domain = "trading"
--! severity = "high"
--! subject = "tender"
--! summary_zh = "同一项目的两家以上投标人共用IP地址、MAC地址、硬件特征码、文件特征码、保证金账户、联系电话或委托代理人，或者法定代表人、股东、主要人员为同一人，或者存在控股、管理关系。"
--! summary_en = "Two or more bidders in one tender share an IP, MAC, device id, file hash, bond account, contact phone or contact person, or share a legal representative, shareholder or key person, or one holds a stake or post in the other."
--! basis_zh = "《招标投标法实施条例》第四十条：不同投标人的投标文件由同一单位或者个人编制、委托同一单位或者个人办理投标事宜、投标保证金从同一单位或者个人的账户转出等，视为投标人相互串通投标；第三十四条：单位负责人为同一人或者存在控股、管理关系的不同单位，不得参加同一标段投标。"
--! basis_en = "Regulations on the Tendering and Bidding Law art. 40: bids prepared by one person, handled by one agent, or secured from one account are deemed collusive; art. 34: units with one responsible person, or in a control or management relationship, may not bid for the same lot."
--! reads = ["tender", "bid", "award", "enterprise", "enterprise_role"]
--! reason_zh = "{subject_name}的投标人{bidders}存在相同信息：{signals}。"
--! reason_en = "Bidders {bidders} in {subject_name} share: {signals}."
--!
--! [figures]
--! bidders = { zh = "涉及投标人", en = "Bidders" }
--! signals = { zh = "雷同信息", en = "Shared identifiers" }
--! signal_keys = { zh = "雷同信息代码", en = "Signal keys" }
--! pairs = { zh = "雷同明细", en = "Pairs and what they share" }
WITH b AS (
    SELECT b.*, t.bid_open_date FROM bid b LEFT JOIN tender t ON t.tender_id = b.tender_id
),
-- One row per bid and identifier, with the row it came from and the bid; `is_self` marks a bidder's own credit
-- code (for control links).
ident AS (
    SELECT tender_id, bidder_code, 'ip' AS signal, ip AS value, false AS is_self, _batch, _row, 'bid' AS tbl,
        _batch AS bid_batch, _row AS bid_row FROM b
    UNION ALL SELECT tender_id, bidder_code, 'mac', upper(replace(mac, ':', '-')), false, _batch, _row, 'bid', _batch AS bb, _row AS br FROM b
    UNION ALL SELECT tender_id, bidder_code, 'device_id', device_id, false, _batch, _row, 'bid', _batch AS bb, _row AS br FROM b
    UNION ALL SELECT tender_id, bidder_code, 'file_hash', lower(file_hash), false, _batch, _row, 'bid', _batch AS bb, _row AS br FROM b
    UNION ALL SELECT tender_id, bidder_code, 'bond_account', bond_account, false, _batch, _row, 'bid', _batch AS bb, _row AS br FROM b
    UNION ALL SELECT tender_id, bidder_code, 'contact_phone', contact_phone, false, _batch, _row, 'bid', _batch AS bb, _row AS br FROM b
    UNION ALL SELECT tender_id, bidder_code, 'contact', coalesce(contact_id, norm_name(contact_name)), false, _batch, _row, 'bid',
        _batch AS bb, _row AS br FROM b
    UNION ALL SELECT b.tender_id, b.bidder_code, 'person', e.legal_rep_id, false, e._batch, e._row, 'enterprise', b._batch, b._row
    FROM b JOIN enterprise e ON e.credit_code = b.bidder_code
    UNION ALL SELECT b.tender_id, b.bidder_code, 'person', r.holder_id, false, r._batch, r._row, 'enterprise_role', b._batch, b._row
    FROM b JOIN enterprise_role r ON r.credit_code = b.bidder_code
        AND (r.start_date IS NULL OR b.bid_open_date IS NULL OR r.start_date <= b.bid_open_date)
        AND (r.end_date IS NULL OR b.bid_open_date IS NULL OR r.end_date >= b.bid_open_date)
    UNION ALL SELECT b.tender_id, b.bidder_code, 'control', r.holder_id, false, r._batch, r._row, 'enterprise_role', b._batch, b._row
    FROM b JOIN enterprise_role r ON r.credit_code = b.bidder_code
        AND (r.start_date IS NULL OR b.bid_open_date IS NULL OR r.start_date <= b.bid_open_date)
        AND (r.end_date IS NULL OR b.bid_open_date IS NULL OR r.end_date >= b.bid_open_date)
    UNION ALL SELECT tender_id, bidder_code, 'control', bidder_code AS own_code, true, _batch, _row, 'bid', _batch AS bb, _row AS br FROM b
),
named AS (
    SELECT *, CASE signal WHEN 'ip' THEN 'IP地址 IP address' WHEN 'mac' THEN 'MAC地址 MAC address'
        WHEN 'device_id' THEN '硬件特征码 device id' WHEN 'file_hash' THEN '文件特征码 file hash'
        WHEN 'bond_account' THEN '保证金账户 bond account' WHEN 'contact_phone' THEN '联系电话 contact phone'
        WHEN 'contact' THEN '委托代理人 contact person'
        WHEN 'person' THEN '同一法定代表人、股东或主要人员 same legal representative, shareholder or key person'
        ELSE '控股或管理关系 control or management' END AS label
    FROM ident
    WHERE value IS NOT NULL AND trim(value) <> ''
),
pair AS (
    SELECT x.tender_id, x.bidder_code AS a, y.bidder_code AS b, x.signal, x.label, x.value,
        src(x.tbl, x._batch, x._row, x.tender_id || '/' || x.bidder_code) AS src_a,
        src(y.tbl, y._batch, y._row, y.tender_id || '/' || y.bidder_code) AS src_b,
        src('bid', x.bid_batch, x.bid_row, x.tender_id || '/' || x.bidder_code) AS bid_a,
        src('bid', y.bid_batch, y.bid_row, y.tender_id || '/' || y.bidder_code) AS bid_b
    FROM named x
    JOIN named y ON y.tender_id = x.tender_id AND y.signal = x.signal AND y.value = x.value
        AND x.bidder_code <> y.bidder_code
    WHERE (x.signal <> 'control' AND x.bidder_code < y.bidder_code) OR (x.signal = 'control' AND y.is_self AND NOT x.is_self)
),
per_pair AS (
    SELECT tender_id, least(a, b) AS a, greatest(a, b) AS b,
        array_agg(DISTINCT signal) AS signals,
        array_agg(DISTINCT label) AS labels,
        least(a, b) || '~' || greatest(a, b) || ': ' || array_to_string(array_agg(DISTINCT label || '=' || value), '; ') AS pair,
        array_agg(src_a) AS src_a, array_agg(src_b) AS src_b, array_agg(bid_a) AS bid_a, array_agg(bid_b) AS bid_b
    FROM pair
    GROUP BY tender_id, least(a, b), greatest(a, b)
),
per_tender AS (
    SELECT p.tender_id,
        array_to_string(array_sort(array_distinct(flatten(array_agg(make_array(p.a, p.b))))), ',') AS bidders,
        array_sort(array_distinct(flatten(array_agg(p.signals)))) AS signal_keys,
        array_sort(array_distinct(flatten(array_agg(p.labels)))) AS signal_labels,
        array_agg(p.pair ORDER BY p.a, p.b) AS pairs,
        array_distinct(flatten(array_agg(array_concat(p.src_a, p.src_b, p.bid_a, p.bid_b)))) AS src_identifiers
    FROM per_pair p
    GROUP BY p.tender_id
)
SELECT
    t.tender_id AS key,
    'tender' AS subject_kind,
    t.tender_id AS subject_id,
    t.title AS subject_name,
    coalesce(w.award_amount, t.ceiling_price) AS amount_fen,
    t.buyer_code AS org_code,
    t.region_code,
    p.bidders,
    array_to_string(p.signal_labels, '；') AS signals,
    array_to_string(p.signal_keys, ',') AS signal_keys,
    p.pairs,
    src('tender', t._batch, t._row, t.tender_id) AS src_tender,
    p.src_identifiers,
    w.sources AS src_award
FROM per_tender p
JOIN trade t ON t.tender_id = p.tender_id
LEFT JOIN won w ON w.tender_id = t.tender_id

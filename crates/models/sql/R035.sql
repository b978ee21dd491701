--! code = "R035"
--! name_zh = "除中标人外全部被否决（Cardinal R035）"
--! name_en = "All except winning bid disqualified (Cardinal R035)"
--! domain = "trading"
--! severity = "high"
--! subject = "tender"
--! summary_zh = "开放合同数据中，全部授标已定的交易过程只有一个投标人的投标有效，它正是全部有效授标的供应商，而至少1个其他投标人的投标被否决（disqualified）。数值为被否决的其他投标人数。与 Cardinal R035 一致。"
--! summary_en = "In OCDS data, in a process whose awards are all final, exactly one tenderer has valid bids, it is the supplier of every active award, and at least 1 other tenderer had a bid disqualified. The value is the number of other tenderers disqualified. As Cardinal R035."
--! basis_zh = "《招标投标法实施条例》第五十一条（否决投标的法定情形）；欧盟委员会《公共采购欺诈红旗》：以否决他人投标的方式让内定者中标。Cardinal R035。"
--! basis_en = "Regulations on the Tendering and Bidding Law art. 51 (the grounds for rejecting a bid); European Commission, Fraud in Public Procurement: the pre-selected bidder wins because the others are disqualified. Cardinal R035."
--! reads = ["ocds_process", "ocds_bid", "ocds_award"]
--! reason_zh = "{subject_name}只有{winner}的投标有效并中标，其他{disqualified}个投标人的投标均被否决。"
--! reason_en = "In {subject_name} only {winner}'s bid was valid and won; {disqualified} other tenderer(s) were disqualified."
--!
--! [params.threshold]
--! kind = "int"
--! default = 1
--! zh = "被否决的其他投标人至少"
--! en = "Other tenderers disqualified, at least"
--!
--! [params.excluded_procurement_method_details]
--! kind = "text"
--! default = ""
--! zh = "不查的采购方式详情（procurementMethodDetails，以|分隔；即 Cardinal 的 [exclusions]）"
--! en = "Procurement method details left out (procurementMethodDetails, separated by |; Cardinal's [exclusions])"
--!
--! [figures]
--! winner = { zh = "唯一有效投标人", en = "The one valid tenderer" }
--! disqualified = { zh = "被否决的其他投标人数", en = "Other tenderers disqualified" }
--! others = { zh = "被否决的投标人", en = "Tenderers disqualified" }
WITH candidates AS (
    -- Only a process with a disqualified bid can fire: look no further than those.
    SELECT DISTINCT ocid FROM ocds_bid WHERE status = 'disqualified' AND tenderer_id IS NOT NULL
),
tenderers AS (
    SELECT b.ocid, b.status, b.tenderer_id, max(coalesce(b.tenderer_name, b.tenderer_id)) AS name
    FROM ocds_bid b
    JOIN candidates c ON c.ocid = b.ocid
    WHERE b.status IN ('valid', 'disqualified') AND b.tenderer_id IS NOT NULL
    GROUP BY b.ocid, b.status, b.tenderer_id
),
valid AS (
    SELECT t.ocid, min(t.tenderer_id) AS tenderer_id, max(t.name) AS name
    FROM tenderers t
    JOIN cardinal_final f ON f.ocid = t.ocid
    WHERE t.status = 'valid'
    GROUP BY t.ocid
    HAVING count(*) = 1
),
suppliers AS (
    SELECT a.ocid, min(a.supplier_id) AS supplier_id
    FROM ocds_award a
    JOIN valid v ON v.ocid = a.ocid
    WHERE a.status = 'active' AND a.supplier_id IS NOT NULL
    GROUP BY a.ocid
    HAVING min(a.supplier_id) = max(a.supplier_id)
),
others AS (
    SELECT t.ocid, count(*) AS disqualified, array_to_string(array_sort(array_agg(t.name)), '、') AS names
    FROM tenderers t
    JOIN valid v ON v.ocid = t.ocid
    WHERE t.status = 'disqualified' AND t.tenderer_id <> v.tenderer_id
    GROUP BY t.ocid
),
hit AS (
    SELECT v.ocid, v.name AS winner, o.disqualified, o.names AS others
    FROM valid v
    JOIN suppliers s ON s.ocid = v.ocid AND s.supplier_id = v.tenderer_id
    JOIN others o ON o.ocid = v.ocid
    WHERE o.disqualified >= greatest(${threshold}, 1)
),
sources AS (
    SELECT b.ocid, array_agg(src('ocds_bid', b._batch, b._row, b.ocid || '/' || b.tenderer_id)) AS src_bids
    FROM ocds_bid b
    JOIN hit h ON h.ocid = b.ocid
    WHERE b.status IN ('valid', 'disqualified') AND b.tenderer_id IS NOT NULL
    GROUP BY b.ocid
)
SELECT
    h.ocid AS key,
    'tender' AS subject_kind,
    h.ocid AS subject_id,
    coalesce(p.title, h.ocid) AS subject_name,
    CAST(NULL AS BIGINT) AS amount_fen,
    p.buyer_id AS org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    h.winner,
    h.disqualified,
    h.others,
    src('ocds_process', p._batch, p._row, p.ocid) AS src_process,
    s.src_bids
FROM hit h
JOIN cardinal_process p ON p.ocid = h.ocid
JOIN sources s ON s.ocid = h.ocid
WHERE matches_method_details(p.procurement_method_details, '', ${excluded_procurement_method_details})

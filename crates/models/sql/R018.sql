--! code = "R018"
--! name_zh = "仅收到一份投标（Cardinal R018）"
--! name_en = "Single bid received (Cardinal R018)"
--! domain = "trading"
--! severity = "medium"
--! subject = "tender"
--! summary_zh = "开放合同数据中，竞争性采购（procurementMethod 为 open 或 selective）只有一个投标人。投标人数取 numberOfTenderers；未填时数实际递交投标（待评、有效、被否决）的不同投标人——Cardinal 只认 numberOfTenderers，这是我们有意的不同。"
--! summary_en = "In OCDS data, a competitive procedure (procurementMethod open or selective) has one tenderer: numberOfTenderers when given, else the distinct tenderers of submitted (pending, valid, disqualified) bids — Cardinal trusts numberOfTenderers only; counting bids when it is missing is our deliberate difference."
--! basis_zh = "《招标投标法》第二十八条：投标人少于三个的，招标人应当依法重新招标。Cardinal R018（Fazekas 等，单一投标人）。"
--! basis_en = "Tendering and Bidding Law art. 28: with fewer than three bidders the tender is re-run. Cardinal R018 (Fazekas et al., single bidder)."
--! reads = ["ocds_process", "ocds_bid"]
--! reason_zh = "{subject_name}（{method}）只有{tenderers}个投标人。"
--! reason_en = "{subject_name} ({method}) had {tenderers} tenderer."
--!
--! [params.procurement_methods]
--! kind = "text"
--! default = "open|selective"
--! zh = "竞争性采购方式（OCDS procurementMethod，以|分隔）"
--! en = "Competitive procurement methods (OCDS procurementMethod, separated by |)"
--!
--! [params.excluded_procurement_method_details]
--! kind = "text"
--! default = ""
--! zh = "不查的采购方式详情（procurementMethodDetails，以|分隔；即 Cardinal 的 [exclusions]）"
--! en = "Procurement method details left out (procurementMethodDetails, separated by |; Cardinal's [exclusions])"
--!
--! [figures]
--! method = { zh = "采购方式", en = "Procurement method" }
--! declared = { zh = "numberOfTenderers", en = "numberOfTenderers" }
--! counted = { zh = "递交投标的投标人数", en = "Tenderers of submitted bids" }
--! tenderers = { zh = "投标人数", en = "Tenderers" }
WITH counted AS (
    SELECT ocid, distinct_count(array_agg(tenderer_id)) AS tenderers
    FROM ocds_bid
    WHERE status IS NOT NULL AND status NOT IN ('invited', 'withdrawn') AND tenderer_id IS NOT NULL
    GROUP BY ocid
),
hit AS MATERIALIZED (
    SELECT p.*, c.tenderers AS counted, coalesce(p.number_of_tenderers, c.tenderers) AS tenderers
    FROM cardinal_process p
    LEFT JOIN counted c ON c.ocid = p.ocid
    WHERE array_has(string_to_array(${procurement_methods}, '|'), p.procurement_method)
        AND coalesce(p.number_of_tenderers, c.tenderers) = 1
        AND matches_method_details(p.procurement_method_details, '', ${excluded_procurement_method_details})
),
sources AS (
    SELECT b.ocid, array_agg(src('ocds_bid', b._batch, b._row, b.ocid || '/' || coalesce(b.tenderer_id, ''))) AS src_bids
    FROM ocds_bid b
    JOIN hit h ON h.ocid = b.ocid
    GROUP BY b.ocid
)
SELECT
    h.ocid AS key,
    'tender' AS subject_kind,
    h.ocid AS subject_id,
    coalesce(h.title, h.ocid) AS subject_name,
    CAST(NULL AS BIGINT) AS amount_fen,
    h.buyer_id AS org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    h.procurement_method AS method,
    h.number_of_tenderers AS declared,
    h.counted,
    h.tenderers,
    src('ocds_process', h._batch, h._row, h.ocid) AS src_process,
    s.src_bids
FROM hit h
LEFT JOIN sources s ON s.ocid = h.ocid

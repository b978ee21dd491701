--! code = "R048"
--! name_zh = "供应品类异常繁杂（Cardinal R048）"
--! name_en = "Heterogeneous supplier (Cardinal R048)"
--! domain = "trading"
--! severity = "low"
--! subject = "enterprise"
--! summary_zh = "开放合同数据中，供应商所获有效授标（仅授给它一家）的标的分布在过多的一级品类（分类代码前2位，如 UNSPSC 的大类、CPV 的部）：不同品类数不低于全体供应商的上界 Q3+1.5×IQR。只计至少在20个交易过程中获授分类标的的供应商。与 Cardinal R048 一致。"
--! summary_en = "In OCDS data, the items of a supplier's active awards (awarded to it alone) span too many first-level classifications (the code's first 2 digits: a UNSPSC segment, a CPV division): its count of distinct classes is at least the upper fence Q3 + 1.5 IQR of all suppliers'. Only suppliers with classified items awarded in at least 20 processes count. As Cardinal R048."
--! basis_zh = "《政府采购法》第二十二条（供应商应具备履行合同所必需的设备和专业技术能力）。Cardinal R048（供应商视角的腐败风险指数 C1B 项）：什么都供应的供应商更可能不胜任或只是转手寻租。"
--! basis_en = "Government Procurement Law art. 22 (a supplier needs the equipment and skills the contract requires). Cardinal R048 (component C1B of a supplier-side corruption risk index): a supplier of everything is more likely unsuitable or a rent-seeking intermediary."
--! reads = ["ocds_process", "ocds_award"]
--! reason_zh = "{subject_name}在{processes}个交易过程中获授{variety}个一级品类的标的（{classes}），不低于上界{upper_fence}。"
--! reason_en = "{subject_name} was awarded items of {variety} first-level classes ({classes}) in {processes} processes, at or over the upper fence {upper_fence}."
--!
--! [params.digits]
--! kind = "int"
--! default = 2
--! zh = "一级品类取分类代码前几位"
--! en = "Digits of the classification code that make a class"
--!
--! [params.threshold]
--! kind = "number"
--! default = -1
--! zh = "上界（品类数；负数表示按四分位数计算）"
--! en = "Upper fence (classes; negative: from the quartiles)"
--!
--! [params.minimum_contracting_processes]
--! kind = "int"
--! default = 20
--! zh = "供应商至少获授的交易过程数"
--! en = "Processes awarded to the supplier, at least"
--!
--! [params.excluded_procurement_method_details]
--! kind = "text"
--! default = ""
--! zh = "不查的采购方式详情（procurementMethodDetails，以|分隔；即 Cardinal 的 [exclusions]）"
--! en = "Procurement method details left out (procurementMethodDetails, separated by |; Cardinal's [exclusions])"
--!
--! [figures]
--! processes = { zh = "获授交易过程数", en = "Processes awarded" }
--! variety = { zh = "一级品类数", en = "Classes" }
--! classes = { zh = "品类", en = "Class codes" }
--! q1 = { zh = "第一四分位数", en = "First quartile" }
--! q3 = { zh = "第三四分位数", en = "Third quartile" }
--! upper_fence = { zh = "上界", en = "Upper fence" }
WITH awarded AS (
    SELECT a.ocid, a.supplier_id, a.supplier_name, unnest(string_to_array(a.item_classes, '|')) AS class
    FROM ocds_award a
    JOIN cardinal_process p ON p.ocid = a.ocid
    WHERE a.status = 'active' AND a.supplier_count = 1 AND a.supplier_id IS NOT NULL AND a.item_classes IS NOT NULL
        AND matches_method_details(p.procurement_method_details, '', ${excluded_procurement_method_details})
),
firm AS (
    SELECT supplier_id, max(supplier_name) AS name, count(DISTINCT ocid) AS processes,
        count(DISTINCT left(class, ${digits})) AS variety,
        array_to_string(array_sort(array_agg(DISTINCT left(class, ${digits}))), '、') AS classes
    FROM awarded
    GROUP BY supplier_id
    HAVING count(DISTINCT ocid) >= ${minimum_contracting_processes}
),
fence AS (
    SELECT quantile_r8(array_agg(CAST(variety AS DOUBLE)), 0.25) AS q1,
        quantile_r8(array_agg(CAST(variety AS DOUBLE)), 0.75) AS q3
    FROM firm
),
hit AS (
    SELECT r.*, f.q1, f.q3,
        CASE WHEN ${threshold} >= 0 THEN ${threshold} ELSE f.q3 + 1.5 * (f.q3 - f.q1) END AS upper_fence
    FROM firm r CROSS JOIN fence f
),
flagged AS (
    SELECT * FROM hit WHERE variety >= upper_fence
),
sources AS (
    SELECT a.supplier_id, array_agg(src('ocds_award', a._batch, a._row, a.ocid || '/' || a.supplier_id)) AS src_awards
    FROM ocds_award a
    JOIN flagged h ON h.supplier_id = a.supplier_id
    WHERE a.status = 'active' AND a.supplier_count = 1 AND a.item_classes IS NOT NULL
    GROUP BY a.supplier_id
)
SELECT
    h.supplier_id AS key,
    'enterprise' AS subject_kind,
    h.supplier_id AS subject_id,
    coalesce(h.name, h.supplier_id) AS subject_name,
    CAST(NULL AS BIGINT) AS amount_fen,
    CAST(NULL AS VARCHAR) AS org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    h.processes,
    h.variety,
    h.classes,
    h.q1,
    h.q3,
    h.upper_fence,
    s.src_awards
FROM flagged h
JOIN sources s ON s.supplier_id = h.supplier_id

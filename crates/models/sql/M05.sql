--! code = "M05"
--! name_zh = "家计不符"
--! name_en = "Means test contradicted"
--! domain = "livelihood"
--! severity = "medium"
--! subject = "person"
--! summary_zh = "家计调查类项目的领取人或其同户成员在所属期内名下有正常状态车辆、两套以上住宅，或是存续企业的法定代表人或股东。"
--! summary_en = "A means-tested recipient, or a member of their household, owns a vehicle in normal status, or two or more homes, or is legal representative or shareholder of an active enterprise, during the period."
--! basis_zh = "最低生活保障等以家庭收入和财产状况为认定条件；拥有机动车、多套住房或经营企业的家庭一般不符合条件，须核查家庭经济状况。"
--! basis_en = "Minimum-living-allowance eligibility rests on household income and assets; a household with a car, several homes or a business generally does not qualify, and its means must be re-checked."
--! reads = ["disbursement", "fund_program", "person", "vehicle", "property", "enterprise", "enterprise_role"]
--! reason_zh = "{subject_name}领取{program_name}{payments}期（{periods}，合计{amount}），但其家庭名下有：{assets}。"
--! reason_en = "{subject_name} was paid {program_name} for {payments} period(s) ({periods}, {amount} in all) while the household held: {assets}."
--!
--! [figures]
--! program_code = { zh = "项目代码", en = "Program" }
--! program_name = { zh = "项目名称", en = "Program name" }
--! household_id = { zh = "户号", en = "Household" }
--! assets = { zh = "家庭资产", en = "Household assets" }
--! periods = { zh = "所属期", en = "Periods" }
--! payments = { zh = "发放笔数", en = "Payments" }
WITH paid AS (
    SELECT d.*
    FROM disbursement d
    JOIN program p ON p.program_code = d.program_code AND p.means_tested
),
recipient AS (
    SELECT DISTINCT recipient_id FROM paid
),
household AS (
    SELECT r.recipient_id, me.household_id, m.id_number AS member_id
    FROM recipient r
    JOIN person me ON me.id_number = r.recipient_id AND me.household_id IS NOT NULL
    JOIN person m ON m.household_id = me.household_id
    UNION
    SELECT recipient_id, CAST(NULL AS VARCHAR) AS household_id, recipient_id AS member_id FROM recipient
),
homes AS (
    SELECT owner_id, registered, cert_no, _batch, _row,
        row_number() OVER (PARTITION BY owner_id ORDER BY registered, cert_no) AS nth,
        count(*) OVER (PARTITION BY owner_id) AS n
    FROM property
    WHERE usage = 'residential'
),
asset AS (
    SELECT owner_id AS member_id, registered AS since, CAST(NULL AS DATE) AS until,
        '车辆' || plate || '（' || coalesce(owner_name, owner_id) || '）' AS asset,
        make_array(src('vehicle', _batch, _row, plate)) AS asset_sources
    FROM vehicle
    WHERE status = 'normal'
    UNION ALL
    SELECT h.owner_id, max(CASE WHEN h.nth = 2 THEN h.registered END), CAST(NULL AS DATE),
        '住宅' || CAST(max(h.n) AS VARCHAR) || '套（' || h.owner_id || '）',
        array_agg(src('property', h._batch, h._row, h.cert_no))
    FROM homes h
    WHERE h.n >= 2
    GROUP BY h.owner_id
    UNION ALL
    SELECT legal_rep_id, established, CAST(NULL AS DATE),
        '企业法定代表人：' || name,
        make_array(src('enterprise', _batch, _row, credit_code))
    FROM enterprise
    WHERE status = 'active' AND legal_rep_id IS NOT NULL
    UNION ALL
    SELECT r.holder_id, coalesce(r.start_date, e.established), r.end_date,
        '企业股东：' || e.name,
        make_array(src('enterprise_role', r._batch, r._row, r.credit_code || '/' || r.holder_id),
            src('enterprise', e._batch, e._row, e.credit_code))
    FROM enterprise_role r
    JOIN enterprise e ON e.credit_code = r.credit_code AND e.status = 'active'
    WHERE r.role = 'shareholder' AND r.holder_id IS NOT NULL
),
-- Assets of the households first (few), then the payments they overlap.
owned_by AS (
    SELECT h.recipient_id, h.household_id, a.since, a.until, a.asset, a.asset_sources
    FROM household h
    JOIN asset a ON a.member_id = h.member_id
),
pair AS (
    SELECT
        d.recipient_id, d.recipient_name, d.program_code, d.period, d.amount, d.handler_org, d.region_code,
        d.record_id, d._batch, d._row, o.household_id, o.asset, o.asset_sources
    FROM paid d
    JOIN owned_by o ON o.recipient_id = d.recipient_id
        AND (o.since IS NULL OR o.since < d.period + INTERVAL '1 month')
        AND (o.until IS NULL OR o.until >= d.period)
),
pays AS (
    SELECT DISTINCT recipient_id, recipient_name, program_code, period, amount, handler_org, region_code, record_id, _batch, _row
    FROM pair
),
total AS (
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
owned AS (
    SELECT recipient_id, program_code, max(household_id) AS household_id,
        array_agg(asset ORDER BY asset) AS assets, array_agg(asset_sources) AS src_assets
    FROM (SELECT DISTINCT recipient_id, program_code, household_id, asset, asset_sources FROM pair) AS x
    GROUP BY recipient_id, program_code
)
SELECT
    t.recipient_id || '/' || t.program_code AS key,
    'person' AS subject_kind,
    t.recipient_id AS subject_id,
    t.subject_name,
    t.amount_fen,
    t.org_code,
    t.region_code,
    t.program_code,
    p.name AS program_name,
    o.household_id,
    o.assets,
    t.periods,
    t.payments,
    t.src_payments,
    o.src_assets
FROM total t
JOIN owned o ON o.recipient_id = t.recipient_id AND o.program_code = t.program_code
LEFT JOIN program p ON p.program_code = t.program_code

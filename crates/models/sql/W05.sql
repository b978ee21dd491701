--! code = "W05"
--! name_zh = "单日多次加油"
--! name_en = "Repeated refuels"
--! domain = "conduct"
--! severity = "medium"
--! subject = "vehicle"
--! summary_zh = "同一加油卡在24小时内加油两次以上。"
--! summary_en = "One card refuels twice or more within 24 hours."
--! basis_zh = "一辆公务车一天内很少需要加油两次；短时间内多次加油往往是为其他车辆加油（《党政机关公务用车管理办法》）。"
--! basis_en = "An official car rarely needs fuel twice a day; repeated refuels within hours usually fuel other vehicles (Measures on the Management of Official Vehicles)."
--! reads = ["fuel_record", "official_vehicle"]
--! reason_zh = "加油卡{card_no}（{subject_id}）自{first_time}起{hours}小时内加油{refuels}次，共{litres}升。"
--! reason_en = "Card {card_no} ({subject_id}) refuelled {refuels} times within {hours} hours from {first_time}, {litres} litres in all."
--!
--! [params.hours]
--! kind = "int"
--! default = 24
--! zh = "时间窗口（小时）"
--! en = "Window (hours)"
--!
--! [figures]
--! card_no = { zh = "加油卡号", en = "Fuel card" }
--! first_time = { zh = "首次加油", en = "First refuel" }
--! hours = { zh = "窗口（小时）", en = "Window (hours)" }
--! refuels = { zh = "加油次数", en = "Refuels" }
--! litres = { zh = "合计加油量（升）", en = "Litres in all" }
--! times = { zh = "加油时间", en = "Times" }
WITH r AS (
    SELECT *, lag(seconds) OVER (PARTITION BY card_no ORDER BY seconds, _batch, _row) AS previous
    FROM refuel
),
-- A run starts at a refuel with no refuel of the same card in the window before it.
anchor AS (
    SELECT * FROM r WHERE previous IS NULL OR seconds - previous > ${hours} * 3600
),
run AS (
    SELECT a.card_no, a.seconds AS first_seconds, b.*
    FROM anchor a
    JOIN refuel b ON b.card_no = a.card_no AND b.seconds >= a.seconds AND b.seconds - a.seconds <= ${hours} * 3600
)
SELECT
    card_no || '/' || CAST(first_seconds AS VARCHAR) AS key,
    'vehicle' AS subject_kind,
    coalesce(max(plate), card_no) AS subject_id,
    coalesce(max(u.org_name), max(run.org_code), '') AS subject_name,
    sum(amount) AS amount_fen,
    max(run.org_code) AS org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    card_no,
    to_char(min(time), '%Y-%m-%d %H:%M') AS first_time,
    ${hours} AS hours,
    count(*) AS refuels,
    sum(litres) AS litres,
    array_agg(to_char(time, '%Y-%m-%d %H:%M') ORDER BY seconds, _batch, _row) AS times,
    array_agg(src('fuel_record', _batch, _row, card_no)) AS src_refuels
FROM run
LEFT JOIN unit u ON u.org_code = run.org_code
GROUP BY card_no, first_seconds
HAVING count(*) >= 2

--! code = "W06"
--! name_zh = "节假日异地加油"
--! name_en = "Rest-day or out-of-town refuel"
--! domain = "conduct"
--! severity = "low"
--! subject = "vehicle"
--! summary_zh = "在周末或法定节假日（调休上班日除外）加油，或在车辆所在城市以外加油。"
--! summary_en = "A refuel on a weekend or holiday (not a swapped working day), or in a city other than the vehicle's."
--! basis_zh = "公务用车节假日应封存停放；节假日和异地加油是公车私用的常见线索（《党政机关公务用车管理办法》）。"
--! basis_en = "Official cars are parked on rest days; rest-day and out-of-town refuels are the usual trace of private use (Measures on the Management of Official Vehicles)."
--! reads = ["fuel_record", "official_vehicle", "calendar"]
--! reason_zh = "{subject_id}于{time}在{city}加油{litres}升（{why}）。"
--! reason_en = "{subject_id} refuelled {litres} litres in {city} on {time} ({why})."
--!
--! [figures]
--! card_no = { zh = "加油卡号", en = "Fuel card" }
--! time = { zh = "加油时间", en = "Time" }
--! city = { zh = "加油城市", en = "City" }
--! home_city = { zh = "车辆所在城市", en = "Vehicle's city" }
--! litres = { zh = "加油量（升）", en = "Litres" }
--! why = { zh = "原因", en = "Why" }
SELECT
    r.card_no || '/' || CAST(r.seconds AS VARCHAR) AS key,
    'vehicle' AS subject_kind,
    coalesce(r.plate, r.card_no) AS subject_id,
    coalesce(u.org_name, r.org_code, '') AS subject_name,
    r.amount AS amount_fen,
    r.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    r.card_no,
    to_char(r.time, '%Y-%m-%d %H:%M') AS time,
    coalesce(r.city, '') AS city,
    coalesce(r.home_city, '') AS home_city,
    r.litres,
    concat_ws('；',
        CASE WHEN NOT is_workday(r.day) THEN '休息日 rest day' END,
        CASE WHEN r.city IS NOT NULL AND r.home_city IS NOT NULL AND r.city <> r.home_city THEN '异地 out of town' END) AS why,
    src('fuel_record', r._batch, r._row, r.card_no) AS src_refuel
FROM refuel r
LEFT JOIN unit u ON u.org_code = r.org_code
WHERE NOT is_workday(r.day) OR (r.city IS NOT NULL AND r.home_city IS NOT NULL AND r.city <> r.home_city)

--! code = "W07"
--! name_zh = "油品不符"
--! name_en = "Wrong fuel"
--! domain = "conduct"
--! severity = "high"
--! subject = "vehicle"
--! summary_zh = "加油油品与车辆燃料类型不符（汽油车加柴油、柴油车加汽油、电动车加任何油品）。"
--! summary_en = "The fuel product does not match the vehicle's fuel type (diesel in a gasoline car, petrol in a diesel one, any fuel for an electric car)."
--! basis_zh = "油品与车辆不符，说明油卡被用于其他车辆或套取油费（《党政机关公务用车管理办法》）。"
--! basis_en = "Fuel that the car cannot take means the card served another vehicle or fuel money was siphoned off (Measures on the Management of Official Vehicles)."
--! reads = ["fuel_record", "official_vehicle"]
--! reason_zh = "{subject_id}（燃料{fuel_type}）于{time}加注{product}共{litres}升。"
--! reason_en = "{subject_id} (fuel: {fuel_type}) took {litres} litres of {product} on {time}."
--!
--! [figures]
--! card_no = { zh = "加油卡号", en = "Fuel card" }
--! time = { zh = "加油时间", en = "Time" }
--! product = { zh = "油品", en = "Product" }
--! fuel_type = { zh = "车辆燃料", en = "Vehicle fuel" }
--! litres = { zh = "加油量（升）", en = "Litres" }
SELECT
    r.card_no || '/' || CAST(r.seconds AS VARCHAR) AS key,
    'vehicle' AS subject_kind,
    r.plate AS subject_id,
    coalesce(u.org_name, r.org_code, '') AS subject_name,
    r.amount AS amount_fen,
    r.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    r.card_no,
    to_char(r.time, '%Y-%m-%d %H:%M') AS time,
    r.product,
    r.fuel_type,
    r.litres,
    src('fuel_record', r._batch, r._row, r.card_no) AS src_refuel,
    src('official_vehicle', r.vehicle_batch, r.vehicle_row, r.plate) AS src_vehicle
FROM refuel r
LEFT JOIN unit u ON u.org_code = r.org_code
WHERE r.product IS NOT NULL AND r.fuel_type IS NOT NULL
    AND ((r.fuel_type IN ('gasoline', 'hybrid') AND r.product = 'diesel')
      OR (r.fuel_type = 'diesel' AND r.product <> 'diesel')
      OR r.fuel_type = 'electric')

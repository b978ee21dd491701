//! Reading department files: every case is a file and the outcome rendered as
//! text, compared by one `check` helper.

use arrow_array::{Array, RecordBatch, StringArray};
use chrono::NaiveDate;
use ingest::{Mapping, ReadOptions, inspect, read_file};
use std::path::Path;

struct Read {
    rendered: String,
    batches: Vec<RecordBatch>,
}

/// Batch 7, two rows per record batch, read on 2026-11-29.
fn options() -> ReadOptions<'static> {
    ReadOptions {
        table: None,
        mapping: None,
        batch_id: 7,
        batch_rows: 2,
        today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        bytes_read: None,
    }
}

fn read(name: &str, bytes: &[u8], mapping: Option<&str>) -> Read {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let mapping = mapping.map(|m| Mapping::parse(Path::new("mapping.toml"), m).unwrap());
    let options = ReadOptions { mapping: mapping.as_ref(), ..options() };
    let mut batches = Vec::new();
    let result = inspect(&path).and_then(|facts| {
        read_file(&facts, &options, &mut |b| {
            batches.push(b);
            Ok(())
        })
    });
    let rendered = match result {
        Ok(o) => {
            let mut s = format!("{}: read {} ok {} bad {}", o.table.name, o.rows_read, o.rows_ok, o.rows_with_errors);
            if o.title_rows > 0 {
                s += &format!(" title_rows {}", o.title_rows);
            }
            if !o.extra_columns.is_empty() {
                s += &format!(" extra {:?}", o.extra_columns);
            }
            for e in &o.errors {
                s += &format!("\nrow {} {} {:?}: {}", e.row, e.column, e.value, e.reason_en());
            }
            s
        }
        Err(e) => {
            let message = e.to_string().replace(&path.display().to_string(), name);
            format!(
                "error: {}",
                message
                    .split_once(" / ")
                    .map(|(zh, en)| format!("{}: {en}", zh.split(": ").next().unwrap_or("")))
                    .unwrap_or(message)
            )
        }
    };
    Read { rendered, batches }
}

fn check(name: &str, bytes: &[u8], expected: &str) {
    let got = read(name, bytes, None).rendered;
    assert_eq!(got, expected.trim(), "\n--- got ---\n{got}\n");
}

const ID1: &str = "11010519491231002X";
const ID2: &str = "110105194912310021"; // fails the check digit only
const ID3: &str = "33010619800307001X";

fn person_csv(rows: &[&str]) -> Vec<u8> {
    let mut s = String::from("身份证号,姓名,性别,出生日期,户号\n");
    for r in rows {
        s += r;
        s += "\n";
    }
    s.into_bytes()
}

#[test]
fn good_file_with_bom_labels_and_keys() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(format!("id_number,姓名,gender\n{ID1},王秀英,女\n{ID3},张伟,\n").as_bytes());
    check("person.csv", &bytes, "person: read 2 ok 2 bad 0");
}

#[test]
fn gbk_is_detected() {
    let text = format!("身份证号,姓名\n{ID1},王秀英\n{ID3},阿依古丽•买买提\n");
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    let read = read("person.csv", &bytes, None);
    assert_eq!(read.rendered, "person: read 2 ok 2 bad 0");
    let names = read.batches[0].column_by_name("name").unwrap().as_any().downcast_ref::<StringArray>().unwrap().clone();
    assert_eq!(names.value(0), "王秀英");
    assert_eq!(names.value(1), "阿依古丽·买买提");
}

#[test]
fn undecodable_bytes_are_an_encoding_error() {
    let mut bytes = format!("身份证号,姓名\n{ID1},").into_bytes();
    bytes.extend_from_slice(&[0xFF, 0xFF, 0xFF, b'\n']);
    check(
        "person.csv",
        &bytes,
        "error: person.csv: the file is neither UTF-8 nor GBK/GB18030 (undecodable from byte 39); save it as \"CSV UTF-8\"",
    );
    check(
        "person.csv",
        b"\xFF\xFEi\x00d\x00",
        "error: person.csv: the file is UTF-16 (Excel \"Unicode Text\"); save it as \"CSV UTF-8\"",
    );
}

/// A file that is no longer UTF-8 when it is read (it changed after it was
/// inspected) stops the read at the record, naming row and field.
#[test]
fn a_record_that_is_not_utf8_after_inspection_is_a_csv_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("person.csv");
    let options = options();
    let mut good = person_csv(&[&format!("{ID1},王秀英,女,,"), &format!("{ID3},张伟,男,,")]);
    std::fs::write(&path, &good).unwrap();
    let facts = inspect(&path).unwrap();
    for (at, row) in [(good.len() - 9, 3), (3, 1)] {
        let mut bad = std::mem::take(&mut good);
        bad[at] = 0xFF;
        std::fs::write(&path, &bad).unwrap();
        let error = read_file(&facts, &options, &mut |_| Ok(())).unwrap_err().to_string();
        assert!(error.contains(&format!("malformed CSV at row {row}")), "{error}");
        assert!(error.contains("is not valid UTF-8"), "{error}");
        bad[at] = b'a';
        good = bad;
    }
}

#[test]
fn missing_required_columns_are_named() {
    check(
        "person.csv",
        "身份证号,性别\n11010519491231002X,女\n".as_bytes(),
        "error: person.csv: missing required columns: name (姓名)",
    );
    check(
        "disbursement.csv",
        "项目代码,领取人姓名\nDB01,王秀英\n".as_bytes(),
        "error: disbursement.csv: missing required columns: period (所属期), recipient_id (领取人身份证号), amount (发放金额)",
    );
}

#[test]
fn bad_values_name_row_column_and_value() {
    let csv = "项目代码,所属期,领取人身份证号,领取人姓名,发放金额,发放日期\n\
        DB01,2026-03,11010519491231002X,王秀英,685.00,2026-03-10\n\
        DB01,2026-13,11010519491231002X,王秀英,685.001,2026-02-30\n\
        DB01,2026年3月,1101051949,王秀英,六百,2026/3/10\n\
        DB01,202603,110105194912310021,,685,20260310\n";
    check(
        "disbursement.csv",
        csv.as_bytes(),
        r#"
disbursement: read 4 ok 1 bad 3
row 3 所属期 "2026-13": unrecognized period (expected 2026-03, 202603 or 2026年3月)
row 3 发放金额 "685.001": the amount has more than 2 decimal places
row 3 发放日期 "2026-02-30": no such date
row 4 领取人身份证号 "1101051949": an ID number has 18 or 15 characters, found 10
row 4 发放金额 "六百": the amount is not a number
row 5 领取人姓名 "": a required value is empty"#,
    );
    check(
        "person.csv",
        &person_csv(&[&format!("{ID1},王秀英,未知,1949-12-31,H1")]),
        r#"
person: read 1 ok 0 bad 1
row 2 性别 "未知": not one of the allowed values: 男(male)、女(female)"#,
    );
}

#[test]
fn a_failing_check_digit_is_imported_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("person.csv");
    std::fs::write(&path, person_csv(&[&format!("{ID2},王秀英,,,")])).unwrap();
    let facts = inspect(&path).unwrap();
    let options = ReadOptions {
        table: None,
        mapping: None,
        batch_id: 1,
        batch_rows: 10,
        today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        bytes_read: None,
    };
    let outcome = read_file(&facts, &options, &mut |_| Ok(())).unwrap();
    assert_eq!(outcome.rows_ok, 1);
    assert_eq!(outcome.stats[0].bad_check, 1);
    // Gender and birth date come from the ID when absent.
    assert_eq!(outcome.stats[2].non_null, 1);
    assert_eq!(outcome.stats[3].non_null, 1);
}

#[test]
fn duplicate_keys_are_row_errors() {
    check(
        "person.csv",
        &person_csv(&[
            &format!("{ID1},王秀英,,,"),
            &format!("{ID3},张伟,,,"),
            &format!("{},王秀英,,,", ID1.to_lowercase()),
        ]),
        r#"
person: read 3 ok 2 bad 1
row 4 身份证号 "11010519491231002X": duplicate key, first seen in row 2"#,
    );
}

#[test]
fn empty_and_header_only_files() {
    check("person.csv", b"", "error: person.csv: the file is empty");
    check("person.csv", "身份证号,姓名\n".as_bytes(), "error: person.csv: the file has a header but no data rows");
    check(
        "person.csv",
        "身份证号,姓名\n,\n  ,  \n".as_bytes(),
        "error: person.csv: the file has a header but no data rows",
    );
}

#[test]
fn a_ten_megabyte_field_is_a_row_error() {
    let mut csv = format!("身份证号,姓名,住址\n{ID1},王秀英,\"").into_bytes();
    csv.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    csv.extend_from_slice(format!("\"\n{ID3},张伟,某村\n").as_bytes());
    let got = read("person.csv", &csv, None).rendered;
    assert!(got.starts_with("person: read 2 ok 1 bad 1\nrow 2 住址 \"aaaa"), "{}", &got[..200.min(got.len())]);
    assert!(got.ends_with("the cell holds more than 32,767 characters (Excel's limit); the file is probably broken"));
}

#[test]
fn files_that_are_not_spreadsheets() {
    check(
        "person.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "error: person.csv: not a CSV file or spreadsheet (byte 8 is NUL: a binary file)",
    );
    let got = read("person.xlsx", b"PK\x03\x04 this is not really a zip archive", None).rendered;
    assert!(got.starts_with("error: person.xlsx: the Excel file is damaged or unreadable"), "{got}");
}

fn workbook(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if let Ok(n) = value.parse::<f64>()
                && value.len() < 15
            {
                sheet.write_number(r as u32, c as u16, n).unwrap();
            } else if !value.is_empty() {
                sheet.write_string(r as u32, c as u16, *value).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn xlsx_with_a_title_row_numbers_and_serial_dates() {
    let bytes = workbook(&[
        vec!["XX县2026年3月资金发放明细表"],
        vec![],
        vec!["项目代码", "所属期", "领取人身份证号", "领取人姓名", "发放金额", "发放日期", "备注"],
        vec!["DB01", "202603", ID1, "王秀英", "685.5", "46091", "首次发放"],
        vec!["DB01", "202603", ID3, "张伟", "685.555", "46091", ""],
    ]);
    check(
        "disbursement_2026-03.xlsx",
        &bytes,
        r#"
disbursement: read 2 ok 1 bad 1 title_rows 2 extra ["备注"]
row 5 发放金额 "685.555": the amount has more than 2 decimal places"#,
    );
}

#[test]
fn truncated_xlsx_is_a_clear_error() {
    let bytes = workbook(&[vec!["身份证号", "姓名"], vec![ID1, "王秀英"]]);
    let got = read("person.xlsx", &bytes[..bytes.len() / 2], None).rendered;
    assert!(got.starts_with("error: person.xlsx: the Excel file is damaged or unreadable"), "{got}");
}

#[test]
fn unknown_columns_are_kept() {
    let read = read("person.csv", format!("身份证号,姓名,民族,备注\n{ID1},王秀英,汉族,\n").as_bytes(), None);
    assert_eq!(read.rendered, r#"person: read 1 ok 1 bad 0 extra ["民族", "备注"]"#);
    let extra = read.batches[0].column_by_name("_extra").unwrap();
    let extra = extra.as_any().downcast_ref::<StringArray>().unwrap();
    assert_eq!(extra.value(0), r#"{"民族":"汉族"}"#);
    // Kept whole, however long (error reports shorten values; stored data is not shortened).
    let note = "备".repeat(300);
    let long = crate::read("person.csv", format!("身份证号,姓名,备注\n{ID1},王秀英,{note}\n").as_bytes(), None);
    let extra = long.batches[0].column_by_name("_extra").unwrap();
    assert_eq!(extra.as_any().downcast_ref::<StringArray>().unwrap().value(0), format!(r#"{{"备注":"{note}"}}"#));
    let rows = read.batches[0].column_by_name("_row").unwrap();
    assert_eq!(arrow_cast::display::array_value_to_string(rows, 0).unwrap(), "2");
    assert_eq!(
        arrow_cast::display::array_value_to_string(read.batches[0].column_by_name("_batch").unwrap(), 0).unwrap(),
        "7"
    );
}

#[test]
fn mapping_files_rename_headers() {
    let csv = format!("公民身份号码,姓名\n{ID1},王秀英\n");
    assert_eq!(
        read("person.csv", csv.as_bytes(), None).rendered,
        "error: person.csv: missing required columns: id_number (身份证号)"
    );
    let mapped = read("person.csv", csv.as_bytes(), Some("[tables.person]\n\"公民身份号码\" = \"id_number\"\n"));
    assert_eq!(mapped.rendered, "person: read 1 ok 1 bad 0");
}

#[test]
fn tab_separated_and_ragged_rows() {
    check(
        "person.csv",
        format!("身份证号\t姓名\n{ID1}\t王秀英\n{ID3}\n").as_bytes(),
        r#"
person: read 2 ok 1 bad 1
row 3 姓名 "": a required value is empty"#,
    );
}

#[test]
fn values_are_stored_typed() {
    let read = read(
        "fuel_record.csv",
        "加油卡号,加油时间,加油量,油品,金额\nYK1,2026-03-07 10:12,45.2,92#,\"1,340.00\"\n".as_bytes(),
        None,
    );
    assert_eq!(read.rendered, "fuel_record: read 1 ok 1 bad 0");
    let b = &read.batches[0];
    let show = |c: &str| arrow_cast::display::array_value_to_string(b.column_by_name(c).unwrap(), 0).unwrap();
    assert_eq!(show("time"), "2026-03-07T10:12:00+08:00");
    assert_eq!(show("litres"), "45.2");
    assert_eq!(show("product"), "92");
    assert_eq!(show("amount"), "134000");
    assert!(b.column_by_name("plate").unwrap().is_null(0));
}

/// Quoting as spreadsheets write it: doubled quotes, a line break and a delimiter
/// inside quotes, CRLF line ends, a blank line, full-width digits in a quoted field
/// (after ten plain records, so past the rows read to find the header).
#[test]
fn quoted_fields_as_spreadsheets_write_them() {
    let plain: String = (0..10).map(|n| format!("11010519491231{n:03}7,王{n},某村,P{n}\r\n")).collect();
    let csv = format!(
        "身份证号,姓名,住址,户号\r\n{plain}\
         {ID1},\"王秀英\",\"某村\"\"三组\"\",12号\",H1\r\n\
         {ID3},张伟,\"某村\r\n二组\",H2\r\n\
         \r\n\
         \"{ID2}\", 李娜 ,\"  某村  \",\"Ｈ３\"\r\n"
    );
    let read = read("person.csv", csv.as_bytes(), None);
    assert_eq!(read.rendered, "person: read 13 ok 13 bad 0");
    let column = |name: &str| -> Vec<String> {
        let values = read.batches.iter().flat_map(|b| {
            let array = b.column_by_name(name).unwrap().as_any().downcast_ref::<StringArray>().unwrap().clone();
            (0..array.len()).map(move |i| array.value(i).to_owned()).collect::<Vec<_>>()
        });
        values.skip(10).collect()
    };
    assert_eq!(column("name"), ["王秀英", "张伟", "李娜"]);
    assert_eq!(column("address"), ["某村\"三组\",12号", "某村\r\n二组", "某村"]);
    assert_eq!(column("household_id"), ["H1", "H2", "H3"]);
    assert_eq!(column("id_number"), [ID1, ID3, ID2]);
}

/// A zip bomb dressed as a workbook: its sheet claims to unpack to 2 GiB.
#[test]
fn zip_bomb_workbook_is_refused_before_unpacking() {
    let mut bytes = workbook(&[vec!["身份证号", "姓名"], vec![ID1, "王秀英"]]);
    // Patch the uncompressed size of every central-directory entry (offset 24 of each record).
    let mut i = 0;
    while let Some(at) = bytes[i..].windows(4).position(|w| w == b"PK\x01\x02") {
        let record = i + at;
        bytes[record + 24..record + 28].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
        i = record + 4;
    }
    let got = read("person.xlsx", &bytes, None).rendered;
    assert!(got.contains("more than is safe to read"), "{got}");
}

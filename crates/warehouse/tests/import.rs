//! The import protocol, end to end on a real data directory.

mod common;

use std::path::{Path, PathBuf};
use store::BatchStatus;
use warehouse::{ImportOptions, ImportResult, Warehouse};

const ID1: &str = "11010519491231002X";
const ID3: &str = "33010619800307001X";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn options(tolerance: u64) -> ImportOptions {
    ImportOptions { tolerance, user: "tester".into(), ..Default::default() }
}

/// The Parquet files under `tables/`, relative to the data directory.
fn stored_files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for table in std::fs::read_dir(root.join("tables")).unwrap() {
        for file in std::fs::read_dir(table.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            found.push(path.strip_prefix(root).unwrap().display().to_string());
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn accepted_batch_is_stored_with_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(dir.path(), "person.csv", &format!("身份证号,姓名\n{ID1},王秀英\n{ID3},张伟\n"));
    let warehouse = Warehouse::open(&data).await.unwrap();
    let result = warehouse.import(&file, &options(0), None).await.unwrap();
    let ImportResult::Accepted { batch, errors } = result else { panic!("{result:?}") };
    assert!(errors.is_empty());
    assert_eq!((batch.status, batch.rows_stored, batch.imported_by.as_str()), (BatchStatus::Accepted, 2, "tester"));
    assert_eq!(batch.source_name, "person.csv");
    assert_eq!(batch.source_sha256.len(), 64);
    assert_eq!(stored_files(&data), vec!["tables/person/batch-1.parquet"]);

    // The Parquet file carries its provenance and hashes to what the register says.
    let bytes = std::fs::read(data.join("tables/person/batch-1.parquet")).unwrap();
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(&bytes)), batch.data_sha256.clone().unwrap());
    let reader = parquet::file::serialized_reader::SerializedFileReader::new(
        std::fs::File::open(data.join("tables/person/batch-1.parquet")).unwrap(),
    )
    .unwrap();
    use parquet::file::reader::FileReader;
    let kv = reader.metadata().file_metadata().key_value_metadata().unwrap().clone();
    let get = |k: &str| kv.iter().find(|e| e.key == k).and_then(|e| e.value.clone()).unwrap();
    assert_eq!(get("qingfeng.source_name"), "person.csv");
    assert_eq!(get("qingfeng.batch"), "1");
    assert_eq!(get("qingfeng.source_sha256"), batch.source_sha256);
    assert_eq!(reader.metadata().file_metadata().num_rows(), 2);

    // LZ4; `_row` keeps its range (evidence pages read the groups that hold a row), text has none.
    let group = reader.metadata().row_group(0);
    let column = |name: &str| group.columns().iter().find(|c| c.column_path().string() == name).unwrap();
    assert_eq!(column("_row").compression(), parquet::basic::Compression::LZ4_RAW);
    assert!(column("_row").statistics().is_some_and(|s| s.min_bytes_opt().is_some()));
    assert!(column("id_number").statistics().is_none_or(|s| s.min_bytes_opt().is_none()));
}

/// Batches written before imports used LZ4 are zstd-compressed: they stay readable.
#[tokio::test]
async fn a_batch_written_with_zstd_is_still_read() {
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::file::properties::WriterProperties;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(dir.path(), "person.csv", &format!("身份证号,姓名\n{ID1},王秀英\n{ID3},张伟\n"));
    let warehouse = Warehouse::open(&data).await.unwrap();
    warehouse.import(&file, &options(0), None).await.unwrap();
    // The stored file rewritten as the earlier importer wrote it.
    let path = data.join("tables/person/batch-1.parquet");
    let builder = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&path).unwrap()).unwrap();
    let kv = builder.metadata().file_metadata().key_value_metadata().cloned();
    let schema = builder.schema().clone();
    let batches: Vec<_> = builder.build().unwrap().map(Result::unwrap).collect();
    let zstd = parquet::basic::Compression::ZSTD(parquet::basic::ZstdLevel::try_new(1).unwrap());
    let properties = WriterProperties::builder().set_compression(zstd).set_key_value_metadata(kv).build();
    let mut writer = ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, Some(properties)).unwrap();
    for batch in &batches {
        writer.write(batch).unwrap();
    }
    writer.close().unwrap();

    let found = warehouse.records_where("person", "id_number", &[ID3.to_owned()]).await.unwrap();
    assert_eq!(found.len(), 1);
    assert!(found[0].values.contains(&("name".to_owned(), "张伟".to_owned())), "{:?}", found[0].values);
}

#[tokio::test]
async fn identical_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(dir.path(), "person.csv", &format!("身份证号,姓名\n{ID1},王秀英\n"));
    let warehouse = Warehouse::open(&data).await.unwrap();
    warehouse.import(&file, &options(0), None).await.unwrap();
    let copy = write(dir.path(), "person_again.csv", &format!("身份证号,姓名\n{ID1},王秀英\n"));
    let result = warehouse.import(&copy, &options(0), None).await.unwrap();
    assert!(matches!(result, ImportResult::Duplicate { existing } if existing.id == 1));
    assert_eq!(warehouse.batches().await.unwrap().len(), 1);
    assert_eq!(stored_files(&data).len(), 1);
}

#[tokio::test]
async fn errors_over_the_tolerance_reject_the_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(dir.path(), "person.csv", &format!("身份证号,姓名\n{ID1},王秀英\n12345,张伟\n{ID3},\n"));
    let warehouse = Warehouse::open(&data).await.unwrap();
    let result = warehouse.import(&file, &options(1), None).await.unwrap();
    let ImportResult::Rejected { batch, errors } = result else { panic!("{result:?}") };
    assert_eq!(errors.len(), 2);
    assert_eq!(batch.status, BatchStatus::Rejected);
    assert!(stored_files(&data).is_empty(), "a rejected batch stores nothing");
    assert!(std::fs::read_dir(data.join("tmp")).unwrap().next().is_none());
    // The error report is there for the clerk, in CSV and XLSX.
    let report = data.join(batch.report_path.unwrap());
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.starts_with('\u{FEFF}'));
    assert!(text.contains("person.csv,3,身份证号,12345,身份证号应为18位或15位，实为5位,\"an ID number has 18 or 15 characters, found 5\""), "{text}");
    assert!(report.with_extension("xlsx").exists());

    // Within the tolerance the batch is accepted without its bad rows.
    let result = warehouse.import(&file, &options(2), None).await.unwrap();
    let ImportResult::Accepted { batch, errors } = result else { panic!("{result:?}") };
    assert_eq!((batch.rows_stored, errors.len()), (1, 2));
}

#[tokio::test]
async fn file_errors_are_recorded_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(dir.path(), "person.csv", "姓名\n王秀英\n");
    let warehouse = Warehouse::open(&data).await.unwrap();
    let error = warehouse.import(&file, &options(0), None).await.unwrap_err();
    assert!(error.to_string().contains("missing required columns: id_number"), "{error}");
    let batches = warehouse.batches().await.unwrap();
    assert_eq!(batches[0].status, BatchStatus::Rejected);
    assert!(stored_files(&data).is_empty());
}

#[tokio::test]
async fn a_batch_left_pending_is_cleaned_by_the_next_import() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let warehouse = Warehouse::open(&data).await.unwrap();
    // What a killed import leaves: a pending batch, its data file renamed into place, a temp file.
    let id = common::pending_batch(&warehouse, "00").await;
    std::fs::create_dir_all(data.join("tables/person")).unwrap();
    std::fs::write(data.join(format!("tables/person/batch-{id}.parquet")), b"partial").unwrap();
    std::fs::write(data.join("tmp/batch-99.parquet"), b"partial").unwrap();

    let file = write(dir.path(), "death.csv", &format!("身份证号,死亡日期\n{ID1},2026-01-02\n"));
    warehouse.import(&file, &options(0), None).await.unwrap();
    assert_eq!(warehouse.store().batch(id).await.unwrap().status, BatchStatus::Aborted);
    assert_eq!(stored_files(&data), vec!["tables/death/batch-2.parquet"]);
    assert!(std::fs::read_dir(data.join("tmp")).unwrap().next().is_none());
}

#[tokio::test]
async fn quality_report_counts_findings_across_batches() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let warehouse = Warehouse::open(&data).await.unwrap();
    let people = write(
        dir.path(),
        "person.csv",
        &format!("身份证号,姓名,出生日期\n{ID1},王秀英,\n110105194912310021,李四,2031-01-01\n"),
    );
    let people2 = write(dir.path(), "person_2.csv", &format!("身份证号,姓名\n{ID1},王秀英\n{ID3},张伟\n"));
    let programs = write(dir.path(), "fund_program.csv", "项目代码,项目名称\nDB01,低保\n");
    let paid = write(
        dir.path(),
        "disbursement.csv",
        &format!(
            "项目代码,所属期,领取人身份证号,领取人姓名,发放金额\nDB01,2026-03,{ID1},王秀英,685\nXX99,2026-03,{ID3},张伟,100\n"
        ),
    );
    for f in [&people, &people2, &programs, &paid] {
        assert!(matches!(warehouse.import(f, &options(0), None).await.unwrap(), ImportResult::Accepted { .. }));
    }
    let report = warehouse.quality().await.unwrap();
    let person = report.tables.iter().find(|t| t.table == "person").unwrap();
    assert_eq!((person.batches, person.rows), (2, 4));
    let id = person.columns.iter().find(|c| c.column == "id_number").unwrap();
    assert_eq!(id.checksum_failures, 1);
    let birth = person.columns.iter().find(|c| c.column == "birth_date").unwrap();
    assert_eq!(birth.future_dates, 1);
    let address = person.columns.iter().find(|c| c.column == "address").unwrap();
    assert_eq!(address.null_rate, 1.0);
    let duplicates = person.duplicate_keys.as_ref().unwrap();
    assert_eq!((duplicates.keys, duplicates.extra_rows), (1, 1));
    assert_eq!(duplicates.samples, vec![ID1.to_owned()]);
    let disbursement = report.tables.iter().find(|t| t.table == "disbursement").unwrap();
    let dangling = &disbursement.dangling[0];
    assert_eq!((dangling.rows, dangling.target_empty), (1, false));
    assert_eq!(dangling.samples, vec![("XX99".to_owned(), 4, 3)]);
}

/// An OCDS release as one JSON line: a tender with two bids and no award.
fn ocds_release(ocid: &str, buyer: bool) -> String {
    let buyer = if buyer { r#""buyer":{"id":"B"},"# } else { "" };
    format!(
        r#"{{"ocid":"{ocid}",{buyer}"parties":[{{"id":"B","name":"清风县人民医院","identifier":{{"scheme":"CN-USCC","id":"12331099470000000B"}}}},{{"id":"S1","name":"甲公司"}},{{"id":"S2","name":"乙公司"}}],"tender":{{"id":"T","title":"设备采购","procurementMethod":"open","value":{{"amount":1000000,"currency":"CNY"}},"tenderPeriod":{{"startDate":"2025-03-01T00:00:00+08:00","endDate":"2025-03-25T09:30:00+08:00"}}}},"bids":{{"details":[{{"id":"b1","status":"valid","tenderers":[{{"id":"S1"}}],"value":{{"amount":880000}}}},{{"id":"b2","status":"valid","tenderers":[{{"id":"S2"}}],"value":{{"amount":870000}}}}]}}}}"#
    )
}

/// An OCDS file is read once into its tables' batches: rows are numbered by their
/// line, a table the file has no rows for gets no batch (nor a batch number), a
/// bad line is reported by number and the same file again is a duplicate in every table.
#[tokio::test]
async fn an_ocds_file_becomes_one_batch_per_table_it_fills() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let text =
        [ocds_release("ocds-1", true), "{oops".to_owned(), String::new(), ocds_release("ocds-2", false)].join("\n");
    let file = write(dir.path(), "trading.jsonl", &text);
    let warehouse = Warehouse::open(&data).await.unwrap();
    let imported = warehouse.import_ocds(&file, &options(5), None).await.unwrap();
    assert_eq!((imported.summary.processes, imported.summary.tenders, imported.summary.bids), (2, 2, 4));
    assert_eq!(imported.summary.errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2]);
    let tables: Vec<&str> = imported.results.iter().map(|(t, _)| *t).collect();
    assert_eq!(tables, ["tender", "bid", "ocds_process", "ocds_bid"], "no award in the file, no award batch");
    let batches = warehouse.batches().await.unwrap();
    assert_eq!(batches.iter().map(|b| b.table.as_str()).collect::<Vec<_>>(), tables);
    assert_eq!(batches.iter().map(|b| b.id).collect::<Vec<_>>(), [1, 2, 3, 4], "numbered without gaps");
    assert!(batches.iter().all(|b| b.status == BatchStatus::Accepted && b.source_name == "trading.jsonl"));
    assert!(batches.iter().all(|b| b.format == "ocds" && b.source_bytes == text.len() as u64));
    // The release without a buyer fails the tender row of line 4 (within the tolerance).
    let ImportResult::Accepted { batch, errors } = &imported.results[0].1 else { panic!("{:?}", imported.results) };
    assert_eq!((batch.rows_read, batch.rows_stored), (2, 1));
    assert_eq!((errors[0].row, errors[0].column.as_str()), (4, "buyer_code"), "{errors:?}");
    let bids = warehouse.records_where("bid", "tender_id", &["ocds-2".to_owned()]).await.unwrap();
    assert_eq!(bids.iter().map(|r| r.source.row).collect::<Vec<_>>(), [4, 4]);
    assert_eq!(stored_files(&data).len(), 4);
    assert_eq!(std::fs::read_dir(data.join("tmp")).unwrap().count(), 0);

    let again = warehouse.import_ocds(&file, &options(5), None).await.unwrap();
    assert_eq!(again.results.len(), 4);
    assert!(again.results.iter().all(|(_, r)| matches!(r, ImportResult::Duplicate { .. })), "{:?}", again.results);
    assert_eq!(warehouse.batches().await.unwrap().len(), 4);
}

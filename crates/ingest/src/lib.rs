//! Reads department files into validated Arrow record batches.
//!
//! A file is inspected first (content hash, format, text encoding), then read
//! row by row: each header is matched to a contract column by key, Chinese
//! label or mapping file, each cell parsed by its column's kind, and every bad
//! row reported with its row number, column, value and reason. Good rows go out
//! in Arrow record batches of bounded size, so memory does not grow with the
//! file. Whether a batch is accepted, and where it is stored, is decided by the
//! caller (the `warehouse` crate); this crate writes nothing but error reports.

mod builder;
mod error;
mod header;
mod inspect;
mod mapping;
pub mod ocds;
mod read;
mod records;
mod report;

pub use builder::{LOCAL_OFFSET_SECONDS, PROVENANCE_BATCH, PROVENANCE_EXTRA, PROVENANCE_ROW, schema};
pub use error::{FileError, RowError};
pub use inspect::{Encoding, FileFacts, Format, inspect, table_for_file};
pub use mapping::Mapping;
pub use read::{
    ColumnStats, DEFAULT_BATCH_ROWS, MAX_WORKBOOK_UNPACKED_BYTES, Outcome, ReadOptions, Sink, TextRows, read_file,
};
pub use report::write_error_report;

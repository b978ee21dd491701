//! The data contract (数据标准, `shared/CONTRACT.md`, version 1) as data: which
//! tables exist, their columns with keys, Chinese labels, kinds and whether they
//! are required, and how each kind of value is parsed.
//!
//! This crate does no IO; the importer reads files and asks this crate what a
//! header means and whether a value is valid.

mod catalogue;
mod value;

pub use catalogue::{Column, EnumValue, Kind, OCDS_TABLES, Reference, TABLES, Table, ocds_table, stored_table, table};
pub use value::{Cell, Flag, Value, ValueError, split_bilingual};

/// The version of `shared/CONTRACT.md` this catalogue implements.
pub const CONTRACT_VERSION: u32 = 1;

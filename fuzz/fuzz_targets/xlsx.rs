#![no_main]
//! Arbitrary bytes through the workbook path (zip container, calamine, cell conversion).

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::import(data, "xlsx"));

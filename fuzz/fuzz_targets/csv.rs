#![no_main]
//! Arbitrary bytes through the CSV path: encoding detection, header matching,
//! every value parser.

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::import(data, "csv"));

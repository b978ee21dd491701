//! Value types of the data contract (`shared/CONTRACT.md`).
//!
//! Each type with an invariant is a newtype with a private field and a `parse`
//! that is the only way to build it, so nothing downstream re-validates.
//! This crate does no IO.

pub mod calendar;
mod credit_code;
mod id_number;
pub mod mask;
mod money;
mod region;
mod text;
mod time;

pub use credit_code::{CreditCode, CreditCodeError};
pub use id_number::{CheckDigit, Gender, IdNumber, IdNumberError};
pub use money::{Money, MoneyError};
pub use region::{RegionCode, RegionCodeError};
pub use text::{
    fold_width, may_need_width_folding, normalize_folded, normalize_name, normalize_text, trim, unify_middle_dots,
};
pub use time::{DateError, Period, excel_serial_to_datetime, parse_date, parse_datetime, parse_period};

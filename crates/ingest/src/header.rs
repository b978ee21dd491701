//! Matching a file's header row to the columns of a contract table.

use crate::{FileError, Mapping};
use contract::Table;
use std::path::Path;

/// How many rows above the header a file may have (a title such as
/// “XX县2026年3月低保资金发放明细表”, a unit line, a blank row).
pub const MAX_TITLE_ROWS: usize = 10;

#[derive(Clone, Debug, PartialEq)]
pub enum Slot {
    /// The file's column holds this contract column (index into `table.columns`).
    Column(usize),
    /// An unknown column, kept under its header.
    Extra(String),
    /// A column with neither header nor meaning.
    Blank,
}

#[derive(Debug)]
pub struct HeaderPlan {
    /// Index of the header among the rows looked at (0: first row of the file).
    pub header_index: usize,
    pub slots: Vec<Slot>,
    /// The header text of each contract column present, for error reports.
    pub headers: Vec<Option<String>>,
}

impl HeaderPlan {
    pub fn extra_headers(&self) -> Vec<String> {
        self.slots
            .iter()
            .filter_map(|s| match s {
                Slot::Extra(h) => Some(h.clone()),
                _ => None,
            })
            .collect()
    }
}

pub fn normalize_header(raw: &str) -> String {
    let folded = domain::normalize_text(raw.trim_start_matches('\u{FEFF}'));
    // Exports mark required columns with `*` and wrap units in brackets rarely
    // matching the contract; only the marker is dropped here.
    folded.trim_start_matches('*').trim_end_matches('*').trim().to_owned()
}

fn slot_for(table: &Table, mapping: Option<&Mapping>, header: &str) -> Slot {
    if header.is_empty() {
        return Slot::Blank;
    }
    let key = mapping.and_then(|m| m.key_for(table, header));
    let column = match key {
        Some(key) => table.columns.iter().position(|c| c.key == key),
        None => table.columns.iter().position(|c| c.matches_header(header)),
    };
    match column {
        Some(i) => Slot::Column(i),
        None => Slot::Extra(header.to_owned()),
    }
}

/// Finds the header among the first rows and maps each of its cells.
pub fn plan(
    path: &Path,
    table: &Table,
    mapping: Option<&Mapping>,
    first_rows: &[Vec<String>],
) -> Result<HeaderPlan, FileError> {
    let required: Vec<usize> = table.columns.iter().enumerate().filter(|(_, c)| c.required).map(|(i, _)| i).collect();
    let mut best: Option<(usize, usize, Vec<Slot>)> = None;
    for (index, row) in first_rows.iter().enumerate().take(MAX_TITLE_ROWS) {
        let slots: Vec<Slot> = row.iter().map(|h| slot_for(table, mapping, &normalize_header(h))).collect();
        let matched = required.iter().filter(|&&r| slots.contains(&Slot::Column(r))).count();
        let better = best.as_ref().is_none_or(|(_, m, _)| matched > *m);
        if better {
            best = Some((index, matched, slots));
        }
        if matched == required.len() {
            break;
        }
    }
    let Some((header_index, _, slots)) = best else {
        return Err(FileError::Empty { path: path.to_owned() });
    };
    let header_row = &first_rows[header_index];
    let mut headers: Vec<Option<String>> = vec![None; table.columns.len()];
    for (file_column, slot) in slots.iter().enumerate() {
        if let Slot::Column(i) = slot {
            let text = normalize_header(&header_row[file_column]);
            if let Some(first) = &headers[*i] {
                return Err(FileError::DuplicateColumn {
                    path: path.to_owned(),
                    row: header_index as u64 + 1,
                    first: first.clone(),
                    second: text,
                    key: table.columns[*i].key.to_owned(),
                });
            }
            headers[*i] = Some(text);
        }
    }
    let missing: Vec<usize> = required.into_iter().filter(|&r| headers[r].is_none()).collect();
    if !missing.is_empty() {
        let names = |zh: bool| {
            missing
                .iter()
                .map(|&i| {
                    let c = &table.columns[i];
                    if zh { format!("{}({})", c.label, c.key) } else { format!("{} ({})", c.key, c.label) }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(FileError::MissingColumns {
            path: path.to_owned(),
            missing_zh: names(true),
            missing_en: names(false),
        });
    }
    Ok(HeaderPlan { header_index, slots, headers })
}

//! Mapping files: for departments whose exports name columns differently.
//!
//! ```toml
//! # Applies to every table.
//! [columns]
//! "公民身份号码" = "id_number"
//!
//! # Applies to one table only.
//! [tables.disbursement]
//! "发放金额（元）" = "amount"
//! ```

use crate::FileError;
use contract::{TABLES, Table};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default)]
pub struct Mapping {
    path: PathBuf,
    columns: BTreeMap<String, String>,
    tables: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    tables: BTreeMap<String, BTreeMap<String, String>>,
}

impl Mapping {
    pub fn load(path: &Path) -> Result<Mapping, FileError> {
        let text = std::fs::read_to_string(path).map_err(|source| FileError::Io { path: path.to_owned(), source })?;
        Mapping::parse(path, &text)
    }

    /// Parses a mapping and checks that every target is a column of the contract.
    pub fn parse(path: &Path, text: &str) -> Result<Mapping, FileError> {
        let err = |detail: String| FileError::Mapping { path: path.to_owned(), detail };
        let file: MappingFile = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        for (header, key) in &file.columns {
            if !TABLES.iter().any(|t| t.column(key).is_some()) {
                return Err(err(format!(
                    "“{header}”映射到的字段{key}不在任何表中 / \"{header}\" maps to {key}, which no table has"
                )));
            }
        }
        for (table_name, columns) in &file.tables {
            let table = contract::table(table_name)
                .ok_or_else(|| err(format!("没有名为{table_name}的表 / there is no table {table_name}")))?;
            for (header, key) in columns {
                if table.column(key).is_none() {
                    return Err(err(format!(
                        "表{table_name}没有字段{key}（“{header}”） / table {table_name} has no column {key} (\"{header}\")"
                    )));
                }
            }
        }
        let tables = file
            .tables
            .into_iter()
            .filter_map(|(name, cols)| contract::table(&name).map(|t| (t.name.to_owned(), cols)))
            .collect();
        Ok(Mapping { path: path.to_owned(), columns: file.columns, tables })
    }

    /// The contract key a header maps to for `table`, if the mapping names it.
    pub fn key_for(&self, table: &Table, header: &str) -> Option<&str> {
        self.tables
            .get(table.name)
            .and_then(|cols| cols.get(header))
            .or_else(|| self.columns.get(header).filter(|key| table.column(key).is_some()))
            .map(String::as_str)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_and_per_table_entries() {
        let m = Mapping::parse(
            Path::new("m.toml"),
            "[columns]\n\"公民身份号码\" = \"id_number\"\n[tables.disbursement]\n\"发放金额（元）\" = \"amount\"\n",
        )
        .unwrap();
        let person = contract::table("person").unwrap();
        let disbursement = contract::table("disbursement").unwrap();
        assert_eq!(m.key_for(person, "公民身份号码"), Some("id_number"));
        assert_eq!(m.key_for(disbursement, "发放金额（元）"), Some("amount"));
        assert_eq!(m.key_for(person, "发放金额（元）"), None);
        // A general entry that names no column of this table does not apply to it.
        assert_eq!(m.key_for(disbursement, "公民身份号码"), None);
    }

    #[test]
    fn errors_name_the_problem() {
        let bad = |text: &str| Mapping::parse(Path::new("m.toml"), text).unwrap_err().to_string();
        assert!(bad("[columns]\n\"x\" = \"nonsense\"").contains("nonsense"));
        assert!(bad("[tables.nosuch]\n\"x\" = \"amount\"").contains("nosuch"));
        assert!(bad("[tables.person]\n\"x\" = \"amount\"").contains("person has no column amount"));
        assert!(bad("colums = 1").contains("colums"));
    }
}

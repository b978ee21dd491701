//! The models shipped with Qingfeng, one SQL file each under `crates/models/sql/`.

use crate::model::{Model, ModelError};
use std::path::Path;

macro_rules! files {
    ($($code:literal),* $(,)?) => {
        &[$(($code, include_str!(concat!("../sql/", $code, ".sql")))),*]
    };
}

const FILES: &[(&str, &str)] = files!(
    "M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "M09", "F01", "F02", "F03", "F04", "F05", "F06", "F07",
    "F08", "F09", "P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10", "P11", "P12", "P13", "R003",
    "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058", "W01", "W02", "W03", "W04", "W05",
    "W06", "W07", "W08", "W09",
);

/// Every built-in model, in code order.
pub fn builtin() -> Result<Vec<Model>, ModelError> {
    FILES
        .iter()
        .map(|(code, text)| Model::parse(Path::new(&format!("crates/models/sql/{code}.sql")), text, true))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_model_loads() {
        let models = super::builtin().unwrap();
        assert_eq!(models.len(), super::FILES.len());
        for m in &models {
            assert!(!m.basis_zh.is_empty() && !m.summary_en.is_empty(), "{}", m.code);
        }
    }
}

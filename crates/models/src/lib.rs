//! The supervision-model catalogue, without the query engine: what a model is
//! (its metadata, parameters and evidence, read from the model's own SQL file),
//! the deployment's configuration (`qingfeng.toml`), and what a model finds
//! ([`Finding`]) turned into a [`Warning`] with a stable identity and reasons.
//!
//! Running models needs DataFusion and lives in the `engine` crate; the web app
//! and the state store need only this crate.

mod builtin;
mod config;
mod model;
pub mod stats;
pub mod trading;
mod warning;

pub use builtin::builtin;
pub use config::{AssessmentWeights, Config, ConfigError, ModelSettings, ScanSettings};
pub use model::{
    Domain, Figure, Model, ModelError, Param, ParamKind, ParamValue, RESERVED_COLUMNS, Severity, SubjectKind,
};
pub use warning::{Evidence, Finding, Source, Subject, Warning, warning_id, yuan};

/// Loads the built-in models and every `*.sql` file of `dir` (custom models),
/// in code order. A custom model may not reuse a built-in code.
pub fn catalogue(dir: Option<&std::path::Path>) -> Result<Vec<Model>, ModelError> {
    let mut models = builtin()?;
    if let Some(dir) = dir.filter(|d| d.is_dir()) {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| ModelError::at(dir, 0, format!("无法读取目录 / cannot read the directory: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| ModelError::at(&path, 0, format!("无法读取 / cannot read: {e}")))?;
            let model = Model::parse(&path, &text, false)?;
            if models.iter().any(|m| m.code == model.code) {
                return Err(ModelError::at(
                    &path,
                    model.code_line,
                    format!("模型代码{}已被占用 / model code {} is taken", model.code, model.code),
                ));
            }
            models.push(model);
        }
    }
    models.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(models)
}

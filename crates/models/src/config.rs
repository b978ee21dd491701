//! `qingfeng.toml`: which models run, with which thresholds, and when scans run.
//!
//! ```toml
//! [scan]
//! after_import = true      # scan after every accepted import (default true)
//! every_minutes = 60       # while `qingfeng serve` runs; 0 = never (default 0)
//!
//! [models.F02]
//! threshold = 80000        # yuan
//!
//! [models.M05]
//! enabled = false
//!
//! [assessment]             # the units' quarterly assessment (考核点评): weights of each on-time rate
//! rectified_on_time = 40
//! clues_on_time = 30
//! disclosed_on_time = 30
//! ```
//!
//! Unknown sections, models, parameters and keys are errors naming them.

use crate::model::{Model, ParamValue};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScanSettings {
    pub after_import: bool,
    pub every_minutes: u64,
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings { after_import: true, every_minutes: 0 }
    }
}

/// The weights of the units' quarterly assessment: score = Σ weight × on-time rate.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AssessmentWeights {
    /// Rectification tasks done by their deadline.
    pub rectified_on_time: f64,
    /// Clues about the unit verified by their deadline.
    pub clues_on_time: f64,
    /// Inspection results published within 20 working days.
    pub disclosed_on_time: f64,
}

impl Default for AssessmentWeights {
    fn default() -> Self {
        AssessmentWeights { rectified_on_time: 40.0, clues_on_time: 30.0, disclosed_on_time: 30.0 }
    }
}

/// The keys of the `[cardinal]` section besides `[cardinal.exclusions]`: Cardinal's global
/// settings, each the parameter of that name of every model that has one (the R models).
const CARDINAL_KEYS: [&str; 3] =
    ["currency", "no_price_comparison_procurement_methods", "price_comparison_procurement_methods"];

/// One model's settings in force.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ModelSettings {
    pub enabled: bool,
    pub params: BTreeMap<String, ParamValue>,
}

/// The configuration in force: every model of the catalogue, each with every
/// parameter (configured or default). Recorded with each scan.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Config {
    pub scan: ScanSettings,
    pub models: BTreeMap<String, ModelSettings>,
    /// Not part of a scan's record: it weighs no model.
    #[serde(skip)]
    pub assessment: AssessmentWeights,
    /// The file it came from, if any.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

impl Config {
    /// Every model on, with its defaults.
    pub fn defaults(catalogue: &[Model]) -> Config {
        Config {
            scan: ScanSettings::default(),
            models: catalogue
                .iter()
                .map(|m| (m.code.clone(), ModelSettings { enabled: true, params: m.defaults() }))
                .collect(),
            assessment: AssessmentWeights::default(),
            source: None,
        }
    }

    /// Reads `path` if it exists; otherwise the defaults.
    pub fn load(path: &Path, catalogue: &[Model]) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(path, &text, catalogue),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::defaults(catalogue)),
            Err(e) => {
                Err(ConfigError {
                    path: path.to_owned(), line: None, message: format!("无法读取 / cannot read: {e}")
                })
            }
        }
    }

    pub fn parse(path: &Path, text: &str, catalogue: &[Model]) -> Result<Config, ConfigError> {
        let line_at = |offset: usize| Some(text[..offset.min(text.len())].matches('\n').count() + 1);
        let doc: toml::Spanned<toml::Table> = toml::from_str(text).map_err(|e| ConfigError {
            path: path.to_owned(),
            line: e.span().and_then(|s| line_at(s.start)),
            message: format!("不是有效的TOML / not valid TOML: {}", e.message()),
        })?;
        // Spans of keys are not kept by toml::Table; find a key's line by searching.
        let find = |needle: &str| text.lines().position(|l| l.contains(needle)).map(|i| i + 1);
        let err = |needle: &str, message: String| ConfigError { path: path.to_owned(), line: find(needle), message };
        let mut config = Config::defaults(catalogue);
        config.source = Some(path.to_owned());
        let mut doc = doc.into_inner();
        // Cardinal's global settings first, so that a model's own section overrides them.
        if let Some(value) = doc.remove("cardinal") {
            let table = value
                .as_table()
                .ok_or_else(|| err("cardinal", "[cardinal]须为表 / [cardinal] must be a table".into()))?;
            for (key, v) in table {
                if key == "exclusions" {
                    let t = v.as_table().ok_or_else(|| {
                        err("exclusions", "[cardinal.exclusions]须为表 / [cardinal.exclusions] must be a table".into())
                    })?;
                    for (key, v) in t {
                        if key != "procurement_method_details" {
                            return Err(err(
                                key,
                                format!(
                                    "未知配置项cardinal.exclusions.{key}（可用：procurement_method_details） / unknown key cardinal.exclusions.{key} (known: procurement_method_details)"
                                ),
                            ));
                        }
                        config
                            .set_everywhere(
                                catalogue,
                                "excluded_procurement_method_details",
                                v,
                                &format!("cardinal.exclusions.{key}"),
                            )
                            .map_err(|e| err(key, e))?;
                    }
                    continue;
                }
                if !CARDINAL_KEYS.contains(&key.as_str()) {
                    return Err(err(
                        key,
                        format!(
                            "未知配置项cardinal.{key}（可用：{}, exclusions） / unknown key cardinal.{key} (known: {}, exclusions)",
                            CARDINAL_KEYS.join(", "),
                            CARDINAL_KEYS.join(", ")
                        ),
                    ));
                }
                config.set_everywhere(catalogue, key, v, &format!("cardinal.{key}")).map_err(|e| err(key, e))?;
            }
        }
        for (section, value) in doc {
            match section.as_str() {
                "scan" => {
                    let table =
                        value.as_table().ok_or_else(|| err("scan", "[scan]须为表 / [scan] must be a table".into()))?;
                    for (key, v) in table {
                        match (key.as_str(), v) {
                            ("after_import", toml::Value::Boolean(b)) => config.scan.after_import = *b,
                            ("every_minutes", toml::Value::Integer(n)) if *n >= 0 => {
                                config.scan.every_minutes = *n as u64
                            }
                            ("after_import" | "every_minutes", v) => {
                                return Err(err(
                                    key,
                                    format!("scan.{key}的值{v}无效 / invalid value {v} for scan.{key}"),
                                ));
                            }
                            _ => return Err(err(key, format!("未知配置项scan.{key} / unknown key scan.{key}"))),
                        }
                    }
                }
                "models" => {
                    let table = value
                        .as_table()
                        .ok_or_else(|| err("models", "[models]须为表 / [models] must be a table".into()))?;
                    for (code, v) in table {
                        let model = catalogue.iter().find(|m| &m.code == code).ok_or_else(|| {
                            err(
                                &format!("models.{code}"),
                                format!("未知模型models.{code} / unknown model models.{code}"),
                            )
                        })?;
                        let settings = config.models.get_mut(code).expect("defaults cover the catalogue");
                        let t = v.as_table().ok_or_else(|| {
                            err(code, format!("[models.{code}]须为表 / [models.{code}] must be a table"))
                        })?;
                        for (key, v) in t {
                            if key == "enabled" {
                                settings.enabled = v.as_bool().ok_or_else(|| {
                                    err(key, format!("models.{code}.enabled须为true或false / must be true or false"))
                                })?;
                                continue;
                            }
                            let param = model.params.get(key).ok_or_else(|| {
                                let known: Vec<&str> = model.params.keys().map(String::as_str).collect();
                                err(
                                    key,
                                    format!(
                                        "未知配置项models.{code}.{key}（可用：enabled, {}） / unknown key models.{code}.{key} (known: enabled, {})",
                                        known.join(", "),
                                        known.join(", ")
                                    ),
                                )
                            })?;
                            let value = param.value(v).map_err(|e| err(key, format!("models.{code}.{key}: {e}")))?;
                            settings.params.insert(key.clone(), value);
                        }
                    }
                }
                "assessment" => {
                    let table = value
                        .as_table()
                        .ok_or_else(|| err("assessment", "[assessment]须为表 / [assessment] must be a table".into()))?;
                    for (key, v) in table {
                        let weight = match v {
                            toml::Value::Integer(n) if *n >= 0 => *n as f64,
                            toml::Value::Float(x) if *x >= 0.0 && x.is_finite() => *x,
                            _ => {
                                return Err(err(
                                    key,
                                    format!(
                                        "assessment.{key}须为非负数 / assessment.{key} must be a number ≥ 0, not {v}"
                                    ),
                                ));
                            }
                        };
                        let a = &mut config.assessment;
                        match key.as_str() {
                            "rectified_on_time" => a.rectified_on_time = weight,
                            "clues_on_time" => a.clues_on_time = weight,
                            "disclosed_on_time" => a.disclosed_on_time = weight,
                            _ => {
                                return Err(err(
                                    key,
                                    format!(
                                        "未知配置项assessment.{key}（可用：rectified_on_time, clues_on_time, disclosed_on_time） / unknown key assessment.{key}"
                                    ),
                                ));
                            }
                        }
                    }
                }
                other => return Err(err(other, format!("未知配置节[{other}] / unknown section [{other}]"))),
            }
        }
        Ok(config)
    }

    /// Sets parameter `name` of every model that has one (Cardinal's global settings).
    fn set_everywhere(&mut self, catalogue: &[Model], name: &str, v: &toml::Value, key: &str) -> Result<(), String> {
        for model in catalogue {
            if let Some(param) = model.params.get(name) {
                let value = param.value(v).map_err(|e| format!("{key}: {e}"))?;
                self.models
                    .get_mut(&model.code)
                    .expect("defaults cover the catalogue")
                    .params
                    .insert(name.to_owned(), value);
            }
        }
        Ok(())
    }

    /// The models that run, in code order, optionally only those named.
    pub fn enabled<'a>(&self, catalogue: &'a [Model]) -> Vec<&'a Model> {
        catalogue.iter().filter(|m| self.models.get(&m.code).is_none_or(|s| s.enabled)).collect()
    }

    /// JSON of the settings in force, as recorded with a scan.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Vec<Model> {
        crate::builtin().expect("built-in models load")
    }

    #[test]
    fn defaults_cover_every_model() {
        let c = catalogue();
        let config = Config::defaults(&c);
        assert_eq!(config.models.len(), c.len());
        assert!(config.models.values().all(|m| m.enabled));
    }

    #[test]
    fn thresholds_in_yuan_become_fen() {
        let c = catalogue();
        let config = Config::parse(Path::new("q.toml"), "[models.F02]\nthreshold = 80000\n", &c).unwrap();
        assert_eq!(config.models["F02"].params["threshold"], ParamValue::Int(8_000_000));
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let c = catalogue();
        let e = Config::parse(Path::new("q.toml"), "[scan]\nafter_import = true\n\n[models.F02]\nthreshhold = 1\n", &c)
            .unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.message.contains("models.F02.threshhold"), "{e}");
        let e = Config::parse(Path::new("q.toml"), "[models.X99]\nenabled = false\n", &c).unwrap_err();
        assert!(e.message.contains("X99"), "{e}");
        let e = Config::parse(Path::new("q.toml"), "[sacn]\n", &c).unwrap_err();
        assert!(e.message.contains("sacn"), "{e}");
        let e = Config::parse(Path::new("q.toml"), "[models.F02]\nthreshold = \"many\"\n", &c).unwrap_err();
        assert!(e.message.contains("threshold"), "{e}");
    }

    #[test]
    fn numbers_by_name_are_a_table_of_integers() {
        let c = catalogue();
        let text = "[models.R003.procurement_method_details]\n\"Cotización\" = 7\n\"O'Brien\" = 10\n";
        let config = Config::parse(Path::new("q.toml"), text, &c).unwrap();
        let value = &config.models["R003"].params["procurement_method_details"];
        let expected = BTreeMap::from([("Cotización".to_owned(), 7), ("O'Brien".to_owned(), 10)]);
        assert_eq!(value, &ParamValue::IntByName(expected));
        assert_eq!(
            value.sql(),
            "(SELECT column1 AS name, column2 AS value FROM (VALUES ('Cotización', CAST(7 AS BIGINT)), \
             ('O''Brien', CAST(10 AS BIGINT))))"
        );
        assert!(Config::defaults(&c).models["R003"].params["procurement_method_details"].sql().contains("WHERE false"));
        let e = Config::parse(Path::new("q.toml"), "[models.R003.procurement_method_details]\nx = \"7\"\n", &c)
            .unwrap_err();
        assert!(e.message.contains("procurement_method_details") && e.message.contains("x"), "{e}");
        let e = Config::parse(Path::new("q.toml"), "[models.R003]\nprocurement_method_details = 7\n", &c).unwrap_err();
        assert!(e.message.contains("procurement_method_details") && e.line == Some(2), "{e}");
    }

    #[test]
    fn cardinal_settings_reach_every_r_model_that_takes_them() {
        let c = catalogue();
        let text = "[models.R036]\nno_price_comparison_procurement_methods = \"B\"\n\n[cardinal]\ncurrency = \"CNY\"\n\
                    no_price_comparison_procurement_methods = \"A\"\n\n[cardinal.exclusions]\nprocurement_method_details = \"X|Y\"\n";
        let config = Config::parse(Path::new("q.toml"), text, &c).unwrap();
        let param = |code: &str, name: &str| config.models[code].params.get(name).cloned();
        let text = |s: &str| Some(ParamValue::Text(s.into()));
        for code in ["R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058"] {
            assert_eq!(param(code, "excluded_procurement_method_details"), text("X|Y"), "{code}");
        }
        assert_eq!(param("R024", "no_price_comparison_procurement_methods"), text("A"));
        assert_eq!(param("R028", "no_price_comparison_procurement_methods"), text("A"));
        assert_eq!(param("R036", "no_price_comparison_procurement_methods"), text("B"), "the model's own section wins");
        assert_eq!(param("R058", "currency"), text("CNY"));
        assert_eq!(param("R003", "currency"), None);
        let e = Config::parse(Path::new("q.toml"), "[cardinal]\nthreshold = 1\n", &c).unwrap_err();
        assert!(e.message.contains("cardinal.threshold") && e.line == Some(2), "{e}");
        let e =
            Config::parse(Path::new("q.toml"), "[cardinal.exclusions]\nprocurement_method = \"X\"\n", &c).unwrap_err();
        assert!(e.message.contains("cardinal.exclusions.procurement_method"), "{e}");
        let e = Config::parse(Path::new("q.toml"), "[cardinal]\ncurrency = 1\n", &c).unwrap_err();
        assert!(e.message.contains("cardinal.currency"), "{e}");
    }

    #[test]
    fn assessment_weights_are_configurable() {
        let c = catalogue();
        assert_eq!(Config::defaults(&c).assessment, AssessmentWeights::default());
        let config =
            Config::parse(Path::new("q.toml"), "[assessment]\nrectified_on_time = 50\nclues_on_time = 12.5\n", &c)
                .unwrap();
        assert_eq!((config.assessment.rectified_on_time, config.assessment.clues_on_time), (50.0, 12.5));
        assert_eq!(config.assessment.disclosed_on_time, 30.0);
        let e = Config::parse(Path::new("q.toml"), "[assessment]\nclues_on_time = -1\n", &c).unwrap_err();
        assert!(e.message.contains("assessment.clues_on_time") && e.line == Some(2), "{e}");
        let e = Config::parse(Path::new("q.toml"), "[assessment]\nspeed = 1\n", &c).unwrap_err();
        assert!(e.message.contains("assessment.speed"), "{e}");
    }

    #[test]
    fn models_can_be_turned_off() {
        let c = catalogue();
        let config = Config::parse(Path::new("q.toml"), "[models.M05]\nenabled = false\n", &c).unwrap();
        assert!(!config.enabled(&c).iter().any(|m| m.code == "M05"));
        assert!(config.enabled(&c).iter().any(|m| m.code == "M01"));
    }
}

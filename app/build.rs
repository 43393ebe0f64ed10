//! Generates the `i18n` module from `locales/*.json` (French is the default locale).

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    // The server renders mails with interpolated strings (`td_string!`); the browser
    // bundle does not need that code.
    let server = std::env::var_os("CARGO_FEATURE_SSR").is_some();
    let cfg = Config::new("fr")?
        .add_locale("en")?
        .parse_options(ParseOptions::default().interpolate_display(server));
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out_dir.join("i18n"))?;
    Ok(())
}

//! `qingfeng`: the command line. Thin glue over the library crates; every
//! command's work is done by `warehouse`, `ingest` and `store`.

mod cli;
mod drawing;
mod eval;
mod graph;
mod output;
mod scan;
mod tokens;

use clap::Parser;
use std::process::ExitCode;

/// The import and the scans allocate and free buffers by the million (DataFusion's
/// operators, each row's strings); mimalloc does that with less CPU than the C
/// library's allocator and gives less memory back only to fault it in again.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误 error: {e}");
            return ExitCode::from(cli::EXIT_FAILURE);
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            ExitCode::from(cli::EXIT_FAILURE)
        }
    }
}

//! The `xinfang` binary: parses the command line, runs the subcommand, and turns any error into
//! one line on stderr and a non-zero exit. The only place that uses `anyhow`.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            let message = format!("{error:#}").replace('\n', " ");
            eprintln!("xinfang: {}", xinfang::text::sanitise(&message));
            ExitCode::FAILURE
        }
    }
}

/// mimalloc: the demo and import pipelines allocate on one thread and free on another, which
/// glibc's allocator handles poorly (a quarter of the load time was spent in malloc and free).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

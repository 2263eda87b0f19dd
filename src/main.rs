//! The `xinfang` binary: parses the command line, runs the subcommand, and turns any error into
//! one line on stderr and a non-zero exit. The only place that uses `anyhow`.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) if closed_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let message = format!("{error:#}").replace('\n', " ");
            eprintln!("xinfang: {}", xinfang::text::sanitise(&message));
            ExitCode::FAILURE
        }
    }
}

/// True when the output was piped into a program that stopped reading (`| head`): not an error.
fn closed_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// mimalloc, also standing in for the C allocator (SQLite's): the demo and import pipelines
/// allocate on one thread and free on another, which glibc's allocator handles poorly (a quarter
/// of the load time was spent in malloc and free).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

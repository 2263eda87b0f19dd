//! The `xinfang` binary: parses the command line, runs the subcommand, and turns any error into
//! one line on stderr and a non-zero exit. The only place that uses `anyhow`.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match cli::Args::try_parse() {
        Ok(args) => args,
        Err(error) => return usage(&error),
    };
    match cli::run(args) {
        Ok(code) => code,
        Err(error) if closed_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let message = format!("{error:#}").replace('\n', " ");
            eprintln!("xinfang: {}", xinfang::text::sanitise(&message));
            // A command-line mistake exits 2, like those the parser finds.
            if error.downcast_ref::<cli::Usage>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// A command-line mistake as one line on stderr and exit 2 (help and version print as usual).
fn usage(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
    }
    let text = error.to_string();
    let line: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .collect();
    eprintln!(
        "{} (xinfang --help)",
        xinfang::text::sanitise(&line.join(" "))
    );
    ExitCode::from(2)
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

//! The keel binary: parse the command line, set up logging, run one command. Any failure ends
//! with one line on stderr and a non-zero exit.

use clap::Parser;
use keel::{cli, commands, settings};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let settings = match settings::Settings::load(&cli.global) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    settings::init_logging(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(commands::run(cli.command.unwrap_or_default(), settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("keel: error: {e}");
    ExitCode::FAILURE
}

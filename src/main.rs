//! The `gazette` binary: parses the command line and hands over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    gazette::cli::run(gazette::cli::Cli::parse())
}

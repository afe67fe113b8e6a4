//! The `gazette` binary: parses the command line and hands over to the library.

use clap::Parser;

// A build makes millions of short-lived strings (Tera values, rendered pages); glibc's
// malloc took about a fifth of a 20k-post build's CPU in `perf`, mimalloc far less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gazette::cli::run(gazette::cli::Cli::parse())
}

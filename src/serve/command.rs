//! `gazette serve` on the command line: start, print the URL, optionally open
//! a browser, and run until Ctrl-C.

use std::process::ExitCode;

use crate::cli::ServeArgs;
use crate::render::error_chain;

use super::{start, ServeOptions};

pub fn run(args: &ServeArgs, quiet: bool) -> ExitCode {
    if args.site.output.is_some() {
        eprintln!(
            "error: serve builds into a temporary folder and never writes the output \
             folder; --output is for `gazette build`"
        );
        return ExitCode::FAILURE;
    }
    let mut options = ServeOptions::new(args.site.options(!quiet));
    options.bind = args.bind;
    options.port = args.port;
    options.log = !quiet;
    options.ctrl_c = true;
    let server = match start(options) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {}", error_chain(e.as_ref()));
            return ExitCode::FAILURE;
        }
    };
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: other machines can reach this preview",
            args.bind
        );
    }
    println!("serving {}/ (Ctrl-C to stop)", server.url());
    if args.open {
        open_browser(server.url());
    }
    server.wait();
    if !quiet {
        eprintln!("stopped");
    }
    ExitCode::SUCCESS
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(opener.0)
        .args(&opener.1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!(
            "warning: cannot open a browser ({}: {e}); open {url}/",
            opener.0
        );
    }
}

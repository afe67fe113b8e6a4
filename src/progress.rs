//! A progress bar on a terminal, nothing otherwise (CI logs stay clean).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

pub fn bar(total: u64, wanted: bool) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} pages")
    {
        bar.set_style(style);
    }
    bar
}

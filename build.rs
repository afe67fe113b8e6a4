//! Rebuild when the default theme changes: it is embedded in the binary.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
}

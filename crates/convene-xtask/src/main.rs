//! Workspace tasks.
//!
//! - `cargo xtask gen`: writes every generated file (today `sdk/js/src/protocol.gen.js`, the
//!   browser SDK's error codes, limits, method and event names, from `convene-protocol`).
//! - `cargo xtask check`: exits 1 when a generated file differs from what `gen` would write
//!   (CI runs it, so a protocol change without regenerating fails).
#![forbid(unsafe_code)]

mod js;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A file this task owns: where it goes and what it must hold.
struct Generated {
    path: PathBuf,
    text: String,
}

fn generated(root: &Path) -> Vec<Generated> {
    vec![Generated {
        path: root.join("sdk/js/src/protocol.gen.js"),
        text: js::protocol_module(),
    }]
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cmd = std::env::args().nth(1).unwrap_or_default();
    let files = generated(&root);
    match cmd.as_str() {
        "gen" => {
            for f in files {
                if let Some(dir) = f.path.parent() {
                    if let Err(e) = std::fs::create_dir_all(dir) {
                        eprintln!("xtask: {}: {e}", dir.display());
                        return ExitCode::FAILURE;
                    }
                }
                if let Err(e) = std::fs::write(&f.path, f.text) {
                    eprintln!("xtask: {}: {e}", f.path.display());
                    return ExitCode::FAILURE;
                }
                println!("wrote {}", f.path.display());
            }
            ExitCode::SUCCESS
        }
        "check" => {
            let stale: Vec<_> = files
                .iter()
                .filter(|f| std::fs::read_to_string(&f.path).ok().as_deref() != Some(&f.text))
                .collect();
            for f in &stale {
                eprintln!(
                    "xtask: {} is out of date; run `cargo xtask gen`",
                    f.path.display()
                );
            }
            if stale.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        _ => {
            eprintln!("usage: cargo xtask gen | check");
            ExitCode::from(2)
        }
    }
}

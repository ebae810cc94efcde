//! Writing the plugged component: whole or not at all, and never over the input.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Where plug writes when not told: `IN.plugged.wasm` beside the input.
pub fn default_output(input: &Path) -> PathBuf {
    let stem = input.file_stem().unwrap_or(input.as_os_str());
    let mut name = stem.to_os_string();
    name.push(".plugged.wasm");
    input.with_file_name(name)
}

/// Whether `a` and `b` name the same existing file (a hard link or symlink included).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        #[cfg(unix)]
        (Ok(a), Ok(b)) => {
            use std::os::unix::fs::MetadataExt;
            (a.dev(), a.ino()) == (b.dev(), b.ino())
        }
        #[cfg(not(unix))]
        (Ok(_), Ok(_)) => std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok(),
        _ => false,
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place, so that
/// `path` holds the old file or the whole new one, never a part. (No fsync: like cargo and
/// wac, this guards against a failed or killed run, not against a power cut.)
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.rc-adapter-{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut file| file.write_all(bytes));
    let renamed = written.and_then(|()| std::fs::rename(&tmp, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    renamed
}

//! The recordings on disk: `<recordings dir>/<session id>/<id>.mp4`, where the id is the
//! recording's start in Unix milliseconds, and beside each a `<id>.json` sidecar the worker
//! writes when the file is complete (`{"duration_ms": N, "app_key": K}`). A file without its
//! sidecar is still being written and is not listed; an app sees only its own recordings.

use std::path::{Path, PathBuf};

/// One finished recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordingFile {
    /// The file name without `.mp4`.
    pub(crate) id: String,
    /// `<id>.mp4`.
    pub(crate) file_name: String,
    /// Bytes.
    pub(crate) file_size: u64,
    /// Recorded time (pauses left out), from the sidecar.
    pub(crate) duration_ms: u64,
}

/// Session ids and recording ids are made by the server: lower-case hex and digits. Anything
/// else is refused before it comes near a path.
fn is_plain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The recordings of `app`'s session `session`, oldest first; empty when there are none (or
/// the id is not one the server makes).
pub(crate) fn recordings_of(dir: &Path, app: &str, session: &str) -> Vec<RecordingFile> {
    if !is_plain(session) {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(dir.join(session)) else {
        return Vec::new();
    };
    let mut out: Vec<RecordingFile> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let id = name.strip_suffix(".mp4")?.to_owned();
            let file_size = e.metadata().ok()?.len();
            let sidecar = std::fs::read(dir.join(session).join(format!("{id}.json"))).ok()?;
            let meta: serde_json::Value = serde_json::from_slice(&sidecar).ok()?;
            if meta["app_key"] != app {
                return None;
            }
            Some(RecordingFile {
                duration_ms: meta["duration_ms"].as_u64()?,
                id,
                file_name: name,
                file_size,
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Where recording `id` of `session` downloads from (the REST API's route, same bearer token).
pub(crate) fn download_path(session: &str, id: &str) -> String {
    format!("/api/v1/sessions/{session}/recordings/{id}/file")
}

/// Where recording `id` of `session` is, if both are ids the server makes.
pub(crate) fn recording_path(dir: &Path, session: &str, id: &str) -> Option<PathBuf> {
    (is_plain(session) && is_plain(id)).then(|| dir.join(session).join(format!("{id}.mp4")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_finished_files_are_listed_and_odd_ids_never_reach_a_path() {
        let dir = std::env::temp_dir().join(format!("convene-rec-{}", rand::random::<u64>()));
        let s = dir.join("abc123");
        std::fs::create_dir_all(&s).unwrap();
        std::fs::write(s.join("100.mp4"), b"12345").unwrap();
        std::fs::write(
            s.join("100.json"),
            br#"{"duration_ms": 4000, "app_key": "k"}"#,
        )
        .unwrap();
        std::fs::write(s.join("200.mp4"), b"partial").unwrap();
        let list = recordings_of(&dir, "k", "abc123");
        assert!(recordings_of(&dir, "other", "abc123").is_empty());
        assert_eq!(
            list,
            vec![RecordingFile {
                id: "100".into(),
                file_name: "100.mp4".into(),
                file_size: 5,
                duration_ms: 4000
            }]
        );
        assert!(recordings_of(&dir, "k", "../abc123").is_empty());
        assert_eq!(recording_path(&dir, "abc123", "../x"), None);
        assert_eq!(
            recording_path(&dir, "abc123", "100"),
            Some(s.join("100.mp4"))
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}

//! The recordings on disk: `<recordings dir>/<session id>/<id>.mp4`, where the id is the
//! recording's start in Unix milliseconds, and beside each a `<id>.json` sidecar the worker
//! writes when the file is complete (`{"duration_ms": N, "app_key": K, "tracks": [...]}`).
//! A file without its sidecar is still being written and is not listed; an app sees only
//! its own recordings. With raw tracks on, the sidecar's `tracks` lists the recording's
//! track files (`<id>.<user id>.<kind>.<ogg|webm>`, beside it).

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
    /// Its track files (raw tracks), by file name.
    pub(crate) tracks: Vec<TrackFile>,
}

/// One track of a recording as a file of its own: a user's audio (Ogg Opus), camera or
/// screen share (WebM VP8), as received, not transcoded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct TrackFile {
    /// `<recording id>.<user id>.<kind>.<ogg|webm>`.
    pub(crate) file_name: String,
    /// Bytes.
    pub(crate) file_size: u64,
    /// `audio`, `video` (the camera) or `share`.
    pub(crate) kind: String,
    /// The user whose track it is.
    pub(crate) user_id: u32,
    /// Where the file starts on the recording's timeline (the MP4's), pauses left out.
    pub(crate) offset_ms: u64,
    /// Its length.
    pub(crate) duration_ms: u64,
}

/// A track file name of recording `id`: `<id>.` then letters, digits and single dots.
fn is_track_name(id: &str, name: &str) -> bool {
    name.len() <= 128
        && name
            .strip_prefix(id)
            .and_then(|r| r.strip_prefix('.'))
            .is_some_and(|r| {
                r.split('.')
                    .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
            })
}

/// The track files a sidecar lists that are there.
fn tracks_of(folder: &Path, id: &str, meta: &serde_json::Value) -> Vec<TrackFile> {
    let listed = meta["tracks"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    listed
        .iter()
        .filter_map(|t| {
            let file_name = t["file_name"].as_str()?.to_owned();
            if !is_track_name(id, &file_name) {
                return None;
            }
            let file_size = std::fs::metadata(folder.join(&file_name)).ok()?.len();
            Some(TrackFile {
                file_size,
                kind: t["kind"].as_str()?.to_owned(),
                user_id: u32::try_from(t["user_id"].as_u64()?).ok()?,
                offset_ms: t["offset_ms"].as_u64()?,
                duration_ms: t["duration_ms"].as_u64()?,
                file_name,
            })
        })
        .collect()
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
    let folder = dir.join(session);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    let mut out: Vec<RecordingFile> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let id = name.strip_suffix(".mp4")?.to_owned();
            let file_size = e.metadata().ok()?.len();
            let sidecar = std::fs::read(folder.join(format!("{id}.json"))).ok()?;
            let meta: serde_json::Value = serde_json::from_slice(&sidecar).ok()?;
            if meta["app_key"] != app {
                return None;
            }
            Some(RecordingFile {
                duration_ms: meta["duration_ms"].as_u64()?,
                tracks: tracks_of(&folder, &id, &meta),
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

/// Where track file `name` of recording `id` of `session` downloads from.
pub(crate) fn track_download_path(session: &str, id: &str, name: &str) -> String {
    format!("/api/v1/sessions/{session}/recordings/{id}/tracks/{name}")
}

/// Where recording `id` of `session` is, if both are ids the server makes.
fn recording_path(dir: &Path, session: &str, id: &str) -> Option<PathBuf> {
    (is_plain(session) && is_plain(id)).then(|| dir.join(session).join(format!("{id}.mp4")))
}

/// Where recording `id` of `app`'s `session` is, if it is finished and listed for that app:
/// nothing else is served.
pub(crate) fn listed_recording_path(
    dir: &Path,
    app: &str,
    session: &str,
    id: &str,
) -> Option<PathBuf> {
    let listed = recordings_of(dir, app, session).iter().any(|f| f.id == id);
    recording_path(dir, session, id).filter(|_| listed)
}

/// Where track file `name` of that recording is, if the recording lists it (the names were
/// checked when listed, so no other name reaches a path).
pub(crate) fn listed_track_path(
    dir: &Path,
    app: &str,
    session: &str,
    id: &str,
    name: &str,
) -> Option<PathBuf> {
    let listed = recordings_of(dir, app, session)
        .into_iter()
        .filter(|f| f.id == id)
        .flat_map(|f| f.tracks)
        .any(|t| t.file_name == name);
    listed.then(|| dir.join(session).join(name))
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
        // Raw tracks: one there, one listed but gone, two with names that are not its.
        std::fs::write(s.join("300.mp4"), b"x").unwrap();
        std::fs::write(s.join("300.7.audio.ogg"), b"ogg").unwrap();
        let track = |name: &str| {
            serde_json::json!({"file_name": name, "kind": "audio", "user_id": 7,
                "offset_ms": 5, "duration_ms": 900})
        };
        let tracks = [
            "300.7.audio.ogg",
            "300.8.audio.ogg",
            "300..json",
            "../300.7.audio.ogg",
        ];
        let meta = serde_json::json!({"duration_ms": 1000, "app_key": "k",
            "tracks": tracks.map(track)});
        std::fs::write(s.join("300.json"), meta.to_string()).unwrap();
        let list = recordings_of(&dir, "k", "abc123");
        assert!(recordings_of(&dir, "other", "abc123").is_empty());
        assert_eq!(
            list[0],
            RecordingFile {
                id: "100".into(),
                file_name: "100.mp4".into(),
                file_size: 5,
                duration_ms: 4000,
                tracks: Vec::new(),
            }
        );
        assert_eq!(list.len(), 2, "{list:?}");
        assert_eq!(
            list[1].tracks,
            vec![TrackFile {
                file_name: "300.7.audio.ogg".into(),
                file_size: 3,
                kind: "audio".into(),
                user_id: 7,
                offset_ms: 5,
                duration_ms: 900,
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

//! Each received track as a file of its own, untranscoded (`convene egress --raw-tracks`,
//! set by `convene serve --recording-raw-tracks`), for apps that compose their own: each
//! user's audio as Ogg Opus (`audio.rs`), each camera and screen share as WebM VP8
//! (`video.rs`). Files are `<id>.<user id>.<kind>.<ogg|webm>` beside the composite. A
//! file starts with its track's first frame (a keyframe for video) and runs on the
//! recording's clock, which leaves pauses out; the sidecar lists each with `offset_ms`, its
//! start on the composite's timeline, so tracks line up with each other and the MP4.

mod audio;
mod video;

use audio::OggOpus;
use convene_client::protocol::{MediaKind, UserId};
use convene_media::ReceivedFrame;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use video::WebmVideo;

/// One finished track file, as the sidecar lists it (and the REST API after it).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TrackFile {
    pub(crate) file_name: String,
    /// `"audio"`, `"video"` (a camera) or `"share"`.
    pub(crate) kind: MediaKind,
    pub(crate) user_id: u32,
    /// Where the file starts on the recording's timeline (pauses left out).
    pub(crate) offset_ms: u64,
    pub(crate) duration_ms: u64,
}

enum Writer {
    Audio(OggOpus),
    Video(WebmVideo),
}

struct Track {
    file: TrackFile,
    path: PathBuf,
    /// The receive slot its frames came on last.
    mid: String,
    offset: Duration,
    last: Duration,
    writer: Writer,
}

/// The track files of one recording.
pub(crate) struct RawTracks {
    dir: PathBuf,
    id: String,
    ffmpeg: String,
    tracks: HashMap<(UserId, MediaKind), Track>,
}

impl RawTracks {
    /// Track files of recording `id`, written into `dir`.
    pub(crate) fn new(dir: &Path, id: &str, ffmpeg: &str) -> Self {
        RawTracks {
            dir: dir.to_owned(),
            id: id.to_owned(),
            ffmpeg: ffmpeg.to_owned(),
            tracks: HashMap::new(),
        }
    }

    /// A frame of `user`'s `kind` received at recorded time `t`.
    pub(crate) fn frame(&mut self, f: &ReceivedFrame, user: UserId, kind: MediaKind, t: Duration) {
        let key = (user, kind);
        if !self.tracks.contains_key(&key) {
            match self.open(user, kind, &f.mid, t) {
                Ok(track) => {
                    self.tracks.insert(key, track);
                }
                Err(e) => {
                    tracing::warn!("cannot write {user}'s {} track: {e}", kind.as_str());
                    return;
                }
            }
        }
        // The track was just ensured.
        let Some(track) = self.tracks.get_mut(&key) else {
            return;
        };
        match &mut track.writer {
            Writer::Audio(w) => {
                if let Err(e) = w.packet(&f.data, t.saturating_sub(track.offset)) {
                    tracing::warn!("{}: {e}", track.file.file_name);
                }
            }
            Writer::Video(w) => {
                if track.mid != f.mid {
                    // Another slot: a new stream for the decoder, from a keyframe.
                    track.mid = f.mid.clone();
                    w.need_key = true;
                }
                if !w.started() {
                    // The file starts with the first frame written (a keyframe).
                    track.offset = t;
                    track.file.offset_ms = t.as_millis() as u64;
                }
                w.frame(&f.data, f.keyframe, t.saturating_sub(track.offset));
            }
        }
        track.last = t;
    }

    fn open(
        &self,
        user: UserId,
        kind: MediaKind,
        mid: &str,
        t: Duration,
    ) -> std::io::Result<Track> {
        let ext = if kind == MediaKind::Audio {
            "ogg"
        } else {
            "webm"
        };
        let file_name = format!("{}.{}.{}.{ext}", self.id, user.0, kind.as_str());
        let path = self.dir.join(&file_name);
        let writer = match kind {
            MediaKind::Audio => Writer::Audio(OggOpus::create(&path, user.0)?),
            _ => Writer::Video(WebmVideo::start(&self.ffmpeg, &path)?),
        };
        Ok(Track {
            file: TrackFile {
                file_name,
                kind,
                user_id: user.0,
                offset_ms: t.as_millis() as u64,
                duration_ms: 0,
            },
            path,
            mid: mid.to_owned(),
            offset: t,
            last: t,
            writer,
        })
    }

    /// After a resume: video starts again on keyframes.
    pub(crate) fn resume(&mut self) {
        for t in self.tracks.values_mut() {
            if let Writer::Video(w) = &mut t.writer {
                w.need_key = true;
            }
        }
    }

    /// The receive slots whose video waits for a keyframe.
    pub(crate) fn waiting_for_key(&self) -> impl Iterator<Item = &str> {
        self.tracks.values().filter_map(|t| match &t.writer {
            Writer::Video(w) if w.need_key => Some(t.mid.as_str()),
            _ => None,
        })
    }

    /// Finishes every file (waiting at most `grace` for each video's child) and lists
    /// those that hold media; the others are removed.
    pub(crate) async fn finish(self, grace: Duration) -> Vec<TrackFile> {
        let mut done = Vec::new();
        for (_, mut t) in self.tracks {
            let (started, finished) = match t.writer {
                Writer::Audio(w) => {
                    t.file.duration_ms = w.duration().as_millis() as u64;
                    (true, w.finish())
                }
                Writer::Video(w) => {
                    t.file.duration_ms = t.last.saturating_sub(t.offset).as_millis() as u64;
                    (w.started(), w.finish(grace).await)
                }
            };
            match finished {
                Ok(()) if started => done.push(t.file),
                Err(e) if started => {
                    tracing::warn!("{}: {e}", t.file.file_name);
                    let _ = std::fs::remove_file(&t.path);
                }
                // Nothing was written (no keyframe came).
                _ => {
                    let _ = std::fs::remove_file(&t.path);
                }
            }
        }
        done.sort_by(|a, b| a.file_name.cmp(&b.file_name));
        done
    }
}

//! One camera or screen share as a WebM file: the received VP8 frames, untouched, handed
//! to an `ffmpeg -c copy` child as an IVF stream on its stdin, which it remuxes into WebM.
//! The file starts on a keyframe (its size is the IVF header's); frames are stamped in
//! milliseconds after the file's start. A child that falls behind loses frames (the file
//! then waits for the next keyframe): it never holds the recording up.

use convene_media::{IvfFrame, IvfHeader};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Frames queued for the child (about 4 s at 30 fps).
const QUEUE: usize = 128;

pub(crate) struct WebmVideo {
    child: Child,
    /// `None` until the first keyframe (whose size the header carries).
    feed: Option<mpsc::Sender<Vec<u8>>>,
    writer: Option<JoinHandle<()>>,
    pub(crate) need_key: bool,
    /// The last timestamp written (milliseconds; each frame's is later).
    last_ms: Option<u64>,
}

impl WebmVideo {
    /// Starts the child that writes `path`.
    pub(crate) fn start(ffmpeg: &str, path: &Path) -> std::io::Result<Self> {
        let child = Command::new(ffmpeg)
            .args(["-hide_banner", "-loglevel", "error", "-nostdin"])
            .args([
                "-f", "ivf", "-i", "pipe:0", "-c", "copy", "-f", "webm", "-y",
            ])
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        Ok(WebmVideo {
            child,
            feed: None,
            writer: None,
            need_key: true,
            last_ms: None,
        })
    }

    /// A received frame, `at` after the file's start.
    pub(crate) fn frame(&mut self, data: &[u8], keyframe: bool, at: Duration) {
        if self.need_key && !keyframe {
            return;
        }
        if self.feed.is_none() {
            let Some((width, height)) = vp8_keyframe_size(data) else {
                return;
            };
            let Some(stdin) = self.child.stdin.take() else {
                return;
            };
            let (tx, rx) = mpsc::channel(QUEUE);
            let header = IvfHeader {
                fourcc: *b"VP80",
                width,
                height,
                timebase: (1, 1000),
            };
            // The header first: the channel is empty.
            let _ = tx.try_send(header.to_bytes().to_vec());
            self.writer = Some(tokio::spawn(write_all(stdin, rx)));
            self.feed = Some(tx);
        }
        let ms = (at.as_millis() as u64).max(self.last_ms.map_or(0, |l| l + 1));
        // `feed` was set above.
        let sent = self
            .feed
            .as_ref()
            .is_some_and(|f| f.try_send(IvfFrame::encode(ms, data)).is_ok());
        self.need_key = !sent;
        if sent {
            self.last_ms = Some(ms);
        }
    }

    /// Whether anything was written (a file exists worth listing).
    pub(crate) fn started(&self) -> bool {
        self.last_ms.is_some()
    }

    /// Ends the stream and waits (at most `grace`) for the child to finish the file.
    pub(crate) async fn finish(mut self, grace: Duration) -> std::io::Result<()> {
        self.feed = None; // the writer drains the queue, then closes stdin
        self.child.stdin = None;
        let done = async {
            if let Some(w) = self.writer.take() {
                let _ = w.await;
            }
            self.child.wait().await
        };
        match tokio::time::timeout(grace, done).await {
            Ok(Ok(s)) if s.success() => Ok(()),
            Ok(Ok(s)) => Err(std::io::Error::other(format!("ffmpeg: {s}"))),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(std::io::Error::other("ffmpeg did not finish in time")),
        }
    }
}

async fn write_all(mut stdin: tokio::process::ChildStdin, mut rx: mpsc::Receiver<Vec<u8>>) {
    while let Some(buf) = rx.recv().await {
        if stdin.write_all(&buf).await.is_err() {
            return;
        }
    }
    let _ = stdin.shutdown().await;
}

/// The width and height of a VP8 keyframe (RFC 6386 §9.1), `None` for other frames.
fn vp8_keyframe_size(frame: &[u8]) -> Option<(u16, u16)> {
    let b = frame.get(..10)?;
    let keyframe = b[0] & 1 == 0;
    if !keyframe || b[3..6] != [0x9d, 0x01, 0x2a] {
        return None;
    }
    let width = u16::from_le_bytes([b[6], b[7]]) & 0x3fff;
    let height = u16::from_le_bytes([b[8], b[9]]) & 0x3fff;
    Some((width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyframe_tells_its_size() {
        let mut k = vec![0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a];
        k.extend_from_slice(&320u16.to_le_bytes());
        k.extend_from_slice(&(180u16 | 0x4000).to_le_bytes()); // a scaling bit set
        assert_eq!(vp8_keyframe_size(&k), Some((320, 180)));
        k[0] |= 1; // an interframe
        assert_eq!(vp8_keyframe_size(&k), None);
        assert_eq!(vp8_keyframe_size(&[0; 4]), None);
    }
}

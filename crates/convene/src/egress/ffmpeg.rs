//! The supervised `ffmpeg` child: it reads our RTP on 127.0.0.1 ([`VIDEO_INPUTS`] VP8
//! inputs, the main picture and the strip's tiles, and [`AUDIO_INPUTS`] Opus inputs, all
//! described by one SDP file so that ffmpeg binds them at once and their timelines start
//! together), decodes, lays out and mixes them, and writes H.264 + AAC into an MP4 file or
//! FLV to an RTMP ingest. SIGINT makes it finish.

use super::layout::STRIP;
use super::rtp::{OPUS_PT, VP8_PT};
use anyhow::Context;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// Audio inputs mixed into the file: the SFU sends a user the three loudest speakers.
pub(crate) const AUDIO_INPUTS: usize = 3;
/// Starts of ffmpeg tried before giving up (see [`Ffmpeg::start_on_free_ports`]).
const START_TRIES: u32 = 3;
/// Video inputs: the main picture, then the strip's tiles left to right.
pub(crate) const VIDEO_INPUTS: usize = 1 + STRIP;
/// The output frame: 720p30, the strip's tiles (16:9) along the bottom.
pub(crate) const WIDTH: u32 = 1280;
pub(crate) const HEIGHT: u32 = 720;
const FPS: u32 = 30;
const TILE_W: u32 = WIDTH / STRIP as u32;
const TILE_H: u32 = TILE_W * 9 / 16;

/// The RTP ports ffmpeg listens on (each with its RTCP port, one above).
#[derive(Debug, Clone)]
pub(crate) struct Ports {
    /// [`VIDEO_INPUTS`] ports, the main picture's first.
    pub(crate) video: Vec<u16>,
    pub(crate) audio: Vec<u16>,
}

impl Ports {
    /// Free even ports whose next port is free too (ffmpeg binds both).
    fn pick() -> anyhow::Result<Ports> {
        let mut found = Vec::new();
        for _ in 0..200 {
            // The probe is closed again before its port is tried as a pair.
            let p = UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port();
            let p = p - p % 2;
            if p < 1024 || found.contains(&p) {
                continue;
            }
            let pair = (
                UdpSocket::bind(("127.0.0.1", p)),
                UdpSocket::bind(("127.0.0.1", p + 1)),
            );
            if pair.0.is_ok() && pair.1.is_ok() {
                found.push(p);
                if found.len() == VIDEO_INPUTS + AUDIO_INPUTS {
                    let audio = found.split_off(VIDEO_INPUTS);
                    return Ok(Ports {
                        video: found,
                        audio,
                    });
                }
            }
        }
        anyhow::bail!("no free UDP port pairs on 127.0.0.1")
    }

    /// ffmpeg has bound them all (our own bind fails).
    fn bound(&self) -> bool {
        self.video
            .iter()
            .chain(&self.audio)
            .copied()
            .all(|p| UdpSocket::bind(("127.0.0.1", p)).is_err())
    }
}

/// The session description ffmpeg reads: where each input arrives and its codec, the
/// video inputs first.
fn sdp(ports: &Ports) -> String {
    let mut s = String::from(
        "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=convene egress\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n",
    );
    for p in &ports.video {
        s += &format!("m=video {p} RTP/AVP {VP8_PT}\r\na=rtpmap:{VP8_PT} VP8/90000\r\n");
    }
    for p in &ports.audio {
        s += &format!("m=audio {p} RTP/AVP {OPUS_PT}\r\na=rtpmap:{OPUS_PT} opus/48000/2\r\n");
    }
    s
}

/// One video input fitted into a `w`×`h` box (letterboxed) at a steady frame rate.
fn fit(input: usize, w: u32, h: u32, out: &str) -> String {
    format!(
        "[0:v:{input}]scale={w}:{h}:force_original_aspect_ratio=decrease,\
         pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,fps={FPS},format=yuv420p[{out}];"
    )
}

/// The filter graph: the main picture above the strip's tiles side by side, making the
/// 720p frame; the audio inputs mixed.
fn filter() -> String {
    let mut g = fit(0, WIDTH, HEIGHT - TILE_H, "main");
    let mut tiles = String::new();
    for i in 0..STRIP {
        g += &fit(1 + i, TILE_W, TILE_H, &format!("t{i}"));
        tiles += &format!("[t{i}]");
    }
    let audio: String = (0..AUDIO_INPUTS).map(|i| format!("[0:a:{i}]")).collect();
    g += &format!(
        "{tiles}hstack=inputs={STRIP}[strip];[main][strip]vstack=inputs=2[v];\
         {audio}amix=inputs={AUDIO_INPUTS}:normalize=0[a]"
    );
    g
}

/// Where ffmpeg writes.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// An MP4 file.
    File(PathBuf),
    /// FLV to an RTMP ingest.
    Rtmp(String),
}

/// A running `ffmpeg` writing one file or stream.
pub(crate) struct Ffmpeg {
    child: Child,
    /// Fires once ffmpeg writes to an RTMP ingest (never for a file).
    progress: Option<tokio::sync::oneshot::Receiver<()>>,
}

/// Fires `tx` at ffmpeg's first progress line, then drains the rest.
async fn first_progress(out: tokio::process::ChildStdout, tx: tokio::sync::oneshot::Sender<()>) {
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(out).lines();
    let mut tx = Some(tx);
    while let Ok(Some(line)) = lines.next_line().await {
        if line.starts_with("progress=") {
            if let Some(tx) = tx.take() {
                let _ = tx.send(());
            }
        }
    }
}

impl Ffmpeg {
    /// Starts `ffmpeg` on the SDP at `sdp_path` writing `out`, and waits until it listens
    /// (at most 10 s).
    /// Picks free ports, describes them in `sdp_path` and starts ffmpeg on them. A port free
    /// when picked can be taken by another process before ffmpeg binds it (ffmpeg then exits
    /// at start): that start is tried again on new ports, up to [`START_TRIES`] times.
    pub(crate) async fn start_on_free_ports(
        program: &str,
        sdp_path: &Path,
        out: &Target,
    ) -> anyhow::Result<(Ffmpeg, Ports)> {
        let mut tries = 0;
        loop {
            tries += 1;
            let ports = Ports::pick()?;
            std::fs::write(sdp_path, sdp(&ports))?;
            match Ffmpeg::start(program, sdp_path, &ports, out).await {
                Ok(ff) => return Ok((ff, ports)),
                Err(e) if tries < START_TRIES => {
                    tracing::warn!("ffmpeg did not start ({e:#}): again on other ports");
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn start(
        program: &str,
        sdp_path: &Path,
        ports: &Ports,
        out: &Target,
    ) -> anyhow::Result<Ffmpeg> {
        let mut cmd = Command::new(program);
        cmd.args(["-hide_banner", "-loglevel", "error", "-nostats", "-nostdin"])
            .args(["-protocol_whitelist", "file,udp,rtp"])
            // Our packets arrive in order on loopback: no reordering delay.
            .args(["-reorder_queue_size", "0"])
            // The inputs are known from the SDP: no frame-rate guess (it would wait for 20
            // frames of a quiet tile) and a short look at the first packets, or ffmpeg
            // starts seconds behind.
            .args(["-fpsprobesize", "0", "-analyzeduration", "200000"])
            // A picture changing size (a simulcast layer, the black frame) is scaled into
            // its box by the running graph, not by rebuilding it.
            .args(["-reinit_filter", "0"])
            .args(["-f", "sdp", "-i"])
            .arg(sdp_path)
            .args(["-filter_complex", &filter(), "-map", "[v]", "-map", "[a]"])
            .args([
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-tune",
                "zerolatency",
            ])
            .args(["-c:a", "aac", "-b:a", "128k", "-ar", "48000"]);
        match out {
            Target::File(path) => {
                cmd.args(["-movflags", "+faststart", "-y"]).arg(path);
                cmd.stdout(Stdio::null());
            }
            Target::Rtmp(url) => {
                // Progress lines on stdout start once the ingest has taken the stream.
                cmd.args(["-f", "flv", "-flvflags", "no_duration_filesize"])
                    .args(["-progress", "pipe:1"])
                    .arg(url);
                cmd.stdout(Stdio::piped());
            }
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot run {program}: install ffmpeg"))?;
        let (tx, progress) = tokio::sync::oneshot::channel();
        match child.stdout.take() {
            Some(out) => drop(tokio::spawn(first_progress(out, tx))),
            None => drop(tx),
        }
        for _ in 0..200 {
            if ports.bound() {
                return Ok(Ffmpeg {
                    child,
                    progress: Some(progress),
                });
            }
            if let Some(status) = child.try_wait()? {
                anyhow::bail!("{program} exited at start: {status}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("{program} did not open its inputs within 10 s")
    }

    /// Fires once ffmpeg writes to its RTMP ingest (an error when it never will).
    pub(crate) fn take_progress(&mut self) -> Option<tokio::sync::oneshot::Receiver<()>> {
        self.progress.take()
    }

    /// Resolves when ffmpeg exits by itself (a failure while recording).
    pub(crate) async fn exited(&mut self) -> std::io::Result<std::process::ExitStatus> {
        self.child.wait().await
    }

    /// Has ffmpeg finish the file and waits for it, at most `grace` (then ends it: the file
    /// is lost). ffmpeg finishes on SIGINT, even while it waits for packets; `q` on a piped
    /// stdin is not read by every build, so the signal is sent with `kill`.
    pub(crate) async fn finish(&mut self, grace: Duration) -> anyhow::Result<()> {
        let pid = self.child.id().context("ffmpeg already ended")?;
        let sent = Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .await;
        anyhow::ensure!(sent.is_ok_and(|s| s.success()), "cannot signal ffmpeg");
        match tokio::time::timeout(grace, self.child.wait()).await {
            // 255: ffmpeg's status after finishing on a signal.
            Ok(Ok(s)) if matches!(s.code(), Some(0 | 255)) => Ok(()),
            Ok(Ok(s)) => anyhow::bail!("ffmpeg ended with {s}"),
            Ok(Err(e)) => Err(e.into()),
            Err(_) => {
                self.kill().await;
                anyhow::bail!("ffmpeg did not finish within {grace:?}")
            }
        }
    }

    /// Ends ffmpeg at once (the file is lost).
    pub(crate) async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }
}

/// A black VP8 keyframe of the output size, made by ffmpeg once: what the video input shows
/// while no one's camera or share is on (ffmpeg needs a picture to size the stream).
pub(crate) async fn black_keyframe(program: &str) -> anyhow::Result<Vec<u8>> {
    let out = Command::new(program)
        .args(["-hide_banner", "-loglevel", "error", "-f", "lavfi"])
        .args(["-i", &format!("color=c=black:s={WIDTH}x{HEIGHT}")])
        .args(["-frames:v", "1", "-c:v", "libvpx", "-f", "ivf", "pipe:1"])
        .stdin(Stdio::null())
        .output()
        .await
        .with_context(|| format!("cannot run {program}: install ffmpeg"))?;
    anyhow::ensure!(out.status.success(), "{program} cannot encode VP8 (libvpx)");
    let (_, frames) =
        convene_media::read_ivf(&out.stdout).map_err(|e| anyhow::anyhow!("black frame: {e}"))?;
    frames
        .into_iter()
        .next()
        .map(|f| f.data)
        .context("ffmpeg wrote no frame")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdp_names_every_vp8_and_opus_input_and_the_graph_uses_them_all() {
        let p = Ports {
            video: (0..VIDEO_INPUTS as u16).map(|i| 5000 + 2 * i).collect(),
            audio: vec![6002, 6004, 6006],
        };
        let s = sdp(&p);
        assert!(s.starts_with("v=0"));
        assert!(s.contains("m=video 5000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000"));
        assert_eq!(s.matches("VP8/90000").count(), VIDEO_INPUTS);
        assert_eq!(s.matches("opus/48000/2").count(), AUDIO_INPUTS);
        let g = filter();
        for i in 0..VIDEO_INPUTS {
            assert!(g.contains(&format!("[0:v:{i}]")), "video input {i}");
        }
        for i in 0..AUDIO_INPUTS {
            assert!(g.contains(&format!("[0:a:{i}]")), "audio input {i}");
        }
        // The tiles' row and the main picture make exactly the output frame.
        assert_eq!(TILE_W * STRIP as u32, WIDTH);
        assert!(g.contains(&format!("pad={WIDTH}:{}:", HEIGHT - TILE_H)));
        assert!(g.contains(&format!("hstack=inputs={STRIP}")));
        assert!(g.contains("amix=inputs=3"));
    }
}

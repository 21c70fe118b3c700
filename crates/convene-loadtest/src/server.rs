//! The server under load: [`ServerProbe`] reads its CPU and memory; [`SpawnedServer`]
//! starts one (`--spawn`) and stops it afterwards.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::procfs::ProcSample;

/// Readings of the server process (if its pid is known) and of this process, at the start
/// and end of a scenario's measured window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServerProbe {
    pid: Option<u32>,
}

/// Both processes at one moment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reading {
    pub(crate) server: Option<ProcSample>,
    pub(crate) load: Option<ProcSample>,
}

impl ServerProbe {
    pub(crate) fn new(pid: Option<u32>) -> Self {
        ServerProbe { pid }
    }

    pub(crate) fn read(&self) -> Reading {
        Reading {
            server: self.pid.and_then(|p| ProcSample::read(Some(p))),
            load: ProcSample::read(None),
        }
    }
}

/// A `convene serve` child process on a free loopback port with a generated app; killed
/// when dropped.
pub struct SpawnedServer {
    child: Child,
    /// Its signaling URL, `http://127.0.0.1:PORT`.
    pub url: String,
    /// The generated SDK key.
    pub key: String,
    /// The generated SDK secret.
    pub secret: String,
}

/// How long a spawned server may take to listen.
const READY_TIMEOUT: Duration = Duration::from_secs(15);

impl SpawnedServer {
    /// Runs `exe serve` on 127.0.0.1 (a free port, `--media-port 0`) with room for
    /// `max_users` in one session, and waits until it accepts connections.
    pub fn start(exe: &Path, max_users: usize) -> std::io::Result<SpawnedServer> {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
            .local_addr()?
            .port();
        let key = format!("load{:08x}", rand::random::<u32>());
        let secret = format!(
            "{:016x}{:016x}",
            rand::random::<u64>(),
            rand::random::<u64>()
        );
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let mut child = Command::new(exe)
            .args(["serve", "--bind", &addr.to_string(), "--media-port", "0"])
            .args(["--app", &format!("{key}:{secret}")])
            .args(["--max-users-per-session", &max_users.max(2).to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let start = Instant::now();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Some(status) = child.try_wait()? {
                return Err(std::io::Error::other(format!("server exited: {status}")));
            }
            if start.elapsed() > READY_TIMEOUT {
                let _ = child.kill();
                return Err(std::io::Error::other("server did not listen in time"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(SpawnedServer {
            child,
            url: format!("http://{addr}"),
            key,
            secret,
        })
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for SpawnedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A difference of CPU times rounded to the clock tick (0.01 s) it was counted in.
fn ticks(secs: f64) -> f64 {
    (secs * 100.0).round() / 100.0
}

impl Reading {
    /// Fills the report's window fields: the time from `self` to `end`, the server's and
    /// this process's CPU over it, and both peaks at its end.
    pub(crate) fn window_into(&self, end: &Reading, report: &mut crate::Report) {
        if let (Some(a), Some(b)) = (self.load, end.load) {
            report.window_secs = b.at.duration_since(a.at).as_secs_f64();
            report.load_cpu_secs = ticks(b.cpu_secs - a.cpu_secs);
            report.load_peak_rss_kib = b.peak_rss_kib;
        }
        if let (Some(a), Some(b)) = (self.server, end.server) {
            report.server_cpu_secs = Some(ticks(b.cpu_secs - a.cpu_secs));
            report.server_peak_rss_kib = Some(b.peak_rss_kib);
        }
    }

    /// How much the server's resident memory grew from `self` to `end`, KiB.
    pub(crate) fn server_rss_growth_kib(&self, end: &Reading) -> Option<f64> {
        Some(end.server?.rss_kib as f64 - self.server?.rss_kib as f64)
    }
}

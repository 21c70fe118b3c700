//! CPU time and memory of a process, read from `/proc` (Linux), the way every `forward`
//! report reads them: `utime + stime` of `/proc/PID/stat`, `VmRSS` and `VmHWM` of
//! `/proc/PID/status`. Shared by `convene load`, `raw-load` (convene-bench) and `janus-load`.
//!
//! A `pid` of `None` is this process (`/proc/self`).

use std::io;
use std::time::Instant;

/// Clock ticks per second of `/proc/PID/stat` times (`USER_HZ`: the kernel reports these
/// times in it whatever its own tick rate, and it is 100 on every Linux architecture).
const TICKS_PER_SEC: f64 = 100.0;

/// User plus system CPU seconds process `pid` has used so far (all its threads).
pub fn cpu_secs(pid: Option<u32>) -> io::Result<f64> {
    let path = format!("{}/stat", dir(pid));
    let stat = read(&path)?;
    cpu_ticks(&stat)
        .map(|t| t as f64 / TICKS_PER_SEC)
        .ok_or_else(|| bad(&path))
}

/// Peak resident set size (`VmHWM`) of process `pid`, KiB.
pub fn peak_rss_kib(pid: Option<u32>) -> io::Result<u64> {
    let path = format!("{}/status", dir(pid));
    status_kib(&read(&path)?, "VmHWM:").ok_or_else(|| bad(&path))
}

/// `/proc/PID`, or `/proc/self` for `None`.
fn dir(pid: Option<u32>) -> String {
    pid.map_or_else(|| "/proc/self".to_owned(), |p| format!("/proc/{p}"))
}

/// The file's text; the error names the file.
fn read(path: &str) -> io::Result<String> {
    std::fs::read_to_string(path).map_err(|e| io::Error::new(e.kind(), format!("{path}: {e}")))
}

fn bad(path: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("unexpected {path}"))
}

/// One reading of a process.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcSample {
    /// When it was read.
    pub at: Instant,
    /// User + system CPU time since the process started, seconds.
    pub cpu_secs: f64,
    /// Resident set size now (`VmRSS`), KiB.
    pub rss_kib: u64,
    /// Peak resident set size (`VmHWM`), KiB.
    pub peak_rss_kib: u64,
}

impl ProcSample {
    /// Read process `pid` (`None`: this process). `None` if it does not exist or `/proc` is
    /// not Linux's.
    pub fn read(pid: Option<u32>) -> Option<ProcSample> {
        let dir = dir(pid);
        let at = Instant::now();
        let stat = std::fs::read_to_string(format!("{dir}/stat")).ok()?;
        let status = std::fs::read_to_string(format!("{dir}/status")).ok()?;
        Some(ProcSample {
            at,
            cpu_secs: cpu_ticks(&stat)? as f64 / TICKS_PER_SEC,
            rss_kib: status_kib(&status, "VmRSS:")?,
            peak_rss_kib: status_kib(&status, "VmHWM:")?,
        })
    }
}

/// utime + stime (fields 14 and 15) of a `/proc/PID/stat` line. The command name (field 2)
/// may hold spaces and parentheses, so fields are counted after its last `)`.
fn cpu_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11); // field 3 is the first after ')'
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// A `Key:   1234 kB` line of `/proc/PID/status`.
fn status_kib(status: &str, key: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stat_with_an_awkward_name() {
        let stat = "42 (a) b (c) S 1 42 42 0 -1 4194560 100 0 0 0 250 31 0 0 20 0 1 0 5 0 0";
        assert_eq!(cpu_ticks(stat), Some(281));
        assert_eq!(cpu_ticks("garbage"), None);
        assert_eq!(cpu_ticks("1 (x) S 1"), None);
        assert_eq!(
            status_kib("Name:\tx\nVmHWM:\t   2048 kB\n", "VmHWM:"),
            Some(2048)
        );
    }

    #[test]
    fn this_process_has_used_cpu_and_memory() {
        // Burn a little CPU so that at least one tick is counted.
        let start = Instant::now();
        let mut x = 1u64;
        while start.elapsed().as_millis() < 50 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        assert_ne!(x, 0);
        let me = ProcSample::read(None).expect("/proc/self");
        assert!(me.cpu_secs > 0.0, "{me:?}");
        assert!(me.rss_kib > 0 && me.peak_rss_kib >= me.rss_kib, "{me:?}");
        let by_pid = ProcSample::read(Some(std::process::id())).expect("/proc/PID");
        assert!(by_pid.cpu_secs >= me.cpu_secs);
        assert!(ProcSample::read(Some(u32::MAX)).is_none());
        assert!(cpu_secs(None).expect("/proc/self/stat") > 0.0);
        assert!(peak_rss_kib(Some(std::process::id())).expect("/proc/PID/status") > 0);
        assert!(cpu_secs(Some(u32::MAX)).is_err());
    }
}

//! A process's CPU time and peak memory, read from `/proc` the way every `forward` report
//! reads them: `utime + stime` of `/proc/PID/stat`, `VmHWM` of `/proc/PID/status`.

use std::fs;
use std::io;

use crate::sys;

/// User plus system CPU seconds `pid` has used so far (all its threads).
pub fn cpu_secs(pid: u32) -> io::Result<f64> {
    parse_cpu_secs(&fs::read_to_string(format!("/proc/{pid}/stat"))?)
}

/// This process's CPU seconds so far.
pub fn own_cpu_secs() -> io::Result<f64> {
    cpu_secs(std::process::id())
}

/// Peak resident set size of `pid` (`VmHWM`), KiB.
pub fn peak_rss_kib(pid: u32) -> io::Result<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "no VmHWM"))
}

fn parse_cpu_secs(stat: &str) -> io::Result<f64> {
    // The command name (field 2) may hold spaces and parentheses: fields are counted after
    // its closing parenthesis, where field 3 (state) comes first.
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "unexpected /proc/PID/stat");
    let rest = &stat[stat.rfind(')').ok_or_else(bad)? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| -> io::Result<u64> {
        fields
            .get(n - 3)
            .and_then(|f| f.parse().ok())
            .ok_or_else(bad)
    };
    let ticks = field(14)? + field(15)?;
    Ok(ticks as f64 / sys::clock_ticks_per_sec() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utime_and_stime_are_fields_14_and_15() {
        let hz = sys::clock_ticks_per_sec() as f64;
        let stat = "1234 (a (weird) name) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1";
        assert_eq!(parse_cpu_secs(stat).unwrap(), 300.0 / hz);
        assert!(parse_cpu_secs("garbage").is_err());
    }

    #[test]
    fn reads_this_process() {
        assert!(own_cpu_secs().unwrap() >= 0.0);
        assert!(peak_rss_kib(std::process::id()).unwrap() > 0);
    }
}

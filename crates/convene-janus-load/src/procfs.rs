//! A process's CPU time and peak RSS, read from `/proc` (Linux).

use anyhow::{anyhow, Context, Result};

/// Clock ticks per second of `/proc/PID/stat` times (`USER_HZ`, 100 on Linux).
const TICKS_PER_SEC: f64 = 100.0;

/// `utime + stime` of `pid` (or `"self"`), in seconds.
pub fn cpu_secs(pid: &str) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("/proc/{pid}/stat"))?;
    cpu_secs_of_stat(&stat)
}

/// `utime + stime` from the text of a `stat` file, in seconds.
pub fn cpu_secs_of_stat(stat: &str) -> Result<f64> {
    // The command name may hold spaces and parentheses: fields are counted after the last ')'.
    let rest = &stat[stat.rfind(')').ok_or_else(|| anyhow!("bad stat: {stat}"))? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name, field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
    let tick = |i: usize| -> Result<f64> {
        let v: u64 = fields
            .get(i)
            .ok_or_else(|| anyhow!("short stat: {stat}"))?
            .parse()?;
        Ok(v as f64)
    };
    Ok((tick(11)? + tick(12)?) / TICKS_PER_SEC)
}

/// Peak resident set size (`VmHWM`) of `pid`, KiB.
pub fn peak_rss_kib(pid: &str) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| anyhow!("no VmHWM for {pid}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_with_an_awkward_name() {
        let stat = "1234 (we (ird) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 \
                    9 0 100 0 0";
        assert_eq!(cpu_secs_of_stat(stat).unwrap(), 3.0);
        assert!(cpu_secs_of_stat("1 (x) S 1").is_err());
    }

    #[test]
    fn our_own_process_uses_cpu_and_memory() {
        let mut x = 0u64;
        let until = std::time::Instant::now() + std::time::Duration::from_millis(30);
        while std::time::Instant::now() < until {
            x = x.wrapping_add(1);
        }
        assert!(x > 0);
        assert!(cpu_secs("self").unwrap() > 0.0);
        assert!(peak_rss_kib("self").unwrap() > 0);
    }
}

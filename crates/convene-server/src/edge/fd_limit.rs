//! The open-file limit: raised to the hard limit at start, and the connection cap derived
//! from it, so that the server refuses connections with a clear 503 before `accept` starts
//! failing with EMFILE (which would also starve the media plane's ICE-TCP listener).

/// File descriptors kept back from connections: listeners, the media sockets, ICE-TCP
/// connections, logs, the runtime's own.
const RESERVED_FDS: u64 = 64;

/// Raises the soft `RLIMIT_NOFILE` to the hard limit and returns the new soft limit. Call
/// once at start (the binary does); an error leaves the limit as it was.
pub fn raise_fd_limit() -> std::io::Result<u64> {
    rlimit::increase_nofile_limit(u64::MAX)
}

/// The connection cap for the current fd limit: three quarters of what is left after
/// [`RESERVED_FDS`], leaving the last quarter to ICE-TCP media connections, which need a
/// descriptor each too. At least 16, so a tiny limit still serves someone.
pub fn derived_max_connections() -> usize {
    let soft = rlimit::getrlimit(rlimit::Resource::NOFILE)
        .map(|(soft, _)| soft)
        .unwrap_or(1024);
    cap_for(soft)
}

fn cap_for(soft: u64) -> usize {
    let usable = soft.saturating_sub(RESERVED_FDS) / 4 * 3;
    usize::try_from(usable).unwrap_or(usize::MAX).max(16)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cap_leaves_room_for_media_and_listeners() {
        assert_eq!(super::cap_for(1024), 720);
        assert_eq!(super::cap_for(10), 16);
        assert!(super::derived_max_connections() >= 16);
    }
}

//! [`LoadOptions`]: what to run, and the nouns of its flags ([`Scenario`], [`Shard`]).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Which load to generate (`--scenario`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `users` join one session, `concurrency` at a time; join latency and list consistency.
    JoinStorm,
    /// `users` join one session (signaling only), then one speaker talks and every other
    /// user listens; RSS per user, who heard the speaker.
    BigSession,
    /// `sessions` two-user sessions (signaling only); RSS per session.
    ManySessions,
    /// `sessions` sessions of `publishers` (Opus-shaped audio + 3-layer simulcast
    /// VP8-shaped video) and `subscribers`; egress packets, loss, forwarding latency.
    Forward,
}

impl Scenario {
    /// The name used on the command line and in the report.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::JoinStorm => "join-storm",
            Scenario::BigSession => "big-session",
            Scenario::ManySessions => "many-sessions",
            Scenario::Forward => "forward",
        }
    }
}

impl FromStr for Scenario {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Scenario::JoinStorm,
            Scenario::BigSession,
            Scenario::ManySessions,
            Scenario::Forward,
        ]
        .into_iter()
        .find(|sc| sc.name() == s)
        .ok_or_else(|| {
            format!("unknown scenario {s:?} (join-storm, big-session, many-sessions, forward)")
        })
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// This process's part of a run split over several load processes (`--shard i/n`): it
/// takes every `n`th unit (user or session, see the scenario) starting at the `i`th.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This process's index, from 0.
    pub index: usize,
    /// How many processes share the run.
    pub count: usize,
}

impl Shard {
    /// The whole run in one process.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Whether unit `i` (a user or a session index) is this shard's.
    pub fn owns(self, i: usize) -> bool {
        i % self.count == self.index
    }
}

impl Default for Shard {
    fn default() -> Self {
        Shard::ALL
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("bad shard {s:?}: want i/n with 0 <= i < n, e.g. 0/2");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What to run. Sizes are for the whole run; a [`Shard`] runs its part of them.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Server, e.g. `http://127.0.0.1:8080`.
    pub url: String,
    /// SDK key of an app the server knows (tokens are minted locally).
    pub key: String,
    /// SDK secret.
    pub secret: String,
    /// Session topic (the prefix of `topic-0`, `topic-1`... where there are several).
    pub topic: String,
    /// Which load.
    pub scenario: Scenario,
    /// Users of `join-storm` and `big-session`.
    pub users: usize,
    /// How many joins (and media negotiations) run at once.
    pub concurrency: usize,
    /// Publishers per session in `forward`.
    pub publishers: usize,
    /// Subscribers per session in `forward`.
    pub subscribers: usize,
    /// Sessions of `forward` and `many-sessions`.
    pub sessions: usize,
    /// Publishers' cameras each `forward` subscriber attaches; `None`: all of its session.
    pub attach: Option<usize>,
    /// Users of `big-session` that listen to the speaker; `None`: all but the speaker.
    pub listeners: Option<usize>,
    /// The measured media window of `forward`; how long `big-session`'s speaker talks.
    pub duration: Duration,
    /// The server's process id, to read its CPU time and memory from `/proc`.
    pub server_pid: Option<u32>,
    /// This process's part of the run.
    pub shard: Shard,
    /// Draw a progress line on stderr.
    pub progress: bool,
}

impl LoadOptions {
    /// Options for `scenario` against `url`, with small sizes: 10 users, 2 sessions,
    /// 2 publishers × 2 subscribers, 4 joins at once, 1 s of media, no progress line.
    pub fn new(
        url: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<String>,
        scenario: Scenario,
    ) -> Self {
        LoadOptions {
            url: url.into(),
            key: key.into(),
            secret: secret.into(),
            topic: "load".into(),
            scenario,
            users: 10,
            concurrency: 4,
            publishers: 2,
            subscribers: 2,
            sessions: 2,
            attach: None,
            listeners: None,
            duration: Duration::from_secs(1),
            server_pid: None,
            shard: Shard::ALL,
            progress: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_and_shard_parse_and_print() {
        for s in ["join-storm", "big-session", "many-sessions", "forward"] {
            assert_eq!(s.parse::<Scenario>().map(|s| s.to_string()), Ok(s.into()));
        }
        assert!("storm".parse::<Scenario>().is_err());
        let sh: Shard = "1/3".parse().expect("a shard");
        assert_eq!(sh, Shard { index: 1, count: 3 });
        assert_eq!(sh.to_string(), "1/3");
        assert!(sh.owns(4) && !sh.owns(3));
        for bad in ["3/3", "1/0", "1", "a/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}

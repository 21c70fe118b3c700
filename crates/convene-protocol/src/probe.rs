//! The network test's messages (docs/probe.md): the first byte of each data-channel message
//! between a client (`convene probe`, the browser's `createProber()`) and a probe peer in the
//! SFU. The generator writes them for the browser SDK as `PROBE_MESSAGES`.

macro_rules! probe_messages {
    ($( $(#[$doc:meta])* $name:ident = $value:expr; )*) => {
        $( $(#[$doc])* pub const $name: u8 = $value; )*
        /// Every message type by name.
        pub const PROBE_MESSAGES: &[(&str, u8)] = &[ $( (stringify!($name), $name), )* ];
    };
}

probe_messages! {
    /// Any payload, sent back as is: round-trip time, jitter, loss.
    ECHO = 1;
    /// Uplink filler the SFU counts.
    UP = 2;
    /// Asks the SFU for paced downlink filler: rate_kbps u32, duration_ms u32, size u16.
    DOWN = 3;
    /// Downlink filler from the SFU.
    FILL = 4;
    /// Asks for (and answers with) the uplink counts: up_bytes u64, up_messages u32, up_span_us u64.
    STATS = 5;
    /// rtt_ms u32, loss_permille u16, answered with the SFU's quality level u8 (0-5).
    LEVEL = 6;
}

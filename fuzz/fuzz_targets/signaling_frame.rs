//! The signaling frame decoder: one WebSocket text frame as the server's connection task
//! reads it (`serde_json::from_str::<Request>`, then on a failure the loose `Value` parse
//! it uses to find the id and method of its error reply), then the join checks that need no
//! session state. Nothing a client sends may panic here.
//!
//! Also checked: a request that decodes re-encodes to a frame that decodes to the same
//! request, since the Rust SDK encodes with the same types the server decodes with.
#![no_main]

use convene_protocol::{validate_join_params, ClientMsg, Request, MAX_TOPIC_CHARS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A text frame is UTF-8 by the time it reaches the decoder (tungstenite checks it).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let req = match serde_json::from_str::<Request>(text) {
        Ok(req) => req,
        Err(_) => {
            let _ = serde_json::from_str::<serde_json::Value>(text);
            return;
        }
    };
    let again = serde_json::to_string(&req).expect("a decoded request encodes");
    let back: Request = serde_json::from_str(&again).expect("an encoded request decodes");
    assert_eq!(back, req, "round trip through {again}");
    if let ClientMsg::Join(params) = &req.msg {
        if let Ok(valid) = validate_join_params(params) {
            // What the session core relies on after a successful check.
            let chars = valid.topic.chars().count();
            assert!((1..=MAX_TOPIC_CHARS).contains(&chars));
            assert!(valid.idle_timeout_mins >= 1);
        }
    }
});

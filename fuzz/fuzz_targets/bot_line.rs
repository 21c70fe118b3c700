//! The bot's stdin parser (`convene join`, SPEC §11) on arbitrary lines: it must never panic,
//! and every line it takes as a wire command must encode as a request that decodes back to the
//! same method (what the bot sends is what the server reads).
#![no_main]

use convene::bot_command::{parse_line, Command};
use convene_protocol::Request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(line) = parse_line(text) else {
        return;
    };
    if let Command::Wire(msg) = line.command {
        let method = msg.method();
        let req = Request { id: line.id, msg };
        let wire = serde_json::to_string(&req).expect("a request always encodes");
        let back: Request = serde_json::from_str(&wire).expect("what the bot sends decodes");
        assert_eq!(back.msg.method(), method);
    }
});

//! The protocol's vocabulary as data: every method and event name, read from the serde
//! definitions themselves so that no second list can drift. The JS generator
//! (`cargo xtask gen`) and the golden-fixture tests use it.

use crate::{ClientMsg, Event};
use serde::de::DeserializeOwned;

/// Every client → server method name (`join`, `chat.send`, ...), in declaration order.
pub fn method_names() -> Vec<String> {
    variant_names::<ClientMsg>("method")
}

/// Every server → client event name (`user-added`, ...), in declaration order.
pub fn event_names() -> Vec<String> {
    variant_names::<Event>("event")
}

/// Serde names an enum's variants when it meets an unknown tag ("unknown variant `x`,
/// expected one of `a`, `b`"); that message is the only place the derived list is public.
fn variant_names<T: DeserializeOwned>(tag: &str) -> Vec<String> {
    let probe = serde_json::json!({ tag: "\u{1}" });
    let message = match serde_json::from_value::<T>(probe) {
        Ok(_) => return Vec::new(),
        Err(e) => e.to_string(),
    };
    let Some((_, list)) = message.split_once("expected one of") else {
        return Vec::new();
    };
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_serde() {
        let methods = method_names();
        assert_eq!(methods.first().map(String::as_str), Some("join"));
        assert!(methods.iter().any(|m| m == "chat.getHistory"));
        assert!(methods.iter().any(|m| m == "rtc.offer"));
        let events = event_names();
        assert_eq!(
            events.first().map(String::as_str),
            Some("connection-change")
        );
        assert!(events.iter().any(|e| e == "command-channel-message"));
    }
}

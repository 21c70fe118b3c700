//! Join parameter rules of SPEC §4 that need no session state: the one definition, used by
//! the server, the Rust SDK, and (through golden fixtures) checked against the browser SDK.

use crate::{
    ErrorBody, ErrorCode, JoinParams, DEFAULT_IDLE_TIMEOUT_MINS, MAX_PASSCODE_CHARS,
    MAX_TOPIC_CHARS, MAX_USER_NAME_CHARS,
};

/// Join parameters after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidJoin {
    /// Topic as given.
    pub topic: String,
    /// Topic lower-cased: the session's key.
    pub topic_key: String,
    /// Display name, truncated, `"null"` when empty.
    pub user_name: String,
    /// Passcode, `None` when absent or empty.
    pub passcode: Option<String>,
    /// Idle timeout, whole minutes.
    pub idle_timeout_mins: u32,
}

/// Checks topic, passcode and idle timeout (5013 on failure) and normalises the name.
pub fn validate_join_params(p: &JoinParams) -> Result<ValidJoin, ErrorBody> {
    let bad = |why: String| Err(ErrorBody::new(ErrorCode::InvalidJoinParameter, why));
    let topic_chars = p.topic.chars().count();
    if topic_chars == 0 {
        return bad("topic is empty".into());
    }
    if topic_chars > MAX_TOPIC_CHARS {
        return bad(format!(
            "topic is {topic_chars} characters; at most {MAX_TOPIC_CHARS} allowed"
        ));
    }
    if p.topic.chars().any(char::is_control) {
        return bad("topic contains control characters".into());
    }
    let passcode = match p.passcode.as_deref() {
        None | Some("") => None,
        Some(pc) => {
            if pc.chars().count() > MAX_PASSCODE_CHARS {
                return bad(format!(
                    "passcode longer than {MAX_PASSCODE_CHARS} characters"
                ));
            }
            if !pc.bytes().all(|b| (32..=126).contains(&b)) {
                return bad("passcode must be printable ASCII (32-126)".into());
            }
            Some(pc.to_owned())
        }
    };
    let idle_timeout_mins = match p.idle_timeout_mins {
        None => DEFAULT_IDLE_TIMEOUT_MINS,
        Some(m) if m.is_finite() && m >= 1.0 && m.fract() == 0.0 && m <= u32::MAX as f64 => {
            m as u32
        }
        Some(m) => {
            return bad(format!(
                "idleTimeoutMins must be a positive whole number, got {m}"
            ))
        }
    };
    Ok(ValidJoin {
        topic: p.topic.clone(),
        topic_key: p.topic.to_lowercase(),
        user_name: normalize_user_name(&p.user_name),
        passcode,
        idle_timeout_mins,
    })
}

/// Truncates a display name to 200 characters; an empty name shows as `"null"`.
pub fn normalize_user_name(name: &str) -> String {
    if name.is_empty() {
        return "null".to_owned();
    }
    name.chars().take(MAX_USER_NAME_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(topic: &str) -> JoinParams {
        JoinParams {
            topic: topic.into(),
            token: "t".into(),
            user_name: "u".into(),
            passcode: None,
            idle_timeout_mins: None,
        }
    }

    fn code(r: Result<ValidJoin, ErrorBody>) -> u32 {
        r.unwrap_err().error_code
    }

    #[test]
    fn topic_rules() {
        assert_eq!(code(validate_join_params(&params(""))), 5013);
        assert_eq!(code(validate_join_params(&params(&"a".repeat(151)))), 5013);
        assert!(validate_join_params(&params(&"é".repeat(150))).is_ok());
        let v = validate_join_params(&params("My Topic #1 !?")).unwrap();
        assert_eq!(v.topic_key, "my topic #1 !?");
        assert_eq!(code(validate_join_params(&params("a\nb"))), 5013);
    }

    #[test]
    fn passcode_rules() {
        let mut p = params("t");
        p.passcode = Some("0123456789".into());
        assert!(validate_join_params(&p).is_ok());
        p.passcode = Some("01234567890".into());
        assert_eq!(code(validate_join_params(&p)), 5013);
        p.passcode = Some("pässe".into());
        assert_eq!(code(validate_join_params(&p)), 5013);
        p.passcode = Some(String::new());
        assert_eq!(validate_join_params(&p).unwrap().passcode, None);
    }

    #[test]
    fn idle_timeout_rules() {
        let mut p = params("t");
        assert_eq!(validate_join_params(&p).unwrap().idle_timeout_mins, 40);
        p.idle_timeout_mins = Some(5.0);
        assert_eq!(validate_join_params(&p).unwrap().idle_timeout_mins, 5);
        for bad in [0.0, -1.0, 1.5, f64::NAN] {
            p.idle_timeout_mins = Some(bad);
            assert_eq!(code(validate_join_params(&p)), 5013, "{bad}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(normalize_user_name(""), "null");
        assert_eq!(normalize_user_name(&"x".repeat(250)).chars().count(), 200);
        assert_eq!(normalize_user_name("Ann"), "Ann");
    }
}

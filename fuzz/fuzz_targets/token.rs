//! The token validator (`convene_auth::validate`) on a join's token and topic.
//!
//! Input: the topic, a newline, then the token. A token written `sign:<header JSON>\n<claims
//! JSON>` is first signed with the app's secret, so that mutations reach the claim rules
//! behind the signature check instead of stopping at a bad HMAC. Nothing may panic, and an
//! accepted token must satisfy every rule the session then trusts.
#![no_main]

use convene_auth::{validate, AppCredentials, MAX_LIFETIME_SECS, MIN_LIFETIME_SECS};
use libfuzzer_sys::fuzz_target;

const KEY: &str = "fuzz-key";
const SECRET: &str = "fuzz-secret";
/// Unix seconds the seeds' tokens were minted for (`iat`).
const NOW: u64 = 1_700_000_000;

/// `header.claims.signature` with HS256 over the given JSON texts, as they are.
fn sign(header: &str, claims: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use jsonwebtoken::crypto::sign;
    use jsonwebtoken::{Algorithm, EncodingKey};
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    let sig = sign(input.as_bytes(), &key, Algorithm::HS256).expect("HS256 signs");
    format!("{input}.{sig}")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (topic, token) = text.split_once('\n').unwrap_or((text, ""));
    let token = match token.strip_prefix("sign:") {
        Some(parts) => {
            let (header, claims) = parts.split_once('\n').unwrap_or((parts, ""));
            sign(header, claims)
        }
        None => token.to_owned(),
    };
    let apps = [
        AppCredentials::new("other-key", "other-secret"),
        AppCredentials::new(KEY, SECRET),
    ];
    for now in [NOW, NOW + 3600] {
        if let Ok(claims) = validate(&token, topic, &apps, now) {
            assert_eq!(claims.app_key, KEY);
            assert!(claims.topic.to_lowercase() == topic.to_lowercase());
            assert!(claims.expires_at > now);
            let life = claims.expires_at - claims.issued_at;
            assert!((MIN_LIFETIME_SECS..=MAX_LIFETIME_SECS).contains(&life));
        }
    }
});

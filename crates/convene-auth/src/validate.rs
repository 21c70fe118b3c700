//! [`validate`]: checking a token against the SPEC §2 rules.

use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use crate::{
    AppCredentials, Role, TokenClaims, TokenError, MAX_CLOCK_SKEW_SECS, MAX_LIFETIME_SECS,
    MIN_LIFETIME_SECS,
};
use convene_protocol::MAX_IDENTITY_CHARS;

pub(crate) type Claims = Map<String, Value>;

/// Validates `token` for a join to `topic` at Unix time `now_secs`, looking the app up by the
/// unverified `app_key` claim in `apps`.
///
/// Checks run in this order, and the first failure is returned: shape and `alg`, `app_key`
/// and signature (so nothing else is judged before the token is known to be authentic), then
/// `iat`/`exp` (expired, lifetime, issued in the future), `tpc`, `role_type`, `version`, and
/// the identity claims. See the crate docs for the rules.
///
/// Never panics, whatever `token` holds.
pub fn validate(
    token: &str,
    topic: &str,
    apps: &[AppCredentials],
    now_secs: u64,
) -> Result<TokenClaims, TokenError> {
    let (claims, app) = verify(token, apps, "app_key")?;
    let issued_at = required_secs(&claims, "iat")?;
    let expires_at = required_secs(&claims, "exp")?;
    if expires_at <= now_secs {
        return Err(TokenError::Expired);
    }
    let lifetime = expires_at
        .checked_sub(issued_at)
        .ok_or(TokenError::BadLifetime)?;
    if !(MIN_LIFETIME_SECS..=MAX_LIFETIME_SECS).contains(&lifetime) {
        return Err(TokenError::BadLifetime);
    }
    if issued_at > now_secs.saturating_add(MAX_CLOCK_SKEW_SECS) {
        return Err(TokenError::IssuedInFuture);
    }

    let token_topic = required_str(&claims, "tpc")?;
    if token_topic.to_lowercase() != topic.to_lowercase() {
        return Err(TokenError::TopicMismatch {
            expected: topic.to_owned(),
            got: token_topic.to_owned(),
        });
    }

    let role = match present(&claims, "role_type") {
        None => return Err(TokenError::MissingClaim("role_type")),
        Some(value) => match value.as_u64() {
            Some(1) => Role::Host,
            Some(0) => Role::Participant,
            _ => return Err(TokenError::InvalidRoleType(value.to_string())),
        },
    };

    if let Some(version) = present(&claims, "version") {
        if version.as_u64() != Some(1) {
            return Err(TokenError::InvalidClaim(
                "version",
                format!("must be 1, got {version}"),
            ));
        }
    }

    // Both identity claims must be strings if present; only the one used is length-checked.
    let user_identity = match optional_id(&claims, "user_identity")? {
        Some(identity) => Some(identity),
        None => optional_id(&claims, "user_key")?,
    };
    let session_key = optional_id(&claims, "session_key")?;

    Ok(TokenClaims {
        app_key: app.key.clone(),
        topic: token_topic.to_owned(),
        role,
        user_identity,
        session_key,
        issued_at,
        expires_at,
    })
}

/// The steps every token of this crate shares (join tokens and REST API tokens): the shape,
/// `alg` exactly HS256, the app named by the unverified claim `key_claim` (`app_key` or
/// `iss`), and the signature with that app's secret. Nothing else is judged before the token
/// is known to be authentic. Returns the claims and the app.
pub(crate) fn verify<'a>(
    token: &str,
    apps: &'a [AppCredentials],
    key_claim: &'static str,
) -> Result<(Claims, &'a AppCredentials), TokenError> {
    let malformed = |why: &str| TokenError::Malformed(why.to_owned());
    let (signing_input, signature) = token
        .rsplit_once('.')
        .ok_or_else(|| malformed("expected three dot-separated parts"))?;
    let (header_b64, payload_b64) = signing_input
        .split_once('.')
        .filter(|(_, payload)| !payload.contains('.'))
        .ok_or_else(|| malformed("expected three dot-separated parts"))?;

    // The header is read by hand, not with `jsonwebtoken::decode_header`: that one cannot
    // parse `"alg":"none"` and would report a confusing JSON error instead of the real reason.
    let header = decode_part(header_b64, "header")?;
    match header.get("alg") {
        Some(Value::String(alg)) if alg == "HS256" => {}
        Some(Value::String(alg)) => return Err(TokenError::UnsupportedAlg(alg.clone())),
        Some(other) => return Err(TokenError::UnsupportedAlg(other.to_string())),
        None => return Err(TokenError::UnsupportedAlg("no alg".to_owned())),
    }

    let claims = decode_part(payload_b64, "payload")?;
    // Unverified until the signature check below; it only picks which secret to try.
    let app_key = required_str(&claims, key_claim)?;
    let app = apps
        .iter()
        .find(|app| app.key == app_key)
        .ok_or(TokenError::UnknownAppKey)?;
    // Signature checks only, with no claim validation: jsonwebtoken's `decode` would also
    // read the system clock for `exp` and refuse an `aud` claim, and the rules here use
    // `now_secs` and give precise reasons. The HMAC comparison is constant-time.
    let key = DecodingKey::from_secret(app.secret.as_bytes());
    match jsonwebtoken::crypto::verify(signature, signing_input.as_bytes(), &key, Algorithm::HS256)
    {
        Ok(true) => {}
        Ok(false) => return Err(TokenError::BadSignature),
        Err(_) => return Err(malformed("signature is not base64url")),
    }
    Ok((claims, app))
}

/// Decodes one base64url (unpadded) part of the token into a JSON object.
fn decode_part(part: &str, name: &str) -> Result<Claims, TokenError> {
    // jsonwebtoken exposes its base64url+JSON decoding only for the middle part of a token,
    // so the part is wrapped as the middle of an empty-edged token (`part` holds no '.').
    let value: Value = jsonwebtoken::dangerous::insecure_decode_claims(format!(".{part}."))
        .map_err(|_| TokenError::Malformed(format!("{name} is not base64url JSON")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(TokenError::Malformed(format!(
            "{name} is not a JSON object"
        ))),
    }
}

/// The claim's value, treating JSON `null` as absent.
fn present<'a>(claims: &'a Claims, name: &str) -> Option<&'a Value> {
    claims.get(name).filter(|value| !value.is_null())
}

pub(crate) fn required_str<'a>(
    claims: &'a Claims,
    name: &'static str,
) -> Result<&'a str, TokenError> {
    match present(claims, name) {
        None => Err(TokenError::MissingClaim(name)),
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(TokenError::InvalidClaim(
            name,
            "must be a string".to_owned(),
        )),
    }
}

/// A time claim in whole seconds. Fractional seconds (some libraries write `Date.now() / 1000`)
/// are rounded down.
pub(crate) fn required_secs(claims: &Claims, name: &'static str) -> Result<u64, TokenError> {
    let value = present(claims, name).ok_or(TokenError::MissingClaim(name))?;
    match (value.as_u64(), value.as_f64()) {
        (Some(secs), _) => Ok(secs),
        // `as` saturates, and the bounds make the conversion exact up to the fraction.
        (None, Some(secs)) if secs.is_finite() && secs >= 0.0 && secs < u64::MAX as f64 => {
            Ok(secs.floor() as u64)
        }
        _ => Err(TokenError::InvalidClaim(
            name,
            format!("must be a non-negative number of seconds, got {value}"),
        )),
    }
}

/// An optional identifier claim: a string of at most [`MAX_IDENTITY_CHARS`] characters; an empty
/// string counts as absent.
fn optional_id(claims: &Claims, name: &'static str) -> Result<Option<String>, TokenError> {
    match present(claims, name) {
        None => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(Value::String(text)) if text.chars().count() > MAX_IDENTITY_CHARS => {
            Err(TokenError::TooLong(name))
        }
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(TokenError::InvalidClaim(
            name,
            "must be a string".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests;

//! `convene-auth`: validating the JWT a client presents with its join.

use convene_auth::{mint, validate, AppCredentials, MintOptions, Role};
use divan::{black_box, Bencher};

const NOW: u64 = 1_800_000_000;

/// One [`validate`] call on a valid HS256 token with a user identity, against one app: the
/// token split and base64-decoded, header and claims parsed as JSON, the HMAC-SHA256
/// verified, every claim rule checked, the claims returned. What the server does per join
/// before the session core sees it.
#[divan::bench]
fn validate_one_token(bencher: Bencher) {
    let apps = [AppCredentials::new("bench-key", "bench-secret-0123456789")];
    let mut options = MintOptions::new(
        "bench-key",
        "bench-secret-0123456789",
        "Bench Topic",
        Role::Participant,
        NOW,
    );
    options.user_identity = Some("user-4711".into());
    let token = mint(&options);
    assert!(validate(&token, "bench topic", &apps, NOW).is_ok());
    bencher.bench(|| validate(black_box(&token), black_box("bench topic"), &apps, NOW));
}

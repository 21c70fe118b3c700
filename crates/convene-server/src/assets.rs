//! The browser SDK (SPEC §12): the ES modules of `sdk/js/src/`, embedded in the binary and
//! served under `/sdk/`. `/sdk/convene.js` is the entry module (default export: the
//! namespace); its relative imports (`./client.js`, ...) resolve to the files next to it, so
//! users load one URL and need no build step.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// `(file name, contents)` for every module of `sdk/js/src/`.
macro_rules! sdk_modules {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../sdk/js/src/", $name)))),*]
    };
}

/// Every file of `sdk/js/src/` (a test fails when one is missing here).
const SDK_MODULES: &[(&str, &str)] = sdk_modules!(
    "convene.js",
    "canvas-render.js",
    "chat.js",
    "client.js",
    "codec.js",
    "command.js",
    "device-test.js",
    "emitter.js",
    "endpoint.js",
    "enums.js",
    "errors.js",
    "live-stream.js",
    "logger.js",
    "loss-delay.js",
    "media-peer.js",
    "preview.js",
    "prober.js",
    "protocol.gen.js",
    "recording.js",
    "rules.js",
    "sdp.js",
    "session-state.js",
    "signaling.js",
    "silence-watch.js",
    "stream-audio.js",
    "stream-devices.js",
    "stream-render.js",
    "stream-share.js",
    "stream-video.js",
    "stream.js",
    "subsession-move.js",
    "subsession-state.js",
    "subsession.js",
    "types.js",
    "unsupported.js",
    "video-activity.js",
    "video-player.js",
);

/// `GET /sdk/{file}`: one module of the SDK, or 404.
pub(crate) async fn sdk_module(Path(file): Path<String>) -> Response {
    match SDK_MODULES.iter().find(|(name, _)| *name == file) {
        Some((_, body)) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::SDK_MODULES;

    #[test]
    fn every_sdk_module_is_served() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sdk/js/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("sdk/js/src exists")
            .map(|e| {
                e.expect("readable entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        on_disk.sort();
        let mut served: Vec<String> = SDK_MODULES.iter().map(|(n, _)| n.to_string()).collect();
        served.sort();
        assert_eq!(
            on_disk, served,
            "list every file of sdk/js/src in SDK_MODULES"
        );
    }
}

//! Tests of the configuration: the file, flags over it, apps and webhooks.

use super::file::parse_app_lines;
use super::*;
use crate::turn::DEFAULT_TURN_TTL;

#[test]
fn file_config_applies() {
    let f: FileConfig = toml::from_str(
        "bind = \"127.0.0.1:9000\"\nmax_users_per_session = 3\n[[apps]]\nkey = \"k\"\nsecret = \"s\"\n\
         [[ice_servers]]\nurls = [\"turn:t.example:3478\"]\nusername = \"u\"\ncredential = \"c\"\n",
    )
    .unwrap();
    let mut c = Config::default();
    f.apply(&mut c).unwrap();
    assert_eq!(c.bind.port(), 9000);
    assert_eq!(c.session.max_users_per_session, 3);
    assert_eq!(c.apps, vec![AppCredentials::new("k", "s")]);
    assert_eq!(
        c.ice_servers[0].urls,
        vec!["turn:t.example:3478".to_owned()]
    );
    assert_eq!(c.ice_servers[0].username.as_deref(), Some("u"));
    assert!(toml::from_str::<FileConfig>("nope = 1").is_err());
}

#[test]
fn edge_keys_apply() {
    let f: FileConfig = toml::from_str(
        "join_timeout_secs = 3\nmax_connections_per_ip = 7\nallowed_origins = [\"https://a.example\"]\n",
    )
    .unwrap();
    let mut c = Config::default();
    f.apply(&mut c).unwrap();
    assert_eq!(c.edge.join_timeout, Duration::from_secs(3));
    assert_eq!(c.edge.max_connections_per_ip, Some(7));
    assert_eq!(c.edge.header_read_timeout, Duration::from_secs(10));
    assert_eq!(c.allowed_origins, vec!["https://a.example".to_owned()]);
}

#[test]
fn session_and_media_keys_apply() {
    let f: FileConfig = toml::from_str(
        "chat_rate_per_sec = 3\nchat_history = 50\ncommand_rate_per_sec = 4\n\
         ice_tcp_max_connections = 9\nice_tcp_max_connections_per_ip = 3\nice_tcp_handshake_timeout_secs = 2\nice_tcp_idle_timeout_secs = 5\n",
    )
    .unwrap();
    let mut c = Config::default();
    f.apply(&mut c).unwrap();
    assert_eq!(c.session.chat_rate_per_sec, 3);
    assert_eq!(c.session.chat_history, 50);
    assert_eq!(c.session.command_rate_per_sec, 4);
    assert_eq!(c.media_limits.tcp_max_connections, 9);
    assert_eq!(c.media_limits.tcp_max_connections_per_ip, 3);
    assert_eq!(c.media_limits.tcp_handshake_timeout, Duration::from_secs(2));
    assert_eq!(c.media_limits.tcp_idle_timeout, Duration::from_secs(5));
}

#[test]
fn ice_server_secrets() {
    let parse = |t: &str| {
        let mut c = Config::default();
        toml::from_str::<FileConfig>(t)
            .unwrap()
            .apply(&mut c)
            .map(|()| c)
    };
    let c = parse(
        "[[ice_servers]]\nurls = [\"turn:t.example:3478\"]\nsecret = \"s3cret\"\nttl_secs = 60\n",
    )
    .unwrap();
    assert!(c.ice_servers.is_empty());
    assert_eq!(c.turn_servers[0].ttl, Duration::from_secs(60));
    assert_eq!(c.turn_servers[0].secret, TurnSecret::new("s3cret").unwrap());
    assert!(
        !format!("{c:?}").contains("s3cret"),
        "Debug shows no secret"
    );
    let dir = std::env::temp_dir().join(format!("convene-turn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("secret");
    std::fs::write(&file, "from-file\n").unwrap();
    let c = parse(&format!(
        "[[ice_servers]]\nurls = [\"turns:t.example:5349\"]\nsecret_file = {:?}\n",
        file.to_str().unwrap()
    ))
    .unwrap();
    assert_eq!(
        c.turn_servers[0].secret,
        TurnSecret::new("from-file").unwrap()
    );
    assert_eq!(c.turn_servers[0].ttl, DEFAULT_TURN_TTL);
    for bad in [
        "urls = [\"turn:t:3478\"]\nsecret = \"s\"\nusername = \"u\"",
        "urls = [\"stun:t:3478\"]\nsecret = \"s\"",
        "urls = [\"turn:t:3478\"]\nsecret = \"\"",
        "urls = [\"turn:t:3478\"]\nsecret = \"s\"\nttl_secs = 0",
        "urls = [\"turn:t:3478\"]\nttl_secs = 10",
    ] {
        let e = parse(&format!("[[ice_servers]]\n{bad}\n")).unwrap_err();
        assert!(matches!(e, ConfigError::BadIceServer(..)), "{bad}: {e}");
    }

    let mut c = Config::default();
    let urls = vec!["stun:s:3478".to_owned(), "turn:t:3478".to_owned()];
    c.add_ice_urls(urls.clone(), Some("k".into()), None, Some(5))
        .unwrap();
    assert_eq!(c.ice_servers[0].urls, vec!["stun:s:3478".to_owned()]);
    assert_eq!(c.turn_servers[0].urls, vec!["turn:t:3478".to_owned()]);
    assert_eq!(c.turn_servers[0].ttl, Duration::from_secs(5));
    let f = file.to_str();
    let mut c = Config::default();
    c.add_ice_urls(urls.clone(), None, f, None).unwrap();
    assert_eq!(
        c.turn_servers[0].secret,
        TurnSecret::new("from-file").unwrap()
    );
    let mut c = Config::default();
    c.add_ice_urls(urls, None, None, None).unwrap();
    assert_eq!(c.ice_servers.len(), 2);
    assert!(c.turn_servers.is_empty());
    let e = Config::default()
        .add_ice_urls(vec!["stun:s:3478".into()], Some("k".into()), None, None)
        .unwrap_err();
    assert!(matches!(e, ConfigError::BadIceServer(..)), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn app_file_lines() {
    let apps = parse_app_lines("f", "# apps\n\n a:b \nc:d\n").unwrap();
    assert_eq!(
        apps,
        vec![AppCredentials::new("a", "b"), AppCredentials::new("c", "d")]
    );
    let e = parse_app_lines("f", "a:b\nsecret-without-key\n").unwrap_err();
    assert_eq!(e.to_string(), "f:2: an app line must be KEY:SECRET");
}

#[test]
fn apps_parse() {
    assert_eq!(parse_app("a:b").unwrap(), AppCredentials::new("a", "b"));
    assert!(parse_app("ab").is_err());
    assert!(parse_app(":b").is_err());
}

#[test]
fn dev_app_only_without_apps() {
    let mut c = Config::default();
    assert!(c.ensure_dev_app().is_some());
    assert!(c.dev_token_endpoint);
    assert!(c.ensure_dev_app().is_none());
}

#[test]
fn webhook_urls_global_and_per_app_with_a_secret() {
    let f: FileConfig = toml::from_str(
        "webhook_urls = [\"http://127.0.0.1:9/all\"]\n\
         [[apps]]\nkey = \"a\"\nsecret = \"s\"\n\
         webhook_urls = [\"http://hooks.example:8000/a?x=1\"]\nwebhook_secret = \"wh\"\n\
         [[apps]]\nkey = \"b\"\nsecret = \"t\"\n",
    )
    .unwrap();
    let mut c = Config::default();
    f.apply(&mut c).unwrap();
    assert_eq!(
        c.webhooks.urls,
        vec![WebhookUrl::parse("http://127.0.0.1:9/all").unwrap()]
    );
    assert_eq!(c.webhooks.apps.len(), 1, "only apps with webhook settings");
    let a = &c.webhooks.apps[0];
    assert_eq!(a.key, "a");
    assert_eq!(a.urls[0].uri().path_and_query().unwrap().as_str(), "/a?x=1");
    assert_eq!(a.secret.as_deref(), Some("wh"));
    assert!(
        !format!("{a:?}").contains("wh\""),
        "the secret is not printed"
    );
    assert_eq!(c.apps.len(), 2);
}

#[test]
fn webhook_urls_must_be_http_with_a_host() {
    for bad in [
        "https://x.example/",
        "x.example/hook",
        "ftp://x/",
        "not a url",
        "http:///p",
    ] {
        assert!(
            matches!(WebhookUrl::parse(bad), Err(ConfigError::BadWebhookUrl(..))),
            "{bad}"
        );
    }
    let f: FileConfig = toml::from_str("webhook_urls = [\"https://x.example/\"]").unwrap();
    assert!(f.apply(&mut Config::default()).is_err());
}

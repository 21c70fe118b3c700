//! Janus's HTTP transport over plain HTTP/1.0: one connection per request, the body ends
//! when the server closes (so no chunked decoding is needed).

use std::net::SocketAddr;

use anyhow::{anyhow, bail, Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Where Janus's HTTP API is, split from a URL such as `http://127.0.0.1:8088/janus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Host and port (an IP literal: this tool never resolves names).
    pub addr: SocketAddr,
    /// Base path, e.g. `/janus`.
    pub base: String,
}

impl Endpoint {
    /// Parses `http://IP:PORT/PATH`.
    pub fn parse(url: &str) -> Result<Endpoint> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| anyhow!("{url}: only http:// URLs"))?;
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        Ok(Endpoint {
            addr: host
                .parse()
                .with_context(|| format!("{url}: host must be IP:PORT"))?,
            base: format!("/{}", path.trim_end_matches('/')),
        })
    }

    /// `POST` a JSON body to `path` (below the base); returns the response body.
    pub async fn post(&self, path: &str, body: &str) -> Result<String> {
        self.send(format!(
            "POST {}{path} HTTP/1.0\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            self.base,
            self.addr,
            body.len()
        ))
        .await
    }

    /// `GET` `path` (below the base), e.g. a long-poll; returns the response body.
    pub async fn get(&self, path: &str) -> Result<String> {
        self.send(format!(
            "GET {}{path} HTTP/1.0\r\nHost: {}\r\n\r\n",
            self.base, self.addr
        ))
        .await
    }

    async fn send(&self, request: String) -> Result<String> {
        let mut s = TcpStream::connect(self.addr)
            .await
            .with_context(|| format!("connect {}", self.addr))?;
        s.write_all(request.as_bytes()).await?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).await?;
        let text = String::from_utf8(raw).context("response is not UTF-8")?;
        body_of(&text).map(str::to_string)
    }
}

/// The body of a `200` response; any other status is an error.
pub fn body_of(response: &str) -> Result<&str> {
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow!("truncated HTTP response"))?;
    let status = head.split_whitespace().nth(1).unwrap_or("");
    if status != "200" {
        bail!("HTTP {status}: {body}");
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_responses() {
        let e = Endpoint::parse("http://127.0.0.1:8088/janus/").unwrap();
        assert_eq!(e.addr, "127.0.0.1:8088".parse().unwrap());
        assert_eq!(e.base, "/janus");
        assert!(Endpoint::parse("https://127.0.0.1:8088/janus").is_err());
        assert!(Endpoint::parse("http://localhost:8088/janus").is_err());

        let ok = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"janus\":\"ack\"}";
        assert_eq!(body_of(ok).unwrap(), "{\"janus\":\"ack\"}");
        assert!(body_of("HTTP/1.0 404 Not Found\r\n\r\nno").is_err());
        assert!(body_of("HTTP/1.0 200 OK").is_err());
    }
}

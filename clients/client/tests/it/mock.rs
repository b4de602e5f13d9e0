//! A scripted HTTP/1.1 listener on 127.0.0.1 that answers one request per connection and records each one.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One scripted answer.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) delay: Duration,
    pub(crate) headers: Vec<(String, String)>,
}

impl Answer {
    pub(crate) fn json(status: u16, body: &serde_json::Value) -> Answer {
        Answer {
            status,
            body: body.to_string(),
            delay: Duration::ZERO,
            headers: Vec::new(),
        }
    }

    pub(crate) fn error(status: u16, code: u32) -> Answer {
        Answer::json(
            status,
            &serde_json::json!({"error_code": code, "message": format!("scripted {code}")}),
        )
    }

    pub(crate) fn delayed(mut self, delay: Duration) -> Answer {
        self.delay = delay;
        self
    }

    pub(crate) fn header(mut self, name: &str, value: &str) -> Answer {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A running listener; answers follow the script in order and the last one repeats.
#[derive(Debug, Clone)]
pub(crate) struct Mock {
    pub(crate) url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Mock {
    pub(crate) async fn start(script: Vec<Answer>) -> Mock {
        assert!(!script.is_empty());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let seen = Arc::clone(&seen);
                let script = script.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, &seen, &script).await;
                });
            }
        });
        Mock { url, requests }
    }

    /// How many requests arrived.
    pub(crate) fn count(&self) -> usize {
        self.requests.lock().expect("lock").len()
    }

    /// The request heads (request line and headers, lower-cased header names kept as sent).
    pub(crate) fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("lock").clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    seen: &Mutex<Vec<String>>,
    script: &[Answer],
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let answer = {
        let mut seen = seen.lock().expect("lock");
        seen.push(head);
        script[(seen.len() - 1).min(script.len() - 1)].clone()
    };
    tokio::time::sleep(answer.delay).await;
    let mut response = format!(
        "HTTP/1.1 {} Scripted\r\ncontent-type: application/vnd.schemaregistry.v1+json\r\ncontent-length: {}\r\nconnection: close\r\n",
        answer.status,
        answer.body.len()
    );
    for (name, value) in &answer.headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(&answer.body);
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// A URL on which nothing listens: a port that was bound a moment ago and released.
pub(crate) async fn closed_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

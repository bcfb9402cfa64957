//! A tiny HTTP server for the real clients' tests: it answers each connection with the next
//! canned response and records what it was asked.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

/// One canned answer.
pub(crate) struct Canned {
    status: u16,
    body: String,
    delay: Duration,
    hang_up: bool,
}

impl Canned {
    /// Answers `status` with a JSON body.
    pub(crate) fn json(status: u16, body: &str) -> Canned {
        Canned {
            status,
            body: body.to_owned(),
            delay: Duration::ZERO,
            hang_up: false,
        }
    }

    /// Closes the connection after reading the request, without answering.
    pub(crate) fn hang_up() -> Canned {
        Canned {
            hang_up: true,
            ..Canned::json(200, "")
        }
    }

    /// Waits this long before answering.
    pub(crate) fn after(self, delay: Duration) -> Canned {
        Canned { delay, ..self }
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub method: String,
    /// The path with its query string.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    /// A header's value, by case-insensitive name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) struct TestServer {
    /// `http://127.0.0.1:port`.
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    /// Listens on a free port of 127.0.0.1 and answers one connection per canned response,
    /// in order, then stops.
    pub(crate) fn start(responses: Vec<Canned>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&requests);
        thread::spawn(move || {
            for canned in responses {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                serve(stream, &canned, &recorded);
            }
        });
        TestServer { url, requests }
    }

    /// A URL where nothing listens.
    pub(crate) fn closed_port_url() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        url
    }

    /// The requests received so far, in order.
    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn serve(stream: TcpStream, canned: &Canned, recorded: &Mutex<Vec<Recorded>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    recorded
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Recorded {
            method,
            path,
            headers,
            body: String::from_utf8(body).unwrap(),
        });
    if canned.hang_up {
        return;
    }
    thread::sleep(canned.delay);
    let mut stream = reader.into_inner();
    let response = format!(
        "HTTP/1.1 {} Canned\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        canned.status,
        canned.body.len(),
        canned.body
    );
    // The client may have given up (timeout tests): a failed write is expected then.
    let _ = stream.write_all(response.as_bytes());
}

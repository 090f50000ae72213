//! A fault-injecting proxy in front of moto, on 127.0.0.1 only: it enforces AWS's quota
//! classes (Lambda `GetPolicy` and `GetResourcePolicy`, the other Lambda calls, IAM) with token buckets, answering
//! over-quota requests as AWS does (Lambda 429 `TooManyRequestsException`, IAM 400
//! `Throttling`), and injects 5xx answers, dropped connections and slow answers at seeded
//! rates. STS calls pass untouched. Test and bench code only.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The quota classes, as AWS counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    LambdaPolicy,
    Lambda,
    Iam,
    /// Not paced or faulted (STS, moto's own API).
    Other,
}

const CLASSES: [Class; 3] = [Class::LambdaPolicy, Class::Lambda, Class::Iam];

impl Class {
    fn index(self) -> Option<usize> {
        CLASSES.iter().position(|c| *c == self)
    }

    pub fn name(self) -> &'static str {
        match self {
            Class::LambdaPolicy => "lambda GetPolicy",
            Class::Lambda => "lambda other",
            Class::Iam => "iam",
            Class::Other => "other",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Requests per second left for us in each class (`Class::LambdaPolicy`, `Lambda`,
    /// `Iam`); `0` means unlimited.
    pub rates: [f64; 3],
    /// Seconds of quota a bucket holds when full (AWS allows short bursts).
    pub burst: f64,
    /// Shares of admitted requests answered 5xx, dropped without an answer, answered late.
    pub server_errors: f64,
    pub resets: f64,
    pub slow: f64,
    pub slow_by: Duration,
    pub seed: u64,
}

impl Config {
    /// AWS's quotas (15/s, 15/s, and 20/s for IAM) with `share` of each left for us, and no faults.
    pub fn aws_quota(share: f64) -> Config {
        Config {
            rates: [15.0 * share, 15.0 * share, 20.0 * share],
            burst: 1.0,
            server_errors: 0.0,
            resets: 0.0,
            slow: 0.0,
            slow_by: Duration::ZERO,
            seed: 1,
        }
    }

    /// The faults measured on a shared account: 5 % 5xx, 2 % dropped connections, 1 % slow.
    pub fn with_faults(mut self, slow_by: Duration, seed: u64) -> Config {
        self.server_errors = 0.05;
        self.resets = 0.02;
        self.slow = 0.01;
        self.slow_by = slow_by;
        self.seed = seed;
        self
    }
}

/// What the proxy did, per class.
#[derive(Debug, Default)]
pub struct Stats {
    pub forwarded: [AtomicU64; 3],
    pub throttled: [AtomicU64; 3],
    pub server_errors: AtomicU64,
    pub resets: AtomicU64,
    pub slow: AtomicU64,
}

impl Stats {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

struct Bucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn take(&mut self) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * self.rate).min(self.capacity);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return true;
        }
        false
    }
}

struct Shared {
    upstream: String,
    config: Config,
    buckets: Mutex<Vec<Bucket>>,
    random: Mutex<u64>,
    stats: Arc<Stats>,
    stop: AtomicBool,
}

impl Shared {
    fn draw(&self) -> f64 {
        let mut x = self.random.lock().unwrap();
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        (*x >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub struct Proxy {
    pub endpoint: String,
    pub stats: Arc<Stats>,
    shared: Arc<Shared>,
}

impl Proxy {
    /// Starts a proxy to `upstream` (an `http://127.0.0.1:PORT` address).
    pub fn start(upstream: &str, config: Config) -> Proxy {
        assert!(upstream.starts_with("http://127.0.0.1:"), "the proxy only forwards to this machine");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let now = Instant::now();
        let buckets = config
            .rates
            .iter()
            .map(|&rate| {
                let capacity = (rate * config.burst).max(1.0);
                Bucket { rate, capacity, tokens: capacity, at: now }
            })
            .collect();
        let stats = Arc::new(Stats::default());
        let shared = Arc::new(Shared {
            upstream: upstream.trim_start_matches("http://").to_string(),
            random: Mutex::new(config.seed.max(1)),
            config,
            buckets: Mutex::new(buckets),
            stats: stats.clone(),
            stop: AtomicBool::new(false),
        });
        let serving = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if serving.stop.load(Ordering::Relaxed) {
                    return;
                }
                let shared = serving.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Proxy { endpoint, stats, shared }
    }

    pub fn forwarded(&self, class: Class) -> u64 {
        class.index().map_or(0, |i| Stats::get(&self.stats.forwarded[i]))
    }

    pub fn throttled(&self, class: Class) -> u64 {
        class.index().map_or(0, |i| Stats::get(&self.stats.throttled[i]))
    }

    pub fn rate(&self, class: Class) -> f64 {
        class.index().map_or(0.0, |i| self.shared.config.rates[i])
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}

/// One request as read from the client.
struct Request {
    head: String,
    method: String,
    target: String,
    body: Vec<u8>,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).ok()? == 0 {
        return None;
    }
    let mut head = request_line.clone();
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        if header == "\r\n" || header.is_empty() {
            break;
        }
        let lower = header.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        // The upstream leg is one request per connection.
        if !lower.starts_with("connection:") {
            head.push_str(&header);
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    Some(Request { head, method, target, body })
}

fn class_of(request: &Request) -> Class {
    let path = request.target.split('?').next().unwrap_or_default();
    if path.starts_with("/moto-api") {
        return Class::Other;
    }
    if request.method == "POST" && !path.starts_with("/20") {
        let body = String::from_utf8_lossy(&request.body);
        return if body.contains("Version=2010-05-08") { Class::Iam } else { Class::Other };
    }
    let function_policy = path.starts_with("/2015-03-31/functions/") && path.ends_with("/policy");
    if request.method == "GET" && (function_policy || path.starts_with("/2026-07-09/resource-policy/")) {
        return Class::LambdaPolicy;
    }
    Class::Lambda
}

fn serve(stream: TcpStream, shared: &Shared) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut client = stream;
    while let Some(request) = read_request(&mut reader) {
        let class = class_of(&request);
        let reply = match class.index() {
            None => forward(&shared.upstream, &request),
            Some(i) => {
                let admitted = shared.buckets.lock().unwrap()[i].take();
                if admitted {
                    match fault(shared) {
                        Some(Fault::Reset) => {
                            let _ = client.shutdown(Shutdown::Both);
                            return;
                        }
                        Some(Fault::ServerError) => Some(server_error(class)),
                        Some(Fault::Slow) => {
                            std::thread::sleep(shared.config.slow_by);
                            shared.stats.forwarded[i].fetch_add(1, Ordering::Relaxed);
                            forward(&shared.upstream, &request)
                        }
                        None => {
                            shared.stats.forwarded[i].fetch_add(1, Ordering::Relaxed);
                            forward(&shared.upstream, &request)
                        }
                    }
                } else {
                    shared.stats.throttled[i].fetch_add(1, Ordering::Relaxed);
                    Some(throttle(class))
                }
            }
        };
        let Some(reply) = reply else { return };
        if client.write_all(&reply).is_err() {
            return;
        }
    }
}

enum Fault {
    ServerError,
    Reset,
    Slow,
}

fn fault(shared: &Shared) -> Option<Fault> {
    let c = &shared.config;
    let x = shared.draw();
    if x < c.server_errors {
        shared.stats.server_errors.fetch_add(1, Ordering::Relaxed);
        Some(Fault::ServerError)
    } else if x < c.server_errors + c.resets {
        shared.stats.resets.fetch_add(1, Ordering::Relaxed);
        Some(Fault::Reset)
    } else if x < c.server_errors + c.resets + c.slow {
        shared.stats.slow.fetch_add(1, Ordering::Relaxed);
        Some(Fault::Slow)
    } else {
        None
    }
}

fn response(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

fn throttle(class: Class) -> Vec<u8> {
    match class {
        Class::Iam => response(
            "400 Bad Request",
            &[("Content-Type", "text/xml")],
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>\
             </Error><RequestId>proxy</RequestId></ErrorResponse>",
        ),
        _ => response(
            "429 Too Many Requests",
            &[("Content-Type", "application/json"), ("x-amzn-errortype", "TooManyRequestsException")],
            r#"{"Type":"User","message":"Rate exceeded","Reason":"CallerRateLimitExceeded"}"#,
        ),
    }
}

/// Half of the server errors name a code; the other half are bare gateway errors.
fn server_error(class: Class) -> Vec<u8> {
    static TOGGLE: AtomicBool = AtomicBool::new(false);
    if TOGGLE.fetch_xor(true, Ordering::Relaxed) {
        return response("502 Bad Gateway", &[("Content-Type", "text/html")], "<html>Bad Gateway</html>");
    }
    match class {
        Class::Iam => response(
            "500 Internal Server Error",
            &[("Content-Type", "text/xml")],
            "<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceFailure</Code><Message>internal failure</Message>\
             </Error><RequestId>proxy</RequestId></ErrorResponse>",
        ),
        _ => response(
            "500 Internal Server Error",
            &[("Content-Type", "application/json"), ("x-amzn-errortype", "ServiceException")],
            r#"{"Type":"Service","message":"internal failure"}"#,
        ),
    }
}

/// Sends the request upstream on a fresh connection and returns the answer re-framed with
/// a Content-Length (the upstream leg closes after one answer); `None` if upstream failed.
fn forward(upstream: &str, request: &Request) -> Option<Vec<u8>> {
    let mut conn = TcpStream::connect(upstream).ok()?;
    conn.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    // HTTP/1.0 upstream: the answer is never chunked, and ends when the connection does.
    let head = request.head.replacen("HTTP/1.1\r\n", "HTTP/1.0\r\n", 1);
    conn.write_all(head.as_bytes()).ok()?;
    conn.write_all(&request.body).ok()?;
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).ok()?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_once(' ')?.1.to_string();
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for line in lines {
        let lower = line.to_ascii_lowercase();
        if !(lower.starts_with("content-length:")
            || lower.starts_with("connection:")
            || lower.starts_with("transfer-encoding:"))
        {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Some(bytes)
}

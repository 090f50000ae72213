//! Turning SDK errors into what the crawl does next: read again later (throttled or a
//! passing fault), or record why it could not be read. Services disagree on codes, and some
//! servers answer with a body the SDK cannot parse, so the raw HTTP status is the fallback;
//! a 404 counts as "does not exist" only when the service says so with an error code.

use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::http::Response;

use crate::model::GapReason;

/// What to do about a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// The quota class is exhausted: slow down and read it again.
    Throttled,
    /// A passing fault (5xx, reset connection, timeout): read it again.
    Transient,
    /// Asking again gives the same answer (denied, does not exist, invalid).
    Permanent,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: GapReason,
    pub retry: Retry,
    /// The server does not implement the operation (a 404 with no error code).
    pub unsupported: bool,
    /// The function itself does not exist (any more): Lambda's "Function not found".
    pub function_gone: bool,
    pub message: String,
}

impl Failure {
    /// A failure no re-read can mend, found by the crawl itself rather than the service.
    pub fn permanent(reason: GapReason, message: impl Into<String>) -> Failure {
        Failure { reason, retry: Retry::Permanent, unsupported: false, function_gone: false, message: message.into() }
    }
}

pub fn classify<E: ProvideErrorMetadata + std::fmt::Debug>(err: &SdkError<E, Response>) -> Failure {
    let code = err.code();
    let status = err.raw_response().map(|r| r.status().as_u16());
    let (reason, retry) = match (code, status) {
        (Some(c), _) if is_throttled(c) => (GapReason::Throttled, Retry::Throttled),
        (Some(c), _) if is_denied(c) => (GapReason::AccessDenied, Retry::Permanent),
        (Some(c), _) if is_not_found(c) => (GapReason::NotFound, Retry::Permanent),
        (Some(c), _) if is_transient(c) => (GapReason::Error, Retry::Transient),
        (_, Some(429)) => (GapReason::Throttled, Retry::Throttled),
        (_, Some(s)) if s >= 500 => (GapReason::Error, Retry::Transient),
        (None, Some(401 | 403)) => (GapReason::AccessDenied, Retry::Permanent),
        (_, Some(_)) => (GapReason::Error, Retry::Permanent),
        // No answer at all: the connection failed, was reset, or timed out.
        (_, None) => match err {
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
                (GapReason::Error, Retry::Transient)
            }
            _ => (GapReason::Error, Retry::Permanent),
        },
    };
    let message = describe(err, code, status);
    Failure {
        reason,
        retry,
        unsupported: code.is_none() && status == Some(404),
        function_gone: reason == GapReason::NotFound && message.contains("Function not found"),
        message,
    }
}

fn is_denied(code: &str) -> bool {
    matches!(
        code,
        "AccessDeniedException"
            | "AccessDenied"
            | "UnauthorizedOperation"
            | "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "ExpiredToken"
            | "ExpiredTokenException"
            | "SignatureDoesNotMatch"
    )
}

fn is_not_found(code: &str) -> bool {
    matches!(code, "ResourceNotFoundException" | "NoSuchEntity" | "NoSuchEntityException")
}

fn is_throttled(code: &str) -> bool {
    matches!(
        code,
        "TooManyRequestsException"
            | "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestLimitExceeded"
            | "RequestThrottled"
            | "RequestThrottledException"
            | "SlowDown"
    )
}

fn is_transient(code: &str) -> bool {
    matches!(
        code,
        "ServiceException"
            | "ServiceFailure"
            | "ServiceUnavailable"
            | "ServiceUnavailableException"
            | "InternalFailure"
            | "InternalError"
            | "InternalServerError"
            | "RequestTimeout"
            | "RequestTimeoutException"
    )
}

fn describe<E: ProvideErrorMetadata + std::fmt::Debug>(
    err: &SdkError<E, Response>,
    code: Option<&str>,
    status: Option<u16>,
) -> String {
    let text = match (code, err.message()) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        _ => match (err, status) {
            (SdkError::DispatchFailure(_), _) => "could not reach the endpoint".to_string(),
            (SdkError::TimeoutError(_), _) => "timed out".to_string(),
            (SdkError::ResponseError(_), None) => "the connection broke before the answer was complete".to_string(),
            (_, Some(s)) => format!("HTTP {s} with no readable error code"),
            (_, None) => format!("{err}"),
        },
    };
    text.chars().take(300).collect()
}

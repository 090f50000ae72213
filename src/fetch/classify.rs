//! Turning SDK errors into the reasons a gap records. Services disagree on codes, and some
//! servers answer a denial with a body the SDK cannot parse, so the raw HTTP status is the
//! fallback.

use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::http::Response;

use crate::model::GapReason;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: GapReason,
    /// The server does not implement the operation (a 404 with no error code).
    pub unsupported: bool,
    pub message: String,
}

pub fn classify<E: ProvideErrorMetadata + std::fmt::Debug>(err: &SdkError<E, Response>) -> Failure {
    let code = err.code();
    let status = err.raw_response().map(|r| r.status().as_u16());
    let reason = match (code, status) {
        (Some(c), _) if is_denied(c) => GapReason::AccessDenied,
        (Some(c), _) if is_not_found(c) => GapReason::NotFound,
        (Some(c), _) if is_throttled(c) => GapReason::Throttled,
        (_, Some(403)) | (_, Some(401)) => GapReason::AccessDenied,
        (_, Some(404)) => GapReason::NotFound,
        (_, Some(429)) => GapReason::Throttled,
        _ => GapReason::Error,
    };
    Failure { reason, unsupported: code.is_none() && status == Some(404), message: describe(err, code, status) }
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
    matches!(code, "TooManyRequestsException" | "Throttling" | "ThrottlingException" | "RequestLimitExceeded")
}

fn describe<E: ProvideErrorMetadata + std::fmt::Debug>(
    err: &SdkError<E, Response>,
    code: Option<&str>,
    status: Option<u16>,
) -> String {
    let text = match (code, err.message()) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        _ => match err {
            SdkError::DispatchFailure(_) => "could not reach the endpoint".to_string(),
            SdkError::TimeoutError(_) => "timed out".to_string(),
            _ => match status {
                Some(s) => format!("HTTP {s} with no readable error"),
                None => format!("{err}"),
            },
        },
    };
    text.chars().take(300).collect()
}

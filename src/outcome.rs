//! How a run ended, whichever front end ran it; `main` maps it to the exit status (the
//! README's table).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Some input was rejected, the rest was answered (exit 3).
    PartialInput,
    /// The account was read only in part, or an answer depends on inputs that were not
    /// read (exit 4).
    PartialSnapshot,
    /// A finding reached the `--fail-on` severity (exit 5).
    FindingsOverThreshold,
}

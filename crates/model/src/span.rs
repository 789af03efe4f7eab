use serde::{Deserialize, Serialize};

/// Where something was written: a file and a 1-based line and column, or a resource ARN for
/// resources read from a live account (then `line` and `column` are 0).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl Span {
    pub fn new(file: impl Into<String>, line: u32, column: u32) -> Self {
        Span {
            file: file.into(),
            line,
            column,
        }
    }

    /// A location that is not in a file (a live resource's ARN).
    pub fn arn(arn: impl Into<String>) -> Self {
        Span {
            file: arn.into(),
            line: 0,
            column: 0,
        }
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}", self.file, self.line)
        }
    }
}

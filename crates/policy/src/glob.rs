//! IAM wildcard matching: `*` matches any run of characters (also none), `?` exactly one.
//!
//! IAM uses the same two wildcards in `Action`, `Resource`, `StringLike` and `ArnLike`; there is
//! no escaping and no character class, so a small iterative matcher is exact. ARN matching is
//! done over the whole string (a `*` may cross a `:`), which matches a superset of what IAM's
//! per-segment ARN matching admits: for an Allow that over-approximates, as the engine must.

/// Whether `text` matches `pattern`. `fold` compares case-insensitively (actions).
pub fn matches(pattern: &str, text: &str, fold: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| {
        if fold {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    // Where to resume after the last `*`: (pattern index after the star, text index).
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && eq(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi + 1, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// True when the pattern has a wildcard (and so names more than one string).
pub fn is_pattern(s: &str) -> bool {
    s.contains('*') || s.contains('?')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards() {
        assert!(matches("s3:*", "s3:PutObject", false));
        assert!(matches(
            "sagemaker:Create*Url",
            "sagemaker:CreatePresignedDomainUrl",
            false
        ));
        assert!(matches("*", "", false));
        assert!(matches("a?c", "abc", false));
        assert!(!matches("a?c", "ac", false));
        assert!(matches("*sagemaker*", "my-sagemaker-bucket", false));
        assert!(!matches("*sagemaker*", "my-bucket", false));
        assert!(!matches("S3:*", "s3:PutObject", false));
        assert!(matches("S3:put*", "s3:PutObject", true));
        assert!(matches("a*b*c", "axxbyyc", false));
        assert!(!matches("a*b*c", "axxbyy", false));
    }
}

//! IAM wildcard matching: `*` matches any run of characters (also none), `?` exactly one.
//!
//! IAM uses the same two wildcards in `Action`, `Resource`, `StringLike` and `ArnLike`; there is
//! no escaping and no character class, so a small iterative matcher is exact. ARN matching is
//! done over the whole string (a `*` may cross a `:`), which matches a superset of what IAM's
//! per-segment ARN matching admits: for an Allow that over-approximates, as the engine must.

/// Whether `text` matches `pattern`. `fold` compares case-insensitively (actions).
pub fn matches(pattern: &str, text: &str, fold: bool) -> bool {
    if !is_pattern(pattern) {
        return if fold {
            pattern.to_lowercase() == text.to_lowercase()
        } else {
            pattern == text
        };
    }
    if pattern.is_ascii() && text.is_ascii() {
        return matches_seq(pattern.as_bytes(), text.as_bytes(), b'*', b'?', |a, b| {
            if fold {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            }
        });
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    matches_seq(&p, &t, '*', '?', |a, b| {
        if fold {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    })
}

/// The matcher over any sequence (bytes for ASCII, chars otherwise).
fn matches_seq<T: Copy + PartialEq>(
    p: &[T],
    t: &[T],
    star_c: T,
    one: T,
    eq: impl Fn(T, T) -> bool,
) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    // Where to resume after the last `*`: (pattern index after the star, text index).
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == one || (p[pi] != star_c && eq(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == star_c {
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
    while pi < p.len() && p[pi] == star_c {
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

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

impl Span {
    /// Where a person finds it: `file:line`, or for a live resource's ARN its account, region
    /// and resource (`account 111122223333 / eu-west-1 / vpc-0abc`; the service stands for the
    /// region of a global one: `account 111122223333 / iam / role/x`), so that the resources of
    /// several accounts read apart. Anything else is shown as it is.
    pub fn location(&self) -> String {
        if self.line > 0 {
            return format!("{}:{}", self.file, self.line);
        }
        let Some(rest) = self.file.strip_prefix("arn:") else {
            return self.file.clone();
        };
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [_partition, service, region, account, resource] = parts[..] else {
            return self.file.clone();
        };
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return self.file.clone();
        }
        let place = if region.is_empty() { service } else { region };
        // EC2 IDs name their type (`vpc-...`): `vpc/vpc-0abc` reads as `vpc-0abc`.
        let resource = match (service, resource.split_once('/')) {
            ("ec2", Some((_, id))) => id,
            _ => resource,
        };
        format!("account {account} / {place} / {resource}")
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

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn live_locations_name_the_account() {
        let at = |s: &str| Span::arn(s).location();
        assert_eq!(
            at("arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-0abc"),
            "account 111122223333 / eu-west-1 / vpc-0abc"
        );
        assert_eq!(
            at("arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/nb"),
            "account 111122223333 / eu-west-1 / notebook-instance/nb"
        );
        assert_eq!(
            at("arn:aws:iam::111122223333:role/x"),
            "account 111122223333 / iam / role/x"
        );
        assert_eq!(at("arn:aws:s3:::bucket"), "arn:aws:s3:::bucket");
        assert_eq!(at("account 111122223333"), "account 111122223333");
        assert_eq!(Span::new("a.yaml", 3, 1).location(), "a.yaml:3");
    }
}

//! The three departments a collaborator can belong to.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Department {
    Management,
    Sales,
    Support,
}

impl Department {
    pub const ALL: [Department; 3] = [
        Department::Management,
        Department::Sales,
        Department::Support,
    ];

    pub fn parse(input: &str) -> Result<Self> {
        input.parse()
    }

    /// The name stored in the `departments` table and shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Department::Management => "management",
            Department::Sales => "sales",
            Department::Support => "support",
        }
    }
}

impl FromStr for Department {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self> {
        let wanted = input.trim().to_ascii_lowercase();
        Department::ALL
            .into_iter()
            .find(|d| d.as_str() == wanted)
            .ok_or_else(|| Error::invalid("department", "expected management, sales or support"))
    }
}

impl fmt::Display for Department {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departments_parse_case_insensitively() {
        assert_eq!(Department::parse("Sales").unwrap(), Department::Sales);
        assert_eq!(Department::parse(" SUPPORT ").unwrap(), Department::Support);
        assert_eq!(
            Department::parse("management").unwrap(),
            Department::Management
        );
    }

    #[test]
    fn unknown_departments_are_rejected() {
        let err = Department::parse("marketing").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid department: expected management, sales or support"
        );
    }

    #[test]
    fn names_round_trip() {
        for d in Department::ALL {
            assert_eq!(Department::parse(d.as_str()).unwrap(), d);
        }
    }
}

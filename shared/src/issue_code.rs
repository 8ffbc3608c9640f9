//! Every code a problem with a value or a file carries: one enum, serialized as the stable
//! snake_case code the UI groups and translates by and scripts match on. The browser's
//! validation and the server's check of a change request give a bad value the same code.

use serde::{Deserialize, Serialize};

/// Stable codes. New codes may be added; existing ones never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IssueCode {
    // The file as a whole.
    UnmappedRequired,
    InvalidFileValue,
    NoGradeColumn,
    NoDistrictIdColumn,
    IdLengthsVary,
    EncodingFallback,
    StaffGradeIgnored,
    // Row shape.
    TooFewFields,
    TooManyFields,
    RowTooLong,
    // Fields.
    MissingRequired,
    MissingKey,
    EmailAsKey,
    InvalidEmail,
    EmailRequiredForStaff,
    InvalidRole,
    InvalidGrade,
    MissingGrade,
    GradeSpelledOut,
    GradeZero,
    GuardianSkipped,
    LeadingZerosLost,
    IdScientificNotation,
    IdAsDate,
    InvalidDistrictId,
    NameCase,
    InvalidBoolean,
    InvalidStatus,
    InactiveStatus,
    FormulaLike,
    ControlCharacter,
    TooLong,
    UnknownSchool,
    DuplicateDistrictId,
    DuplicateEmail,
    // Against the roster (the planner).
    EmailOwnedByOther,
    EmailInUse,
    SameUserTwice,
    ManagedBySync,
    ScopeMove,
    // A password a person chooses.
    WeakPassword,
}

impl IssueCode {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::UnmappedRequired => "unmapped_required",
            IssueCode::InvalidFileValue => "invalid_file_value",
            IssueCode::NoGradeColumn => "no_grade_column",
            IssueCode::NoDistrictIdColumn => "no_district_id_column",
            IssueCode::IdLengthsVary => "id_lengths_vary",
            IssueCode::EncodingFallback => "encoding_fallback",
            IssueCode::StaffGradeIgnored => "staff_grade_ignored",
            IssueCode::TooFewFields => "too_few_fields",
            IssueCode::TooManyFields => "too_many_fields",
            IssueCode::RowTooLong => "row_too_long",
            IssueCode::MissingRequired => "missing_required",
            IssueCode::MissingKey => "missing_key",
            IssueCode::EmailAsKey => "email_as_key",
            IssueCode::InvalidEmail => "invalid_email",
            IssueCode::EmailRequiredForStaff => "email_required_for_staff",
            IssueCode::InvalidRole => "invalid_role",
            IssueCode::InvalidGrade => "invalid_grade",
            IssueCode::MissingGrade => "missing_grade",
            IssueCode::GradeSpelledOut => "grade_spelled_out",
            IssueCode::GradeZero => "grade_zero",
            IssueCode::GuardianSkipped => "guardian_skipped",
            IssueCode::LeadingZerosLost => "leading_zeros_lost",
            IssueCode::IdScientificNotation => "id_scientific_notation",
            IssueCode::IdAsDate => "id_as_date",
            IssueCode::InvalidDistrictId => "invalid_district_id",
            IssueCode::NameCase => "name_case",
            IssueCode::InvalidBoolean => "invalid_boolean",
            IssueCode::InvalidStatus => "invalid_status",
            IssueCode::InactiveStatus => "inactive_status",
            IssueCode::FormulaLike => "formula_like",
            IssueCode::ControlCharacter => "control_character",
            IssueCode::TooLong => "too_long",
            IssueCode::UnknownSchool => "unknown_school",
            IssueCode::DuplicateDistrictId => "duplicate_district_id",
            IssueCode::DuplicateEmail => "duplicate_email",
            IssueCode::EmailOwnedByOther => "email_owned_by_other",
            IssueCode::EmailInUse => "email_in_use",
            IssueCode::SameUserTwice => "same_user_twice",
            IssueCode::ManagedBySync => "managed_by_sync",
            IssueCode::ScopeMove => "scope_move",
            IssueCode::WeakPassword => "weak_password",
        }
    }
}

impl std::fmt::Display for IssueCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for IssueCode {
    type Err = serde::de::value::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use serde::de::IntoDeserializer;
        IssueCode::deserialize(s.into_deserializer())
    }
}

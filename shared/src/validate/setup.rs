//! Setting a validator up for a mapping: which columns feed which fields, the one-value
//! fields, the school directory, the record store.

use super::*;
use crate::fields::check_value;

impl Validator {
    pub fn new(mut cx: Context) -> Validator {
        let mut issues = Vec::new();
        let labels = cx
            .mapping
            .fields
            .iter()
            .map(|(f, s)| {
                let l = match s {
                    Source::Column(c) => column_label(cx.headings.as_deref(), *c),
                    Source::Value(_) => format!("{} (one value for the file)", f.label()),
                };
                (*f, l)
            })
            .collect();
        // One value for the whole file is checked once, here, not on every row.
        let mut role_const = None;
        let consts: Vec<(Field, String)> = cx
            .mapping
            .fields
            .iter()
            .filter_map(|(f, s)| match s {
                Source::Value(v) => Some((*f, v.clone())),
                Source::Column(_) => None,
            })
            .collect();
        for (f, v) in consts {
            let err = match f {
                // A set role also decides the rules of every row.
                Field::Role => match Role::parse(&v) {
                    Ok(r) => {
                        role_const = Some(r);
                        None
                    }
                    Err(e) => Some(e.to_string()),
                },
                _ => check_value(f, &v).err().map(|e| e.message),
            };
            if let Some(e) = err {
                issues.push(Issue::file_error(
                    f,
                    IssueCode::InvalidFileValue,
                    format!(
                        "The value set for {} for the whole file is not valid: {e}.",
                        f.name()
                    ),
                    format!("Set {} to a valid value, or map a column to it.", f.name()),
                ));
                cx.mapping.unmap(f);
            }
        }
        for f in cx.mapping.missing_required() {
            let (message, suggestion) = if f == Field::SisId {
                (
                    "No column is mapped to sis_id or email: rows need one of them as their key.".to_owned(),
                    "Map the column holding the district's ID (or the email address) for each user.".to_owned(),
                )
            } else {
                (
                    format!("No column is mapped to {}, which every row needs.", f.name()),
                    format!(
                        "Map a column to {0}, or set one value for the whole file (e.g. --set {0}={1}).",
                        f.name(),
                        if f == Field::Role { "student" } else { "…" }
                    ),
                )
            };
            issues.push(Issue::file_error(
                f,
                IssueCode::UnmappedRequired,
                message,
                suggestion,
            ));
        }
        let sources = Sources::new(&cx.mapping).with_lists(cx.headings.as_deref());
        let grades = super::grades::GradeBook::new(&cx.grade_map);
        Validator {
            cx,
            sources,
            records: Records::default(),
            setup_issues: issues.len(),
            issues,
            ids: Repeats::default(),
            emails: Repeats::default(),
            school_index: FxHashMap::default(),
            school_values: Vec::new(),
            school_keys: Vec::new(),
            id_stats: IdStats {
                all_digits: true,
                min: usize::MAX,
                ..IdStats::default()
            },
            fallback_rows: Vec::new(),
            staff_grade_rows: Vec::new(),
            guardian_rows: Vec::new(),
            grades,
            students: 0,
            rows: 0,
            labels,
            role_const,
            email_check: EmailCheck::default(),
        }
    }
}

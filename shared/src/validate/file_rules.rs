//! The file rules, run once every row is in: repeated keys (checked against the records' texts,
//! so a fingerprint collision is never reported), id lengths, the grade column, schools.

use super::*;

impl Validator {
    pub fn finish(mut self) -> Validation {
        let ids = std::mem::take(&mut self.ids).into_repeated();
        self.duplicates(&ids, Field::SisId);
        let emails = std::mem::take(&mut self.emails).into_repeated();
        self.duplicates(&emails, Field::Email);

        let file_warning =
            |field: Option<Field>, code, message: String, rows: Vec<u32>, suggestion: &str| Issue {
                row: rows.first().copied(),
                rows,
                column: None,
                field,
                severity: Severity::Warning,
                code,
                message,
                suggestion: Some(suggestion.to_owned()),
            };
        let s = &self.id_stats;
        if s.count >= 2 && s.all_digits && s.min < s.max {
            self.issues.push(file_warning(Some(Field::SisId), IssueCode::IdLengthsVary,
                format!("District IDs are all digits but of different lengths ({} to {} digits): leading zeros may have been lost.", s.min, s.max),
                vec![], "If the SIS's IDs have leading zeros, re-export, or format the column as Text in the spreadsheet."));
        }
        if !self.cx.mapping.is_mapped(Field::Grade) && self.students > 0 {
            self.issues.push(file_warning(
                Some(Field::Grade),
                IssueCode::NoGradeColumn,
                "The file has no grade column: students' grades stay as they are.".into(),
                vec![],
                "Map a grade column to set or update grades.",
            ));
        }
        if !self.cx.mapping.is_mapped(Field::SisId) && self.cx.mapping.is_mapped(Field::Email) {
            self.issues.push(file_warning(Some(Field::SisId), IssueCode::NoDistrictIdColumn,
                "The file has no sis_id column: users are matched by email address.".into(),
                vec![], "Map the SIS's ID column if there is one: with it, an email change keeps the user's history."));
        }
        if !self.fallback_rows.is_empty() {
            let rows = std::mem::take(&mut self.fallback_rows);
            self.issues.push(file_warning(None, IssueCode::EncodingFallback,
                format!("{} row{} not valid UTF-8 and {} read as Windows-1252: check the accented letters.", rows.len(),
                    if rows.len() == 1 { " was" } else { "s were" }, if rows.len() == 1 { "was" } else { "were" }),
                rows, "Save the file as CSV UTF-8, or choose its encoding in the Read step."));
        }
        if !self.staff_grade_rows.is_empty() {
            let rows = std::mem::take(&mut self.staff_grade_rows);
            self.issues.push(file_warning(
                Some(Field::Grade),
                IssueCode::StaffGradeIgnored,
                format!(
                    "{} staff row{} a grade; staff have no grade, so it is ignored.",
                    rows.len(),
                    if rows.len() == 1 { " has" } else { "s have" }
                ),
                rows,
                "Leave the grade empty for staff.",
            ));
        }
        if !self.guardian_rows.is_empty() {
            let rows = std::mem::take(&mut self.guardian_rows);
            self.issues.push(file_warning(
                Some(Field::Role),
                IssueCode::GuardianSkipped,
                format!(
                    "{} guardian, parent or relative row{} skipped: Rollcall keeps students and staff.",
                    rows.len(),
                    if rows.len() == 1 { " was" } else { "s were" }
                ),
                rows,
                "Nothing to do: rostering exports list them with users.",
            ));
        }
        let grade_values = std::mem::take(&mut self.grades)
            .finish(&mut self.issues, self.labels.get(&Field::Grade).cloned());
        let has_grade_column = self.cx.mapping.is_mapped(Field::Grade);
        let mapped = self.cx.mapping.fields.keys().copied().collect();
        let column_for_school = self.labels.get(&Field::School).cloned();
        let mut v = Validation {
            records: self.records,
            issues: self.issues,
            school_values: self.school_values,
            grade_values,
            has_grade_column,
            mapped,
            rows: self.rows,
            issues_column_for_school: column_for_school,
        };
        let schools = self.cx.schools;
        v.resolve_schools(schools.as_ref(), &self.cx.school_overrides);
        v
    }

    /// For each group of rows whose key is really equal (among the records whose key has a
    /// `repeated` fingerprint; collisions are told apart by the text), an error on every row.
    fn duplicates(&mut self, repeated: &[u64], field: Field) {
        if repeated.is_empty() {
            return;
        }
        let key = |i: u32| {
            self.records
                .get(i as usize)
                .and_then(|r| stored_key(&r, field))
        };
        let mut keys: Vec<(u64, u32)> = self
            .records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let (text, domain) = stored_key(&r, field)?;
                let fp = repeats::stored(key_fingerprint(text, domain));
                repeated
                    .binary_search(&fp)
                    .is_ok()
                    .then_some((fp, i as u32))
            })
            .collect();
        keys.sort_unstable();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        for run in keys.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
            // In row order; a collision of two fingerprints is told apart by the keys.
            let mut pending: Vec<u32> = run.iter().map(|&(_, i)| i).collect();
            while let Some(first) = pending.first().copied() {
                let k = key(first);
                let (same, rest): (Vec<u32>, Vec<u32>) =
                    pending.iter().partition(|&&i| key(i) == k);
                if same.len() > 1 {
                    groups.push(same);
                }
                pending = rest;
            }
        }
        let label = self.labels.get(&field).cloned();
        for g in groups {
            let rows: Vec<u32> = g
                .iter()
                .filter_map(|&i| self.records.get(i as usize).map(|r| r.row()))
                .collect();
            let value = self
                .records
                .get(g[0] as usize)
                .and_then(|r| {
                    if field == Field::Email {
                        r.email().map(|e| e.to_string())
                    } else {
                        r.sis_id().map(str::to_owned)
                    }
                })
                .unwrap_or_default();
            for (k, &i) in g.iter().enumerate() {
                self.records.mark_error(i);
                let others: Vec<u32> = rows
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k)
                    .map(|(_, r)| *r)
                    .collect();
                let (code, what, fix) = if field == Field::Email {
                    (
                        IssueCode::DuplicateEmail,
                        "Email",
                        "Two people cannot share an address: correct one of them.",
                    )
                } else {
                    (
                        IssueCode::DuplicateDistrictId,
                        "District ID",
                        "Each user needs their own District ID: correct one of them.",
                    )
                };
                self.issues.push(Issue {
                    row: Some(rows[k]),
                    rows: vec![],
                    column: label.clone(),
                    field: Some(field),
                    severity: Severity::Error,
                    code,
                    message: format!(
                        "{what} `{value}` is also on row{} {}.",
                        if others.len() == 1 { "" } else { "s" },
                        rows_list(&others)
                    ),
                    suggestion: Some(fix.into()),
                });
            }
        }
    }
}

/// A record's key for repeated-key checks as stored: the district ID, or the email's local part
/// and its domain's number (equal keys, equal texts).
fn stored_key<'a>(r: &RecordRef<'a>, field: Field) -> Option<(&'a str, Option<u32>)> {
    if field == Field::Email {
        r.email_key().map(|(local, domain)| (local, Some(domain)))
    } else {
        r.sis_id().map(|id| (id, None))
    }
}

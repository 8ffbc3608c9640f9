//! Resuming an import after a reload, or with a corrected file: the choices made so far (the
//! file's name and size, scope, description, reading overrides, mapping, school matches,
//! options, the step) are kept in the tab's session storage; choosing the same file again (or,
//! for a corrected file, any file) reads it with them and returns to the step. The file itself
//! is never stored: a page cannot reopen a file without the person choosing it.

use serde::{Deserialize, Serialize};

use super::*;

const KEY: &str = "rollcall.wizard";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Resume {
    /// Empty: any file (a corrected one).
    pub file_name: String,
    pub file_size: f64,
    pub scope: String,
    pub description: String,
    pub encoding: String,
    pub delimiter: String,
    pub header: String,
    /// A workbook's sheet (empty: the first).
    #[serde(default)]
    pub sheet: String,
    pub mapping: Mapping,
    /// The fixes made on the Validate screen (the same file only).
    #[serde(default)]
    pub fixes: Fixes,
    pub school_overrides: BTreeMap<String, String>,
    pub conflict: Conflict,
    pub passwords: PasswordPolicy,
    pub group: String,
    pub email_staff: bool,
    pub apply_at: String,
    pub step: String,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

impl Resume {
    pub(super) fn of(w: W) -> Resume {
        Resume {
            file_name: w.file_name.get_untracked(),
            file_size: w.file_size.get_untracked(),
            scope: w.scope.get_untracked(),
            description: w.description.get_untracked(),
            encoding: w.encoding.get_untracked(),
            delimiter: w.delimiter.get_untracked(),
            header: w.header.get_untracked(),
            sheet: w.sheet.get_untracked(),
            mapping: w.mapping.get_untracked(),
            fixes: w.fixes.get_untracked(),
            school_overrides: w.school_overrides.get_untracked(),
            conflict: w.conflict.get_untracked(),
            passwords: w.passwords.get_untracked(),
            group: w.group.get_untracked(),
            email_staff: w.email_staff.get_untracked(),
            apply_at: w.apply_at.get_untracked(),
            step: w.step.get_untracked().slug().to_owned(),
        }
    }

    pub(super) fn save(&self) {
        if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(self)) {
            let _ = s.set_item(KEY, &json);
        }
    }

    pub(super) fn load() -> Option<Resume> {
        let json = storage()?.get_item(KEY).ok().flatten()?;
        // One that no longer reads (an older build's) is dropped, and said nowhere: it only
        // offered a shortcut.
        serde_json::from_str(&json).ok()
    }

    pub(super) fn clear() {
        if let Some(s) = storage() {
            let _ = s.remove_item(KEY);
        }
    }

    /// Whether `f` is the file this import was made with (or any file, for a corrected one).
    pub(super) fn fits(&self, f: &web_sys::File) -> bool {
        self.file_name.is_empty() || (f.name() == self.file_name && f.size() == self.file_size)
    }

    /// Puts the choices back (the file's own name and size come from the file chosen).
    fn restore(&self, w: W) {
        w.scope.set(self.scope.clone());
        w.description.set(self.description.clone());
        w.encoding.set(self.encoding.clone());
        w.delimiter.set(self.delimiter.clone());
        w.header.set(self.header.clone());
        w.sheet.set(self.sheet.clone());
        w.school_overrides.set(self.school_overrides.clone());
        // A corrected file has rows of its own: the fixes were for the one before.
        if !self.file_name.is_empty() {
            w.fixes.set(self.fixes.clone());
        }
        w.conflict.set(self.conflict);
        w.passwords.set(self.passwords);
        w.group.set(self.group.clone());
        w.email_staff.set(self.email_staff);
        w.apply_at.set(self.apply_at.clone());
    }
}

/// Reads the chosen file with the kept choices and goes back to the kept step.
pub(super) async fn resume(w: W, r: Resume) {
    r.restore(w);
    read_file(w).await;
    if w.opened.with_untracked(Option::is_none) {
        return;
    }
    // The kept mapping, when the file still has its columns.
    let columns = w
        .opened
        .with_untracked(|o| o.as_ref().map_or(0, |o| o.columns));
    let fits = r.mapping.fields.values().all(|s| match s {
        Source::Column(c) => *c < columns,
        Source::Value(_) => true,
    });
    if fits {
        w.mapping.set(r.mapping.clone());
    }
    validate(w).await;
    if !r.school_overrides.is_empty() {
        if let Ok(engine) = engine() {
            let o = serde_json::to_string(&r.school_overrides).unwrap_or_default();
            if let Ok(v) = engine
                .call_json::<ValidationView>(
                    "resolve_schools",
                    obj(&[("overrides", JsValue::from_str(&o))]),
                    None,
                )
                .await
            {
                w.view.set(Some(v));
                load_issues(w).await;
            }
        }
    }
    let blocked = w
        .view
        .with_untracked(|v| v.as_ref().is_none_or(|v| v.errors > 0));
    match Step::from_slug(&r.step) {
        Some(Step::Options) if !blocked => w.step.set(Step::Options),
        Some(Step::Review) if !blocked => {
            make_plan(w).await;
        }
        _ => {}
    }
    w.cx.info("Resumed where the import was.");
}

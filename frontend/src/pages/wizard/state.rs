//! The wizard's state: one set of signals for every step, the file, the cached roster.

use super::*;

/// The largest file the browser reads: ~5 million rows, whose records and roster still fit the
/// wasm32 address space with room to plan. Larger files are refused at once with a sentence,
/// never a frozen tab.
pub(super) const MAX_FILE_BYTES: f64 = 512e6;

thread_local! {
    /// The chosen file, and the id that tells it from any other (a file sent to the worker
    /// arrives as a copy; names, sizes and dates repeat).
    static FILE: RefCell<Option<Chosen>> = const { RefCell::new(None) };
    static FILE_IDS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// A chosen file with the id the page gave it: the worker knows the bytes it holds of the file
/// by that id, so the two travel together.
#[derive(Clone)]
pub(super) struct Chosen {
    id: u32,
    pub(super) file: web_sys::File,
}

impl Chosen {
    /// A worker command's arguments: this file (`file`, `file_id`) and `rest`.
    pub(super) fn args(&self, rest: &[(&str, JsValue)]) -> js_sys::Object {
        let o = obj(rest);
        let _ = js_sys::Reflect::set(&o, &"file".into(), &self.file.clone().into());
        let _ = js_sys::Reflect::set(&o, &"file_id".into(), &JsValue::from(self.id));
        o
    }
}

pub(super) fn chosen() -> Option<Chosen> {
    FILE.with(|f| f.borrow().clone())
}

pub(super) fn file() -> Option<web_sys::File> {
    chosen().map(|c| c.file)
}

/// Chooses the file (or none): the worker starts reading a new one at once, while the admin
/// checks the dialect and maps its columns, and forgets the one before.
pub(super) fn set_file(f: Option<web_sys::File>) {
    let engine = engine().ok();
    match f {
        Some(f) => {
            let id = FILE_IDS.with(|n| {
                n.set(n.get() + 1);
                n.get()
            });
            let chosen = Chosen { id, file: f };
            if let Some(e) = &engine {
                e.tell("hold", chosen.args(&[]));
            }
            FILE.with(|x| *x.borrow_mut() = Some(chosen));
        }
        None => {
            if let Some(e) = &engine {
                e.tell("release", obj(&[]));
            }
            FILE.with(|x| *x.borrow_mut() = None);
        }
    }
}

/// Records a timing mark on `window.__rollcall` (read by the benchmark).
pub(super) fn mark(name: &str) {
    if let Some(w) = web_sys::window() {
        let now = w.performance().map(|p| p.now()).unwrap_or(0.0);
        let key = JsValue::from_str("__rollcall");
        let holder = js_sys::Reflect::get(&w, &key)
            .ok()
            .filter(|v| v.is_object())
            .unwrap_or_else(|| js_sys::Object::new().into());
        let _ = js_sys::Reflect::set(&holder, &JsValue::from_str(name), &JsValue::from_f64(now));
        let _ = js_sys::Reflect::set(&w, &key, &holder);
    }
}

#[derive(Clone, Copy)]
pub(super) struct W {
    /// The app's context, captured at creation: async steps run outside the reactive owner.
    pub(super) cx: Ctx,
    pub(super) step: RwSignal<Step>,
    pub(super) file_name: RwSignal<String>,
    pub(super) file_size: RwSignal<f64>,
    pub(super) description: RwSignal<String>,
    pub(super) scope: RwSignal<String>,
    pub(super) encoding: RwSignal<String>,
    pub(super) delimiter: RwSignal<String>,
    pub(super) header: RwSignal<String>,
    /// A workbook's sheet to read (empty: the first).
    pub(super) sheet: RwSignal<String>,
    pub(super) opened: RwSignal<Option<OpenAnswer>>,
    pub(super) mapping: RwSignal<Mapping>,
    /// The headings the scope's remembered mapping names (normalized), when there is one: a
    /// column of the file that it does not name is new since.
    pub(super) saved_headings: RwSignal<Option<Vec<String>>>,
    pub(super) busy: RwSignal<Option<String>>,
    pub(super) progress: RwSignal<Option<(f64, f64, f64)>>,
    pub(super) job: RwSignal<u32>,
    pub(super) view: RwSignal<Option<ValidationView>>,
    /// The admin's corrections to the file's cells (fix in place), applied on every reading.
    pub(super) fixes: RwSignal<Fixes>,
    /// The row open in the fix editor, and the field of the issue that opened it (kept in the
    /// wizard: validating again redraws the screen).
    pub(super) editing: RwSignal<Option<(u32, Option<rollcall_shared::fields::Field>)>>,
    pub(super) school_overrides: RwSignal<BTreeMap<String, String>>,
    pub(super) schools: RwSignal<Vec<SchoolInfo>>,
    pub(super) groups: RwSignal<Vec<GroupInfo>>,
    pub(super) issues: RwSignal<Vec<Issue>>,
    pub(super) code_filter: RwSignal<String>,
    pub(super) conflict: RwSignal<Conflict>,
    pub(super) passwords: RwSignal<PasswordPolicy>,
    pub(super) group: RwSignal<String>,
    pub(super) email_staff: RwSignal<bool>,
    pub(super) apply_at: RwSignal<String>,
    pub(super) plan: RwSignal<Option<PlanView>>,
    /// The district's mass-archive policy as last fetched (planning ahead needs it at once).
    pub(super) guard: RwSignal<Option<rollcall_shared::wire::GuardLimits>>,
    pub(super) ack: RwSignal<bool>,
    pub(super) tab: RwSignal<&'static str>,
    pub(super) result: RwSignal<Option<ImportAnswer>>,
}

impl W {
    pub(super) fn new() -> W {
        W {
            cx: ctx(),
            step: RwSignal::new(Step::Choose),
            file_name: RwSignal::new(String::new()),
            file_size: RwSignal::new(0.0),
            description: RwSignal::new(String::new()),
            scope: RwSignal::new(String::new()),
            encoding: RwSignal::new(String::new()),
            delimiter: RwSignal::new(String::new()),
            header: RwSignal::new(String::new()),
            sheet: RwSignal::new(String::new()),
            opened: RwSignal::new(None),
            mapping: RwSignal::new(Mapping::default()),
            saved_headings: RwSignal::new(None),
            busy: RwSignal::new(None),
            progress: RwSignal::new(None),
            job: RwSignal::new(0),
            view: RwSignal::new(None),
            fixes: RwSignal::new(Fixes::default()),
            editing: RwSignal::new(None),
            school_overrides: RwSignal::new(BTreeMap::new()),
            schools: RwSignal::new(Vec::new()),
            groups: RwSignal::new(Vec::new()),
            issues: RwSignal::new(Vec::new()),
            code_filter: RwSignal::new(String::new()),
            conflict: RwSignal::new(Conflict::default()),
            passwords: RwSignal::new(PasswordPolicy::default()),
            group: RwSignal::new(String::new()),
            email_staff: RwSignal::new(false),
            apply_at: RwSignal::new(String::new()),
            plan: RwSignal::new(None),
            guard: RwSignal::new(None),
            ack: RwSignal::new(false),
            tab: RwSignal::new("creates"),
            result: RwSignal::new(None),
        }
    }

    /// Forgets the import in hand (the Import tab starts a new one): every value as [`W::new`]
    /// makes it, and no file.
    pub(super) fn reset(&self) {
        set_file(None);
        super::resume::Resume::clear();
        self.step.set(Step::Choose);
        for s in [
            self.file_name,
            self.description,
            self.scope,
            self.encoding,
            self.delimiter,
            self.header,
            self.sheet,
            self.code_filter,
            self.group,
            self.apply_at,
        ] {
            s.set(String::new());
        }
        self.file_size.set(0.0);
        self.opened.set(None);
        self.mapping.set(Mapping::default());
        self.saved_headings.set(None);
        self.busy.set(None);
        self.progress.set(None);
        self.view.set(None);
        self.fixes.set(Fixes::default());
        self.editing.set(None);
        self.school_overrides.set(BTreeMap::new());
        self.issues.set(Vec::new());
        self.conflict.set(Conflict::default());
        self.passwords.set(PasswordPolicy::default());
        self.email_staff.set(false);
        self.plan.set(None);
        self.guard.set(None);
        self.ack.set(false);
        self.tab.set("creates");
        self.result.set(None);
    }

    /// The fixes as the worker takes them.
    pub(super) fn fixes_json(&self) -> Result<String, String> {
        serde_json::to_string(&self.fixes.get_untracked()).map_err(|e| e.to_string())
    }

    /// Whether step `s` can be shown: the work before it is done.
    pub(super) fn reachable(&self, s: Step) -> bool {
        match s {
            Step::Choose => true,
            Step::Read | Step::Map => self.opened.with_untracked(Option::is_some),
            Step::Schools | Step::Validate => self.view.with_untracked(Option::is_some),
            Step::Options => self
                .view
                .with_untracked(|v| v.as_ref().is_some_and(|v| v.errors == 0)),
            Step::Review => self.plan.with_untracked(Option::is_some),
            Step::Done => self.result.with_untracked(Option::is_some),
        }
    }

    pub(super) fn fail(&self, msg: impl Into<String>) {
        self.busy.set(None);
        self.progress.set(None);
        self.cx.flash.set(Some(("error".into(), msg.into())));
    }

    /// The plan's options, with the district's guard policy as the server states it (the
    /// worker refuses to plan without one).
    pub(super) fn plan_ask(
        &self,
        guard: rollcall_shared::wire::GuardLimits,
    ) -> Result<PlanAsk, String> {
        let apply_at = self.apply_at.get_untracked();
        let apply_at = match apply_at.is_empty() {
            true => None,
            // An invalid date throws here: said, not sent as a blank.
            false => {
                let d = js_sys::Date::new(&JsValue::from_str(&apply_at));
                Some(d.to_iso_string().as_string().ok_or_else(|| {
                    format!("“{apply_at}” is not a date and time the browser can read.")
                })?)
            }
        };
        let group = self.group.get_untracked();
        let group = match group.is_empty() {
            true => None,
            false => Some(
                group
                    .parse::<i64>()
                    .map_err(|_| "Choose a group from the list.")?,
            ),
        };
        Ok(PlanAsk {
            options: Options {
                conflict: self.conflict.get_untracked(),
                passwords: self.passwords.get_untracked(),
                group,
                email_new_staff: self.email_staff.get_untracked(),
                apply_at,
                guard,
                // An admin in the browser speaks for no sync.
                source: None,
            },
            guard,
        })
    }
}

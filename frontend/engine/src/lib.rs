//! # rollcall-engine
//!
//! The engine as the Web Worker runs it: the shared crate behind a small JSON-in, JSON-out
//! surface for `static/worker.js`. A wasm module of its own, built for speed: the pages' module
//! (`rollcall-frontend`, built for size) never carries the reader, the rules or the planner, and
//! the worker (and its helpers) never carry the UI framework. The raw file never leaves the worker; the page gets the
//! dialect, a sample for the mapping screen, issues, and the plan — and, at the end, the change
//! request, which holds only mapped, normalized fields.

use std::collections::BTreeMap;

use rollcall_shared::fields::Scope;
use rollcall_shared::fix::{CorrectedFile, Fixes, Picker};
use rollcall_shared::map::{Mapping, SchoolDirectory};
use rollcall_shared::plan::{codec, plan_indexed, Plan, Roster, RosterIndex};
use rollcall_shared::preview::{
    OpenAnswer, OpenAsk, PlanAsk, PlanView, RosterLoaded, SampleRow, ValidationView,
};
use rollcall_shared::read::{cut, ReadOptions, TextEncoding};
use rollcall_shared::validate::{Issue, Validation};
use rollcall_shared::wire::Options;
use rollcall_shared::{open, ImportOptions, Opened, PartContext, Pipeline};
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod warm;
pub use warm::warm_up;

fn err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

fn to_json<T: Serialize>(v: &T) -> Result<String, JsValue> {
    serde_json::to_string(v).map_err(err)
}

/// A plan and what it was made with.
struct Made {
    plan: Plan,
    options: Options,
    /// The scope and options asked, while the plan is the planner's own answer to them (a
    /// merge makes it the admin's): asked again with the same, `plan` answers it without
    /// planning anew. The page plans ahead while the admin reads the validation, and the
    /// review's own ask then finds the plan made.
    asked: Option<String>,
    /// How long planning took.
    ms: f64,
}

#[wasm_bindgen]
#[derive(Default)]
pub struct Engine {
    options: ImportOptions,
    opened: Option<Opened>,
    pipeline: Option<Pipeline>,
    validation: Option<Validation>,
    overrides: BTreeMap<String, String>,
    roster: Option<Roster>,
    /// Built when the roster arrives (before the file is chosen), so planning only looks up.
    index: RosterIndex,
    /// The last plan, of the validation and roster in hand: any change to either forgets it.
    made: Option<Made>,
    /// The workbook the file in hand came from, if it is one.
    workbook: Option<rollcall_shared::preview::SheetChoice>,
    /// The mapping of the last validation (a fix's report names the fields its column feeds).
    mapping: Mapping,
    picker: Option<Picker>,
    /// The benchmark's read-only pass: rows split, no rule run.
    reader: Option<rollcall_shared::read::RowReader>,
    corrected: Option<CorrectedFile>,
    /// The first part's context, in a worker that reads a part of the file.
    part_cx: Option<PartContext>,
}

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Detects the dialect from the file's first bytes and proposes a mapping.
    /// The file in hand is a workbook's sheet (the workbook module read it as CSV): its sheets
    /// and the one read, given with the next `open`'s answer.
    pub fn set_workbook(&mut self, choice: &str) -> Result<(), JsValue> {
        self.workbook = Some(serde_json::from_str(choice).map_err(err)?);
        Ok(())
    }

    /// The next file is not a workbook.
    pub fn text_file(&mut self) {
        self.workbook = None;
    }

    pub fn open(
        &mut self,
        prefix: &[u8],
        complete: bool,
        options: &str,
    ) -> Result<String, JsValue> {
        let o: OpenAsk = serde_json::from_str(options).map_err(err)?;
        let encoding = match o.encoding.as_deref().filter(|e| !e.is_empty()) {
            Some(e) => Some(
                TextEncoding::from_label(e).ok_or_else(|| err(format!("unknown encoding {e}")))?,
            ),
            None => None,
        };
        let delimiter = match o.delimiter.as_deref() {
            Some("tab") | Some("\t") => Some(b'\t'),
            Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
            _ => None,
        };
        let schools = (!o.schools.is_empty()).then(|| SchoolDirectory::new(o.schools.clone()));
        self.options = ImportOptions {
            read: ReadOptions {
                encoding,
                delimiter,
                has_header: o.has_header,
            },
            saved: o.saved,
            schools,
            ..ImportOptions::default()
        };
        let opened = open(prefix, complete, &self.options).map_err(err)?;
        let columns = opened.columns;
        let mut column_samples: Vec<Vec<String>> = vec![Vec::new(); columns];
        for (_, row) in &opened.sample.rows {
            for (c, cell) in row.iter().enumerate().take(columns) {
                let cell = cell.trim();
                if !cell.is_empty()
                    && column_samples[c].len() < 3
                    && !column_samples[c].iter().any(|x| x == cell)
                {
                    column_samples[c].push(cell.chars().take(40).collect());
                }
            }
        }
        let out = OpenAnswer {
            dialect: opened.dialect,
            headings: opened.sample.headings.clone(),
            columns,
            samples: opened
                .sample
                .rows
                .iter()
                .take(5)
                .map(|(row, cells)| SampleRow {
                    row: *row,
                    cells: cells.clone(),
                })
                .collect(),
            column_samples,
            mapping: opened.mapping.clone(),
            workbook: self.workbook.clone(),
        };
        self.opened = Some(opened);
        to_json(&out)
    }

    /// Starts reading the whole file with a mapping and the admin's fixes (chunks follow
    /// through `feed`).
    pub fn start(&mut self, mapping: &str, size: f64, fixes: &str) -> Result<(), JsValue> {
        let mapping: Mapping = serde_json::from_str(mapping).map_err(err)?;
        let fixes = parse_fixes(fixes)?;
        let mut p = Pipeline::with_mapping(self.opened()?, mapping.clone(), &self.options);
        self.mapping = mapping;
        p.fix(fixes).map_err(err)?;
        p.expect_bytes(size as u64);
        self.pipeline = Some(p);
        self.validation = None;
        self.made = None;
        Ok(())
    }

    pub fn feed(&mut self, chunk: &[u8]) -> Result<u32, JsValue> {
        let p = self.pipeline.as_mut().ok_or_else(|| err("not started"))?;
        p.feed(chunk);
        Ok(p.progress().1)
    }

    pub fn finish(&mut self) -> Result<String, JsValue> {
        let p = self.pipeline.take().ok_or_else(|| err("not started"))?;
        let (v, fixer) = p.finish_fixed().map_err(err)?;
        let mut view = ValidationView::of(&v);
        view.fixes = fixer.map_or_else(Vec::new, |f| f.report(&v, &self.mapping));
        self.validation = Some(v);
        self.made = None;
        to_json(&view)
    }

    /// Whether the validation just started may read the file in parts side by side: its
    /// dialect allows cuts (see `read::cut`) and no fix is applied.
    pub fn can_cut(&self) -> Result<bool, JsValue> {
        let p = self.pipeline.as_ref().ok_or_else(|| err("not started"))?;
        Ok(cut::can_cut(&self.opened()?.dialect) && !p.has_fixes())
    }

    /// Bytes to read at a nominal cut for `part_start_at`.
    pub fn cut_window(&self) -> usize {
        cut::WINDOW
    }

    /// Where the next part of a file of `size` bytes begins, from the window read at `at`, after
    /// the previous part's start `after` (`read::cut::part_start`), or -1 for no cut there.
    pub fn part_start_at(&self, at: f64, window: &[u8], after: f64, size: f64) -> f64 {
        cut::part_start(at as u64, window, after as u64, size as u64).map_or(-1.0, |s| s as f64)
    }

    /// What another worker's engine needs to read a part of the file in hand.
    pub fn part_context(&self) -> Result<String, JsValue> {
        to_json(&PartContext::new(self.opened()?, &self.options))
    }

    /// Takes the first part's context: this engine reads a part of another worker's file.
    pub fn set_part_context(&mut self, context: &str) -> Result<(), JsValue> {
        self.part_cx = Some(serde_json::from_str(context).map_err(err)?);
        Ok(())
    }

    /// Starts reading a part of the file in the context set, its rows numbered from 1 (chunks
    /// follow through `feed`; the part, encoded, through `part_finish`, for the first part's
    /// engine to `join`).
    pub fn part_start(&mut self, mapping: &str, size: f64) -> Result<(), JsValue> {
        let cx = self
            .part_cx
            .as_ref()
            .ok_or_else(|| err("no part context"))?;
        let mapping: Mapping = serde_json::from_str(mapping).map_err(err)?;
        let mut p = cx.pipeline(mapping);
        p.expect_bytes(size as u64);
        self.pipeline = Some(p);
        Ok(())
    }

    pub fn part_finish(&mut self) -> Result<Vec<u8>, JsValue> {
        let p = self.pipeline.take().ok_or_else(|| err("not started"))?;
        p.finish_part().map_err(err)
    }

    /// Joins the next part of the file, read by another worker's engine.
    pub fn join(&mut self, part: &[u8]) -> Result<(), JsValue> {
        let p = self.pipeline.as_mut().ok_or_else(|| err("not started"))?;
        p.join(part).map_err(err)
    }

    /// Starts reading the file with no rule (the benchmark's "decode and split" phase).
    pub fn read_start(&mut self) -> Result<(), JsValue> {
        let opened = self.opened()?;
        let r = rollcall_shared::read::RowReader::new(&opened.dialect, self.options.limits);
        self.reader = Some(r);
        Ok(())
    }

    pub fn read_feed(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let r = self.reader.as_mut().ok_or_else(|| err("not started"))?;
        r.feed(chunk, &mut |row| {
            std::hint::black_box(row.len());
        });
        Ok(())
    }

    /// The rows read.
    pub fn read_finish(&mut self) -> Result<u32, JsValue> {
        let mut r = self.reader.take().ok_or_else(|| err("not started"))?;
        r.finish(&mut |row| {
            std::hint::black_box(row.len());
        });
        Ok(r.stats().rows)
    }

    /// Starts reading the file for a few rows' cells (JSON row numbers), for the editor.
    pub fn pick_start(&mut self, rows: &str, fixes: &str) -> Result<(), JsValue> {
        let rows: Vec<u32> = serde_json::from_str(rows).map_err(err)?;
        let opened = self.opened()?;
        let p = Picker::new(
            &opened.dialect,
            self.options.limits,
            parse_fixes(fixes)?,
            &rows,
        );
        self.picker = Some(p.map_err(err)?);
        Ok(())
    }

    /// `false` once every row asked for is found: the rest of the file need not be read.
    pub fn pick_feed(&mut self, chunk: &[u8]) -> Result<bool, JsValue> {
        let p = self.picker.as_mut().ok_or_else(|| err("not started"))?;
        Ok(p.feed(chunk))
    }

    pub fn pick_finish(&mut self) -> Result<String, JsValue> {
        let p = self.picker.take().ok_or_else(|| err("not started"))?;
        to_json(&p.finish())
    }

    /// Starts writing the file again with the fixes ("Download the corrected file").
    pub fn corrected_start(&mut self, fixes: &str) -> Result<(), JsValue> {
        let opened = self.opened()?;
        let w = CorrectedFile::new(
            &opened.dialect,
            self.options.limits,
            opened.headings(),
            parse_fixes(fixes)?,
        );
        self.corrected = Some(w.map_err(err)?);
        Ok(())
    }

    pub fn corrected_feed(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let w = self.corrected.as_mut().ok_or_else(|| err("not started"))?;
        w.feed(chunk);
        Ok(())
    }

    pub fn corrected_finish(&mut self) -> Result<String, JsValue> {
        let w = self.corrected.take().ok_or_else(|| err("not started"))?;
        w.finish().map_err(err)
    }

    /// A school created while the file is in hand (the console's API made it): the directory
    /// knows it from now on, and the values re-resolve without re-reading.
    pub fn add_school(&mut self, code: &str, name: &str) -> Result<String, JsValue> {
        let mut list: Vec<rollcall_shared::map::School> = self
            .options
            .schools
            .as_ref()
            .map(|d| d.schools().to_vec())
            .unwrap_or_default();
        list.push(rollcall_shared::map::School {
            sis_code: code.to_owned(),
            name: name.to_owned(),
        });
        self.options.schools = Some(SchoolDirectory::new(list));
        self.reresolve()
    }

    /// Resolves the file's school values again (a school added, a value mapped by hand).
    fn reresolve(&mut self) -> Result<String, JsValue> {
        // The validation changes: a plan of it no longer holds.
        self.made = None;
        let v = self
            .validation
            .as_mut()
            .ok_or_else(|| err("validate first"))?;
        v.resolve_schools(self.options.schools.as_ref(), &self.overrides);
        to_json(&ValidationView::of(v))
    }

    /// Maps school values by hand (value → SIS code) and re-resolves without re-reading.
    pub fn resolve_schools(&mut self, overrides: &str) -> Result<String, JsValue> {
        self.overrides = serde_json::from_str(overrides).map_err(err)?;
        self.reresolve()
    }

    /// Issues, optionally of one code; at most `MAX_ISSUES` (the CSV download has them all), so
    /// that the page never parses more than it can scroll smoothly.
    pub fn issues(&self, code: &str) -> Result<String, JsValue> {
        const MAX_ISSUES: usize = 100_000;
        let v = self.validated()?;
        let list: Vec<&Issue> = v
            .issues
            .iter()
            .filter(|i| code.is_empty() || i.code.as_str() == code)
            .take(MAX_ISSUES)
            .collect();
        to_json(&list)
    }

    /// The issues on one row (its own, and a file rule's that lists it), for the row editor.
    pub fn row_issues(&self, row: u32) -> Result<String, JsValue> {
        let v = self.validated()?;
        let list: Vec<&Issue> = v
            .issues
            .iter()
            .filter(|i| i.row == Some(row) || i.rows.contains(&row))
            .collect();
        to_json(&list)
    }

    /// The issues as a CSV for download (formula-like cells neutralised), of one code when
    /// `code` is given (the screen's filter).
    pub fn issues_csv(&self, code: &str) -> Result<String, JsValue> {
        let v = self.validated()?;
        let mut out = String::new();
        rollcall_shared::write::push_row(
            &mut out,
            ["row", "column", "severity", "code", "message", "suggestion"],
        );
        for i in v
            .issues
            .iter()
            .filter(|i| code.is_empty() || i.code.as_str() == code)
        {
            let row = i.row.map(|r| r.to_string()).unwrap_or_default();
            let sev = if i.is_error() { "error" } else { "warning" };
            rollcall_shared::write::push_row(
                &mut out,
                [
                    row.as_str(),
                    i.column.as_deref().unwrap_or(""),
                    sev,
                    i.code.as_str(),
                    &i.message,
                    i.suggestion.as_deref().unwrap_or(""),
                ],
            );
        }
        Ok(out)
    }

    /// Loads the roster snapshot (the server's compact encoding).
    pub fn set_roster(&mut self, bytes: &[u8]) -> Result<String, JsValue> {
        let r = codec::decode(bytes).map_err(err)?;
        self.index = RosterIndex::new(&r);
        let out = RosterLoaded {
            users: r.users.len(),
            revision: r.revision,
        };
        self.roster = Some(r);
        self.made = None;
        to_json(&out)
    }

    /// Plans the validated file against the roster; lists are cut at `limit` entries each.
    pub fn plan(&mut self, scope: &str, options: &str, limit: usize) -> Result<String, JsValue> {
        let asked = format!("{scope}\n{options}");
        if let Some(m) = self
            .made
            .as_ref()
            .filter(|m| m.asked.as_ref() == Some(&asked))
        {
            return to_json(&PlanView::of(&m.plan, limit, m.ms));
        }
        let o: PlanAsk = serde_json::from_str(options).map_err(err)?;
        let scope = Scope::parse(scope).map_err(|e| err(format!("scope: {}", e.message)))?;
        let options = Options {
            guard: o.guard,
            ..o.options
        };
        let v = self.validated()?;
        let r = self
            .roster
            .as_ref()
            .ok_or_else(|| err("load the roster first"))?;
        let t0 = now_ms();
        let plan = plan_indexed(v, r, &self.index, &scope, &options);
        let ms = now_ms() - t0;
        let out = PlanView::of(&plan, limit, ms);
        self.made = Some(Made {
            plan,
            options,
            asked: Some(asked),
            ms,
        });
        to_json(&out)
    }

    /// Turns the likely same-person pair of row `row` into an update of the existing user, and
    /// answers the plan as it now is.
    pub fn merge(&mut self, row: u32, limit: usize) -> Result<String, JsValue> {
        let r = self
            .roster
            .as_ref()
            .ok_or_else(|| err("load the roster first"))?;
        let m = self.made.as_mut().ok_or_else(|| err("plan first"))?;
        if !m.plan.merge(row, r) {
            return Err(err(format!("row {row} has no same-person pair")));
        }
        m.asked = None;
        to_json(&PlanView::of(&m.plan, limit, 0.0))
    }

    /// The change request for the last plan: all that is sent to the server.
    pub fn request(
        &self,
        district: &str,
        acknowledged_guard: bool,
        description: &str,
    ) -> Result<String, JsValue> {
        let m = self.made.as_ref().ok_or_else(|| err("plan first"))?;
        let description = (!description.trim().is_empty()).then(|| description.trim().to_owned());
        let req = m
            .plan
            .to_request(district, &m.options, acknowledged_guard, description);
        String::from_utf8(req.to_json().map_err(err)?).map_err(err)
    }

    /// The mapping to remember for the scope (columns by heading, and the grade mapping).
    pub fn saved_mapping(&self, mapping: &str) -> Result<String, JsValue> {
        let m: Mapping = serde_json::from_str(mapping).map_err(err)?;
        let headings = self.opened.as_ref().and_then(|o| o.sample.headings.clone());
        let mut saved = m.to_saved(headings.as_deref());
        saved.grades = self
            .options
            .saved
            .iter()
            .flat_map(|s| s.grades.clone())
            .chain(self.options.grade_map.clone())
            .collect();
        to_json(&saved)
    }

    /// The admin's grade mapping (a value as written → PK, KG, 01–12), for the next validation.
    pub fn set_grades(&mut self, grades: &str) -> Result<(), JsValue> {
        self.options.grade_map = serde_json::from_str(grades).map_err(err)?;
        Ok(())
    }
}

impl Engine {
    /// The last validation.
    fn validated(&self) -> Result<&Validation, JsValue> {
        self.validation
            .as_ref()
            .ok_or_else(|| err("validate first"))
    }

    /// The file in hand, as `open` read it.
    fn opened(&self) -> Result<&Opened, JsValue> {
        self.opened
            .as_ref()
            .ok_or_else(|| err("open the file first"))
    }
}

/// The page's fixes (none when it sends an empty string).
fn parse_fixes(json: &str) -> Result<Fixes, JsValue> {
    match json.trim().is_empty() {
        true => Ok(Fixes::default()),
        false => serde_json::from_str(json).map_err(err),
    }
}

/// Milliseconds, for the plan's own timing (the benchmark reports it as the wasm figure).
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

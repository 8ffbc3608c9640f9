//! The engine as the Web Worker runs it: the shared crate behind a small JSON-in, JSON-out
//! surface for `static/worker.js`. The raw file never leaves the worker; the page gets the
//! dialect, a sample for the mapping screen, issues, and the plan — and, at the end, the change
//! request, which holds only mapped, normalized fields.

use std::collections::BTreeMap;

use rollcall_shared::fields::Field;
use rollcall_shared::map::{Mapping, SavedMapping, School, SchoolDirectory};
use rollcall_shared::plan::{codec, plan_indexed, Plan, Roster, RosterIndex};
use rollcall_shared::read::{ReadOptions, TextEncoding};
use rollcall_shared::validate::{Issue, Validation};
use rollcall_shared::wire::Options;
use rollcall_shared::{open, ImportOptions, Opened, Pipeline};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

/// What the page says about the file before it is read.
#[derive(Debug, Default, Deserialize)]
pub struct OpenOptions {
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub has_header: Option<bool>,
    pub saved: Option<SavedMapping>,
    #[serde(default)]
    pub schools: Vec<School>,
}

fn err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

fn to_json<T: Serialize>(v: &T) -> Result<String, JsValue> {
    serde_json::to_string(v).map_err(err)
}

/// The summary of a validation, for the validate and school screens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ValidationView {
    pub rows: u32,
    pub errors: u32,
    pub warnings: u32,
    /// (code, severity, count), most frequent first.
    pub codes: Vec<(String, String, u32)>,
    /// (value, rows, first row, resolved code)
    pub schools: Vec<(String, u32, u32, Option<String>)>,
}

fn view_of(v: &Validation) -> ValidationView {
    let s = v.summary();
    let mut counts: BTreeMap<(String, String), u32> = BTreeMap::new();
    for i in &v.issues {
        let sev = if i.is_error() { "error" } else { "warning" };
        *counts
            .entry((i.code.as_str().to_owned(), sev.to_owned()))
            .or_default() += 1;
    }
    let mut codes: Vec<(String, String, u32)> =
        counts.into_iter().map(|((c, s), n)| (c, s, n)).collect();
    codes.sort_by_key(|c| std::cmp::Reverse(c.2));
    ValidationView {
        rows: s.rows,
        errors: s.errors,
        warnings: s.warnings,
        codes,
        schools: v
            .school_values
            .iter()
            .map(|sv| (sv.value.clone(), sv.count, sv.first_row, sv.code.clone()))
            .collect(),
    }
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
    plan: Option<Plan>,
    plan_options: Options,
}

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Detects the dialect from the file's first bytes and proposes a mapping.
    pub fn open(
        &mut self,
        prefix: &[u8],
        complete: bool,
        options: &str,
    ) -> Result<String, JsValue> {
        let o: OpenOptions = serde_json::from_str(options).map_err(err)?;
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
        let d = opened.dialect;
        let out = json!({
            "dialect": {"encoding": d.encoding, "bom": d.bom_len > 0, "delimiter": (d.delimiter as char).to_string(),
                        "line_ending": d.line_ending, "has_header": d.has_header},
            "headings": opened.sample.headings,
            "columns": columns,
            "samples": opened.sample.rows.iter().take(5).map(|(n, r)| json!({"row": n, "cells": r})).collect::<Vec<_>>(),
            "column_samples": column_samples,
            "mapping": opened.mapping,
        });
        self.opened = Some(opened);
        to_json(&out)
    }

    /// Starts reading the whole file with a mapping (chunks follow through `feed`).
    pub fn start(&mut self, mapping: &str, size: f64) -> Result<(), JsValue> {
        let mapping: Mapping = serde_json::from_str(mapping).map_err(err)?;
        let opened = self
            .opened
            .as_ref()
            .ok_or_else(|| err("open the file first"))?;
        let mut p = Pipeline::with_mapping(opened, mapping, &self.options);
        p.expect_bytes(size as u64);
        self.pipeline = Some(p);
        self.validation = None;
        self.plan = None;
        Ok(())
    }

    pub fn feed(&mut self, chunk: &[u8]) -> Result<u32, JsValue> {
        let p = self.pipeline.as_mut().ok_or_else(|| err("not started"))?;
        p.feed(chunk);
        Ok(p.progress().1)
    }

    pub fn finish(&mut self) -> Result<String, JsValue> {
        let p = self.pipeline.take().ok_or_else(|| err("not started"))?;
        let v = p.finish().map_err(err)?;
        let view = view_of(&v);
        self.validation = Some(v);
        to_json(&view)
    }

    /// Maps school values by hand (value → SIS code) and re-resolves without re-reading.
    pub fn resolve_schools(&mut self, overrides: &str) -> Result<String, JsValue> {
        self.overrides = serde_json::from_str(overrides).map_err(err)?;
        let v = self
            .validation
            .as_mut()
            .ok_or_else(|| err("validate first"))?;
        v.resolve_schools(self.options.schools.as_ref(), &self.overrides);
        to_json(&view_of(v))
    }

    /// Issues, optionally of one code; at most `MAX_ISSUES` (the CSV download has them all), so
    /// that the page never parses more than it can scroll smoothly.
    pub fn issues(&self, code: &str) -> Result<String, JsValue> {
        const MAX_ISSUES: usize = 100_000;
        let v = self
            .validation
            .as_ref()
            .ok_or_else(|| err("validate first"))?;
        let list: Vec<&Issue> = v
            .issues
            .iter()
            .filter(|i| code.is_empty() || i.code.as_str() == code)
            .take(MAX_ISSUES)
            .collect();
        to_json(&list)
    }

    /// The issues as a CSV for download (formula-like cells neutralised).
    pub fn issues_csv(&self) -> Result<String, JsValue> {
        let v = self
            .validation
            .as_ref()
            .ok_or_else(|| err("validate first"))?;
        let mut out = String::new();
        rollcall_shared::write::push_row(
            &mut out,
            ["row", "column", "severity", "code", "message", "suggestion"],
        );
        for i in &v.issues {
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
        let out = json!({"users": r.users.len(), "revision": r.revision});
        self.roster = Some(r);
        self.plan = None;
        to_json(&out)
    }

    /// Plans the validated file against the roster; lists are cut at `limit` entries each.
    pub fn plan(&mut self, scope: &str, options: &str, limit: usize) -> Result<String, JsValue> {
        let v = self
            .validation
            .as_ref()
            .ok_or_else(|| err("validate first"))?;
        let r = self
            .roster
            .as_ref()
            .ok_or_else(|| err("load the roster first"))?;
        /// The wire's options and, beside them, the district's guard policy (never sent back).
        #[derive(serde::Deserialize)]
        struct PlanOptions {
            #[serde(flatten)]
            options: Options,
            /// Required: a plan is never shown against a guard the server did not state.
            guard: rollcall_shared::wire::GuardLimits,
        }
        let o: PlanOptions = serde_json::from_str(options).map_err(err)?;
        self.plan_options = Options {
            guard: o.guard,
            ..o.options
        };
        let t0 = now_ms();
        let p = plan_indexed(v, r, &self.index, scope, &self.plan_options);
        let plan_ms = now_ms() - t0;
        let creates: Vec<Value> = p.creates.iter().take(limit).map(|c| json!({"row": c.row, "key": c.data.key(), "name": format!("{} {}", c.data.first_name, c.data.last_name), "role": c.data.role, "school": c.data.school})).collect();
        let updates: Vec<Value> = p
            .updates
            .iter()
            .take(limit)
            .map(|u| json!({"row": u.row, "key": u.key, "diffs": u.diffs}))
            .collect();
        let out = json!({
            "summary": p.summary(),
            "guard": p.guard,
            "revision": p.base_revision,
            "creates": creates,
            "updates": updates,
            "archives": p.archives.iter().take(limit).collect::<Vec<_>>(),
            "restores": p.restores.iter().take(limit).collect::<Vec<_>>(),
            "skipped": p.skipped.iter().take(limit).collect::<Vec<_>>(),
            "issues": p.issues.iter().filter(|i| i.is_error()).chain(p.issues.iter().filter(|i| !i.is_error())).take(limit).collect::<Vec<_>>(),
            "plan_errors": p.issues.iter().filter(|i| i.is_error()).count(),
            "issue_total": p.issues.len(),
            "plan_ms": plan_ms,
        });
        self.plan = Some(p);
        to_json(&out)
    }

    /// The change request for the last plan: all that is sent to the server.
    pub fn request(
        &self,
        district: &str,
        acknowledged_guard: bool,
        description: &str,
    ) -> Result<String, JsValue> {
        let p = self.plan.as_ref().ok_or_else(|| err("plan first"))?;
        let description = (!description.trim().is_empty()).then(|| description.trim().to_owned());
        String::from_utf8(
            p.to_request(
                district,
                &self.plan_options,
                acknowledged_guard,
                description,
            )
            .to_json(),
        )
        .map_err(err)
    }

    /// The mapping to remember for the scope (columns by heading).
    pub fn saved_mapping(&self, mapping: &str) -> Result<String, JsValue> {
        let m: Mapping = serde_json::from_str(mapping).map_err(err)?;
        let headings = self.opened.as_ref().and_then(|o| o.sample.headings.clone());
        to_json(&m.to_saved(headings.as_deref()))
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

/// Field names and labels, for the mapping screen.
pub fn fields() -> Vec<(Field, &'static str, bool)> {
    Field::ALL
        .iter()
        .map(|f| {
            (
                *f,
                f.label(),
                f.is_required() || matches!(f, Field::SisId | Field::Email),
            )
        })
        .collect()
}

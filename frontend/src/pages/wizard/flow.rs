//! The wizard's work between screens: reading, validating, planning and submitting, each
//! in the worker or against the API.

use super::*;

pub(super) async fn read_file(w: W) {
    let cx = w.cx;
    let Some(f) = chosen() else { return };
    let api = cx.api();
    mark("read_start");
    w.busy.set(Some("Reading the file…".into()));
    let scope = w.scope.get_untracked();
    // The reads go out together (one round trip's wait, not four). The district's policy is
    // for planning ahead once the file is validated.
    let mapping_path = format!("/api/mappings/{}", js_sys::encode_uri_component(&scope));
    let (saved, schools, groups, me) = futures::join!(
        api.get::<SavedMapping>(&mapping_path),
        api.get::<Vec<SchoolInfo>>("/api/schools"),
        api.get::<Vec<GroupInfo>>("/api/groups"),
        api.get::<rollcall_shared::api::Me>("/api/me"),
    );
    // A scope without a remembered mapping answers 404: the mapping is then proposed afresh.
    let saved = match saved {
        Ok(m) => Some(m),
        Err(e) if e.code == ErrorCode::NotFound => None,
        Err(e) => {
            w.busy.set(None);
            return cx.error(&e);
        }
    };
    match schools.and_then(|s| groups.and_then(|g| me.map(|m| (s, g, m)))) {
        Ok((s, g, m)) => {
            w.schools.set(s);
            w.groups.set(g);
            w.guard.set(m.district.guard);
        }
        Err(e) => {
            w.busy.set(None);
            return cx.error(&e);
        }
    }
    w.saved_headings.set(saved.as_ref().map(|s| {
        s.fields
            .values()
            .filter_map(|src| match src {
                rollcall_shared::map::SavedSource::Heading(h) => {
                    Some(rollcall_shared::fields::normalize_heading(h))
                }
                _ => None,
            })
            .collect()
    }));
    let header = match w.header.get_untracked().as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let nonempty = |s: String| (!s.is_empty()).then_some(s);
    let ask = OpenAsk {
        encoding: nonempty(w.encoding.get_untracked()),
        delimiter: nonempty(w.delimiter.get_untracked()),
        has_header: header,
        saved,
        schools: w
            .schools
            .get_untracked()
            .into_iter()
            .map(|s| School {
                sis_code: s.sis_code,
                name: s.name,
            })
            .collect(),
    };
    let options = match serde_json::to_string(&ask) {
        Ok(o) => o,
        Err(e) => return w.fail(e.to_string()),
    };
    let engine = match engine() {
        Ok(e) => e,
        Err(e) => return w.fail(e),
    };
    mark("read_asked");
    let args = f.args(&[
        ("options", JsValue::from_str(&options)),
        ("sheet", JsValue::from_str(&w.sheet.get_untracked())),
    ]);
    match engine.call_json::<OpenAnswer>("open", args, None).await {
        Ok(v) => {
            mark("opened");
            w.mapping.set(v.mapping.clone());
            w.opened.set(Some(v));
            w.busy.set(None);
            if w.step.get_untracked() == Step::Choose {
                w.step.set(Step::Read);
            }
        }
        Err(e) => w.fail(e),
    }
}

pub(super) async fn validate(w: W) {
    validate_then(w, false).await
}

/// Validates; `stay`: on the Validate screen even when school values are left unmatched (a fix
/// made there is judged there; the unknown school is one of its issues).
pub(super) async fn validate_then(w: W, stay: bool) {
    let Some(f) = chosen() else { return };
    let engine = match engine() {
        Ok(e) => e,
        Err(e) => return w.fail(e),
    };
    let mapping = match serde_json::to_string(&w.mapping.get_untracked()) {
        Ok(m) => m,
        Err(e) => return w.fail(e.to_string()),
    };
    let fixes = match w.fixes_json() {
        Ok(m) => m,
        Err(e) => return w.fail(e),
    };
    mark("validate_start");
    w.busy.set(Some("Validating every row…".into()));
    w.progress
        .set(Some((0.0, w.file_size.get_untracked(), 0.0)));
    w.job.set(engine.next_id());
    let progress = w.progress;
    let cb: Rc<dyn Fn(f64, f64, f64)> =
        Rc::new(move |done, total, rows| progress.set(Some((done, total, rows))));
    let args = f.args(&[
        ("mapping", JsValue::from_str(&mapping)),
        ("sheet", JsValue::from_str(&w.sheet.get_untracked())),
        ("fixes", JsValue::from_str(&fixes)),
    ]);
    match engine
        .call_json::<ValidationView>("validate", args, Some(cb))
        .await
    {
        Ok(v) => {
            w.progress.set(None);
            w.busy.set(None);
            let unresolved = v.schools.iter().any(|s| s.code.is_none());
            w.view.set(Some(v));
            load_issues(w).await;
            let next = if unresolved && !stay {
                Step::Schools
            } else {
                Step::Validate
            };
            // Setting the step it is on would draw the screen anew (and lose what is being
            // typed in the row editor).
            if w.step.get_untracked() != next {
                w.step.set(next);
            }
            mark("validated");
            if next == Step::Validate && !stay {
                plan_ahead(w);
            }
        }
        Err(e) if e.contains("cancelled") => {
            w.progress.set(None);
            w.busy.set(None);
            w.cx.info("Validation was cancelled.");
        }
        Err(e) => w.fail(e),
    }
}

pub(super) async fn load_issues(w: W) {
    let Ok(engine) = engine() else { return };
    let args = obj(&[("code", JsValue::from_str(&w.code_filter.get_untracked()))]);
    match engine.call_json::<Vec<Issue>>("issues", args, None).await {
        Ok(list) => w.issues.set(list),
        Err(e) => w.fail(e),
    }
}

pub(super) async fn make_plan(w: W) -> bool {
    let cx = w.cx;
    let Ok(engine) = engine() else { return false };
    mark("plan_start");
    w.busy.set(Some("Fetching the current roster…".into()));
    let args = match plan_args(w).await {
        Ok(a) => a,
        Err(f) => {
            w.fail(f.said(cx));
            return false;
        }
    };
    mark("me_loaded");
    w.busy
        .set(Some("Planning against the current roster…".into()));
    match engine.call_json::<PlanView>("plan", args, None).await {
        Ok(p) => {
            if let Some(w) = web_sys::window() {
                let holder = js_sys::Reflect::get(&w, &JsValue::from_str("__rollcall"))
                    .unwrap_or(JsValue::UNDEFINED);
                if holder.is_object() {
                    let _ = js_sys::Reflect::set(
                        &holder,
                        &JsValue::from_str("plan_ms"),
                        &JsValue::from_f64(p.plan_ms),
                    );
                }
            }
            w.plan.set(Some(p));
            w.busy.set(None);
            w.ack.set(false);
            w.step.set(Step::Review);
            mark("planned");
            true
        }
        Err(e) => {
            w.fail(e);
            false
        }
    }
}

pub(super) fn random_key() -> String {
    (0..4)
        .map(|_| format!("{:08x}", (js_sys::Math::random() * 4294967295.0) as u32))
        .collect()
}

pub(super) async fn submit(w: W) {
    let cx = w.cx;
    let Ok(engine) = engine() else { return };
    let Some(district) = cx.api().session.map(|s| s.district) else {
        return w.fail("Sign in again to submit.");
    };
    let key = random_key();
    let args = obj(&[
        ("district", JsValue::from_str(&district)),
        ("ack", JsValue::from_bool(w.ack.get_untracked())),
        (
            "description",
            JsValue::from_str(&w.description.get_untracked()),
        ),
    ]);
    let body = match engine.call("request", args, None).await {
        Ok(v) => match v.as_string() {
            Some(b) => b,
            None => return w.fail("The worker gave no change request."),
        },
        Err(e) => return w.fail(e),
    };
    let Some(revision) = w.plan.with_untracked(|p| p.as_ref().map(|p| p.revision)) else {
        return w.fail("Plan the import first.");
    };
    w.busy.set(Some("Submitting…".into()));
    let headers = [
        ("if-match", format!("\"{revision}\"")),
        ("idempotency-key", key),
    ];
    match cx
        .api()
        .post_json::<ImportAnswer>("/api/imports", body, &headers)
        .await
    {
        Ok(v) => {
            w.busy.set(None);
            // Remembering the mapping is a convenience: the import is done either way, and a
            // failure is said, not hidden.
            if let Err(e) = remember_mapping(w, &engine).await {
                cx.info(format!("The import was submitted, but its column mapping could not be remembered for next time: {e}"));
            }
            w.result.set(Some(v));
            super::resume::Resume::clear();
            // The import is in: the bytes of the file the worker holds are no longer needed.
            engine.tell("release", obj(&[]));
            w.step.set(Step::Done);
        }
        Err(e) if e.code == ErrorCode::StaleRevision => {
            // Another admin changed the roster: plan again against the new one, and say so.
            if make_plan(w).await {
                cx.flash.set(Some(("warning".into(), "The roster changed while you were reviewing (another import was applied). The plan was recomputed against the current roster: check it and submit again.".into())));
            }
        }
        Err(e) => {
            w.busy.set(None);
            cx.error(&e);
        }
    }
}

/// Saves the mapping for the scope (columns by heading), for the next file of the scope.
async fn remember_mapping(w: W, engine: &crate::bridge::EngineClient) -> Result<(), String> {
    let mapping = serde_json::to_string(&w.mapping.get_untracked()).map_err(|e| e.to_string())?;
    let saved = engine
        .call(
            "saved_mapping",
            obj(&[("mapping", JsValue::from_str(&mapping))]),
            None,
        )
        .await?
        .as_string()
        .ok_or("the worker gave no mapping")?;
    let scope = js_sys::encode_uri_component(&w.scope.get_untracked());
    w.cx.api()
        .put_json(&format!("/api/mappings/{scope}"), saved)
        .await
        .map_err(|e| e.message)
}

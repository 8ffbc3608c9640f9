//! The import wizard: Choose file → Read → Map fields → Map schools → Validate → Options →
//! Review → Submit. Everything before Submit runs in the Web Worker with the shared crate.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_shared::api::{GroupInfo, ImportAnswer, SchoolInfo};
use rollcall_shared::error_code::ErrorCode;
use rollcall_shared::fix::Fixes;
use rollcall_shared::map::{Mapping, SavedMapping, School, Source};
use rollcall_shared::preview::{OpenAnswer, OpenAsk, PlanAsk, PlanView, ValidationView};
use rollcall_shared::validate::Issue;
use rollcall_shared::wire::{Conflict, Options, PasswordPolicy};
use wasm_bindgen::{JsCast, JsValue};

use super::download;
use crate::bridge::obj;
use crate::context::{ctx, engine, Ctx, Page, Route};

mod choose;
mod done;
mod fix;
mod flow;
mod map_fields;
mod options;
mod read;
mod resume;
mod review;
mod roster;
mod schools;
mod state;
mod validate;

use choose::*;
use done::*;
use fix::*;
use flow::*;
use map_fields::*;
use options::*;
use read::*;
use resume::*;
use review::*;
use roster::*;
use schools::*;
use state::*;
use validate::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Choose,
    Read,
    Map,
    Schools,
    Validate,
    Options,
    Review,
    Done,
}

impl Step {
    /// The step's name in the URL (`#/import/validate`).
    pub(super) fn slug(self) -> &'static str {
        match self {
            Step::Choose => "choose",
            Step::Read => "read",
            Step::Map => "map",
            Step::Schools => "schools",
            Step::Validate => "validate",
            Step::Options => "options",
            Step::Review => "review",
            Step::Done => "done",
        }
    }

    pub(super) fn from_slug(s: &str) -> Option<Step> {
        STEPS.iter().map(|(s, _)| *s).find(|x| x.slug() == s)
    }
}

/// Makes the wizard's state (kept for the whole session, across pages).
pub fn provide_state() {
    provide_context(W::new());
}

pub(super) const STEPS: [(Step, &str); 8] = [
    (Step::Choose, "Choose file"),
    (Step::Read, "Read"),
    (Step::Map, "Map fields"),
    (Step::Schools, "Map schools"),
    (Step::Validate, "Validate"),
    (Step::Options, "Options"),
    (Step::Review, "Review"),
    (Step::Done, "Submit"),
];

#[component]
pub fn Wizard() -> impl IntoView {
    let w = expect_context::<W>();
    follow_route(w);
    // The roster is fetched (once per revision) and handed to the worker while the admin picks a
    // file, so the plan is ready the moment validation ends.
    // The choices so far are kept for the tab (a reload resumes once the file is chosen again).
    Effect::new(move |_| {
        let step = w.step.get();
        w.fixes.track();
        if !matches!(step, Step::Choose | Step::Done) && file().is_some() {
            Resume::of(w).save();
        }
    });
    // Each step's heading takes the focus, so a keyboard or screen-reader user starts there.
    Effect::new(move |prev: Option<Step>| {
        let step = w.step.get();
        if prev.is_some_and(|p| p != step) {
            request_animation_frame(|| {
                let heading = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector(".card h1").ok().flatten())
                    .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(h) = heading {
                    let _ = h.set_attribute("tabindex", "-1");
                    let _ = h.focus();
                }
            });
        }
        step
    });
    let cx = w.cx;
    mark("roster_start");
    spawn_local(async move {
        if load_roster(cx).await.is_ok() {
            mark("roster_ready");
        }
    });
    view! {
        <div class="card">
            <ol class="steps" aria-label="Import steps">
                {STEPS.iter().map(|(s, label)| {
                    let s = *s;
                    let class = move || {
                        let cur = w.step.get();
                        let i = STEPS.iter().position(|(x, _)| *x == s).unwrap_or(0);
                        let c = STEPS.iter().position(|(x, _)| *x == cur).unwrap_or(0);
                        if i == c { "current" } else if i < c { "done" } else { "" }
                    };
                    view! { <li class=class aria-current=move || if w.step.get() == s { "step" } else { "false" }>{*label}</li> }
                }).collect_view()}
            </ol>
            <Busy w=w/>
            {move || match w.step.get() {
                Step::Choose => view! { <Choose w=w/> }.into_any(),
                Step::Read => view! { <Read w=w/> }.into_any(),
                Step::Map => view! { <MapFields w=w/> }.into_any(),
                Step::Schools => view! { <Schools w=w/> }.into_any(),
                Step::Validate => view! { <Validate w=w/> }.into_any(),
                Step::Options => view! { <OptionsStep w=w/> }.into_any(),
                Step::Review => view! { <Review w=w/> }.into_any(),
                Step::Done => view! { <Done w=w/> }.into_any(),
            }}
        </div>
    }
}

/// Keeps the step and the URL in step: Back and Forward (or a typed fragment) move the wizard,
/// and each move of the wizard is a history entry. A step whose work is not done (after a
/// reload: no file is read) opens the first step instead.
fn follow_route(w: W) {
    let cx = w.cx;
    Effect::new(move |_| {
        let Some(slug) = cx
            .route
            .with(|r| (r.page == Page::Import).then(|| r.step.clone()))
        else {
            return;
        };
        // The Import tab (no step in the URL) starts a new import.
        let Some(slug) = slug else {
            w.reset();
            cx.navigate(Route::step(Step::Choose.slug()), true);
            return;
        };
        let want = Step::from_slug(&slug).unwrap_or(Step::Choose);
        let step = if w.reachable(want) {
            want
        } else {
            Step::Choose
        };
        if step.slug() != slug {
            cx.navigate(Route::step(step.slug()), true);
        }
        if w.step.get_untracked() != step {
            w.step.set(step);
        }
    });
    Effect::new(move |_| {
        let step = w.step.get();
        // A URL without a step is the first effect's to settle (a new import).
        let elsewhere = cx.route.with_untracked(|r| {
            r.page == Page::Import && r.step.as_deref().is_some_and(|s| s != step.slug())
        });
        if elsewhere {
            cx.navigate(Route::step(step.slug()), false);
        }
    });
}

#[component]
fn Busy(w: W) -> impl IntoView {
    move || {
        w.busy.get().map(|msg| {
            let pct = w.progress.get().map(|(d, t, _)| if t > 0.0 { d * 100.0 / t } else { 0.0 });
            view! {
                <div class="banner info" role="status" aria-live="polite">
                    <span data-testid="busy">{msg}</span>
                    {w.progress.get().map(|(_, _, rows)| format!(" {rows:.0} rows"))}
                    {pct.map(|p| view! {
                        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{p:.0}")><div style=format!("width:{p:.1}%")></div></div>
                        <button on:click=move |_| { if let Ok(e) = engine() { e.cancel(w.job.get_untracked()); } }>"Cancel"</button>
                    })}
                </div>
            }
        })
    }
}

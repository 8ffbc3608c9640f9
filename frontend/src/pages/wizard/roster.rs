//! The roster snapshot in the worker, and the plan made ahead of the review.
//!
//! The snapshot is fetched once per revision and goes from the response to the worker without
//! passing through this module's memory. Loads asked for while one is under way join it: a
//! million users are ~95 MB, and a second download beside the first would double the wait.

use futures::future::{FutureExt, LocalBoxFuture, Shared};

use super::*;
use crate::api::ApiError;

/// A load of the snapshot that several asks can await.
type Load = Shared<LocalBoxFuture<'static, Result<(), Failure>>>;

thread_local! {
    /// The ETag of the roster snapshot the worker holds (fetched once per revision).
    static LOADED: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The load under way, which later asks join.
    static LOADING: RefCell<Option<Load>> = const { RefCell::new(None) };
}

/// Why the roster or the plan's arguments could not be had.
#[derive(Clone, Debug)]
pub(super) enum Failure {
    Api(ApiError),
    Other(String),
}

impl Failure {
    /// Says the failure to the admin (an API error as the console says every one); its message.
    pub(super) fn said(self, cx: Ctx) -> String {
        match self {
            Failure::Api(e) => {
                cx.error(&e);
                e.message
            }
            Failure::Other(e) => e,
        }
    }
}

/// Hands the worker the roster snapshot unless it holds the current revision (the server
/// answers 304 to the ETag of the one it holds); a failure is said to the admin.
pub(super) async fn load_roster(cx: Ctx) -> Result<(), String> {
    joined(cx).await.map_err(|f| f.said(cx))
}

/// The load under way, or a new one.
async fn joined(cx: Ctx) -> Result<(), Failure> {
    let load = LOADING.with(|l| {
        l.borrow_mut()
            .get_or_insert_with(|| fetch(cx).boxed_local().shared())
            .clone()
    });
    let out = load.clone().await;
    LOADING.with(|l| {
        let mut l = l.borrow_mut();
        if l.as_ref().is_some_and(|x| x.ptr_eq(&load)) {
            *l = None;
        }
    });
    out
}

async fn fetch(cx: Ctx) -> Result<(), Failure> {
    let engine = engine().map_err(Failure::Other)?;
    let held = LOADED.with(|l| l.borrow().clone());
    let answer = cx
        .api()
        .get_buffer("/api/roster", held.as_deref())
        .await
        .map_err(Failure::Api)?;
    let Some((snapshot, tag)) = answer else {
        return Ok(());
    };
    engine
        .call("set_roster", obj(&[("bytes", snapshot.into())]), None)
        .await
        .map_err(Failure::Other)?;
    LOADED.with(|l| *l.borrow_mut() = tag);
    Ok(())
}

/// The worker's arguments for planning: the scope and the options as the admin has set them,
/// with the district's mass-archive policy (the server decides with it, so the review shows
/// it). The snapshot and the policy are fetched afresh, together.
pub(super) async fn plan_args(w: W) -> Result<js_sys::Object, Failure> {
    let api = w.cx.api();
    let (roster, me) = futures::join!(joined(w.cx), api.get::<rollcall_shared::api::Me>("/api/me"));
    roster?;
    let me = me.map_err(Failure::Api)?;
    w.guard.set(me.district.guard);
    ask_args(w, me.district.guard).map_err(Failure::Other)
}

fn ask_args(
    w: W,
    guard: Option<rollcall_shared::wire::GuardLimits>,
) -> Result<js_sys::Object, String> {
    let guard = guard
        .ok_or("The server did not state the district's mass-archive policy: reload the page.")?;
    let ask = w
        .plan_ask(guard)
        .and_then(|a| serde_json::to_string(&a).map_err(|e| e.to_string()))?;
    Ok(obj(&[
        ("scope", JsValue::from_str(&w.scope.get_untracked())),
        ("options", JsValue::from_str(&ask)),
        ("limit", JsValue::from(REVIEW_LIMIT)),
    ]))
}

/// The entries of each list the review shows.
pub(super) const REVIEW_LIMIT: u32 = 500;

/// Asks the worker to plan, with the options as they stand and the roster it holds, while the
/// admin reads the validation: the review's own ask then finds the plan made (the worker
/// answers an ask it has planned for without planning again), unless the admin changes an
/// option or the roster changed meanwhile. Nothing is fetched first, so the worker starts the
/// moment the validation is shown; and nothing is said from here (a failure is the review's to
/// say, when it asks).
pub(super) fn plan_ahead(w: W) {
    let in_hand = LOADED.with(|l| l.borrow().is_some()) && LOADING.with(|l| l.borrow().is_none());
    let Ok(engine) = engine() else { return };
    if let (true, Ok(args)) = (in_hand, ask_args(w, w.guard.get_untracked())) {
        engine.tell("plan_ahead", args);
    }
}

//! The import flow every door takes once a file is validated (the server's CSV endpoint, the
//! CLI's `import`): plan against the roster, verify what the apply would verify, and decide.
//! Pure: the doors turn the [`Decision`] into an HTTP answer or an exit code.

use crate::api::PlanReport;
use crate::fields::Scope;
use crate::map::SchoolDirectory;
use crate::plan::{plan, verify, Roster, VerifyError};
use crate::validate::Validation;
use crate::wire::{ChangeRequest, GuardLimits, Options};

/// What the door asks for.
#[derive(Debug, Clone)]
pub struct ImportAsk {
    /// The district's short name (the change request names it).
    pub district: String,
    pub scope: Scope,
    pub description: Option<String>,
    /// Plan and verify only.
    pub dry_run: bool,
    /// The admin confirms a tripped mass-archive guard.
    pub confirm_archives: bool,
    /// The district's policy (never the caller's).
    pub guard: GuardLimits,
    /// The sync the caller speaks for (a token that names one).
    pub source: Option<crate::user::SyncName>,
}

#[derive(Debug)]
pub enum Decision {
    /// The file (or the plan) has errors: listed in the report.
    Errors,
    /// The plan is refused by the verification the apply runs.
    Refused(VerifyError),
    /// A dry run that the apply would accept.
    DryRun,
    /// The guard tripped and was not confirmed.
    GuardNotConfirmed,
    /// Ready: submit this request (passwords as typed: the server seals it).
    Submit(Box<ChangeRequest>),
}

/// Plans `v` against `roster` and decides, the same way for every door.
pub fn decide(
    v: &Validation,
    roster: &Roster,
    schools: Option<&SchoolDirectory>,
    ask: &ImportAsk,
) -> (PlanReport, Decision) {
    let options = Options {
        guard: ask.guard,
        source: ask.source,
        ..Options::default()
    };
    let p = plan(v, roster, &ask.scope, &options);
    let report = PlanReport::new(&p, v.issues.iter().chain(&p.issues));
    if report.errors() > 0 {
        return (report, Decision::Errors);
    }
    // What the apply checks, checked now (the guard aside: it is decided below).
    let req = p.to_request(&ask.district, &options, true, ask.description.clone());
    if let Err(e) = verify(&req, roster, schools, ask.guard) {
        return (report, Decision::Refused(e));
    }
    if ask.dry_run {
        return (report, Decision::DryRun);
    }
    if p.guard.triggered && !ask.confirm_archives {
        return (report, Decision::GuardNotConfirmed);
    }
    let req = ChangeRequest {
        acknowledged_guard: ask.confirm_archives,
        ..req
    };
    (report, Decision::Submit(Box::new(req)))
}

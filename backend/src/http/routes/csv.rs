//! A raw CSV from a script: read, validated, planned, verified and applied on the server.

use rollcall_shared::api::{PlanReport, Totals};
use rollcall_shared::fields::Scope;
use rollcall_shared::import::{decide, Decision, ImportAsk};
use rollcall_shared::{ImportOptions, Pipeline};

use super::prelude::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvQuery {
    scope: Option<String>,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    confirm_archives: bool,
    description: Option<String>,
    /// `FIELD=VALUE`, comma-separated.
    set: Option<String>,
    /// The page of the answer's lists (creates, updates, archives, restores, skipped, issues).
    page: Option<u32>,
    per_page: Option<u32>,
}

/// The answer of the CSV door: the plan's report (one page of each list), whether it was
/// applied, and the import.
#[derive(serde::Serialize, Default)]
struct CsvAnswer {
    #[serde(flatten)]
    report: Option<PlanReport>,
    applied: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    replayed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<ErrorCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    import: Option<ImportSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_page: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    totals: Option<Totals>,
}

/// Submit a raw CSV (scripts): the same engine, planner and verification run here, off the
/// async threads, through the one import flow (`rollcall_shared::import::decide`). A dry run
/// answers what the apply would: the same verification decides.
pub async fn submit_csv(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<CsvQuery>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let q = q.into_inner();
    let limits = state.config.limits;
    let per = q
        .per_page
        .map_or(limits.dry_run_page, |p| p as usize)
        .clamp(1, limits.dry_run_page.max(1) * 10);
    let page = q.page.unwrap_or(1).max(1) as usize;
    let scope = Scope::parse(
        q.scope
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or("api"),
    )
    .map_err(|e| {
        ApiError::new(ErrorCode::InvalidQuery, format!("scope: {}", e.message))
            .with(json!({"issue": e.code}))
    })?;
    let mut set = Vec::new();
    for pair in q
        .set
        .iter()
        .flat_map(|s| s.split(','))
        .filter(|s| !s.is_empty())
    {
        let (f, v) = pair.split_once('=').ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidSet,
                format!("`{pair}` should be FIELD=VALUE."),
            )
        })?;
        let f = Field::parse(f).ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidSet, format!("`{f}` is not a field."))
        })?;
        set.push((f, v.to_owned()));
    }
    let (d, caller_sync) = (caller.district, caller.sync);
    let key = idempotency_key(&req);
    let fp = key
        .as_ref()
        .map(|_| fingerprint(&[req.query_string().as_bytes(), &body]));
    // A retry answers the first import without planning again; another body is refused.
    if let Some(k) = key.clone() {
        if let Some(row) = db!(state, |c| Ok(c.import_by_key(d, &k)?)) {
            if row.fingerprint.is_some() && row.fingerprint != fp {
                return Err(apply::ApplyError::KeyReused.into());
            }
            return Ok(HttpResponse::Ok().json(CsvAnswer {
                applied: true,
                replayed: true,
                import: Some(import_json(&row.meta)?),
                ..CsvAnswer::default()
            }));
        }
    }
    let _permit = state.heavy_permit().await?;
    let scope2 = scope.clone();
    let (roster, dir, saved, ask) = db!(state, |c| {
        let dist = c.district(d)?;
        let roster = c.roster(&dist)?;
        let dir = directory(c, d)?;
        let saved = c.saved_mapping(d, &scope2)?;
        let ask = ImportAsk {
            district: dist.short_name.clone(),
            scope: scope2.clone(),
            description: q.description.clone(),
            dry_run: q.dry_run,
            confirm_archives: q.confirm_archives,
            guard: dist.guard(),
            source: caller_sync,
        };
        Ok((roster, dir, saved, ask))
    });
    let (mut report, decision) = web::block(move || -> Result<(PlanReport, Decision)> {
        let opts = ImportOptions {
            schools: Some(dir.clone()),
            saved,
            set,
            ..ImportOptions::default()
        };
        fn unreadable(e: impl ToString) -> ApiError {
            ApiError::new(ErrorCode::UnreadableFile, e.to_string())
        }
        let prefix = &body[..body.len().min(opts.limits.sniff_bytes)];
        let opened =
            rollcall_shared::open(prefix, prefix.len() == body.len(), &opts).map_err(unreadable)?;
        let mut p = Pipeline::new(&opened, &opts);
        p.feed(&body);
        let v = p.finish().map_err(unreadable)?;
        Ok(decide(&v, &roster, Some(&dir), &ask))
    })
    .await??;
    let totals = report.paginate(page, per);
    let mut out = CsvAnswer {
        report: Some(report),
        page: Some(page),
        per_page: Some(per),
        totals: Some(totals),
        ..CsvAnswer::default()
    };
    let mut refuse = |code: ErrorCode, message: String| {
        out.code = Some(code);
        out.message = Some(message);
        crate::http::error::status_of(code)
    };
    let status = match decision {
        Decision::Errors => StatusCode::UNPROCESSABLE_ENTITY,
        Decision::Refused(e) => refuse(e.code(), e.to_string()),
        Decision::GuardNotConfirmed => refuse(
            ErrorCode::GuardNotAcknowledged,
            "This import archives too many users: confirm with confirm_archives=true.".into(),
        ),
        Decision::DryRun => StatusCode::OK,
        Decision::Submit(cr) => {
            let sealed = seal(*cr).await?;
            let (status, import) = do_submit(
                &state,
                &caller,
                sealed,
                "api",
                key,
                fp,
                None,
                link_base(&state, &req),
            )
            .await?;
            out.applied = true;
            out.import = Some(import_json(&import.meta)?);
            status
        }
    };
    Ok(HttpResponse::build(status).json(out))
}

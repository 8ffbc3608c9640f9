//! The mail an applied import sends (a completion notice; a set-password link to each new staff
//! member), whoever applied it: a submit or the job runner. Written to the outbox in the
//! import's transaction; `crate::mail` delivers it.

use super::models::{DistrictRow, ImportRow};
use super::{DbError, Store};
use rollcall_shared::wire::ChangeRequest;

/// How long a set-password link works.
pub const LINK_DAYS: i64 = 7;

/// The mail an applied import sends, whoever applied it (a submit, the job runner): the
/// completion notice to whoever submitted it, and to each new staff member (with "email new
/// staff") a single-use link to choose a password. No mail carries a password.
pub fn mail_after<C: Store>(
    c: &mut C,
    district: &DistrictRow,
    import: &ImportRow,
    req: &ChangeRequest,
    now: i64,
) -> Result<(), DbError> {
    let n = import.meta.number;
    if import.meta.submitted_by.contains('@') {
        let link = import
            .link_base
            .as_deref()
            .map(|b| format!("\n\nSee the import: {b}/#/history/{n}"))
            .unwrap_or_default();
        c.insert_mail(
            district.id,
            &import.meta.submitted_by,
            &format!("Import #{n} completed"),
            &format!(
                "Your import #{n} into {} ({}) completed at {}: {} created, {} updated, {} archived, {} restored.{link}",
                district.name,
                import.meta.scope,
                district.local_time(now)?,
                req.creates.len(),
                req.updates.len(),
                req.archives.len(),
                req.restores.len()
            ),
            false,
        )?;
    }
    if !req.options.email_new_staff {
        return Ok(());
    }
    let Some(first) = import.created_from else {
        return Ok(());
    };
    for (k, new) in req.creates.iter().enumerate() {
        let (true, Some(email)) = (new.data.role.is_staff(), &new.data.email) else {
            continue;
        };
        let body = match import.link_base.as_deref() {
            Some(base) => {
                let intro = format!("an account was created for you in {}", district.name);
                password_link_body(
                    c,
                    district,
                    first + k as i64,
                    &new.data.first_name,
                    &intro,
                    base,
                    now,
                )?
            }
            None => {
                tracing::warn!(
                    import = n.0,
                    "no public address (ROLLCALL_PUBLIC_URL) for set-password links"
                );
                format!(
                    "Hello {}, an account was created for you in {}. Your administrator will send you a link to choose your password.",
                    new.data.first_name, district.name
                )
            }
        };
        c.insert_mail(
            district.id,
            email.as_str(),
            "Choose your password",
            &body,
            false,
        )?;
    }
    Ok(())
}

/// A new single-use set-password link for `user` (its secret kept hashed, good for
/// [`LINK_DAYS`]), and the mail's text that carries it. The link names its district (the
/// lookup is scoped).
pub fn password_link_body<C: Store>(
    c: &mut C,
    district: &DistrictRow,
    user: i64,
    first_name: &str,
    intro: &str,
    base: &str,
    now: i64,
) -> Result<String, DbError> {
    let secret = crate::secret::new_token("");
    c.insert_password_link(
        district.id,
        &crate::secret::token_hash(&secret),
        user,
        now + LINK_DAYS * 86_400_000,
    )?;
    Ok(format!(
        "Hello {first_name}, {intro}.\n\nChoose your password here (the link works once, for {LINK_DAYS} days):\n{base}/#/set-password/{}.{secret}\n\nIf you did not expect this mail, ignore it.",
        district.id.0
    ))
}

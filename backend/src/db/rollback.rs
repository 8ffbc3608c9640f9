//! Rolling an import back from its before-images: refused when a later import changed the same
//! users, or when the district after it would break the key rule every apply keeps.

use crate::db::ids::DistrictId;
use rollcall_shared::api::ImportStatus;
use rollcall_shared::plan::{key_clash, UserId};
use thiserror::Error;

use super::apply::{in_write_txn, write_users};
use super::models::{ImportRow, UserRow};
use super::{DbError, ImportNo, Store};

#[derive(Debug, Error)]
pub enum RollbackError {
    #[error("import #{0} does not exist")]
    NotFound(ImportNo),
    #[error("import #{0} is {1}, so it cannot be rolled back")]
    NotCompleted(ImportNo, ImportStatus),
    #[error("later imports changed {} of the same users", .0.len())]
    ChangedLater(Vec<String>),
    #[error("rolling back would give two users the {field} `{value}`: {}", .users.join(" and "))]
    KeyClash {
        field: &'static str,
        value: String,
        users: Vec<String>,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Undoes a completed import from its before-images; refuses (listing them) when a later
/// import changed any of the same users.
pub fn rollback<C: Store>(
    c: &mut C,
    d: DistrictId,
    number: ImportNo,
) -> Result<ImportRow, RollbackError> {
    in_write_txn(c, d, |c| rollback_in_txn(c, d, number))
}

fn rollback_in_txn<C: Store>(
    c: &mut C,
    d: DistrictId,
    number: ImportNo,
) -> Result<ImportRow, RollbackError> {
    let mut import = c
        .import(d, number)?
        .ok_or(RollbackError::NotFound(number))?;
    let status = import.meta.status()?;
    if status != ImportStatus::Completed {
        return Err(RollbackError::NotCompleted(number, status));
    }
    let changes = c.changes(d, number)?;
    let created: Vec<i64> = match (import.created_from, import.created_to) {
        (Some(a), Some(b)) => (a..b).collect(),
        _ => vec![],
    };
    let ids: Vec<i64> = changes
        .iter()
        .map(|ch| ch.user_id)
        .chain(created.iter().copied())
        .collect();
    let later = c.later_changes(d, number, &ids)?;
    if !later.is_empty() {
        let mut users: Vec<i64> = later.iter().map(|(_, u)| *u).collect();
        users.sort_unstable();
        users.dedup();
        let rows = c.users_by_ids(d, &users)?;
        let keys = rows
            .iter()
            .map(|r| {
                format!(
                    "{} ({} {})",
                    r.sis_id.clone().or(r.email.clone()).unwrap_or_default(),
                    r.first_name,
                    r.last_name
                )
            })
            .collect();
        return Err(RollbackError::ChangedLater(keys));
    }
    // The district after the rollback must keep what every apply keeps (the shared rule):
    // someone created since may hold a key a restored user would take back.
    let current = c.users(d)?;
    let befores: std::collections::HashMap<i64, UserRow> = changes
        .iter()
        .filter_map(|ch| ch.before_row().map(|b| Some((ch.user_id, b?))).transpose())
        .collect::<Result<_, _>>()?;
    let created_set: std::collections::HashSet<i64> = created.iter().copied().collect();
    let final_rows: Vec<(i64, UserRow)> = current
        .iter()
        .filter(|r| !created_set.contains(&r.id))
        .map(|r| (r.id, befores.get(&r.id).unwrap_or(r).clone()))
        .collect();
    let users: Vec<_> = final_rows
        .iter()
        .map(|(id, r)| Ok((*id, r.to_roster_user()?)))
        .collect::<Result<_, DbError>>()?;
    if let Some(k) = key_clash(
        users
            .iter()
            .map(|(id, u)| (Some(UserId(*id)), &u.data, u.status)),
    ) {
        let name = |id: Option<UserId>| {
            id.and_then(|id| final_rows.iter().find(|(i, _)| *i == id.0))
                .map(|(id, r)| format!("user {id} ({} {})", r.first_name, r.last_name))
                .unwrap_or_default()
        };
        return Err(RollbackError::KeyClash {
            field: k.field.label(),
            value: k.value.to_owned(),
            users: k.users.iter().map(|u| name(*u)).collect(),
        });
    }
    let by_id: std::collections::HashMap<i64, &UserRow> =
        current.iter().map(|r| (r.id, r)).collect();
    let pairs: Vec<(&UserRow, &UserRow)> = befores
        .iter()
        .filter_map(|(id, before)| Some((*by_id.get(id)?, before)))
        .collect();
    // The rows as the import left them (no later import changed them): its history keeps them.
    let images = changes
        .iter()
        .filter_map(|ch| by_id.get(&ch.user_id).map(|r| (ch.user_id, *r)))
        .map(|(id, r)| {
            serde_json::to_string(r)
                .map(|j| (id, j))
                .map_err(|e| DbError::Conflict(format!("after-image: {e}")))
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    c.set_after_images(d, number, &images)?;
    // Those it created go first: a restored user may take back a key one of them holds.
    c.delete_users(d, &created)?;
    write_users(c, &pairs, &mut |_| Ok::<(), RollbackError>(()))?;
    let mut district = c.district(d)?;
    district.revision += 1;
    c.set_district_counters(&district)?;
    import.set_status(ImportStatus::RolledBack);
    c.update_import(&import)?;
    Ok(import)
}

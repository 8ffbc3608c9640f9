//! The planner against PRODUCT.md and the vendor articles' cases: Pass's user-file rules, the
//! Classworks conflict example, two-file districts, the guard, and the server's verification.
//! Runs natively and in wasm.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use rollcall_shared::fields::{Field, Role};
use rollcall_shared::plan::{
    codec, plan, verify, Change, Plan, Roster, SkipReason, UserId, UserStatus, VerifyError,
};
use rollcall_shared::testgen::schools;
use rollcall_shared::validate::{IssueCode, Validation};
use rollcall_shared::wire::{ArchiveReason, ChangeRequest, Conflict, GuardLimits, Options};
use rollcall_shared::{validate_bytes, ImportOptions};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn file(csv: &str) -> Validation {
    let opts = ImportOptions {
        schools: Some(schools()),
        ..ImportOptions::default()
    };
    let (_, v) = validate_bytes(csv.as_bytes(), &opts).expect("reads");
    v
}

const HEAD: &str = "idnumber,email,firstname,lastname,role,status,school\n";

fn pass(rows: &[&str]) -> String {
    format!("{HEAD}{}\n", rows.join("\n"))
}

const ANN: &str = "S1,ann@d.org,Ann,Lee,student,1,101";
const BO: &str = "S2,bo@d.org,Bo,Kim,student,1,102";
const CY: &str = "T3,cy@d.org,Cy,Ode,teacher,1,103";

fn roster(csv: &str, scope: &str) -> Roster {
    Roster::from_validation(&file(csv), scope, 7)
}

fn plan_of(csv: &str, r: &Roster, scope: &str) -> Plan {
    plan(&file(csv), r, &sc(scope), &Options::default())
}

fn applied(r: &Roster, p: &Plan) -> Roster {
    let mut r = r.clone();
    let mut next = r.users.iter().map(|u| u.id.0).max().unwrap_or(0);
    r.apply(
        &p.to_request("demo", &Options::default(), true, None),
        || {
            next += 1;
            UserId(next)
        },
    );
    r
}

#[test]
fn add_by_re_upload() {
    let r = roster(&pass(&[ANN, BO]), "users.csv");
    let p = plan_of(&pass(&[ANN, BO, CY]), &r, "users.csv");
    let s = p.summary();
    assert_eq!(
        (s.creates, s.updates, s.archives, s.unchanged),
        (1, 0, 0, 2)
    );
    assert_eq!(p.creates[0].data.first_name, "Cy");
    assert_eq!(p.creates[0].data.role, Role::Teacher);
}

#[test]
fn remove_by_dropping_from_the_file_archives_never_deletes() {
    let r = roster(&pass(&[ANN, BO, CY]), "users.csv");
    let p = plan_of(&pass(&[ANN, CY]), &r, "users.csv");
    assert_eq!(p.archives.len(), 1);
    assert_eq!(
        (p.archives[0].key.as_str(), p.archives[0].reason),
        ("S2", ArchiveReason::Missing)
    );
    let after = applied(&r, &p);
    assert_eq!(after.users.len(), 3, "archived, not deleted");
    let bo = after
        .users
        .iter()
        .find(|u| u.data.key() == "S2")
        .expect("Bo");
    assert_eq!(bo.status, UserStatus::Archived);
}

#[test]
fn email_edited_with_idnumber_present_is_the_same_user() {
    let r = roster(&pass(&[ANN, BO]), "users.csv");
    let p = plan_of(
        &pass(&["S1,ann.lee@d.org,Ann,Lee,student,1,101", BO]),
        &r,
        "users.csv",
    );
    let s = p.summary();
    assert_eq!((s.creates, s.updates, s.archives), (0, 1, 0));
    let u = &p.updates[0];
    assert_eq!(u.id, r.users[0].id);
    assert_eq!(u.diffs.len(), 1);
    assert_eq!(
        (u.diffs[0].old.as_deref(), u.diffs[0].new.as_deref()),
        (Some("ann@d.org"), Some("ann.lee@d.org"))
    );
}

#[test]
fn email_edited_with_idnumber_blank_is_a_new_user_and_the_old_is_archived() {
    let r = roster(
        &pass(&[",ann@d.org,Ann,Lee,student,1,101", BO]),
        "users.csv",
    );
    let p = plan_of(
        &pass(&[",ann.lee@d.org,Ann,Lee,student,1,101", BO]),
        &r,
        "users.csv",
    );
    let s = p.summary();
    assert_eq!((s.creates, s.updates, s.archives), (1, 0, 1));
    assert_eq!(p.archives[0].key, "ann@d.org");
}

#[test]
fn role_edit_is_an_update() {
    let r = roster(&pass(&[ANN, CY]), "users.csv");
    let p = plan_of(
        &pass(&[ANN, "T3,cy@d.org,Cy,Ode,admin,1,103"]),
        &r,
        "users.csv",
    );
    assert_eq!(p.updates.len(), 1);
    assert_eq!(p.updates[0].changes, vec![Change::Role(Role::Admin)]);
}

#[test]
fn status_not_active_archives_the_user() {
    let r = roster(&pass(&[ANN, BO]), "users.csv");
    let v = file(&pass(&[ANN, "S2,bo@d.org,Bo,Kim,student,0,102"]));
    assert!(v
        .issues
        .iter()
        .any(|i| i.code == IssueCode::InactiveStatus && i.row == Some(3)));
    let p = plan(&v, &r, &sc("users.csv"), &Options::default());
    assert_eq!(p.archives.len(), 1);
    assert_eq!(p.archives[0].reason, ArchiveReason::Inactive);
}

#[test]
fn sync_owned_users_are_skipped_and_never_archived() {
    let mut r = roster(&pass(&[ANN, BO]), "users.csv");
    r.users[1].managed_by = Some("Clever".into());
    let p = plan_of(
        &pass(&[ANN, "S2,bo@d.org,Bo,Kimball,student,1,102"]),
        &r,
        "users.csv",
    );
    assert!(p.updates.is_empty());
    assert_eq!(p.skipped.len(), 1);
    assert_eq!(p.skipped[0].reason, SkipReason::ManagedBySync);
    assert!(p.skipped[0].message.contains("managed by Clever"));
    let p = plan_of(&pass(&[ANN]), &r, "users.csv");
    assert!(p.archives.is_empty(), "a file never archives a sync's user");
}

#[test]
fn keep_active_users_missing_from_a_file_are_skipped_and_never_archived() {
    let mut r = roster(&pass(&[ANN, BO, CY]), "users.csv");
    r.users[1].keep_active = true;
    let p = plan_of(&pass(&[ANN]), &r, "users.csv");
    let archived: Vec<&str> = p.archives.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(archived, ["T3"], "Bo is kept, Cy is not");
    assert_eq!(p.skipped.len(), 1);
    assert_eq!(
        (
            p.skipped[0].reason,
            p.skipped[0].key.as_str(),
            p.skipped[0].row
        ),
        (SkipReason::KeepActive, "S2", 0)
    );
    // The flag survives the roster's encoding, and the server refuses to archive a kept user
    // even from a request made by hand.
    assert_eq!(codec::decode(&codec::encode(&r)).ok().as_ref(), Some(&r));
    let mut req = p.to_request("demo", &Options::default(), true, None);
    req.archives.push(rollcall_shared::wire::Archive {
        id: r.users[1].id,
        reason: ArchiveReason::Manual,
    });
    assert_eq!(
        verify(&req, &r, None, GuardLimits::default()),
        Err(VerifyError::KeepActive(r.users[1].id))
    );
    // Turned off in the same request, the archive is accepted.
    req.keep_active.push(rollcall_shared::wire::KeepActive {
        id: r.users[1].id,
        keep_active: false,
    });
    assert_eq!(verify(&req, &r, None, GuardLimits::default()), Ok(()));
}

#[test]
fn classworks_conflict_imported_wins_or_existing_wins() {
    let head = "First Name,Last Name,District ID,User Type,Grade,Email Address,School SIS ID,Middle Name\n";
    let r = roster(&format!("{head}Bob,Smith,1001,0,5,,101,\n"), "f.csv");
    let v = file(&format!("{head}Robert,Smith,1001,0,5,,101,Lee\n"));
    let imported = plan(&v, &r, &sc("f.csv"), &Options::default());
    assert_eq!(imported.updates.len(), 1);
    let d = &imported.updates[0].diffs;
    assert_eq!(d[0].field, Field::FirstName);
    assert_eq!(
        (d[0].old.as_deref(), d[0].new.as_deref()),
        (Some("Bob"), Some("Robert"))
    );
    let existing = plan(
        &v,
        &r,
        &sc("f.csv"),
        &Options {
            conflict: Conflict::ExistingWins,
            ..Options::default()
        },
    );
    assert_eq!(
        existing.updates.len(),
        1,
        "the empty middle name is still filled"
    );
    assert_eq!(
        existing.updates[0].changes,
        vec![Change::MiddleName(Some("Lee".try_into().expect("a name")))]
    );
}

#[test]
fn two_file_districts_never_touch_the_other_population() {
    let students = pass(&[ANN, BO]);
    let staff = pass(&[CY, "T4,di@d.org,Di,Fay,staff,1,101"]);
    let mut r = roster(&students, "students.csv");
    let extra = roster(&staff, "staff.csv");
    let base = r.users.len() as i64;
    r.users.extend(extra.users.into_iter().map(|mut u| {
        u.id = UserId(u.id.0 + base);
        u
    }));
    let p = plan_of(&students, &r, "students.csv");
    assert!(p.is_empty(), "{:?}", p.summary());
    let p = plan_of(&pass(&[CY]), &r, "staff.csv");
    assert_eq!(p.archives.len(), 1);
    assert_eq!(p.archives[0].key, "T4");
    let p = plan_of(&pass(&[ANN]), &r, "students.csv");
    assert_eq!(
        p.archives
            .iter()
            .map(|a| a.key.as_str())
            .collect::<Vec<_>>(),
        vec!["S2"]
    );
}

#[test]
fn an_archived_user_who_reappears_is_restored() {
    let r = roster(&pass(&[ANN, BO]), "users.csv");
    let r1 = applied(&r, &plan_of(&pass(&[ANN]), &r, "users.csv"));
    let p = plan_of(
        &pass(&[ANN, "S2,bo@d.org,Bo,Kim-Lee,student,1,102"]),
        &r1,
        "users.csv",
    );
    assert_eq!(p.restores.len(), 1);
    assert_eq!(p.updates.len(), 1, "restored with their changes");
    let r2 = applied(&r1, &p);
    assert!(r2.users.iter().all(|u| u.status == UserStatus::Active));
    assert_eq!(r2.users.len(), 2, "the same user, with their history");
}

#[test]
fn an_email_owned_by_another_district_id_is_an_error() {
    let r = roster(&pass(&[ANN]), "users.csv");
    let p = plan_of(
        &pass(&["S9,ann@d.org,Ann,Lee,student,1,101"]),
        &r,
        "users.csv",
    );
    assert!(p
        .issues
        .iter()
        .any(|i| i.code == IssueCode::EmailOwnedByOther && i.row == Some(2)));
    assert!(p.has_errors());
}

#[test]
fn an_email_in_use_in_another_scope_is_an_error() {
    let mut r = roster(&pass(&[ANN]), "other.csv");
    r.users[0].data.sis_id = None;
    let p = plan_of(
        &pass(&[
            "S9,bo@d.org,Bo,Kim,student,1,101",
            "S8,ann2@d.org,Ann,Lee,student,1,101",
        ]),
        &r,
        "users.csv",
    );
    assert!(!p.has_errors());
    let p = plan_of(
        &pass(&[",ann@d.org,Ann,Lee,student,1,101"]),
        &r,
        "users.csv",
    );
    assert!(
        p.issues.iter().any(|i| i.code == IssueCode::ScopeMove),
        "matched by email, moves scope"
    );
    let mut r2 = roster(&pass(&[ANN]), "other.csv");
    r2.users[0].data.email =
        Some(rollcall_shared::fields::Email::parse("bo@d.org").expect("email"));
    let p = plan_of(
        &pass(&["S2,bo@d.org,Bo,Kim,student,1,102"]),
        &r2,
        "users.csv",
    );
    assert!(p
        .issues
        .iter()
        .any(|i| i.code == IssueCode::EmailOwnedByOther));
}

#[test]
fn the_mass_archive_guard_trips_on_more_than_10_percent_and_more_than_5() {
    let rows: Vec<String> = (0..40)
        .map(|i| format!("S{i},u{i}@d.org,Ann,Lee,student,1,101"))
        .collect();
    let all: Vec<&str> = rows.iter().map(String::as_str).collect();
    let r = roster(&pass(&all), "f.csv");
    let p = plan_of(&pass(&all[..20]), &r, "f.csv");
    assert!(p.guard.triggered);
    assert_eq!((p.guard.archives, p.guard.scope_active), (20, 40));
    let p = plan_of(&pass(&all[..35]), &r, "f.csv");
    assert!(!p.guard.triggered, "5 archives is not more than 5");
    let small = roster(&pass(&all[..6]), "g.csv");
    let p = plan_of(&pass(&all[..1]), &small, "g.csv");
    assert_eq!(p.archives.len(), 5);
    assert!(
        !p.guard.triggered,
        "5 of 6: more than 10% but not more than 5"
    );
}

#[test]
fn the_master_csv_re_imports_with_zero_changes_across_scopes() {
    let mut r = roster(&pass(&[ANN, BO]), "students.csv");
    let staff = roster(&pass(&[CY]), "staff.csv");
    r.users.extend(staff.users.into_iter().map(|mut u| {
        u.id = UserId(u.id.0 + 10);
        u
    }));
    let csv = rollcall_shared::write::master_csv(&r);
    let v = file(&csv);
    assert!(!v.has_errors(), "{:?}", v.issues);
    let p = plan(&v, &r, &sc("master.csv"), &Options::default());
    assert!(p.is_empty(), "{:?}", p.summary());
    assert_eq!(p.unchanged, 3);
}

#[test]
fn verification_accepts_the_plan_and_refuses_inconsistent_requests() {
    let sch = schools();
    let r = roster(&pass(&[ANN, BO, CY]), "users.csv");
    let p = plan_of(
        &pass(&[
            ANN,
            "S2,bo2@d.org,Bo,Kim,student,1,102",
            "S5,eve@d.org,Eve,Ng,student,1,101",
        ]),
        &r,
        "users.csv",
    );
    let req = p.to_request("demo", &Options::default(), false, None);
    assert_eq!(verify(&req, &r, Some(&sch), GuardLimits::default()), Ok(()));
    // Through JSON, as it travels.
    let back = ChangeRequest::from_json(&req.to_json().expect("serializes")).expect("round trip");
    assert_eq!(back, req);

    let mut stale = r.clone();
    stale.revision += 1;
    assert!(matches!(
        verify(&req, &stale, Some(&sch), GuardLimits::default()),
        Err(VerifyError::Stale { .. })
    ));

    let mut bad = req.clone();
    bad.archives.push(rollcall_shared::wire::Archive {
        id: UserId(999),
        reason: ArchiveReason::Missing,
    });
    assert_eq!(
        verify(&bad, &r, Some(&sch), GuardLimits::default()),
        Err(VerifyError::UnknownUser(UserId(999)))
    );

    let mut dup = req.clone();
    dup.updates[0].changes = vec![Change::Email(Some(
        rollcall_shared::fields::Email::parse("ann@d.org").expect("e"),
    ))];
    assert_eq!(
        verify(&dup, &r, Some(&sch), GuardLimits::default()),
        Err(VerifyError::DuplicateEmail("ann@d.org".into()))
    );

    let mut school = req.clone();
    school.creates[0].data.school = "999".try_into().expect("a code");
    assert!(matches!(
        verify(&school, &r, Some(&sch), GuardLimits::default()),
        Err(VerifyError::InvalidRecord { .. })
    ));

    let mut restore_active = req.clone();
    restore_active.restores.push(r.users[0].id);
    assert_eq!(
        verify(&restore_active, &r, Some(&sch), GuardLimits::default()),
        Err(VerifyError::NotArchived(r.users[0].id))
    );

    let rows: Vec<String> = (0..40)
        .map(|i| format!("S{i},u{i}@d.org,Ann,Lee,student,1,101"))
        .collect();
    let all: Vec<&str> = rows.iter().map(String::as_str).collect();
    let big = roster(&pass(&all), "f.csv");
    let half = plan_of(&pass(&all[..20]), &big, "f.csv");
    let unconfirmed = half.to_request("demo", &Options::default(), false, None);
    assert!(matches!(
        verify(&unconfirmed, &big, Some(&sch), GuardLimits::default()),
        Err(VerifyError::GuardNotAcknowledged {
            archives: 20,
            active: 40
        })
    ));
    let confirmed = half.to_request("demo", &Options::default(), true, None);
    assert_eq!(
        verify(&confirmed, &big, Some(&sch), GuardLimits::default()),
        Ok(())
    );
    // The policy is the verifier's (the district's), not the request's.
    let lenient = GuardLimits {
        percent: 60,
        min: 5,
    };
    assert_eq!(verify(&unconfirmed, &big, Some(&sch), lenient), Ok(()));
}

#[test]
fn the_snapshot_codec_round_trips_and_refuses_damage() {
    let mut r = roster(
        &pass(&[ANN, BO, CY, ",eve@d.org,Eve,Ng,student,1,101"]),
        "users.csv",
    );
    r.users[1].status = UserStatus::Archived;
    r.users[2].managed_by = Some("Clever".into());
    let bytes = codec::encode(&r);
    assert_eq!(codec::decode(&bytes), Ok(r));
    for cut in 0..bytes.len() {
        assert!(codec::decode(&bytes[..cut]).is_err());
    }
    assert_eq!(codec::decode(b"nope"), Err(codec::CodecError::BadMagic));
}

#[test]
fn the_group_option_names_every_existing_user_of_the_file() {
    let r = roster(&pass(&[ANN, BO, CY]), "users.csv");
    let p = plan_of(
        &pass(&[
            ANN,
            "S2,bo@d.org,Bo,Kimball,student,1,102",
            "S5,eve@d.org,Eve,Ng,student,1,101",
        ]),
        &r,
        "users.csv",
    );
    let with = Options {
        group: Some(1),
        ..Options::default()
    };
    let req = p.to_request("demo", &with, true, None);
    let mut members = req.members.clone();
    members.sort();
    assert_eq!(
        members,
        vec![r.users[0].id, r.users[1].id],
        "unchanged Ann and updated Bo; Eve is created, Cy archived"
    );
    assert_eq!(
        verify(&req, &r, Some(&schools()), GuardLimits::default()),
        Ok(())
    );
    assert!(p
        .to_request("demo", &Options::default(), true, None)
        .members
        .is_empty());
}

/// A scope for tests.
fn sc(s: &str) -> rollcall_shared::fields::Scope {
    rollcall_shared::fields::Scope::parse(s).expect("a valid scope")
}

#[test]
fn the_same_person_is_recognised_and_a_pair_becomes_an_update() {
    let head = "idnumber,email,firstname,lastname,role,status,school\n";
    let r = roster(
        &format!("{head}00123,ann@d.org,Ann,Lee,student,1,101\n00124,bo@d.org,Bo,Kim,student,1,102\nT3,cy@d.org,Cy,Ode,teacher,1,103\nT4,di@d.org,Di,Ray,teacher,1,103\n"),
        "users.csv",
    );
    // Ann's id lost its zeros; the others are as they were.
    let file = format!("{head}123,ann@d.org,Ann,Lee,student,1,101\n00124,bo@d.org,Bo,Kim,student,1,102\nT3,cy@d.org,Cy,Ode,teacher,1,103\nT4,di@d.org,Di,Ray,teacher,1,103\n");
    // Ann's email is the old user's: the planner refuses two active users one address, so the
    // pair is found with a new address.
    let file = file.replace("123,ann@d.org", "123,ann.lee@d.org");
    let mut p = plan_of(&file, &r, "users.csv");
    assert_eq!((p.creates.len(), p.archives.len()), (1, 1));
    assert_eq!(p.same_person.len(), 1);
    let h = &p.same_person[0];
    assert_eq!(
        (
            h.row,
            h.create_key.as_str(),
            h.archive_key.as_str(),
            h.reason
        ),
        (
            2,
            "123",
            "00123",
            rollcall_shared::plan::SamePersonReason::LeadingZeros
        )
    );
    assert!(
        !p.has_errors(),
        "one lost id is a hint, not a file error: {:?}",
        p.issues
    );
    assert!(p.merge(2, &r));
    assert_eq!(
        (p.creates.len(), p.archives.len(), p.updates.len()),
        (0, 0, 1)
    );
    let req = p.to_request("demo", &Options::default(), false, None);
    assert_eq!(verify(&req, &r, None, GuardLimits::default()), Ok(()));
    let after = applied(&r, &p);
    let ann = after
        .users
        .iter()
        .find(|u| u.data.first_name == "Ann")
        .expect("Ann");
    assert_eq!(
        (ann.id, ann.data.sis_id.as_ref().map(|s| s.as_str())),
        (r.users[0].id, Some("123")),
        "her history kept"
    );
    assert!(plan_of(&file, &after, "users.csv").is_empty());

    // A merge the rule does not support is refused by the server.
    let mut forged = req.clone();
    forged.merges[0].id = r.users[1].id;
    forged.updates[0].id = r.users[1].id;
    assert_eq!(
        verify(&forged, &r, None, GuardLimits::default()),
        Err(VerifyError::NotSamePerson(r.users[1].id))
    );
}

#[test]
fn a_blank_id_whose_email_changed_is_the_same_person_by_name_and_school() {
    let head = "email,firstname,lastname,role,status,school\n";
    let r = roster(
        &format!("{head}ann@old.org,Ann,Lee,student,1,101\n"),
        "users.csv",
    );
    let p = plan_of(
        &format!("{head}ann@new.org,ANN,Lee,student,1,101\n"),
        &r,
        "users.csv",
    );
    assert_eq!(p.same_person.len(), 1);
    assert_eq!(
        p.same_person[0].reason,
        rollcall_shared::plan::SamePersonReason::EmailChanged
    );
    // Another school: not the same person.
    let p = plan_of(
        &format!("{head}ann@new.org,Ann,Lee,student,1,102\n"),
        &r,
        "users.csv",
    );
    assert!(p.same_person.is_empty());
}

#[test]
fn a_file_whose_ids_lost_their_zeros_is_one_error_that_blocks() {
    let head = "idnumber,email,firstname,lastname,role,status,school\n";
    let rows: Vec<String> = (1..=10)
        .map(|i| format!("{:05},,N{i},Lee,student,1,101", i))
        .collect();
    let r = roster(&format!("{head}{}\n", rows.join("\n")), "users.csv");
    let file: Vec<String> = (1..=10)
        .map(|i| format!("{i},,N{i},Lee,student,1,101"))
        .collect();
    let p = plan_of(&format!("{head}{}\n", file.join("\n")), &r, "users.csv");
    let lost: Vec<_> = p
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::LeadingZerosLost)
        .collect();
    assert_eq!(lost.len(), 1, "{:?}", p.issues);
    assert!(lost[0].is_error() && lost[0].row.is_none());
    assert_eq!(p.same_person.len(), 10);
    // With their emails kept, each row is refused (PRODUCT.md's rule 3), said for what it is,
    // and the file-level error names the cause.
    let rows: Vec<String> = (1..=10)
        .map(|i| format!("{:05},n{i}@d.org,N{i},Lee,student,1,101", i))
        .collect();
    let r = roster(&format!("{head}{}\n", rows.join("\n")), "users.csv");
    let file: Vec<String> = (1..=10)
        .map(|i| format!("{i},n{i}@d.org,N{i},Lee,student,1,101"))
        .collect();
    let p = plan_of(&format!("{head}{}\n", file.join("\n")), &r, "users.csv");
    assert!(
        p.issues
            .iter()
            .any(|i| i.code == IssueCode::LeadingZerosLost),
        "{:?}",
        p.issues
    );
    assert!(p
        .issues
        .iter()
        .any(|i| i.code == IssueCode::EmailOwnedByOther && i.message.contains("leading zeros")));
}

/// A generated roster of 20,000 whose ids are all digits with leading zeros; next month's file
/// has 5% of them stripped of their zeros (a spreadsheet's doing). With the emails kept, each
/// such row is refused and said to be the same id with zeros; without an email column, each is
/// a create beside an archive, every one found as a same-person pair, and merging them all
/// leaves nothing to create or archive.
#[test]
fn five_percent_of_ids_without_their_zeros_are_all_recognised() {
    use rollcall_shared::testgen::{person, Rng, HEADINGS};
    use rollcall_shared::write::push_row;
    // People with all-digit ids (`0000123`); `strip` drops the zeros of every 20th, `email`
    // keeps or drops the email column.
    let people = |strip: bool, email: bool| {
        let mut rng = Rng::new(5);
        let mut out = String::new();
        // Staff need an email: without one their rows are refused, so only students count.
        let mut students_stripped = 0;
        let keep = |cells: Vec<String>| -> Vec<String> {
            cells
                .into_iter()
                .enumerate()
                .filter(|(j, _)| email || *j != 5)
                .map(|(_, c)| c)
                .collect()
        };
        push_row(
            &mut out,
            keep(HEADINGS.iter().map(|h| h.to_string()).collect())
                .iter()
                .map(String::as_str),
        );
        for i in 0..20_000u64 {
            let mut p = person(&mut rng, i);
            p[2] = p[2][1..].to_owned();
            if strip && i % 20 == 7 {
                p[2] = p[2].trim_start_matches('0').to_owned();
                students_stripped += usize::from(p[3] == "0");
            }
            push_row(&mut out, keep(p.to_vec()).iter().map(String::as_str));
        }
        (out, students_stripped)
    };
    let r = Roster::from_validation(&file(&people(false, true).0), "students.csv", 1);

    let p = plan_of(&people(true, true).0, &r, "students.csv");
    let said = p
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::EmailOwnedByOther && i.message.contains("leading zeros"))
        .count();
    assert_eq!(
        said, 1000,
        "each row refused (PRODUCT.md's rule 3) and said for what it is"
    );
    assert!(
        !p.issues
            .iter()
            .any(|i| i.code == IssueCode::LeadingZerosLost),
        "5% is not most"
    );

    let r = Roster::from_validation(&file(&people(false, false).0), "students.csv", 1);
    let (stripped, n) = people(true, false);
    let mut p = plan_of(&stripped, &r, "students.csv");
    assert!(n > 850, "{n}");
    assert_eq!(
        (p.creates.len(), p.same_person.len()),
        (n, n),
        "every pair found"
    );
    let rows: Vec<u32> = p.same_person.iter().map(|h| h.row).collect();
    for row in rows {
        assert!(p.merge(row, &r));
    }
    assert_eq!((p.creates.len(), p.updates.len()), (0, n));
    let req = p.to_request("demo", &Options::default(), true, None);
    assert_eq!(verify(&req, &r, None, GuardLimits::default()), Ok(()));
}

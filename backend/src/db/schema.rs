//! Hand-written (print-schema disagrees on integer widths between backends; BigInt works on
//! both). Mirrors `migrations/`.

diesel::table! {
    districts (id) {
        id -> BigInt,
        short_name -> Text,
        name -> Text,
        revision -> BigInt,
        next_user_id -> BigInt,
        next_import -> BigInt,
        guard_percent -> BigInt,
        guard_min -> BigInt,
        next_group_id -> BigInt,
        next_admin_id -> BigInt,
        next_mail_id -> BigInt,
        public_url -> Nullable<Text>,
        next_token_id -> BigInt,
        time_zone -> Text,
        mail_from -> Nullable<Text>,
    }
}

diesel::table! {
    schools (district_id, sis_code) {
        district_id -> BigInt,
        sis_code -> Text,
        name -> Text,
    }
}

diesel::table! {
    users (district_id, id) {
        district_id -> BigInt,
        id -> BigInt,
        sis_id -> Nullable<Text>,
        email -> Nullable<Text>,
        first_name -> Text,
        last_name -> Text,
        middle_name -> Nullable<Text>,
        role -> Text,
        grade -> Nullable<Text>,
        school -> Text,
        state_id -> Nullable<Text>,
        alt_id -> Nullable<Text>,
        limited_english -> Nullable<Bool>,
        econ_disadvantaged -> Nullable<Bool>,
        status -> Text,
        scope -> Text,
        managed_by -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        updated_at -> BigInt,
        keep_active -> Bool,
    }
}

diesel::table! {
    groups (district_id, id) {
        district_id -> BigInt,
        id -> BigInt,
        name -> Text,
    }
}

diesel::table! {
    group_members (district_id, group_id, user_id) {
        district_id -> BigInt,
        group_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    admins (district_id, id) {
        district_id -> BigInt,
        id -> BigInt,
        email -> Text,
        name -> Text,
        password_hash -> Text,
    }
}

diesel::table! {
    sessions (district_id, token_hash) {
        district_id -> BigInt,
        token_hash -> Text,
        admin_id -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    api_tokens (district_id, token_hash) {
        district_id -> BigInt,
        token_hash -> Text,
        name -> Text,
        created_at -> BigInt,
        id -> BigInt,
        sync -> Nullable<Text>,
        last_used_at -> Nullable<BigInt>,
        expires_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Global: an admin's email → its district (sign-in starts without one).
    logins (email) {
        email -> Text,
        district_id -> BigInt,
        admin_id -> BigInt,
    }
}

diesel::table! {
    /// Global: a bearer token's hash → its district (a request starts without one).
    token_districts (token_hash) {
        token_hash -> Text,
        district_id -> BigInt,
    }
}

diesel::table! {
    imports (district_id, number) {
        district_id -> BigInt,
        number -> BigInt,
        description -> Nullable<Text>,
        kind -> Text,
        scope -> Text,
        status -> Text,
        submitted_by -> Text,
        submitted_at -> BigInt,
        run_at -> Nullable<BigInt>,
        completed_at -> Nullable<BigInt>,
        base_revision -> BigInt,
        applied_revision -> Nullable<BigInt>,
        idempotency_key -> Nullable<Text>,
        counts -> Text,
        request -> Text,
        error -> Nullable<Text>,
        created_from -> Nullable<BigInt>,
        created_to -> Nullable<BigInt>,
        fingerprint -> Nullable<Text>,
        sealed -> Bool,
        link_base -> Nullable<Text>,
        source -> Nullable<Text>,
        request_gz -> Nullable<Binary>,
    }
}

diesel::table! {
    password_links (district_id, token_hash) {
        district_id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    import_changes (district_id, import_number, user_id) {
        district_id -> BigInt,
        import_number -> BigInt,
        user_id -> BigInt,
        action -> Text,
        before -> Nullable<Text>,
        after_image -> Nullable<Text>,
    }
}

diesel::table! {
    mappings (district_id, scope) {
        district_id -> BigInt,
        scope -> Text,
        mapping -> Text,
    }
}

diesel::table! {
    outbox (district_id, id) {
        district_id -> BigInt,
        id -> BigInt,
        to_addr -> Text,
        subject -> Text,
        body -> Text,
        created_at -> BigInt,
        sent_at -> Nullable<BigInt>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    logins,
    token_districts,
    districts,
    schools,
    users,
    groups,
    group_members,
    admins,
    sessions,
    api_tokens,
    imports,
    import_changes,
    mappings,
    outbox,
    password_links,
);

// @generated automatically by Diesel CLI.

diesel::table! {
    /// Every state change: who, when, what, from which client. Written in the transaction of the change.
    audit_events (id) {
        /// Sequence number.
        id -> Int8,
        /// Time of the change (transaction start).
        occurred_at -> Timestamptz,
        /// account, service (an integration client), system (a background job) or anonymous.
        actor_kind -> Text,
        /// Account id or service client name; NULL for system and anonymous.
        actor_id -> Nullable<Text>,
        /// The client the request came from (web, mini program, third-party software), when known.
        client -> Nullable<Text>,
        /// X-Request-Id of the request that made the change, to join with the logs.
        request_id -> Nullable<Text>,
        /// What happened, as a dotted verb, e.g. filing.submitted.
        action -> Text,
        /// Kind of the thing changed, e.g. filing.
        subject_type -> Text,
        /// Identifier of the thing changed.
        subject_id -> Text,
        /// Facts about the change; never passwords, tokens or unmasked identity numbers.
        details -> Jsonb,
    }
}

diesel::table! {
    /// Case types of the national standard with their case-number codes (代字).
    case_types (type_code) {
        /// Four-digit case-type code, e.g. 0301.
        type_code -> Text,
        /// Name of the case type.
        name -> Text,
        /// The type code used in case numbers (代字), e.g. 民初; NULL for grouping types.
        code -> Nullable<Text>,
        /// Depth in the hierarchy, 1 to 3.
        level -> Int2,
        /// The enclosing case type.
        parent_type_code -> Nullable<Text>,
        /// The level-1 category the type belongs to.
        category_type_code -> Text,
        /// Name of that category.
        category_name -> Text,
        /// English meaning, for the types this platform uses.
        meaning_en -> Nullable<Text>,
        /// yes, no, appeal_only (not filed online, but its judgments can be appealed online), or NULL when not stated.
        online_filing -> Nullable<Text>,
        /// True where the parent was inferred from the order of the source list.
        parent_inferred -> Bool,
        /// Free text about the type.
        notes -> Nullable<Text>,
    }
}

diesel::table! {
    /// Civil causes of action (民事案件案由), one row per cause of each published list.
    causes_of_action (list, id) {
        /// The list the cause belongs to: 2025 (in force since 2026-01-01) or 2020 (kept for older cases).
        list -> Text,
        /// Identifier within the list: P1… for parts, S1… for level 2, the official number for level 3, e.g. 84.8 for level 4.
        id -> Text,
        /// Depth in the list, 1 (part) to 4.
        level -> Int2,
        /// Official number within its level.
        seq -> Int4,
        /// The number as printed, e.g. 第四部分, 十、, 84., (8).
        display_no -> Text,
        /// Name of the cause.
        name -> Text,
        /// The enclosing cause in the same list; NULL for parts.
        parent_id -> Nullable<Text>,
        /// Names from level 1 down, joined by " > ".
        path -> Text,
        /// Position in the published order (a depth-first walk of the tree).
        sort_key -> Int4,
    }
}

diesel::table! {
    /// The courts in force in the province, as a tree from the high court down.
    courts (code) {
        /// Court part of a case number (案号法院代字), e.g. 鲁0102.
        code -> Text,
        /// Common name, e.g. 济南市历下区人民法院.
        name -> Text,
        /// Name as printed on judgments, with the province prefix where it has one.
        full_name -> Text,
        /// high, intermediate, special (railway and maritime courts) or basic.
        level -> Text,
        /// Trial tier: high, intermediate or basic (special courts sit at intermediate or basic tier).
        tier -> Text,
        /// The superior court; NULL only for the high court.
        parent_code -> Nullable<Text>,
        /// Prefecture-level city the court sits in.
        city -> Text,
        /// GB/T 2260 code of that city.
        city_division_code -> Text,
        /// GB/T 2260 county code of a basic court; NULL where there is none.
        division_code -> Nullable<Text>,
        /// True for the Qingdao intermediate court and its basic courts, which pay fees through their own channel.
        in_qingdao_jurisdiction -> Bool,
        /// How the code is known: observed in a real case number, or derived by rule.
        code_basis -> Text,
        /// Free text about the court.
        notes -> Nullable<Text>,
    }
}

diesel::table! {
    /// First answer to each request sent with an Idempotency-Key, replayed to retries.
    idempotency_keys (principal, key) {
        /// Who sent the request: an account, a service client, or anonymous; keys are scoped to it.
        principal -> Text,
        /// The Idempotency-Key header as sent.
        key -> Text,
        /// SHA-256 of method, path, query and body; a retry with another body is refused.
        request_hash -> Bytea,
        /// HTTP method of the first request.
        method -> Text,
        /// Path and query of the first request.
        path -> Text,
        /// While the first request runs: when its claim lapses (a crashed request does not block the key for ever).
        locked_until -> Nullable<Timestamptz>,
        /// HTTP status of the stored answer; NULL while the first request runs.
        response_status -> Nullable<Int2>,
        /// Headers of the stored answer that a retry must see again (content type, location, ETag).
        response_headers -> Nullable<Jsonb>,
        /// Body of the stored answer.
        response_body -> Nullable<Bytea>,
        /// When the key was first seen.
        created_at -> Timestamptz,
        /// When the answer was stored.
        completed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// Charges a victim may prosecute privately (刑事自诉).
    private_prosecution_charges (id) {
        /// Row number in the source list.
        id -> Int4,
        /// A: prosecuted only on complaint; B: minor cases the victim can prove; C: public prosecution declined.
        category -> Text,
        /// Name of the category.
        category_name -> Text,
        /// Item number within the category.
        item_no -> Int2,
        /// The kind of case as the source names it.
        case_label -> Text,
        /// The charge (罪名).
        charge -> Text,
        /// Article of the Criminal Law.
        criminal_law_article -> Nullable<Text>,
        /// Limits on when the row applies.
        condition_or_exception -> Nullable<Text>,
        /// True for open categories rather than single charges.
        is_category_row -> Bool,
    }
}

diesel::table! {
    /// Court codes used in older case numbers that no longer exist, with the court that took over.
    retired_court_codes (old_code) {
        /// The retired court code, e.g. 鲁0181.
        old_code -> Text,
        /// Name of the court under the retired code.
        old_name -> Text,
        /// GB/T 2260 code the retired court code was derived from.
        old_division_code -> Text,
        /// The court in force that took over.
        successor_code -> Text,
        /// What changed, e.g. a county becoming a district.
        change -> Text,
    }
}

diesel::joinable!(retired_court_codes -> courts (successor_code));

diesel::allow_tables_to_appear_in_same_query!(
    audit_events,
    case_types,
    causes_of_action,
    courts,
    idempotency_keys,
    private_prosecution_charges,
    retired_court_codes,
);

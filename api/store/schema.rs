// @generated automatically by Diesel CLI.

diesel::table! {
    /// People who use the platform. Login is by ID number, licence number (lawyers, legal workers) or login name (judges, administrators).
    accounts (id) {
        /// Account id.
        id -> Uuid,
        /// party, lawyer, legal_worker, judge or admin.
        role -> Text,
        /// pending_verification until the registry confirms the person, then active; verification_failed (may register again) or disabled.
        status -> Text,
        /// Name as verified (or as provisioned, for staff).
        name -> Text,
        /// Mainland resident ID number, upper-case; NULL only for staff accounts.
        id_number -> Nullable<Text>,
        /// Practice licence number of a lawyer or legal worker; also a login name.
        licence_number -> Nullable<Text>,
        /// Login name of a judge or administrator.
        login -> Nullable<Text>,
        /// Bound mobile phone, canonical 11 digits; notifications go here. NULL: no SMS.
        phone -> Nullable<Text>,
        /// A landline from an imported record; it cannot receive SMS.
        landline -> Nullable<Text>,
        /// Contact e-mail address, optional.
        email -> Nullable<Text>,
        /// Argon2id hash in PHC string format.
        password_hash -> Text,
        /// True while the account holds a default or administrator-set password; nothing else is allowed until it is changed.
        must_change_password -> Bool,
        /// The court a judge belongs to.
        court_code -> Nullable<Text>,
        /// When the account was created.
        created_at -> Timestamptz,
        /// When the account last changed.
        updated_at -> Timestamptz,
    }
}

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
    /// The last sequence number handed out per court, year and type code; updated in the docketing transaction, so numbers have no gaps and never repeat.
    case_number_sequences (court_code, year, type_code) {
        /// Court code of the case numbers (鲁0102).
        court_code -> Text,
        /// Year of the case numbers.
        year -> Int2,
        /// Case type code (民初, 执, …).
        type_code -> Text,
        /// The highest sequence number in use (handed out here or arrived from the trial system).
        last_sequence -> Int4,
    }
}

diesel::table! {
    /// Every case number in use: those given at docketing and those of cases registered at the court counter (from the trial system). A number here is never handed out again.
    case_numbers (case_number) {
        /// The canonical case number.
        case_number -> Text,
        /// Its court code.
        court_code -> Text,
        /// Its year.
        year -> Int2,
        /// Its type code.
        type_code -> Text,
        /// Its sequence number.
        sequence -> Int4,
        /// docketing (given here) or trial_system (registered at the counter).
        source -> Text,
        /// The online filing it was given to, if any.
        filing_id -> Nullable<Uuid>,
        /// When it was recorded.
        created_at -> Timestamptz,
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
    /// Fee orders (payment notices) created at docketing: what is to be paid for a case, by whom, until when, and how it was paid.
    fee_orders (id) {
        /// Fee order id.
        id -> Uuid,
        /// Human-readable order number, quoted when paying.
        order_number -> Text,
        /// The filing (case) the fee is for.
        filing_id -> Uuid,
        /// The court that issued it (the case's court).
        court_code -> Text,
        /// awaiting_payment, payment_in_progress, paid_awaiting_settlement, settled, expired, cancelled, paid_after_expiry, partially_refunded or refunded.
        status -> Text,
        /// The fee items: [{item, amount (yuan string), rule}].
        items -> Jsonb,
        /// Total in fen.
        total_fen -> Int8,
        /// The party who pays; on the filer's side when issued.
        payer_party_id -> Uuid,
        /// The party who receives refunds; on the filer's side when issued.
        refundee_party_id -> Uuid,
        /// The payer's name when the order was issued.
        payer_name -> Text,
        /// The refundee's name when the order was issued.
        refundee_name -> Text,
        /// When the payment notice expires (end of its last day in Asia/Shanghai).
        expires_at -> Timestamptz,
        /// The platform's fee quote the judge started from, if one was asked for.
        proposal -> Nullable<Jsonb>,
        /// Why the judge set a fee outside the proposal.
        override_reason -> Nullable<Text>,
        /// The judge who issued the order.
        issued_by -> Uuid,
        /// The expired order this one replaces.
        replaces_order_id -> Nullable<Uuid>,
        /// How it was paid (wechat_pay, alipay, corporate_banking, unionpay, personal_banking, …).
        channel -> Nullable<Text>,
        /// When the payment platform reported it paid.
        paid_at -> Nullable<Timestamptz>,
        /// When reconciliation confirmed the money reached the treasury.
        settled_at -> Nullable<Timestamptz>,
        /// Refunded so far, in fen; never more than the total.
        refunded_fen -> Int8,
        /// When it was issued.
        created_at -> Timestamptz,
        /// Last change.
        updated_at -> Timestamptz,
        /// The payment that paid the order.
        paid_by_payment_id -> Nullable<Uuid>,
        /// When the filer was reminded that the notice is about to expire.
        reminder_sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// Whom each agent represents; both belong to the same filing.
    filing_agent_parties (agent_id, party_id) {
        /// The filing of both the agent and the party.
        filing_id -> Uuid,
        /// The agent.
        agent_id -> Uuid,
        /// A party the agent represents.
        party_id -> Uuid,
    }
}

diesel::table! {
    /// Agents acting for parties of a filing: lawyers, legal workers and others.
    filing_agents (id) {
        /// Agent id.
        id -> Uuid,
        /// The filing.
        filing_id -> Uuid,
        /// lawyer, legal_worker or other.
        agent_type -> Text,
        /// Name.
        name -> Text,
        /// The validated agent as the API shows it (ID number, licence number, firm, phone).
        details -> Jsonb,
        /// When it was added.
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// Materials attached to filings. One material (an ID card scan, a power of attorney) may serve several filings of its owner.
    filing_materials (filing_id, material_id) {
        /// The filing.
        filing_id -> Uuid,
        /// The material.
        material_id -> Uuid,
        /// What the material is in this filing (the material's own category unless the filer said otherwise when attaching).
        category -> Text,
        /// When it was attached.
        attached_at -> Timestamptz,
    }
}

diesel::table! {
    /// The parties of a filing: natural persons, legal persons and unincorporated organisations.
    filing_parties (id) {
        /// Party id.
        id -> Uuid,
        /// The filing.
        filing_id -> Uuid,
        /// plaintiff, defendant, third_party, appellant, appellee, applicant, respondent, private_prosecutor, accused, …; allowed roles depend on the kind.
        role -> Text,
        /// natural_person, legal_person or unincorporated_organisation.
        party_type -> Text,
        /// Name, normalised; searched by "my cases".
        name -> Text,
        /// The validated party as the API shows it (documents, address, phone, representative …).
        details -> Jsonb,
        /// When it was added; parties are listed in this order.
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// Online filings, from draft to accepted case. "My cases" are the filings of the filer account.
    filings (id) {
        /// Filing id.
        id -> Uuid,
        /// The filing account: the account that created it; only it sees the filing.
        filer_account_id -> Uuid,
        /// The kind of filing, one of the online-filable kinds.
        kind -> Text,
        /// The accepting court; derived from the original or existing case for kinds that follow one.
        court_code -> Nullable<Text>,
        /// draft, submitted, approved, rejected, awaiting_payment, paid_awaiting_settlement, settled or accepted.
        status -> Text,
        /// The kind-specific content (cause of action, amounts, claims, facts, service address, …), validated and normalised.
        content -> Jsonb,
        /// The party who pays the fee; one of the parties on the filer's side. Cleared when that party is deleted.
        payer_party_id -> Nullable<Uuid>,
        /// The party who receives refunds; one of the parties on the filer's side. Cleared when that party is deleted.
        refundee_party_id -> Nullable<Uuid>,
        /// Incremented on every change of the filing or its parties, agents or materials; the ETag.
        version -> Int4,
        /// Human-readable reference given at the first submission, kept on resubmission.
        filing_reference -> Nullable<Text>,
        /// Canonical case number, assigned at docketing.
        case_number -> Nullable<Text>,
        /// Registration number, assigned at docketing.
        registration_number -> Nullable<Text>,
        /// The judge's reason when the review rejected the filing.
        rejection_reason -> Nullable<Text>,
        /// The client that created the filing (web, mini program, an integration client id).
        created_via -> Nullable<Text>,
        /// When the draft was created.
        created_at -> Timestamptz,
        /// Last change.
        updated_at -> Timestamptz,
        /// First submission; kept when a rejected filing is submitted again.
        first_submitted_at -> Nullable<Timestamptz>,
        /// Latest submission.
        submitted_at -> Nullable<Timestamptz>,
        /// The judge who last reviewed the filing.
        reviewed_by -> Nullable<Uuid>,
        /// When it was last reviewed.
        reviewed_at -> Nullable<Timestamptz>,
        /// The coded reason of the last rejection (the free text is in rejection_reason).
        rejection_reason_code -> Nullable<Text>,
        /// The judge who registered the case (assigned case number and fee).
        docketed_by -> Nullable<Uuid>,
        /// When the case was registered.
        docketed_at -> Nullable<Timestamptz>,
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
    /// The registry facts of a lawyer account, as verified.
    lawyer_profiles (account_id) {
        /// The lawyer's account.
        account_id -> Uuid,
        /// Gender as in the lawyer registry.
        gender -> Text,
        /// Ethnicity as in the lawyer registry.
        ethnicity -> Text,
        /// Date the practice licence was issued.
        licence_date -> Date,
        /// Qualification certificate number.
        qualification_number -> Text,
        /// Date of the qualification certificate.
        qualification_date -> Date,
        /// Date the lawyer started practising.
        practice_start_date -> Date,
        /// The law firm.
        law_firm -> Text,
    }
}

diesel::table! {
    /// Each pull of legal-worker records from the justice department and what it changed.
    legal_worker_sync_runs (id) {
        /// Run id.
        id -> Uuid,
        /// Start time.
        started_at -> Timestamptz,
        /// End time; NULL while running or after a crash.
        finished_at -> Nullable<Timestamptz>,
        /// schedule, cli, or admin:<account id> of the administrator who ran it.
        trigger -> Text,
        /// Records the justice department returned.
        records_seen -> Int4,
        /// Party accounts converted to legal workers.
        converted -> Int4,
        /// What changed, one entry per account (ID numbers masked).
        details -> Jsonb,
        /// Why the run failed, if it did.
        error -> Nullable<Text>,
    }
}

diesel::table! {
    /// Failed logins per login name and per client address, to slow down and lock password guessing.
    login_throttle (key) {
        /// login:<login name> or address:<client address>.
        key -> Text,
        /// Failures in the current window.
        failures -> Int4,
        /// Start of the counting window.
        window_started_at -> Timestamptz,
        /// No login is tried before this time.
        locked_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// Uploaded PDFs and images. The bytes live in the object store under storage_key.
    materials (id) {
        /// Material id.
        id -> Uuid,
        /// The account that uploaded it; it alone may use it until it is attached to a case.
        owner_account_id -> Uuid,
        /// complaint_or_application, evidence, identity_document, authorisation, service_address_confirmation or other.
        category -> Text,
        /// What the uploader says it is.
        description -> Nullable<Text>,
        /// The file name as sent, reduced to a safe base name; never used as a path.
        original_name -> Text,
        /// The content type the client declared; recorded, never trusted.
        declared_content_type -> Nullable<Text>,
        /// The type recognised from the content: application/pdf, image/jpeg or image/png.
        content_type -> Text,
        /// Size in bytes.
        size_bytes -> Int8,
        /// SHA-256 of the content; the same bytes uploaded twice by one account are one material.
        sha256 -> Bytea,
        /// Page count of a PDF; NULL for images.
        pages -> Nullable<Int4>,
        /// Key of the bytes in the object store.
        storage_key -> Text,
        /// Upload time.
        created_at -> Timestamptz,
        /// When it was attached to a case; unattached materials are removed after 24 hours.
        attached_at -> Nullable<Timestamptz>,
        /// When it was last detached from its last filing; an unattached material is removed 24 hours after its upload or its release, whichever is later.
        released_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// Mini-program identities bound to accounts after face verification.
    mini_program_bindings (openid) {
        /// The mini program's identity of the user.
        openid -> Text,
        /// The bound account.
        account_id -> Uuid,
        /// The integration client that bound it.
        client_id -> Uuid,
        /// When it was bound.
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// SMS codes for password resets and phone changes, stored hashed.
    one_time_codes (id) {
        /// Code id.
        id -> Uuid,
        /// The account the code is for.
        account_id -> Uuid,
        /// password_reset or phone_change.
        purpose -> Text,
        /// The phone the code was sent to (the new phone, for a phone change).
        phone -> Text,
        /// Keyed hash of the six-digit code.
        code_hash -> Bytea,
        /// Wrong tries so far; the code dies after five.
        attempts -> Int4,
        /// When it was sent.
        created_at -> Timestamptz,
        /// Ten minutes after it was sent.
        expires_at -> Timestamptz,
        /// When it was used.
        consumed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// The documents of a password reset request. The bytes live in the object store under storage_key.
    password_reset_documents (id) {
        /// Document id.
        id -> Uuid,
        /// The request it belongs to.
        request_id -> Uuid,
        /// licence (practice licence), id_card (resident ID card) or holding_id_photo (the requester holding the ID card); one of each per request.
        kind -> Text,
        /// The type recognised from the content: application/pdf, image/jpeg or image/png.
        content_type -> Text,
        /// Size in bytes.
        size_bytes -> Int8,
        /// SHA-256 of the content.
        sha256 -> Bytea,
        /// Key of the bytes in the object store (under password-reset-documents/).
        storage_key -> Text,
        /// Upload time.
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// Requests to reset a password by uploading identity documents, for people whose phone on file cannot receive a code; decided by an administrator.
    password_reset_requests (id) {
        /// Request id.
        id -> Uuid,
        /// The account the login designates; NULL when it designates none (the requester is never told which).
        account_id -> Nullable<Uuid>,
        /// The login as typed, cleaned (blanks removed, full-width characters folded): normally an ID number or a licence number.
        login -> Text,
        /// Mobile phone, canonical 11 digits, where the requester can be reached now; the decision is sent there.
        contact_phone -> Text,
        /// pending, approved (the password was reset) or refused.
        status -> Text,
        /// The administrator's reason; required for a refusal and sent to the requester.
        reason -> Nullable<Text>,
        /// The administrator who decided.
        decided_by -> Nullable<Uuid>,
        /// When it was decided; NULL while pending.
        decided_at -> Nullable<Timestamptz>,
        /// When it was filed.
        created_at -> Timestamptz,
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
    /// Refresh tokens, stored hashed; each may be used once.
    refresh_tokens (id) {
        /// Token id.
        id -> Uuid,
        /// The session it belongs to.
        family_id -> Uuid,
        /// SHA-256 of the token; the token itself is never stored.
        token_hash -> Bytea,
        /// When it was issued.
        created_at -> Timestamptz,
        /// When it stops working.
        expires_at -> Timestamptz,
        /// When it was exchanged; using it again revokes the session.
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// Who found which registered case through a lookup, and how: only they may act on it by id (draft an appeal from it).
    registered_case_access (account_id, case_id) {
        /// The account that looked the case up.
        account_id -> Uuid,
        /// The case it found.
        case_id -> Uuid,
        /// case_and_registration_number or party_details (the name and identity number of a party).
        via -> Text,
        /// The first lookup that found it.
        first_at -> Timestamptz,
        /// The latest lookup that found it.
        last_at -> Timestamptz,
    }
}

diesel::table! {
    /// The parties of a registered case, in the order the court lists them.
    registered_case_parties (id) {
        /// Party id; kept while the trial system pushes the same party at the same position.
        id -> Uuid,
        /// The registered case.
        case_id -> Uuid,
        /// Position in the list of parties, from 0.
        position -> Int2,
        /// The role in that case (plaintiff, defendant, third_party, appellant, appellee, applicant, respondent, private_prosecutor, accused, …).
        role -> Text,
        /// natural_person, legal_person or unincorporated_organisation.
        party_type -> Text,
        /// Name, normalised.
        name -> Text,
        /// The canonical identity document number of a person, or the unified social credit code of an organisation; how parties are matched to accounts.
        identity_number -> Nullable<Text>,
        /// The validated party, in the shape of a filing party (documents, address, representative …).
        details -> Jsonb,
    }
}

diesel::table! {
    /// Registered cases known to the platform: pushed by the trial system or docketed here. Looked up by case number and registration number, never browsed.
    registered_cases (id) {
        /// Registered case id.
        id -> Uuid,
        /// The canonical case number; the key the trial system upserts by.
        case_number -> Text,
        /// The registration number; with the case number it opens the case.
        registration_number -> Text,
        /// The court code of the case number (the court that registered the case; it may since have been retired).
        court_code -> Text,
        /// The year of the case number.
        year -> Int2,
        /// The type code of the case number (民初, 行初, 执, …).
        type_code -> Text,
        /// The cause of action or charge, as the court recorded it.
        cause -> Nullable<Text>,
        /// open or closed.
        status -> Text,
        /// When the case was registered (Asia/Shanghai date).
        registered_on -> Nullable<Date>,
        /// When the case was closed (Asia/Shanghai date); set exactly when closed.
        closed_on -> Nullable<Date>,
        /// The number of the judgment or ruling that closed the case.
        judgment_document_number -> Nullable<Text>,
        /// trial_system (pushed) or docketing (registered on this platform; the trial system may push it later).
        source -> Text,
        /// The online filing the case was registered from, if any.
        filing_id -> Nullable<Uuid>,
        /// The integration client that last pushed the case.
        pushed_by -> Nullable<Uuid>,
        /// When the trial system last pushed the case.
        pushed_at -> Nullable<Timestamptz>,
        /// When the platform first learnt of the case.
        created_at -> Timestamptz,
        /// Last change.
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    /// Each attempt to register, verified asynchronously against the citizen or lawyer registry.
    registrations (id) {
        /// Registration id, returned to the registrant.
        id -> Uuid,
        /// The account it creates or upgrades.
        account_id -> Uuid,
        /// party (citizen registry) or lawyer (lawyer registry).
        kind -> Text,
        /// pending_verification, verified or failed.
        status -> Text,
        /// The facts submitted for verification (never the password).
        submitted -> Jsonb,
        /// The registry's reason: id_cancelled, details_changed, special_status, name_mismatch, not_found, fields_differ, not_yet_in_registry. Shown to administrators only.
        failure_reason -> Nullable<Text>,
        /// For lawyers: the fields that differ from the registry.
        differing_fields -> Array<Nullable<Text>>,
        /// Calls made to the registry so far.
        attempts -> Int4,
        /// When the verification job may call the registry (again).
        next_attempt_at -> Timestamptz,
        /// When the registration was submitted.
        created_at -> Timestamptz,
        /// When the registry's answer was applied.
        decided_at -> Nullable<Timestamptz>,
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

diesel::table! {
    /// Integration clients (mini-program backend, trial system, …) with their own credentials and scopes.
    service_clients (id) {
        /// Client id, the first part of its key.
        id -> Uuid,
        /// Human name, e.g. mini-program.
        name -> Text,
        /// SHA-256 of the client secret (a random 256-bit value).
        secret_hash -> Bytea,
        /// What the client may do, e.g. mini_program.
        scopes -> Array<Nullable<Text>>,
        /// When the client was created.
        created_at -> Timestamptz,
        /// When the client was disabled; its key stops working.
        disabled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// A login and every refresh token rotated from it; revoking the family ends the session.
    session_families (id) {
        /// Session id, carried in access tokens as sid.
        id -> Uuid,
        /// The account logged in.
        account_id -> Uuid,
        /// How the session was opened: password, mini_program, ….
        client -> Nullable<Text>,
        /// Login time.
        created_at -> Timestamptz,
        /// When the session ended (logout, refresh-token reuse, password change).
        revoked_at -> Nullable<Timestamptz>,
        /// Why it ended.
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// The SMS outbox: written in the transaction of the change it reports, delivered by a job.
    sms_messages (id) {
        /// Message id.
        id -> Int8,
        /// The account told; NULL for messages to a phone not yet bound.
        account_id -> Nullable<Uuid>,
        /// Destination; NULL when the account has no phone (status not_sent).
        phone -> Nullable<Text>,
        /// The event template, e.g. registration_verified.
        template -> Text,
        /// The text as sent (one-time codes included, so only administrators may read it).
        body -> Text,
        /// pending, sent, failed (gave up) or not_sent (no mobile phone).
        status -> Text,
        /// Why it was not sent, e.g. no_phone.
        not_sent_reason -> Nullable<Text>,
        /// Delivery attempts so far.
        attempts -> Int4,
        /// When the job tries (again).
        next_attempt_at -> Timestamptz,
        /// The gateway's last error, for operators.
        last_error -> Nullable<Text>,
        /// The gateway's id for the message.
        gateway_message_id -> Nullable<Text>,
        /// From the gateway's delivery receipt: delivered, failed or unknown.
        delivery_status -> Nullable<Text>,
        /// Time of the delivery receipt.
        delivered_at -> Nullable<Timestamptz>,
        /// When the message was queued.
        created_at -> Timestamptz,
        /// When the gateway accepted it.
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// Whether the finance bureau of a city holds an account with a bank, which personal online banking needs; a bank without a row is available. Kept by operators.
    finance_bureau_banks (city, bank) {
        /// The city, as in courts.city (济南市).
        city -> Text,
        /// icbc, abc, boc, ccb, cmb, psbc or citic.
        bank -> Text,
        /// Whether payments through this bank are possible for the city's courts.
        available -> Bool,
        /// Operator's note.
        note -> Nullable<Text>,
        /// Last change.
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    /// Every signed notification a payment platform delivered (or the answer of a status query that changed something), and what it did, kept for staff; deliveries that fail verification are logged, not stored.
    payment_notifications (id) {
        /// Row id.
        id -> Int8,
        /// provincial or qingdao.
        platform -> Text,
        /// The platform's id of the notification (repeated on redelivery); query for answers of a status query.
        notification_id -> Nullable<Text>,
        /// The payment it is about, when known.
        payment_id -> Nullable<Uuid>,
        /// applied, duplicate (seen before), stale (older than the state already known), amount_mismatch, unknown_payment, after_expiry or duplicate_payment (money kept for refund review).
        outcome -> Text,
        /// The body as received (at most 64 KiB).
        body -> Text,
        /// When it arrived.
        received_at -> Timestamptz,
    }
}

diesel::table! {
    /// Attempts to pay a fee order at a payment platform; our id is the platform's merchant order number, so a retried request never pays twice.
    payments (id) {
        /// Payment id; sent to the platform as our order number (32 hex digits).
        id -> Uuid,
        /// The fee order being paid.
        fee_order_id -> Uuid,
        /// provincial (the non-tax payment platform) or qingdao (the Qingdao courts' platform).
        platform -> Text,
        /// wechat_pay, alipay, corporate_banking, unionpay, personal_banking or online_banking (Qingdao).
        channel -> Text,
        /// The bank of a personal or Qingdao online-banking payment.
        bank -> Nullable<Text>,
        /// Amount asked, in fen: the order's total when the payment started.
        amount_fen -> Int8,
        /// started, in_progress (e.g. waiting for a corporate second approver), paid or failed.
        status -> Text,
        /// The platform's own order id (Qingdao creates one before payment).
        platform_order_id -> Nullable<Text>,
        /// Where the payer completes the payment.
        pay_url -> Nullable<Text>,
        /// QR payload for WeChat Pay and Alipay.
        qr_code -> Nullable<Text>,
        /// The platform's transaction id once paid.
        transaction_id -> Nullable<Text>,
        /// The platform's payment voucher, passed through.
        voucher_url -> Nullable<Text>,
        /// When the platform says the money was paid.
        paid_at -> Nullable<Timestamptz>,
        /// Money that needs a person: duplicate_payment (the order was already paid), after_expiry (the notice had expired or the order was cancelled) or amount_mismatch (the platform reported another amount; no longer queried).
        review_reason -> Nullable<Text>,
        /// The account that started the payment.
        started_by -> Uuid,
        /// When the platform was last asked about it, for payments without a notification.
        last_queried_at -> Nullable<Timestamptz>,
        /// When it was started.
        created_at -> Timestamptz,
        /// Last change.
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    /// Refunds of paid fee orders to their refundee; the amount is reserved on the order (fee_orders.refunded_fen) when requested and released only if the platform refuses.
    refunds (id) {
        /// Refund id; sent to the platform as our refund number, so a retried request never refunds twice.
        id -> Uuid,
        /// The order refunded.
        fee_order_id -> Uuid,
        /// The payment the money goes back from.
        payment_id -> Uuid,
        /// Amount in fen.
        amount_fen -> Int8,
        /// Who receives it (the order's refundee).
        refundee_name -> Text,
        /// Why it is refunded (judge's text).
        reason -> Text,
        /// pending (sent or to be sent to the platform), succeeded or failed.
        status -> Text,
        /// The platform's id of the refund.
        platform_refund_id -> Nullable<Text>,
        /// What the platform said when it refused.
        failure_reason -> Nullable<Text>,
        /// The judge who asked for it.
        requested_by -> Uuid,
        /// When it was asked for.
        created_at -> Timestamptz,
        /// Last change.
        updated_at -> Timestamptz,
        /// When the platform confirmed or refused it.
        completed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// The result of comparing a platform's daily statement with the payments recorded here; running it again for the same day replaces it.
    reconciliation_reports (platform, statement_date) {
        /// provincial or qingdao.
        platform -> Text,
        /// The day of the statement (money that reached the treasury that day).
        statement_date -> Date,
        /// Lines in the statement.
        statement_lines -> Int4,
        /// Orders of this statement that are settled (by this run or an earlier one).
        settled -> Int4,
        /// Statement lines with no paid payment here: [{merchant_order_no, transaction_id, amount}].
        missing_locally -> Jsonb,
        /// Payments paid here and due in this statement but not in it: [{payment_id, order_number, amount}].
        missing_in_statement -> Jsonb,
        /// Payments whose statement amount differs: [{payment_id, order_number, recorded, statement}].
        amount_mismatches -> Jsonb,
        /// When the comparison ran.
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// Changes of filings and their fee orders for the trial-management system, read in (txid, id) order and handed out only once every transaction that could still add an earlier row has ended.
    trial_system_feed (id) {
        /// Row id, in the order rows were written; orders the rows of one transaction.
        id -> Int8,
        /// The id (with epoch) of the transaction that wrote the row; readers get the row once no transaction with a smaller id is still running.
        txid -> Int8,
        /// What happened, named as readers see it (filing.submitted, fee_order.paid, …); the contract lists every event.
        event -> Text,
        /// The filing the change concerns.
        filing_id -> Uuid,
        /// The court that handles the filing.
        court_code -> Text,
        /// The facts of the change as readers get them, a JSON object whose members depend on the event.
        payload -> Jsonb,
        /// When the change was made.
        occurred_at -> Timestamptz,
    }
}

diesel::joinable!(accounts -> courts (court_code));
diesel::joinable!(case_numbers -> filings (filing_id));
diesel::joinable!(fee_orders -> accounts (issued_by));
diesel::joinable!(fee_orders -> courts (court_code));
diesel::joinable!(fee_orders -> filings (filing_id));
diesel::joinable!(filing_agents -> filings (filing_id));
diesel::joinable!(filing_materials -> filings (filing_id));
diesel::joinable!(filing_materials -> materials (material_id));
diesel::joinable!(filing_parties -> filings (filing_id));
diesel::joinable!(filings -> courts (court_code));
diesel::joinable!(lawyer_profiles -> accounts (account_id));
diesel::joinable!(materials -> accounts (owner_account_id));
diesel::joinable!(mini_program_bindings -> accounts (account_id));
diesel::joinable!(mini_program_bindings -> service_clients (client_id));
diesel::joinable!(one_time_codes -> accounts (account_id));
diesel::joinable!(payment_notifications -> payments (payment_id));
diesel::joinable!(payments -> accounts (started_by));
diesel::joinable!(password_reset_documents -> password_reset_requests (request_id));
diesel::joinable!(refresh_tokens -> session_families (family_id));
diesel::joinable!(refunds -> accounts (requested_by));
diesel::joinable!(refunds -> fee_orders (fee_order_id));
diesel::joinable!(refunds -> payments (payment_id));
diesel::joinable!(registered_case_access -> accounts (account_id));
diesel::joinable!(registered_case_access -> registered_cases (case_id));
diesel::joinable!(registered_case_parties -> registered_cases (case_id));
diesel::joinable!(registered_cases -> filings (filing_id));
diesel::joinable!(registered_cases -> service_clients (pushed_by));
diesel::joinable!(registrations -> accounts (account_id));
diesel::joinable!(retired_court_codes -> courts (successor_code));
diesel::joinable!(session_families -> accounts (account_id));
diesel::joinable!(sms_messages -> accounts (account_id));
diesel::joinable!(trial_system_feed -> filings (filing_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    audit_events,
    case_number_sequences,
    case_numbers,
    case_types,
    causes_of_action,
    courts,
    fee_orders,
    filing_agent_parties,
    filing_agents,
    filing_materials,
    filing_parties,
    filings,
    finance_bureau_banks,
    idempotency_keys,
    lawyer_profiles,
    legal_worker_sync_runs,
    login_throttle,
    materials,
    mini_program_bindings,
    one_time_codes,
    password_reset_documents,
    password_reset_requests,
    payment_notifications,
    payments,
    private_prosecution_charges,
    reconciliation_reports,
    refresh_tokens,
    refunds,
    registered_case_access,
    registered_case_parties,
    registered_cases,
    registrations,
    retired_court_codes,
    service_clients,
    session_families,
    sms_messages,
    trial_system_feed,
);

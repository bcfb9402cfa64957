-- Accounts of people (parties, lawyers, legal workers, judges, administrators), their
-- registrations and sessions, integration clients, the SMS outbox, one-time codes and the
-- login throttle.

CREATE TABLE accounts (
    id uuid PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('party', 'lawyer', 'legal_worker', 'judge', 'admin')),
    status text NOT NULL
        CHECK (status IN ('pending_verification', 'active', 'verification_failed', 'disabled')),
    name text NOT NULL,
    id_number text,
    licence_number text,
    login text,
    phone text,
    landline text,
    email text,
    password_hash text NOT NULL,
    must_change_password boolean NOT NULL DEFAULT false,
    court_code text REFERENCES courts (code),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'judge' OR court_code IS NOT NULL),
    CHECK (role IN ('judge', 'admin') OR id_number IS NOT NULL),
    CHECK (role NOT IN ('lawyer', 'legal_worker') OR licence_number IS NOT NULL
           OR status <> 'active'),
    CHECK (role NOT IN ('judge', 'admin') OR login IS NOT NULL)
);
CREATE UNIQUE INDEX accounts_id_number_key ON accounts (id_number);
CREATE UNIQUE INDEX accounts_licence_number_key ON accounts (licence_number);
CREATE UNIQUE INDEX accounts_login_key ON accounts (login);
-- A phone belongs to one account at most; a failed registration does not hold it.
CREATE UNIQUE INDEX accounts_phone_key ON accounts (phone)
    WHERE status IN ('pending_verification', 'active');
CREATE INDEX accounts_court_code_idx ON accounts (court_code);
COMMENT ON TABLE accounts IS 'People who use the platform. Login is by ID number, licence number (lawyers, legal workers) or login name (judges, administrators).';
COMMENT ON COLUMN accounts.id IS 'Account id.';
COMMENT ON COLUMN accounts.role IS 'party, lawyer, legal_worker, judge or admin.';
COMMENT ON COLUMN accounts.status IS 'pending_verification until the registry confirms the person, then active; verification_failed (may register again) or disabled.';
COMMENT ON COLUMN accounts.name IS 'Name as verified (or as provisioned, for staff).';
COMMENT ON COLUMN accounts.id_number IS 'Mainland resident ID number, upper-case; NULL only for staff accounts.';
COMMENT ON COLUMN accounts.licence_number IS 'Practice licence number of a lawyer or legal worker; also a login name.';
COMMENT ON COLUMN accounts.login IS 'Login name of a judge or administrator.';
COMMENT ON COLUMN accounts.phone IS 'Bound mobile phone, canonical 11 digits; notifications go here. NULL: no SMS.';
COMMENT ON COLUMN accounts.landline IS 'A landline from an imported record; it cannot receive SMS.';
COMMENT ON COLUMN accounts.email IS 'Contact e-mail address, optional.';
COMMENT ON COLUMN accounts.password_hash IS 'Argon2id hash in PHC string format.';
COMMENT ON COLUMN accounts.must_change_password IS 'True while the account holds a default or administrator-set password; nothing else is allowed until it is changed.';
COMMENT ON COLUMN accounts.court_code IS 'The court a judge belongs to.';
COMMENT ON COLUMN accounts.created_at IS 'When the account was created.';
COMMENT ON COLUMN accounts.updated_at IS 'When the account last changed.';

CREATE TABLE lawyer_profiles (
    account_id uuid PRIMARY KEY REFERENCES accounts (id),
    gender text NOT NULL,
    ethnicity text NOT NULL,
    licence_date date NOT NULL,
    qualification_number text NOT NULL,
    qualification_date date NOT NULL,
    practice_start_date date NOT NULL,
    law_firm text NOT NULL
);
COMMENT ON TABLE lawyer_profiles IS 'The registry facts of a lawyer account, as verified.';
COMMENT ON COLUMN lawyer_profiles.account_id IS 'The lawyer''s account.';
COMMENT ON COLUMN lawyer_profiles.gender IS 'Gender as in the lawyer registry.';
COMMENT ON COLUMN lawyer_profiles.ethnicity IS 'Ethnicity as in the lawyer registry.';
COMMENT ON COLUMN lawyer_profiles.licence_date IS 'Date the practice licence was issued.';
COMMENT ON COLUMN lawyer_profiles.qualification_number IS 'Qualification certificate number.';
COMMENT ON COLUMN lawyer_profiles.qualification_date IS 'Date of the qualification certificate.';
COMMENT ON COLUMN lawyer_profiles.practice_start_date IS 'Date the lawyer started practising.';
COMMENT ON COLUMN lawyer_profiles.law_firm IS 'The law firm.';

CREATE TABLE registrations (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    kind text NOT NULL CHECK (kind IN ('party', 'lawyer')),
    status text NOT NULL CHECK (status IN ('pending_verification', 'verified', 'failed')),
    submitted jsonb NOT NULL,
    failure_reason text,
    differing_fields text[] NOT NULL DEFAULT '{}',
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz,
    CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
);
CREATE INDEX registrations_account_id_idx ON registrations (account_id);
CREATE INDEX registrations_pending_idx ON registrations (next_attempt_at)
    WHERE status = 'pending_verification';
COMMENT ON TABLE registrations IS 'Each attempt to register, verified asynchronously against the citizen or lawyer registry.';
COMMENT ON COLUMN registrations.id IS 'Registration id, returned to the registrant.';
COMMENT ON COLUMN registrations.account_id IS 'The account it creates or upgrades.';
COMMENT ON COLUMN registrations.kind IS 'party (citizen registry) or lawyer (lawyer registry).';
COMMENT ON COLUMN registrations.status IS 'pending_verification, verified or failed.';
COMMENT ON COLUMN registrations.submitted IS 'The facts submitted for verification (never the password).';
COMMENT ON COLUMN registrations.failure_reason IS 'The registry''s reason: id_cancelled, details_changed, special_status, name_mismatch, not_found, fields_differ, not_yet_in_registry. Shown to administrators only.';
COMMENT ON COLUMN registrations.differing_fields IS 'For lawyers: the fields that differ from the registry.';
COMMENT ON COLUMN registrations.attempts IS 'Calls made to the registry so far.';
COMMENT ON COLUMN registrations.next_attempt_at IS 'When the verification job may call the registry (again).';
COMMENT ON COLUMN registrations.created_at IS 'When the registration was submitted.';
COMMENT ON COLUMN registrations.decided_at IS 'When the registry''s answer was applied.';

CREATE TABLE session_families (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    client text,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    revoked_reason text
);
CREATE INDEX session_families_account_id_idx ON session_families (account_id);
COMMENT ON TABLE session_families IS 'A login and every refresh token rotated from it; revoking the family ends the session.';
COMMENT ON COLUMN session_families.id IS 'Session id, carried in access tokens as sid.';
COMMENT ON COLUMN session_families.account_id IS 'The account logged in.';
COMMENT ON COLUMN session_families.client IS 'How the session was opened: password, mini_program, ….';
COMMENT ON COLUMN session_families.created_at IS 'Login time.';
COMMENT ON COLUMN session_families.revoked_at IS 'When the session ended (logout, refresh-token reuse, password change).';
COMMENT ON COLUMN session_families.revoked_reason IS 'Why it ended.';

CREATE TABLE refresh_tokens (
    id uuid PRIMARY KEY,
    family_id uuid NOT NULL REFERENCES session_families (id),
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
COMMENT ON TABLE refresh_tokens IS 'Refresh tokens, stored hashed; each may be used once.';
COMMENT ON COLUMN refresh_tokens.id IS 'Token id.';
COMMENT ON COLUMN refresh_tokens.family_id IS 'The session it belongs to.';
COMMENT ON COLUMN refresh_tokens.token_hash IS 'SHA-256 of the token; the token itself is never stored.';
COMMENT ON COLUMN refresh_tokens.created_at IS 'When it was issued.';
COMMENT ON COLUMN refresh_tokens.expires_at IS 'When it stops working.';
COMMENT ON COLUMN refresh_tokens.used_at IS 'When it was exchanged; using it again revokes the session.';

CREATE TABLE login_throttle (
    key text PRIMARY KEY,
    failures integer NOT NULL,
    window_started_at timestamptz NOT NULL,
    locked_until timestamptz
);
COMMENT ON TABLE login_throttle IS 'Failed logins per login name and per client address, to slow down and lock password guessing.';
COMMENT ON COLUMN login_throttle.key IS 'login:<login name> or address:<client address>.';
COMMENT ON COLUMN login_throttle.failures IS 'Failures in the current window.';
COMMENT ON COLUMN login_throttle.window_started_at IS 'Start of the counting window.';
COMMENT ON COLUMN login_throttle.locked_until IS 'No login is tried before this time.';

CREATE TABLE one_time_codes (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    purpose text NOT NULL CHECK (purpose IN ('password_reset', 'phone_change')),
    phone text NOT NULL,
    code_hash bytea NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    consumed_at timestamptz
);
CREATE INDEX one_time_codes_account_id_idx ON one_time_codes (account_id, purpose, created_at);
COMMENT ON TABLE one_time_codes IS 'SMS codes for password resets and phone changes, stored hashed.';
COMMENT ON COLUMN one_time_codes.id IS 'Code id.';
COMMENT ON COLUMN one_time_codes.account_id IS 'The account the code is for.';
COMMENT ON COLUMN one_time_codes.purpose IS 'password_reset or phone_change.';
COMMENT ON COLUMN one_time_codes.phone IS 'The phone the code was sent to (the new phone, for a phone change).';
COMMENT ON COLUMN one_time_codes.code_hash IS 'Keyed hash of the six-digit code.';
COMMENT ON COLUMN one_time_codes.attempts IS 'Wrong tries so far; the code dies after five.';
COMMENT ON COLUMN one_time_codes.created_at IS 'When it was sent.';
COMMENT ON COLUMN one_time_codes.expires_at IS 'Ten minutes after it was sent.';
COMMENT ON COLUMN one_time_codes.consumed_at IS 'When it was used.';

CREATE TABLE sms_messages (
    id bigserial PRIMARY KEY,
    account_id uuid REFERENCES accounts (id),
    phone text,
    template text NOT NULL,
    body text NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'not_sent')),
    not_sent_reason text,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    gateway_message_id text,
    delivery_status text,
    delivered_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    CHECK (status <> 'not_sent' OR not_sent_reason IS NOT NULL)
);
CREATE INDEX sms_messages_account_id_idx ON sms_messages (account_id);
CREATE INDEX sms_messages_phone_idx ON sms_messages (phone, created_at);
CREATE INDEX sms_messages_pending_idx ON sms_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX sms_messages_receipt_idx ON sms_messages (sent_at)
    WHERE status = 'sent' AND delivery_status IS NULL;
COMMENT ON TABLE sms_messages IS 'The SMS outbox: written in the transaction of the change it reports, delivered by a job.';
COMMENT ON COLUMN sms_messages.id IS 'Message id.';
COMMENT ON COLUMN sms_messages.account_id IS 'The account told; NULL for messages to a phone not yet bound.';
COMMENT ON COLUMN sms_messages.phone IS 'Destination; NULL when the account has no phone (status not_sent).';
COMMENT ON COLUMN sms_messages.template IS 'The event template, e.g. registration_verified.';
COMMENT ON COLUMN sms_messages.body IS 'The text as sent (one-time codes included, so only administrators may read it).';
COMMENT ON COLUMN sms_messages.status IS 'pending, sent, failed (gave up) or not_sent (no mobile phone).';
COMMENT ON COLUMN sms_messages.not_sent_reason IS 'Why it was not sent, e.g. no_phone.';
COMMENT ON COLUMN sms_messages.attempts IS 'Delivery attempts so far.';
COMMENT ON COLUMN sms_messages.next_attempt_at IS 'When the job tries (again).';
COMMENT ON COLUMN sms_messages.last_error IS 'The gateway''s last error, for operators.';
COMMENT ON COLUMN sms_messages.gateway_message_id IS 'The gateway''s id for the message.';
COMMENT ON COLUMN sms_messages.delivery_status IS 'From the gateway''s delivery receipt: delivered, failed or unknown.';
COMMENT ON COLUMN sms_messages.delivered_at IS 'Time of the delivery receipt.';
COMMENT ON COLUMN sms_messages.created_at IS 'When the message was queued.';
COMMENT ON COLUMN sms_messages.sent_at IS 'When the gateway accepted it.';

CREATE TABLE service_clients (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    secret_hash bytea NOT NULL,
    scopes text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz
);
COMMENT ON TABLE service_clients IS 'Integration clients (mini-program backend, trial system, …) with their own credentials and scopes.';
COMMENT ON COLUMN service_clients.id IS 'Client id, the first part of its key.';
COMMENT ON COLUMN service_clients.name IS 'Human name, e.g. mini-program.';
COMMENT ON COLUMN service_clients.secret_hash IS 'SHA-256 of the client secret (a random 256-bit value).';
COMMENT ON COLUMN service_clients.scopes IS 'What the client may do, e.g. mini_program.';
COMMENT ON COLUMN service_clients.created_at IS 'When the client was created.';
COMMENT ON COLUMN service_clients.disabled_at IS 'When the client was disabled; its key stops working.';

CREATE TABLE mini_program_bindings (
    openid text PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    client_id uuid NOT NULL REFERENCES service_clients (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mini_program_bindings_account_id_idx ON mini_program_bindings (account_id);
CREATE INDEX mini_program_bindings_client_id_idx ON mini_program_bindings (client_id);
COMMENT ON TABLE mini_program_bindings IS 'Mini-program identities bound to accounts after face verification.';
COMMENT ON COLUMN mini_program_bindings.openid IS 'The mini program''s identity of the user.';
COMMENT ON COLUMN mini_program_bindings.account_id IS 'The bound account.';
COMMENT ON COLUMN mini_program_bindings.client_id IS 'The integration client that bound it.';
COMMENT ON COLUMN mini_program_bindings.created_at IS 'When it was bound.';

CREATE TABLE legal_worker_sync_runs (
    id uuid PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    trigger text NOT NULL,
    records_seen integer NOT NULL DEFAULT 0,
    converted integer NOT NULL DEFAULT 0,
    details jsonb NOT NULL DEFAULT '[]'::jsonb,
    error text
);
COMMENT ON TABLE legal_worker_sync_runs IS 'Each pull of legal-worker records from the justice department and what it changed.';
COMMENT ON COLUMN legal_worker_sync_runs.id IS 'Run id.';
COMMENT ON COLUMN legal_worker_sync_runs.started_at IS 'Start time.';
COMMENT ON COLUMN legal_worker_sync_runs.finished_at IS 'End time; NULL while running or after a crash.';
COMMENT ON COLUMN legal_worker_sync_runs.trigger IS 'schedule, cli, or admin:<account id> of the administrator who ran it.';
COMMENT ON COLUMN legal_worker_sync_runs.records_seen IS 'Records the justice department returned.';
COMMENT ON COLUMN legal_worker_sync_runs.converted IS 'Party accounts converted to legal workers.';
COMMENT ON COLUMN legal_worker_sync_runs.details IS 'What changed, one entry per account (ID numbers masked).';
COMMENT ON COLUMN legal_worker_sync_runs.error IS 'Why the run failed, if it did.';

-- Mechanisms every resource shares: stored answers for idempotent retries, and the audit
-- trail of state changes.

CREATE TABLE idempotency_keys (
    principal text NOT NULL,
    key text NOT NULL,
    request_hash bytea NOT NULL,
    method text NOT NULL,
    path text NOT NULL,
    locked_until timestamptz,
    response_status smallint,
    response_headers jsonb,
    response_body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    PRIMARY KEY (principal, key),
    CHECK ((response_status IS NULL) = (completed_at IS NULL))
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
COMMENT ON TABLE idempotency_keys IS 'First answer to each request sent with an Idempotency-Key, replayed to retries.';
COMMENT ON COLUMN idempotency_keys.principal IS 'Who sent the request: an account, a service client, or anonymous; keys are scoped to it.';
COMMENT ON COLUMN idempotency_keys.key IS 'The Idempotency-Key header as sent.';
COMMENT ON COLUMN idempotency_keys.request_hash IS 'SHA-256 of method, path, query and body; a retry with another body is refused.';
COMMENT ON COLUMN idempotency_keys.method IS 'HTTP method of the first request.';
COMMENT ON COLUMN idempotency_keys.path IS 'Path and query of the first request.';
COMMENT ON COLUMN idempotency_keys.locked_until IS 'While the first request runs: when its claim lapses (a crashed request does not block the key for ever).';
COMMENT ON COLUMN idempotency_keys.response_status IS 'HTTP status of the stored answer; NULL while the first request runs.';
COMMENT ON COLUMN idempotency_keys.response_headers IS 'Headers of the stored answer that a retry must see again (content type, location, ETag).';
COMMENT ON COLUMN idempotency_keys.response_body IS 'Body of the stored answer.';
COMMENT ON COLUMN idempotency_keys.created_at IS 'When the key was first seen.';
COMMENT ON COLUMN idempotency_keys.completed_at IS 'When the answer was stored.';

CREATE TABLE audit_events (
    id bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor_kind text NOT NULL CHECK (actor_kind IN ('account', 'service', 'system', 'anonymous')),
    actor_id text,
    client text,
    request_id text,
    action text NOT NULL,
    subject_type text NOT NULL,
    subject_id text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_type, subject_id, occurred_at);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_kind, actor_id, occurred_at);
COMMENT ON TABLE audit_events IS 'Every state change: who, when, what, from which client. Written in the transaction of the change.';
COMMENT ON COLUMN audit_events.id IS 'Sequence number.';
COMMENT ON COLUMN audit_events.occurred_at IS 'Time of the change (transaction start).';
COMMENT ON COLUMN audit_events.actor_kind IS 'account, service (an integration client), system (a background job) or anonymous.';
COMMENT ON COLUMN audit_events.actor_id IS 'Account id or service client name; NULL for system and anonymous.';
COMMENT ON COLUMN audit_events.client IS 'The client the request came from (web, mini program, third-party software), when known.';
COMMENT ON COLUMN audit_events.request_id IS 'X-Request-Id of the request that made the change, to join with the logs.';
COMMENT ON COLUMN audit_events.action IS 'What happened, as a dotted verb, e.g. filing.submitted.';
COMMENT ON COLUMN audit_events.subject_type IS 'Kind of the thing changed, e.g. filing.';
COMMENT ON COLUMN audit_events.subject_id IS 'Identifier of the thing changed.';
COMMENT ON COLUMN audit_events.details IS 'Facts about the change; never passwords, tokens or unmasked identity numbers.';

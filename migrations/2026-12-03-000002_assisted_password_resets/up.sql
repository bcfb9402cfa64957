-- Password resets for people who cannot receive a code: they upload their documents and a
-- phone where they can be reached, and an administrator approves or refuses.

CREATE TABLE password_reset_requests (
    id uuid PRIMARY KEY,
    account_id uuid REFERENCES accounts (id),
    login text NOT NULL,
    contact_phone text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
    reason text,
    decided_by uuid REFERENCES accounts (id),
    decided_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK ((status = 'pending') = (decided_by IS NULL)),
    CHECK (status <> 'refused' OR reason IS NOT NULL)
);
CREATE INDEX password_reset_requests_account_id_idx ON password_reset_requests (account_id);
CREATE INDEX password_reset_requests_decided_by_idx ON password_reset_requests (decided_by);
CREATE INDEX password_reset_requests_status_idx ON password_reset_requests (status, created_at);
COMMENT ON TABLE password_reset_requests IS 'Requests to reset a password by uploading identity documents, for people whose phone on file cannot receive a code; decided by an administrator.';
COMMENT ON COLUMN password_reset_requests.id IS 'Request id.';
COMMENT ON COLUMN password_reset_requests.account_id IS 'The account the login designates; NULL when it designates none (the requester is never told which).';
COMMENT ON COLUMN password_reset_requests.login IS 'The login as typed, cleaned (blanks removed, full-width characters folded): normally an ID number or a licence number.';
COMMENT ON COLUMN password_reset_requests.contact_phone IS 'Mobile phone, canonical 11 digits, where the requester can be reached now; the decision is sent there.';
COMMENT ON COLUMN password_reset_requests.status IS 'pending, approved (the password was reset) or refused.';
COMMENT ON COLUMN password_reset_requests.reason IS 'The administrator''s reason; required for a refusal and sent to the requester.';
COMMENT ON COLUMN password_reset_requests.decided_by IS 'The administrator who decided.';
COMMENT ON COLUMN password_reset_requests.decided_at IS 'When it was decided; NULL while pending.';
COMMENT ON COLUMN password_reset_requests.created_at IS 'When it was filed.';

CREATE TABLE password_reset_documents (
    id uuid PRIMARY KEY,
    request_id uuid NOT NULL REFERENCES password_reset_requests (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('licence', 'id_card', 'holding_id_photo')),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    sha256 bytea NOT NULL,
    storage_key text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (request_id, kind)
);
COMMENT ON TABLE password_reset_documents IS 'The documents of a password reset request. The bytes live in the object store under storage_key.';
COMMENT ON COLUMN password_reset_documents.id IS 'Document id.';
COMMENT ON COLUMN password_reset_documents.request_id IS 'The request it belongs to.';
COMMENT ON COLUMN password_reset_documents.kind IS 'licence (practice licence), id_card (resident ID card) or holding_id_photo (the requester holding the ID card); one of each per request.';
COMMENT ON COLUMN password_reset_documents.content_type IS 'The type recognised from the content: application/pdf, image/jpeg or image/png.';
COMMENT ON COLUMN password_reset_documents.size_bytes IS 'Size in bytes.';
COMMENT ON COLUMN password_reset_documents.sha256 IS 'SHA-256 of the content.';
COMMENT ON COLUMN password_reset_documents.storage_key IS 'Key of the bytes in the object store (under password-reset-documents/).';
COMMENT ON COLUMN password_reset_documents.created_at IS 'Upload time.';

-- Uploaded materials (PDFs and images): metadata here, bytes in the object store.

CREATE TABLE materials (
    id uuid PRIMARY KEY,
    owner_account_id uuid NOT NULL REFERENCES accounts (id),
    category text NOT NULL CHECK (category IN ('complaint_or_application', 'evidence',
        'identity_document', 'authorisation', 'service_address_confirmation', 'other')),
    description text,
    original_name text NOT NULL,
    declared_content_type text,
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    sha256 bytea NOT NULL,
    pages integer,
    storage_key text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    attached_at timestamptz,
    CHECK ((content_type = 'application/pdf') = (pages IS NOT NULL))
);
CREATE INDEX materials_owner_account_id_idx ON materials (owner_account_id, created_at);
CREATE UNIQUE INDEX materials_owner_sha256_key ON materials (owner_account_id, sha256);
CREATE INDEX materials_unattached_idx ON materials (created_at) WHERE attached_at IS NULL;
COMMENT ON TABLE materials IS 'Uploaded PDFs and images. The bytes live in the object store under storage_key.';
COMMENT ON COLUMN materials.id IS 'Material id.';
COMMENT ON COLUMN materials.owner_account_id IS 'The account that uploaded it; it alone may use it until it is attached to a case.';
COMMENT ON COLUMN materials.category IS 'complaint_or_application, evidence, identity_document, authorisation, service_address_confirmation or other.';
COMMENT ON COLUMN materials.description IS 'What the uploader says it is.';
COMMENT ON COLUMN materials.original_name IS 'The file name as sent, reduced to a safe base name; never used as a path.';
COMMENT ON COLUMN materials.declared_content_type IS 'The content type the client declared; recorded, never trusted.';
COMMENT ON COLUMN materials.content_type IS 'The type recognised from the content: application/pdf, image/jpeg or image/png.';
COMMENT ON COLUMN materials.size_bytes IS 'Size in bytes.';
COMMENT ON COLUMN materials.sha256 IS 'SHA-256 of the content; the same bytes uploaded twice by one account are one material.';
COMMENT ON COLUMN materials.pages IS 'Page count of a PDF; NULL for images.';
COMMENT ON COLUMN materials.storage_key IS 'Key of the bytes in the object store.';
COMMENT ON COLUMN materials.created_at IS 'Upload time.';
COMMENT ON COLUMN materials.attached_at IS 'When it was attached to a case; unattached materials are removed after 24 hours.';

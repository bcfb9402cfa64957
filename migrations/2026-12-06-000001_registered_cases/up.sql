-- Registered cases: those the courts' trial system pushes (open and closed, including cases
-- filed at the court counter) and those docketed on this platform. Appeals, in-litigation
-- preservation and enforcement filings look their original or main case up here.

CREATE TABLE registered_cases (
    id uuid PRIMARY KEY,
    case_number text NOT NULL UNIQUE,
    registration_number text NOT NULL UNIQUE,
    court_code text NOT NULL,
    year smallint NOT NULL,
    type_code text NOT NULL,
    cause text,
    status text NOT NULL CHECK (status IN ('open', 'closed')),
    registered_on date,
    closed_on date,
    judgment_document_number text,
    source text NOT NULL CHECK (source IN ('trial_system', 'docketing')),
    filing_id uuid UNIQUE REFERENCES filings (id),
    pushed_by uuid REFERENCES service_clients (id),
    pushed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'closed') = (closed_on IS NOT NULL)),
    CHECK (closed_on IS NULL OR registered_on IS NULL OR closed_on >= registered_on)
);
CREATE INDEX registered_cases_pushed_by_idx ON registered_cases (pushed_by);
COMMENT ON TABLE registered_cases IS 'Registered cases known to the platform: pushed by the trial system or docketed here. Looked up by case number and registration number, never browsed.';
COMMENT ON COLUMN registered_cases.id IS 'Registered case id.';
COMMENT ON COLUMN registered_cases.case_number IS 'The canonical case number; the key the trial system upserts by.';
COMMENT ON COLUMN registered_cases.registration_number IS 'The registration number; with the case number it opens the case.';
COMMENT ON COLUMN registered_cases.court_code IS 'The court code of the case number (the court that registered the case; it may since have been retired).';
COMMENT ON COLUMN registered_cases.year IS 'The year of the case number.';
COMMENT ON COLUMN registered_cases.type_code IS 'The type code of the case number (民初, 行初, 执, …).';
COMMENT ON COLUMN registered_cases.cause IS 'The cause of action or charge, as the court recorded it.';
COMMENT ON COLUMN registered_cases.status IS 'open or closed.';
COMMENT ON COLUMN registered_cases.registered_on IS 'When the case was registered (Asia/Shanghai date).';
COMMENT ON COLUMN registered_cases.closed_on IS 'When the case was closed (Asia/Shanghai date); set exactly when closed.';
COMMENT ON COLUMN registered_cases.judgment_document_number IS 'The number of the judgment or ruling that closed the case.';
COMMENT ON COLUMN registered_cases.source IS 'trial_system (pushed) or docketing (registered on this platform; the trial system may push it later).';
COMMENT ON COLUMN registered_cases.filing_id IS 'The online filing the case was registered from, if any.';
COMMENT ON COLUMN registered_cases.pushed_by IS 'The integration client that last pushed the case.';
COMMENT ON COLUMN registered_cases.pushed_at IS 'When the trial system last pushed the case.';
COMMENT ON COLUMN registered_cases.created_at IS 'When the platform first learnt of the case.';
COMMENT ON COLUMN registered_cases.updated_at IS 'Last change.';

CREATE TABLE registered_case_parties (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES registered_cases (id) ON DELETE CASCADE,
    position smallint NOT NULL CHECK (position >= 0),
    role text NOT NULL,
    party_type text NOT NULL CHECK (party_type IN ('natural_person', 'legal_person',
        'unincorporated_organisation')),
    name text NOT NULL,
    identity_number text,
    details jsonb NOT NULL CHECK (jsonb_typeof(details) = 'object'),
    UNIQUE (case_id, position)
);
CREATE INDEX registered_case_parties_identity_idx ON registered_case_parties (identity_number)
    WHERE identity_number IS NOT NULL;
COMMENT ON TABLE registered_case_parties IS 'The parties of a registered case, in the order the court lists them.';
COMMENT ON COLUMN registered_case_parties.id IS 'Party id; kept while the trial system pushes the same party at the same position.';
COMMENT ON COLUMN registered_case_parties.case_id IS 'The registered case.';
COMMENT ON COLUMN registered_case_parties.position IS 'Position in the list of parties, from 0.';
COMMENT ON COLUMN registered_case_parties.role IS 'The role in that case (plaintiff, defendant, third_party, appellant, appellee, applicant, respondent, private_prosecutor, accused, …).';
COMMENT ON COLUMN registered_case_parties.party_type IS 'natural_person, legal_person or unincorporated_organisation.';
COMMENT ON COLUMN registered_case_parties.name IS 'Name, normalised.';
COMMENT ON COLUMN registered_case_parties.identity_number IS 'The canonical identity document number of a person, or the unified social credit code of an organisation; how parties are matched to accounts.';
COMMENT ON COLUMN registered_case_parties.details IS 'The validated party, in the shape of a filing party (documents, address, representative …).';

CREATE TABLE registered_case_access (
    account_id uuid NOT NULL REFERENCES accounts (id),
    case_id uuid NOT NULL REFERENCES registered_cases (id) ON DELETE CASCADE,
    via text NOT NULL CHECK (via IN ('case_and_registration_number', 'party_details')),
    first_at timestamptz NOT NULL DEFAULT now(),
    last_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, case_id)
);
CREATE INDEX registered_case_access_case_id_idx ON registered_case_access (case_id);
COMMENT ON TABLE registered_case_access IS 'Who found which registered case through a lookup, and how: only they may act on it by id (draft an appeal from it).';
COMMENT ON COLUMN registered_case_access.account_id IS 'The account that looked the case up.';
COMMENT ON COLUMN registered_case_access.case_id IS 'The case it found.';
COMMENT ON COLUMN registered_case_access.via IS 'case_and_registration_number or party_details (the name and identity number of a party).';
COMMENT ON COLUMN registered_case_access.first_at IS 'The first lookup that found it.';
COMMENT ON COLUMN registered_case_access.last_at IS 'The latest lookup that found it.';

-- Appeals of one original case are found by the number in their content (APL-5, APL-6).
CREATE INDEX filings_original_case_idx ON filings ((content -> 'original_case' ->> 'case_number'))
    WHERE content ? 'original_case';

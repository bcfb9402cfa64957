-- Online filings ("cases" in the API): drafts, their parties, agents and materials, and the
-- filing reference given at submission.

CREATE SEQUENCE filing_reference_seq;
COMMENT ON SEQUENCE filing_reference_seq IS 'Numbers the filing references handed out at submission.';

CREATE TABLE filings (
    id uuid PRIMARY KEY,
    filer_account_id uuid NOT NULL REFERENCES accounts (id),
    kind text NOT NULL CHECK (kind IN ('road_traffic', 'civil_first_instance', 'civil_appeal',
        'civil_retrial_application', 'civil_special_procedure', 'jurisdiction_objection',
        'jurisdiction_objection_appeal', 'administrative_first_instance', 'administrative_appeal',
        'administrative_retrial_application', 'criminal_private_prosecution',
        'pre_litigation_preservation', 'in_litigation_preservation', 'first_enforcement',
        'enforcement_objection', 'enforcement_reconsideration')),
    court_code text REFERENCES courts (code),
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved',
        'rejected', 'awaiting_payment', 'paid_awaiting_settlement', 'settled', 'accepted')),
    content jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(content) = 'object'),
    payer_party_id uuid,
    refundee_party_id uuid,
    version integer NOT NULL DEFAULT 1 CHECK (version > 0),
    filing_reference text UNIQUE,
    case_number text UNIQUE,
    registration_number text UNIQUE,
    rejection_reason text,
    created_via text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    first_submitted_at timestamptz,
    submitted_at timestamptz,
    CHECK ((status = 'draft') = (filing_reference IS NULL)),
    CHECK ((status = 'draft') = (first_submitted_at IS NULL)),
    CHECK (status = 'draft' OR court_code IS NOT NULL)
);
CREATE INDEX filings_filer_idx ON filings (filer_account_id, created_at DESC, id);
CREATE INDEX filings_court_code_idx ON filings (court_code);
COMMENT ON TABLE filings IS 'Online filings, from draft to accepted case. "My cases" are the filings of the filer account.';
COMMENT ON COLUMN filings.id IS 'Filing id.';
COMMENT ON COLUMN filings.filer_account_id IS 'The filing account: the account that created it; only it sees the filing.';
COMMENT ON COLUMN filings.kind IS 'The kind of filing, one of the online-filable kinds.';
COMMENT ON COLUMN filings.court_code IS 'The accepting court; derived from the original or existing case for kinds that follow one.';
COMMENT ON COLUMN filings.status IS 'draft, submitted, approved, rejected, awaiting_payment, paid_awaiting_settlement, settled or accepted.';
COMMENT ON COLUMN filings.content IS 'The kind-specific content (cause of action, amounts, claims, facts, service address, …), validated and normalised.';
COMMENT ON COLUMN filings.payer_party_id IS 'The party who pays the fee; one of the parties on the filer''s side. Cleared when that party is deleted.';
COMMENT ON COLUMN filings.refundee_party_id IS 'The party who receives refunds; one of the parties on the filer''s side. Cleared when that party is deleted.';
COMMENT ON COLUMN filings.version IS 'Incremented on every change of the filing or its parties, agents or materials; the ETag.';
COMMENT ON COLUMN filings.filing_reference IS 'Human-readable reference given at the first submission, kept on resubmission.';
COMMENT ON COLUMN filings.case_number IS 'Canonical case number, assigned at docketing.';
COMMENT ON COLUMN filings.registration_number IS 'Registration number, assigned at docketing.';
COMMENT ON COLUMN filings.rejection_reason IS 'The judge''s reason when the review rejected the filing.';
COMMENT ON COLUMN filings.created_via IS 'The client that created the filing (web, mini program, an integration client id).';
COMMENT ON COLUMN filings.created_at IS 'When the draft was created.';
COMMENT ON COLUMN filings.updated_at IS 'Last change.';
COMMENT ON COLUMN filings.first_submitted_at IS 'First submission; kept when a rejected filing is submitted again.';
COMMENT ON COLUMN filings.submitted_at IS 'Latest submission.';

CREATE TABLE filing_parties (
    id uuid PRIMARY KEY,
    filing_id uuid NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    role text NOT NULL,
    party_type text NOT NULL CHECK (party_type IN ('natural_person', 'legal_person',
        'unincorporated_organisation')),
    name text NOT NULL,
    details jsonb NOT NULL CHECK (jsonb_typeof(details) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (filing_id, id)
);
CREATE INDEX filing_parties_filing_id_idx ON filing_parties (filing_id, created_at);
CREATE INDEX filing_parties_name_idx ON filing_parties (name);
COMMENT ON TABLE filing_parties IS 'The parties of a filing: natural persons, legal persons and unincorporated organisations.';
COMMENT ON COLUMN filing_parties.id IS 'Party id.';
COMMENT ON COLUMN filing_parties.filing_id IS 'The filing.';
COMMENT ON COLUMN filing_parties.role IS 'plaintiff, defendant, third_party, appellant, appellee, applicant, respondent, private_prosecutor, accused, …; allowed roles depend on the kind.';
COMMENT ON COLUMN filing_parties.party_type IS 'natural_person, legal_person or unincorporated_organisation.';
COMMENT ON COLUMN filing_parties.name IS 'Name, normalised; searched by "my cases".';
COMMENT ON COLUMN filing_parties.details IS 'The validated party as the API shows it (documents, address, phone, representative …).';
COMMENT ON COLUMN filing_parties.created_at IS 'When it was added; parties are listed in this order.';

ALTER TABLE filings
    ADD FOREIGN KEY (id, payer_party_id) REFERENCES filing_parties (filing_id, id)
        ON DELETE SET NULL (payer_party_id),
    ADD FOREIGN KEY (id, refundee_party_id) REFERENCES filing_parties (filing_id, id)
        ON DELETE SET NULL (refundee_party_id);
CREATE INDEX filings_payer_party_id_idx ON filings (id, payer_party_id);
CREATE INDEX filings_refundee_party_id_idx ON filings (id, refundee_party_id);

CREATE TABLE filing_agents (
    id uuid PRIMARY KEY,
    filing_id uuid NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    agent_type text NOT NULL CHECK (agent_type IN ('lawyer', 'legal_worker', 'other')),
    name text NOT NULL,
    details jsonb NOT NULL CHECK (jsonb_typeof(details) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (filing_id, id)
);
CREATE INDEX filing_agents_filing_id_idx ON filing_agents (filing_id, created_at);
COMMENT ON TABLE filing_agents IS 'Agents acting for parties of a filing: lawyers, legal workers and others.';
COMMENT ON COLUMN filing_agents.id IS 'Agent id.';
COMMENT ON COLUMN filing_agents.filing_id IS 'The filing.';
COMMENT ON COLUMN filing_agents.agent_type IS 'lawyer, legal_worker or other.';
COMMENT ON COLUMN filing_agents.name IS 'Name.';
COMMENT ON COLUMN filing_agents.details IS 'The validated agent as the API shows it (ID number, licence number, firm, phone).';
COMMENT ON COLUMN filing_agents.created_at IS 'When it was added.';

CREATE TABLE filing_agent_parties (
    filing_id uuid NOT NULL,
    agent_id uuid NOT NULL,
    party_id uuid NOT NULL,
    PRIMARY KEY (agent_id, party_id),
    FOREIGN KEY (filing_id, agent_id) REFERENCES filing_agents (filing_id, id) ON DELETE CASCADE,
    FOREIGN KEY (filing_id, party_id) REFERENCES filing_parties (filing_id, id) ON DELETE CASCADE
);
CREATE INDEX filing_agent_parties_filing_agent_idx ON filing_agent_parties (filing_id, agent_id);
CREATE INDEX filing_agent_parties_filing_party_idx ON filing_agent_parties (filing_id, party_id);
COMMENT ON TABLE filing_agent_parties IS 'Whom each agent represents; both belong to the same filing.';
COMMENT ON COLUMN filing_agent_parties.filing_id IS 'The filing of both the agent and the party.';
COMMENT ON COLUMN filing_agent_parties.agent_id IS 'The agent.';
COMMENT ON COLUMN filing_agent_parties.party_id IS 'A party the agent represents.';

CREATE TABLE filing_materials (
    filing_id uuid NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    material_id uuid NOT NULL REFERENCES materials (id),
    category text NOT NULL CHECK (category IN ('complaint_or_application', 'evidence',
        'identity_document', 'authorisation', 'service_address_confirmation', 'other')),
    attached_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (filing_id, material_id)
);
CREATE INDEX filing_materials_material_id_idx ON filing_materials (material_id);
COMMENT ON TABLE filing_materials IS 'Materials attached to filings. One material (an ID card scan, a power of attorney) may serve several filings of its owner.';
COMMENT ON COLUMN filing_materials.filing_id IS 'The filing.';
COMMENT ON COLUMN filing_materials.material_id IS 'The material.';
COMMENT ON COLUMN filing_materials.category IS 'What the material is in this filing (the material''s own category unless the filer said otherwise when attaching).';
COMMENT ON COLUMN filing_materials.attached_at IS 'When it was attached.';

ALTER TABLE materials ADD COLUMN released_at timestamptz;
COMMENT ON COLUMN materials.released_at IS 'When it was last detached from its last filing; an unattached material is removed 24 hours after its upload or its release, whichever is later.';

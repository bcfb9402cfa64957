DROP TABLE filing_materials;
ALTER TABLE materials DROP COLUMN released_at;
DROP TABLE filing_agent_parties;
DROP TABLE filing_agents;
ALTER TABLE filings DROP CONSTRAINT filings_id_payer_party_id_fkey,
    DROP CONSTRAINT filings_id_refundee_party_id_fkey;
DROP TABLE filing_parties;
DROP TABLE filings;
DROP SEQUENCE filing_reference_seq;

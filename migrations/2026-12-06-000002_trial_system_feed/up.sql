-- The feed of filings to the courts' trial-management system: one row per change the court
-- handles in its own system, written in the transaction of the change itself.

CREATE TABLE trial_system_feed (
    id bigserial PRIMARY KEY,
    txid bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    event text NOT NULL,
    filing_id uuid NOT NULL REFERENCES filings (id),
    court_code text NOT NULL,
    payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    occurred_at timestamptz NOT NULL
);
-- Readers page by (txid, id); see api/store/trial_feed.rs for why not by id alone.
CREATE INDEX trial_system_feed_position_idx ON trial_system_feed (txid, id);
CREATE INDEX trial_system_feed_filing_id_idx ON trial_system_feed (filing_id);
COMMENT ON TABLE trial_system_feed IS 'Changes of filings and their fee orders for the trial-management system, read in (txid, id) order and handed out only once every transaction that could still add an earlier row has ended.';
COMMENT ON COLUMN trial_system_feed.id IS 'Row id, in the order rows were written; orders the rows of one transaction.';
COMMENT ON COLUMN trial_system_feed.txid IS 'The id (with epoch) of the transaction that wrote the row; readers get the row once no transaction with a smaller id is still running.';
COMMENT ON COLUMN trial_system_feed.event IS 'What happened, named as readers see it (filing.submitted, fee_order.paid, …); the contract lists every event.';
COMMENT ON COLUMN trial_system_feed.filing_id IS 'The filing the change concerns.';
COMMENT ON COLUMN trial_system_feed.court_code IS 'The court that handles the filing.';
COMMENT ON COLUMN trial_system_feed.payload IS 'The facts of the change as readers get them, a JSON object whose members depend on the event.';
COMMENT ON COLUMN trial_system_feed.occurred_at IS 'When the change was made.';

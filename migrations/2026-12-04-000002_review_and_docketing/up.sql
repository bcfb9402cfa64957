-- The court's side of a filing: review, docketing (case number, registration number) and
-- the fee orders docketing creates.

ALTER TABLE filings
    ADD COLUMN reviewed_by uuid REFERENCES accounts (id),
    ADD COLUMN reviewed_at timestamptz,
    ADD COLUMN rejection_reason_code text,
    ADD COLUMN docketed_by uuid REFERENCES accounts (id),
    ADD COLUMN docketed_at timestamptz;
CREATE INDEX filings_reviewed_by_idx ON filings (reviewed_by);
CREATE INDEX filings_docketed_by_idx ON filings (docketed_by);
CREATE INDEX filings_review_queue_idx ON filings (court_code, status, first_submitted_at);
COMMENT ON COLUMN filings.reviewed_by IS 'The judge who last reviewed the filing.';
COMMENT ON COLUMN filings.reviewed_at IS 'When it was last reviewed.';
COMMENT ON COLUMN filings.rejection_reason_code IS 'The coded reason of the last rejection (the free text is in rejection_reason).';
COMMENT ON COLUMN filings.docketed_by IS 'The judge who registered the case (assigned case number and fee).';
COMMENT ON COLUMN filings.docketed_at IS 'When the case was registered.';

CREATE TABLE case_number_sequences (
    court_code text NOT NULL,
    year smallint NOT NULL,
    type_code text NOT NULL,
    last_sequence integer NOT NULL CHECK (last_sequence >= 0),
    PRIMARY KEY (court_code, year, type_code)
);
COMMENT ON TABLE case_number_sequences IS 'The last sequence number handed out per court, year and type code; updated in the docketing transaction, so numbers have no gaps and never repeat.';
COMMENT ON COLUMN case_number_sequences.court_code IS 'Court code of the case numbers (鲁0102).';
COMMENT ON COLUMN case_number_sequences.year IS 'Year of the case numbers.';
COMMENT ON COLUMN case_number_sequences.type_code IS 'Case type code (民初, 执, …).';
COMMENT ON COLUMN case_number_sequences.last_sequence IS 'The highest sequence number in use (handed out here or arrived from the trial system).';

CREATE TABLE case_numbers (
    case_number text PRIMARY KEY,
    court_code text NOT NULL,
    year smallint NOT NULL,
    type_code text NOT NULL,
    sequence integer NOT NULL CHECK (sequence > 0),
    source text NOT NULL CHECK (source IN ('docketing', 'trial_system')),
    filing_id uuid REFERENCES filings (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (court_code, year, type_code, sequence)
);
CREATE INDEX case_numbers_filing_id_idx ON case_numbers (filing_id);
COMMENT ON TABLE case_numbers IS 'Every case number in use: those given at docketing and those of cases registered at the court counter (from the trial system). A number here is never handed out again.';
COMMENT ON COLUMN case_numbers.case_number IS 'The canonical case number.';
COMMENT ON COLUMN case_numbers.court_code IS 'Its court code.';
COMMENT ON COLUMN case_numbers.year IS 'Its year.';
COMMENT ON COLUMN case_numbers.type_code IS 'Its type code.';
COMMENT ON COLUMN case_numbers.sequence IS 'Its sequence number.';
COMMENT ON COLUMN case_numbers.source IS 'docketing (given here) or trial_system (registered at the counter).';
COMMENT ON COLUMN case_numbers.filing_id IS 'The online filing it was given to, if any.';
COMMENT ON COLUMN case_numbers.created_at IS 'When it was recorded.';

CREATE SEQUENCE fee_order_number_seq;
COMMENT ON SEQUENCE fee_order_number_seq IS 'Numbers the fee orders.';

CREATE TABLE fee_orders (
    id uuid PRIMARY KEY,
    order_number text NOT NULL UNIQUE,
    filing_id uuid NOT NULL REFERENCES filings (id),
    court_code text NOT NULL REFERENCES courts (code),
    status text NOT NULL DEFAULT 'awaiting_payment' CHECK (status IN ('awaiting_payment',
        'payment_in_progress', 'paid_awaiting_settlement', 'settled', 'expired', 'cancelled',
        'paid_after_expiry', 'partially_refunded', 'refunded')),
    items jsonb NOT NULL CHECK (jsonb_typeof(items) = 'array'),
    total_fen bigint NOT NULL CHECK (total_fen > 0),
    payer_party_id uuid NOT NULL,
    refundee_party_id uuid NOT NULL,
    payer_name text NOT NULL,
    refundee_name text NOT NULL,
    expires_at timestamptz NOT NULL,
    proposal jsonb,
    override_reason text,
    issued_by uuid NOT NULL REFERENCES accounts (id),
    replaces_order_id uuid REFERENCES fee_orders (id),
    channel text,
    paid_at timestamptz,
    settled_at timestamptz,
    refunded_fen bigint NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= total_fen),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (filing_id, payer_party_id) REFERENCES filing_parties (filing_id, id),
    FOREIGN KEY (filing_id, refundee_party_id) REFERENCES filing_parties (filing_id, id)
);
CREATE INDEX fee_orders_filing_id_idx ON fee_orders (filing_id, created_at);
CREATE INDEX fee_orders_court_code_idx ON fee_orders (court_code, status, created_at);
CREATE INDEX fee_orders_payer_idx ON fee_orders (filing_id, payer_party_id);
CREATE INDEX fee_orders_refundee_idx ON fee_orders (filing_id, refundee_party_id);
CREATE INDEX fee_orders_issued_by_idx ON fee_orders (issued_by);
CREATE INDEX fee_orders_replaces_order_id_idx ON fee_orders (replaces_order_id);
CREATE INDEX fee_orders_expiry_idx ON fee_orders (expires_at) WHERE status = 'awaiting_payment';
COMMENT ON TABLE fee_orders IS 'Fee orders (payment notices) created at docketing: what is to be paid for a case, by whom, until when, and how it was paid.';
COMMENT ON COLUMN fee_orders.id IS 'Fee order id.';
COMMENT ON COLUMN fee_orders.order_number IS 'Human-readable order number, quoted when paying.';
COMMENT ON COLUMN fee_orders.filing_id IS 'The filing (case) the fee is for.';
COMMENT ON COLUMN fee_orders.court_code IS 'The court that issued it (the case''s court).';
COMMENT ON COLUMN fee_orders.status IS 'awaiting_payment, payment_in_progress, paid_awaiting_settlement, settled, expired, cancelled, paid_after_expiry, partially_refunded or refunded.';
COMMENT ON COLUMN fee_orders.items IS 'The fee items: [{item, amount (yuan string), rule}].';
COMMENT ON COLUMN fee_orders.total_fen IS 'Total in fen.';
COMMENT ON COLUMN fee_orders.payer_party_id IS 'The party who pays; on the filer''s side when issued.';
COMMENT ON COLUMN fee_orders.refundee_party_id IS 'The party who receives refunds; on the filer''s side when issued.';
COMMENT ON COLUMN fee_orders.payer_name IS 'The payer''s name when the order was issued.';
COMMENT ON COLUMN fee_orders.refundee_name IS 'The refundee''s name when the order was issued.';
COMMENT ON COLUMN fee_orders.expires_at IS 'When the payment notice expires (end of its last day in Asia/Shanghai).';
COMMENT ON COLUMN fee_orders.proposal IS 'The platform''s fee quote the judge started from, if one was asked for.';
COMMENT ON COLUMN fee_orders.override_reason IS 'Why the judge set a fee outside the proposal.';
COMMENT ON COLUMN fee_orders.issued_by IS 'The judge who issued the order.';
COMMENT ON COLUMN fee_orders.replaces_order_id IS 'The expired order this one replaces.';
COMMENT ON COLUMN fee_orders.channel IS 'How it was paid (wechat_pay, alipay, corporate_banking, unionpay, personal_banking, …).';
COMMENT ON COLUMN fee_orders.paid_at IS 'When the payment platform reported it paid.';
COMMENT ON COLUMN fee_orders.settled_at IS 'When reconciliation confirmed the money reached the treasury.';
COMMENT ON COLUMN fee_orders.refunded_fen IS 'Refunded so far, in fen; never more than the total.';
COMMENT ON COLUMN fee_orders.created_at IS 'When it was issued.';
COMMENT ON COLUMN fee_orders.updated_at IS 'Last change.';

-- Paying fee orders: attempts at the payment platforms, the notifications they send, refunds,
-- and which banks the local finance bureaus hold accounts with.

CREATE TABLE payments (
    id uuid PRIMARY KEY,
    fee_order_id uuid NOT NULL REFERENCES fee_orders (id),
    platform text NOT NULL CHECK (platform IN ('provincial', 'qingdao')),
    channel text NOT NULL,
    bank text,
    amount_fen bigint NOT NULL CHECK (amount_fen > 0),
    status text NOT NULL DEFAULT 'started' CHECK (status IN ('started', 'in_progress', 'paid',
        'failed')),
    platform_order_id text,
    pay_url text,
    qr_code text,
    transaction_id text,
    voucher_url text,
    paid_at timestamptz,
    review_reason text CHECK (review_reason IN ('duplicate_payment', 'after_expiry',
        'amount_mismatch')),
    started_by uuid NOT NULL REFERENCES accounts (id),
    last_queried_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_fee_order_id_idx ON payments (fee_order_id, created_at);
CREATE INDEX payments_started_by_idx ON payments (started_by);
CREATE INDEX payments_open_idx ON payments (created_at) WHERE status IN ('started', 'in_progress');
CREATE UNIQUE INDEX payments_transaction_idx ON payments (platform, transaction_id);
COMMENT ON TABLE payments IS 'Attempts to pay a fee order at a payment platform; our id is the platform''s merchant order number, so a retried request never pays twice.';
COMMENT ON COLUMN payments.id IS 'Payment id; sent to the platform as our order number (32 hex digits).';
COMMENT ON COLUMN payments.fee_order_id IS 'The fee order being paid.';
COMMENT ON COLUMN payments.platform IS 'provincial (the non-tax payment platform) or qingdao (the Qingdao courts'' platform).';
COMMENT ON COLUMN payments.channel IS 'wechat_pay, alipay, corporate_banking, unionpay, personal_banking or online_banking (Qingdao).';
COMMENT ON COLUMN payments.bank IS 'The bank of a personal or Qingdao online-banking payment.';
COMMENT ON COLUMN payments.amount_fen IS 'Amount asked, in fen: the order''s total when the payment started.';
COMMENT ON COLUMN payments.status IS 'started, in_progress (e.g. waiting for a corporate second approver), paid or failed.';
COMMENT ON COLUMN payments.platform_order_id IS 'The platform''s own order id (Qingdao creates one before payment).';
COMMENT ON COLUMN payments.pay_url IS 'Where the payer completes the payment.';
COMMENT ON COLUMN payments.qr_code IS 'QR payload for WeChat Pay and Alipay.';
COMMENT ON COLUMN payments.transaction_id IS 'The platform''s transaction id once paid.';
COMMENT ON COLUMN payments.voucher_url IS 'The platform''s payment voucher, passed through.';
COMMENT ON COLUMN payments.paid_at IS 'When the platform says the money was paid.';
COMMENT ON COLUMN payments.review_reason IS 'Money that needs a person: duplicate_payment (the order was already paid), after_expiry (the notice had expired or the order was cancelled) or amount_mismatch (the platform reported another amount; no longer queried).';
COMMENT ON COLUMN payments.started_by IS 'The account that started the payment.';
COMMENT ON COLUMN payments.last_queried_at IS 'When the platform was last asked about it, for payments without a notification.';
COMMENT ON COLUMN payments.created_at IS 'When it was started.';
COMMENT ON COLUMN payments.updated_at IS 'Last change.';

ALTER TABLE fee_orders
    ADD COLUMN paid_by_payment_id uuid REFERENCES payments (id),
    ADD COLUMN reminder_sent_at timestamptz;
CREATE INDEX fee_orders_paid_by_payment_id_idx ON fee_orders (paid_by_payment_id);
CREATE INDEX fee_orders_reminder_idx ON fee_orders (expires_at)
    WHERE status = 'awaiting_payment' AND reminder_sent_at IS NULL;
COMMENT ON COLUMN fee_orders.paid_by_payment_id IS 'The payment that paid the order.';
COMMENT ON COLUMN fee_orders.reminder_sent_at IS 'When the filer was reminded that the notice is about to expire.';

CREATE TABLE payment_notifications (
    id bigserial PRIMARY KEY,
    platform text NOT NULL,
    notification_id text,
    payment_id uuid REFERENCES payments (id),
    outcome text NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'stale',
        'amount_mismatch', 'unknown_payment', 'after_expiry',
        'duplicate_payment')),
    body text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_notifications_payment_id_idx ON payment_notifications (payment_id, received_at);
CREATE INDEX payment_notifications_id_idx ON payment_notifications (platform, notification_id);
CREATE INDEX payment_notifications_review_idx ON payment_notifications (received_at)
    WHERE outcome IN ('amount_mismatch', 'unknown_payment', 'after_expiry', 'duplicate_payment');
COMMENT ON TABLE payment_notifications IS 'Every signed notification a payment platform delivered (or the answer of a status query that changed something), and what it did, kept for staff; deliveries that fail verification are logged, not stored.';
COMMENT ON COLUMN payment_notifications.id IS 'Row id.';
COMMENT ON COLUMN payment_notifications.platform IS 'provincial or qingdao.';
COMMENT ON COLUMN payment_notifications.notification_id IS 'The platform''s id of the notification (repeated on redelivery); query for answers of a status query.';
COMMENT ON COLUMN payment_notifications.payment_id IS 'The payment it is about, when known.';
COMMENT ON COLUMN payment_notifications.outcome IS 'applied, duplicate (seen before), stale (older than the state already known), amount_mismatch, unknown_payment, after_expiry or duplicate_payment (money kept for refund review).';
COMMENT ON COLUMN payment_notifications.body IS 'The body as received (at most 64 KiB).';
COMMENT ON COLUMN payment_notifications.received_at IS 'When it arrived.';

CREATE TABLE refunds (
    id uuid PRIMARY KEY,
    fee_order_id uuid NOT NULL REFERENCES fee_orders (id),
    payment_id uuid NOT NULL REFERENCES payments (id),
    amount_fen bigint NOT NULL CHECK (amount_fen > 0),
    refundee_name text NOT NULL,
    reason text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    platform_refund_id text,
    failure_reason text,
    requested_by uuid NOT NULL REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz
);
CREATE INDEX refunds_fee_order_id_idx ON refunds (fee_order_id, created_at);
CREATE INDEX refunds_payment_id_idx ON refunds (payment_id);
CREATE INDEX refunds_requested_by_idx ON refunds (requested_by);
CREATE INDEX refunds_pending_idx ON refunds (created_at) WHERE status = 'pending';
COMMENT ON TABLE refunds IS 'Refunds of paid fee orders to their refundee; the amount is reserved on the order (fee_orders.refunded_fen) when requested and released only if the platform refuses.';
COMMENT ON COLUMN refunds.id IS 'Refund id; sent to the platform as our refund number, so a retried request never refunds twice.';
COMMENT ON COLUMN refunds.fee_order_id IS 'The order refunded.';
COMMENT ON COLUMN refunds.payment_id IS 'The payment the money goes back from.';
COMMENT ON COLUMN refunds.amount_fen IS 'Amount in fen.';
COMMENT ON COLUMN refunds.refundee_name IS 'Who receives it (the order''s refundee).';
COMMENT ON COLUMN refunds.reason IS 'Why it is refunded (judge''s text).';
COMMENT ON COLUMN refunds.status IS 'pending (sent or to be sent to the platform), succeeded or failed.';
COMMENT ON COLUMN refunds.platform_refund_id IS 'The platform''s id of the refund.';
COMMENT ON COLUMN refunds.failure_reason IS 'What the platform said when it refused.';
COMMENT ON COLUMN refunds.requested_by IS 'The judge who asked for it.';
COMMENT ON COLUMN refunds.created_at IS 'When it was asked for.';
COMMENT ON COLUMN refunds.updated_at IS 'Last change.';
COMMENT ON COLUMN refunds.completed_at IS 'When the platform confirmed or refused it.';

CREATE TABLE finance_bureau_banks (
    city text NOT NULL,
    bank text NOT NULL CHECK (bank IN ('icbc', 'abc', 'boc', 'ccb', 'cmb', 'psbc', 'citic')),
    available boolean NOT NULL,
    note text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (city, bank)
);
COMMENT ON TABLE finance_bureau_banks IS 'Whether the finance bureau of a city holds an account with a bank, which personal online banking needs; a bank without a row is available. Kept by operators.';
COMMENT ON COLUMN finance_bureau_banks.city IS 'The city, as in courts.city (济南市).';
COMMENT ON COLUMN finance_bureau_banks.bank IS 'icbc, abc, boc, ccb, cmb, psbc or citic.';
COMMENT ON COLUMN finance_bureau_banks.available IS 'Whether payments through this bank are possible for the city''s courts.';
COMMENT ON COLUMN finance_bureau_banks.note IS 'Operator''s note.';
COMMENT ON COLUMN finance_bureau_banks.updated_at IS 'Last change.';

CREATE TABLE reconciliation_reports (
    platform text NOT NULL CHECK (platform IN ('provincial', 'qingdao')),
    statement_date date NOT NULL,
    statement_lines integer NOT NULL CHECK (statement_lines >= 0),
    settled integer NOT NULL CHECK (settled >= 0),
    missing_locally jsonb NOT NULL CHECK (jsonb_typeof(missing_locally) = 'array'),
    missing_in_statement jsonb NOT NULL CHECK (jsonb_typeof(missing_in_statement) = 'array'),
    amount_mismatches jsonb NOT NULL CHECK (jsonb_typeof(amount_mismatches) = 'array'),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, statement_date)
);
COMMENT ON TABLE reconciliation_reports IS 'The result of comparing a platform''s daily statement with the payments recorded here; running it again for the same day replaces it.';
COMMENT ON COLUMN reconciliation_reports.platform IS 'provincial or qingdao.';
COMMENT ON COLUMN reconciliation_reports.statement_date IS 'The day of the statement (money that reached the treasury that day).';
COMMENT ON COLUMN reconciliation_reports.statement_lines IS 'Lines in the statement.';
COMMENT ON COLUMN reconciliation_reports.settled IS 'Orders of this statement that are settled (by this run or an earlier one).';
COMMENT ON COLUMN reconciliation_reports.missing_locally IS 'Statement lines with no paid payment here: [{merchant_order_no, transaction_id, amount}].';
COMMENT ON COLUMN reconciliation_reports.missing_in_statement IS 'Payments paid here and due in this statement but not in it: [{payment_id, order_number, amount}].';
COMMENT ON COLUMN reconciliation_reports.amount_mismatches IS 'Payments whose statement amount differs: [{payment_id, order_number, recorded, statement}].';
COMMENT ON COLUMN reconciliation_reports.created_at IS 'When the comparison ran.';

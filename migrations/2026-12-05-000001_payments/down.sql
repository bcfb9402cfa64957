DROP TABLE reconciliation_reports;
DROP TABLE finance_bureau_banks;
DROP TABLE refunds;
DROP TABLE payment_notifications;
ALTER TABLE fee_orders DROP COLUMN paid_by_payment_id, DROP COLUMN reminder_sent_at;
DROP TABLE payments;

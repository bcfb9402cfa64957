DROP TABLE password_reset_documents;
DROP TABLE password_reset_requests;

DROP INDEX filings_original_case_idx;
DROP TABLE registered_case_access;
DROP TABLE registered_case_parties;
DROP TABLE registered_cases;

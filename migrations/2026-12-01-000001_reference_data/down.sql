DROP TABLE private_prosecution_charges;
DROP TABLE causes_of_action;
DROP TABLE case_types;
DROP TABLE retired_court_codes;
DROP TABLE courts;

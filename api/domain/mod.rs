//! Pure rules of the domain, with no I/O: identity documents, phone numbers, names, case
//! numbers, money and its capital numerals, working days, filing kinds and the court
//! hierarchy. Everything here is deterministic given its inputs (the current date is passed
//! in), so it is tested exhaustively here.

pub mod agent;
pub mod calendar;
pub mod capital_numerals;
pub mod case_number;
pub mod catalogue;
pub mod credit_code;
pub mod fees;
pub mod filing;
pub mod filing_status;
pub mod kinds;
pub mod licence;
pub mod materials;
pub mod money;
pub mod name;
pub mod party;
pub mod payment;
pub mod phone;
pub mod registered_case;
pub mod resident_id;
pub mod sms;
pub mod text;
pub mod trial_feed;
pub mod working_days;

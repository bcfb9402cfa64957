-- Reference data: courts, retired court codes, case types, causes of action and the charges
-- open to private prosecution. Rows are loaded from data/reference/*.csv by the loader that
-- `efiling migrate` runs after the migrations.

CREATE TABLE courts (
    code text PRIMARY KEY,
    name text NOT NULL,
    full_name text NOT NULL,
    level text NOT NULL CHECK (level IN ('high', 'intermediate', 'special', 'basic')),
    tier text NOT NULL CHECK (tier IN ('high', 'intermediate', 'basic')),
    parent_code text REFERENCES courts (code),
    city text NOT NULL,
    city_division_code text NOT NULL,
    division_code text,
    in_qingdao_jurisdiction boolean NOT NULL,
    code_basis text NOT NULL,
    notes text
);
CREATE INDEX courts_parent_code_idx ON courts (parent_code);
COMMENT ON TABLE courts IS 'The courts in force in the province, as a tree from the high court down.';
COMMENT ON COLUMN courts.code IS 'Court part of a case number (案号法院代字), e.g. 鲁0102.';
COMMENT ON COLUMN courts.name IS 'Common name, e.g. 济南市历下区人民法院.';
COMMENT ON COLUMN courts.full_name IS 'Name as printed on judgments, with the province prefix where it has one.';
COMMENT ON COLUMN courts.level IS 'high, intermediate, special (railway and maritime courts) or basic.';
COMMENT ON COLUMN courts.tier IS 'Trial tier: high, intermediate or basic (special courts sit at intermediate or basic tier).';
COMMENT ON COLUMN courts.parent_code IS 'The superior court; NULL only for the high court.';
COMMENT ON COLUMN courts.city IS 'Prefecture-level city the court sits in.';
COMMENT ON COLUMN courts.city_division_code IS 'GB/T 2260 code of that city.';
COMMENT ON COLUMN courts.division_code IS 'GB/T 2260 county code of a basic court; NULL where there is none.';
COMMENT ON COLUMN courts.in_qingdao_jurisdiction IS 'True for the Qingdao intermediate court and its basic courts, which pay fees through their own channel.';
COMMENT ON COLUMN courts.code_basis IS 'How the code is known: observed in a real case number, or derived by rule.';
COMMENT ON COLUMN courts.notes IS 'Free text about the court.';

CREATE TABLE retired_court_codes (
    old_code text PRIMARY KEY,
    old_name text NOT NULL,
    old_division_code text NOT NULL,
    successor_code text NOT NULL REFERENCES courts (code),
    change text NOT NULL
);
CREATE INDEX retired_court_codes_successor_code_idx ON retired_court_codes (successor_code);
COMMENT ON TABLE retired_court_codes IS 'Court codes used in older case numbers that no longer exist, with the court that took over.';
COMMENT ON COLUMN retired_court_codes.old_code IS 'The retired court code, e.g. 鲁0181.';
COMMENT ON COLUMN retired_court_codes.old_name IS 'Name of the court under the retired code.';
COMMENT ON COLUMN retired_court_codes.old_division_code IS 'GB/T 2260 code the retired court code was derived from.';
COMMENT ON COLUMN retired_court_codes.successor_code IS 'The court in force that took over.';
COMMENT ON COLUMN retired_court_codes.change IS 'What changed, e.g. a county becoming a district.';

CREATE TABLE case_types (
    type_code text PRIMARY KEY,
    name text NOT NULL,
    code text,
    level smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
    parent_type_code text REFERENCES case_types (type_code),
    category_type_code text NOT NULL,
    category_name text NOT NULL,
    meaning_en text,
    online_filing text CHECK (online_filing IN ('yes', 'no', 'appeal_only')),
    parent_inferred boolean NOT NULL,
    notes text
);
CREATE INDEX case_types_parent_type_code_idx ON case_types (parent_type_code);
CREATE INDEX case_types_code_idx ON case_types (code);
COMMENT ON TABLE case_types IS 'Case types of the national standard with their case-number codes (代字).';
COMMENT ON COLUMN case_types.type_code IS 'Four-digit case-type code, e.g. 0301.';
COMMENT ON COLUMN case_types.name IS 'Name of the case type.';
COMMENT ON COLUMN case_types.code IS 'The type code used in case numbers (代字), e.g. 民初; NULL for grouping types.';
COMMENT ON COLUMN case_types.level IS 'Depth in the hierarchy, 1 to 3.';
COMMENT ON COLUMN case_types.parent_type_code IS 'The enclosing case type.';
COMMENT ON COLUMN case_types.category_type_code IS 'The level-1 category the type belongs to.';
COMMENT ON COLUMN case_types.category_name IS 'Name of that category.';
COMMENT ON COLUMN case_types.meaning_en IS 'English meaning, for the types this platform uses.';
COMMENT ON COLUMN case_types.online_filing IS 'yes, no, appeal_only (not filed online, but its judgments can be appealed online), or NULL when not stated.';
COMMENT ON COLUMN case_types.parent_inferred IS 'True where the parent was inferred from the order of the source list.';
COMMENT ON COLUMN case_types.notes IS 'Free text about the type.';

CREATE TABLE causes_of_action (
    list text NOT NULL CHECK (list IN ('2020', '2025')),
    id text NOT NULL,
    level smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
    seq integer NOT NULL,
    display_no text NOT NULL,
    name text NOT NULL,
    parent_id text,
    path text NOT NULL,
    sort_key integer NOT NULL,
    PRIMARY KEY (list, id),
    FOREIGN KEY (list, parent_id) REFERENCES causes_of_action (list, id)
);
CREATE INDEX causes_of_action_list_parent_id_idx ON causes_of_action (list, parent_id);
CREATE UNIQUE INDEX causes_of_action_list_sort_key_idx ON causes_of_action (list, sort_key);
COMMENT ON TABLE causes_of_action IS 'Civil causes of action (民事案件案由), one row per cause of each published list.';
COMMENT ON COLUMN causes_of_action.list IS 'The list the cause belongs to: 2025 (in force since 2026-01-01) or 2020 (kept for older cases).';
COMMENT ON COLUMN causes_of_action.id IS 'Identifier within the list: P1… for parts, S1… for level 2, the official number for level 3, e.g. 84.8 for level 4.';
COMMENT ON COLUMN causes_of_action.level IS 'Depth in the list, 1 (part) to 4.';
COMMENT ON COLUMN causes_of_action.seq IS 'Official number within its level.';
COMMENT ON COLUMN causes_of_action.display_no IS 'The number as printed, e.g. 第四部分, 十、, 84., (8).';
COMMENT ON COLUMN causes_of_action.name IS 'Name of the cause.';
COMMENT ON COLUMN causes_of_action.parent_id IS 'The enclosing cause in the same list; NULL for parts.';
COMMENT ON COLUMN causes_of_action.path IS 'Names from level 1 down, joined by " > ".';
COMMENT ON COLUMN causes_of_action.sort_key IS 'Position in the published order (a depth-first walk of the tree).';

CREATE TABLE private_prosecution_charges (
    id integer PRIMARY KEY,
    category text NOT NULL CHECK (category IN ('A', 'B', 'C')),
    category_name text NOT NULL,
    item_no smallint NOT NULL,
    case_label text NOT NULL,
    charge text NOT NULL,
    criminal_law_article text,
    condition_or_exception text,
    is_category_row boolean NOT NULL
);
COMMENT ON TABLE private_prosecution_charges IS 'Charges a victim may prosecute privately (刑事自诉).';
COMMENT ON COLUMN private_prosecution_charges.id IS 'Row number in the source list.';
COMMENT ON COLUMN private_prosecution_charges.category IS 'A: prosecuted only on complaint; B: minor cases the victim can prove; C: public prosecution declined.';
COMMENT ON COLUMN private_prosecution_charges.category_name IS 'Name of the category.';
COMMENT ON COLUMN private_prosecution_charges.item_no IS 'Item number within the category.';
COMMENT ON COLUMN private_prosecution_charges.case_label IS 'The kind of case as the source names it.';
COMMENT ON COLUMN private_prosecution_charges.charge IS 'The charge (罪名).';
COMMENT ON COLUMN private_prosecution_charges.criminal_law_article IS 'Article of the Criminal Law.';
COMMENT ON COLUMN private_prosecution_charges.condition_or_exception IS 'Limits on when the row applies.';
COMMENT ON COLUMN private_prosecution_charges.is_category_row IS 'True for open categories rather than single charges.';

//! One party of a filing (当事人): a natural person, a legal person or an unincorporated
//! organisation, as a client describes it and as the platform stores it.
//!
//! A client sends a party as a [`PartyInput`]: every field a raw, optional string, so that a
//! half-filled form still deserialises and [`validate`] can report every problem at once.
//! A valid input becomes a [`Party`], whose fields are typed and normalised (canonical
//! names and document numbers, upper-case letters, full-width characters folded, phone
//! numbers in one form). A [`Party`] serialises to the same JSON shape as [`PartyInput`],
//! so a stored party can be turned back into an input, merged with a change and validated
//! again; validating that input gives the same party.
//!
//! Natural persons in a filing may hold any of several identity documents, each checked by
//! its own rule (see [`DocumentType`]); only accounts require a mainland resident ID. A
//! person whose name is unknown (无名氏) may have no document at all.
//!
//! A field that is absent, `null` or blank counts as absent: merging a change that clears
//! a field leaves an empty string behind, and the result must read as "not given".

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};

use crate::domain::credit_code::CreditCode;
use crate::domain::name::{OrganisationName, PersonName};
use crate::domain::phone::MobilePhone;
use crate::domain::resident_id::{self, NonMainlandDocument, ResidentIdNumber, Sex};
use crate::domain::text::{fold_width, is_blank, trim_blanks};
use crate::errors::{Code, FieldError};

/// Birth dates before this are refused as typing mistakes: nobody alive was born earlier.
const EARLIEST_BIRTH_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(date) => date,
    None => panic!("1900-01-01 is a date"),
};

/// The longest address accepted, in characters.
const ADDRESS_MAX_CHARS: usize = 200;

/// The longest nationality accepted, in characters (`阿拉伯联合酋长国`, `Bosnia and
/// Herzegovina` fit comfortably).
const NATIONALITY_MAX_CHARS: usize = 50;

/// The longest title of a representative accepted, in characters (`执行董事兼总经理`).
const REPRESENTATIVE_TITLE_MAX_CHARS: usize = 50;

// The JSON keys of the fields, as errors name them.
const TYPE: &str = "type";
const NAME: &str = "name";
const DOCUMENT_TYPE: &str = "document_type";
const DOCUMENT_NUMBER: &str = "document_number";
const GENDER: &str = "gender";
const ETHNICITY: &str = "ethnicity";
const NATIONALITY: &str = "nationality";
const BIRTH_DATE: &str = "birth_date";
const ADDRESS: &str = "address";
const PHONE: &str = "phone";
const CREDIT_CODE: &str = "credit_code";
const REPRESENTATIVE_NAME: &str = "representative_name";
const REPRESENTATIVE_TITLE: &str = "representative_title";

/// A party as a client sends it: the body of a request that adds a party, or a stored party
/// merged with a change. Every field is an optional raw string; [`validate`] checks them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    /// The party's role in the filing (`plaintiff`, `defendant`, …); which roles are allowed
    /// depends on the kind of filing, so the caller checks it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `natural_person`, `legal_person` or `unincorporated_organisation`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub party_type: Option<String>,
    /// The person's name, or the organisation's registered name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Natural persons: the identity document — `resident_id` (mainland resident ID),
    /// `passport`, `hong_kong_macao_permit` (港澳居民来往内地通行证), `taiwan_permit`
    /// (台湾居民来往大陆通行证), `residence_permit` (港澳台居民居住证),
    /// `foreign_permanent_residence` (外国人永久居留身份证) or `none` (only for a person
    /// whose name is unknown, such as 无名氏).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
    /// Natural persons: the document's number; absent when `document_type` is `none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    /// Natural persons: `male` or `female`. Taken from the number of a resident ID or a
    /// residence permit when not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Natural persons: one of the 56 ethnic groups by its Chinese name (`汉族`); the name
    /// without the final `族` is accepted too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ethnicity: Option<String>,
    /// Natural persons: free text (`中国`, `美国`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// Natural persons: `YYYY-MM-DD`. Taken from the number of a resident ID or a residence
    /// permit when not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// At most 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// A mainland mobile number, or a landline with its area code (`0531-88888888`,
    /// optionally followed by an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Organisations: the unified social credit code; required for legal persons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    /// Organisations: the legal representative (legal person) or the principal
    /// (unincorporated organisation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub representative_name: Option<String>,
    /// Organisations: the representative's title (`董事长`), optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub representative_title: Option<String>,
}

/// The members of a party in the API (those of [`PartyInput`]).
pub const FIELDS: [&str; 14] = [
    "role",
    "type",
    "name",
    "document_type",
    "document_number",
    "gender",
    "ethnicity",
    "nationality",
    "birth_date",
    "address",
    "phone",
    "credit_code",
    "representative_name",
    "representative_title",
];

/// What kind of person a party is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyType {
    /// 自然人
    NaturalPerson,
    /// 法人
    LegalPerson,
    /// 非法人组织
    UnincorporatedOrganisation,
}

impl PartyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PartyType::NaturalPerson => "natural_person",
            PartyType::LegalPerson => "legal_person",
            PartyType::UnincorporatedOrganisation => "unincorporated_organisation",
        }
    }

    /// Reads a party type, ignoring surrounding blanks, letter case and full-width forms.
    pub fn parse(input: &str) -> Option<PartyType> {
        match normalised_keyword(input).as_str() {
            "natural_person" => Some(PartyType::NaturalPerson),
            "legal_person" => Some(PartyType::LegalPerson),
            "unincorporated_organisation" => Some(PartyType::UnincorporatedOrganisation),
            _ => None,
        }
    }

    /// Whether the party is an organisation (legal person or unincorporated organisation).
    pub fn is_organisation(self) -> bool {
        !matches!(self, PartyType::NaturalPerson)
    }
}

/// The identity document of a natural person in a filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// 居民身份证: the 18-character mainland resident ID number (GB 11643).
    ResidentId,
    /// 护照: a Chinese or foreign passport.
    Passport,
    /// 港澳居民来往内地通行证 (回乡证).
    HongKongMacaoPermit,
    /// 台湾居民来往大陆通行证 (台胞证).
    TaiwanPermit,
    /// 港澳台居民居住证: 18 characters starting 81, 82 or 83.
    ResidencePermit,
    /// 外国人永久居留身份证.
    ForeignPermanentResidence,
    /// No document: only for a person whose name is unknown (无名氏).
    #[serde(rename = "none")]
    NoDocument,
}

impl DocumentType {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentType::ResidentId => "resident_id",
            DocumentType::Passport => "passport",
            DocumentType::HongKongMacaoPermit => "hong_kong_macao_permit",
            DocumentType::TaiwanPermit => "taiwan_permit",
            DocumentType::ResidencePermit => "residence_permit",
            DocumentType::ForeignPermanentResidence => "foreign_permanent_residence",
            DocumentType::NoDocument => "none",
        }
    }

    /// Reads a document type, ignoring surrounding blanks, letter case and full-width forms.
    pub fn parse(input: &str) -> Option<DocumentType> {
        match normalised_keyword(input).as_str() {
            "resident_id" => Some(DocumentType::ResidentId),
            "passport" => Some(DocumentType::Passport),
            "hong_kong_macao_permit" => Some(DocumentType::HongKongMacaoPermit),
            "taiwan_permit" => Some(DocumentType::TaiwanPermit),
            "residence_permit" => Some(DocumentType::ResidencePermit),
            "foreign_permanent_residence" => Some(DocumentType::ForeignPermanentResidence),
            "none" => Some(DocumentType::NoDocument),
            _ => None,
        }
    }
}

/// The gender of a natural person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    /// Reads `male` or `female` (any letter case, full-width too) or the Chinese `男` or `女`.
    pub fn parse(input: &str) -> Option<Gender> {
        match normalised_keyword(input).as_str() {
            "male" | "男" => Some(Gender::Male),
            "female" | "女" => Some(Gender::Female),
            _ => None,
        }
    }
}

impl From<Sex> for Gender {
    fn from(sex: Sex) -> Gender {
        match sex {
            Sex::Male => Gender::Male,
            Sex::Female => Gender::Female,
        }
    }
}

/// The 56 ethnic groups of China by their Chinese names, in the order of GB/T 3304.
const ETHNIC_GROUPS: [&str; 56] = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
];

/// One of the 56 ethnic groups, by its full Chinese name (`汉族`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ethnicity(&'static str);

impl Ethnicity {
    /// Reads an ethnic group by its Chinese name, with or without the final `族` (`汉`,
    /// `维吾尔`), ignoring blanks anywhere.
    pub fn parse(input: &str) -> Option<Ethnicity> {
        let name: String = input.chars().filter(|&c| !is_blank(c)).collect();
        ETHNIC_GROUPS
            .iter()
            .find(|group| {
                **group == name || group.strip_suffix('族').is_some_and(|short| short == name)
            })
            .map(|group| Ethnicity(group))
    }

    /// The full name (`汉族`).
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl Serialize for Ethnicity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

// --- Identity documents -----------------------------------------------------------------

/// A natural person's identity document with its number in canonical form.
///
/// `Debug` masks the number, which must never reach a log in full.
#[derive(Clone, PartialEq, Eq)]
pub struct IdentityDocument {
    document_type: DocumentType,
    /// The canonical number; `None` exactly when the type is [`DocumentType::NoDocument`].
    number: Option<String>,
    /// Gender and birth date, for the documents whose number encodes them.
    encoded: Option<(Gender, NaiveDate)>,
    /// The parsed number of a mainland resident ID.
    resident_id: Option<ResidentIdNumber>,
}

impl IdentityDocument {
    /// The absence of a document, for a person whose name is unknown.
    pub fn none() -> IdentityDocument {
        IdentityDocument {
            document_type: DocumentType::NoDocument,
            number: None,
            encoded: None,
            resident_id: None,
        }
    }

    /// Checks a document number against the rule of its type and puts it into canonical
    /// form. Cleaning is the same for every type: blanks anywhere are removed (numbers are
    /// grouped with spaces or pasted with invisible marks), full-width characters are
    /// folded to ASCII, and letters are upper-cased.
    ///
    /// - `resident_id`: [`ResidentIdNumber::parse`] and its `id_number.*` codes, except that
    ///   the number of a residence permit or of a foreigner's permanent residence card is
    ///   answered with `document.is_residence_permit` or `document.is_permanent_residence`,
    ///   which tell which type to choose instead.
    /// - `passport`: 5 to 20 ASCII letters and digits, at least one of them a digit. Chinese
    ///   ordinary passports are `E` and 8 digits or `E`, a letter and 7 digits (older ones
    ///   `G` and 8 digits); foreign passports vary too much to check more than that.
    ///   Error: `document.passport_format`.
    /// - `hong_kong_macao_permit`: `H` (Hong Kong residents) or `M` (Macao residents), then
    ///   the 8-digit lifelong number, optionally followed by the 2-digit issue counter
    ///   (`00` for the first card) that the 1999 cards print as part of the number and the
    ///   2013 cards print apart: `H12345678`, `H1234567801`, `H12345678(01)`. Kept as given,
    ///   without the parentheses. Error: `document.hong_kong_macao_permit_format`.
    /// - `taiwan_permit`: the 8-digit lifelong number (cards since 2015, booklets since
    ///   2008); or the older booklet form of those 8 digits, the 2-digit issue counter and
    ///   optionally the issuing office's letter or digit in parentheses (`0561682001(D)`;
    ///   a letter may come without parentheses). Error: `document.taiwan_permit_format`.
    /// - `residence_permit`: 18 characters coded like a resident ID number (GB 11643) with
    ///   the region code 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan), a real birth
    ///   date and the check character. Errors: `document.residence_permit_format`,
    ///   `document.birth_date`, `document.checksum`; a mainland resident ID number or a
    ///   permanent residence number gets `document.is_resident_id` or
    ///   `document.is_permanent_residence`.
    /// - `foreign_permanent_residence`: the 18-digit number of the cards issued since
    ///   December 2023, `9` and 16 digits and the GB 11643 check character; or the
    ///   15-character number of the earlier cards (2004 and 2017 versions), three letters
    ///   (the ISO 3166 code of the nationality) and 12 digits. Errors:
    ///   `document.permanent_residence_format`, `document.checksum`,
    ///   `document.is_resident_id`, `document.is_residence_permit`.
    ///
    /// `today` (Asia/Shanghai) bounds the birth dates encoded in numbers.
    pub fn parse(
        document_type: DocumentType,
        input: &str,
        today: NaiveDate,
    ) -> Result<IdentityDocument, Code> {
        let number = clean_number(input);
        if number.is_empty() && document_type != DocumentType::NoDocument {
            return Err(Code::DocumentNumberRequired);
        }
        let document = |number: String| IdentityDocument {
            document_type,
            number: Some(number),
            encoded: None,
            resident_id: None,
        };
        match document_type {
            DocumentType::ResidentId => {
                let id = parse_resident_id(input, today)?;
                Ok(IdentityDocument {
                    document_type,
                    number: Some(id.as_str().to_owned()),
                    encoded: Some((id.sex().into(), id.birth_date())),
                    resident_id: Some(id),
                })
            }
            DocumentType::Passport => parse_passport(number).map(document),
            DocumentType::HongKongMacaoPermit => {
                parse_hong_kong_macao_permit(&number).map(document)
            }
            DocumentType::TaiwanPermit => parse_taiwan_permit(&number).map(document),
            DocumentType::ResidencePermit => {
                let encoded = parse_residence_permit(&number, today)?;
                Ok(IdentityDocument {
                    encoded: Some(encoded),
                    ..document(number)
                })
            }
            DocumentType::ForeignPermanentResidence => {
                parse_permanent_residence(number, today).map(document)
            }
            DocumentType::NoDocument if number.is_empty() => Ok(IdentityDocument::none()),
            DocumentType::NoDocument => Err(Code::DocumentNumberNotApplicable),
        }
    }

    pub fn document_type(&self) -> DocumentType {
        self.document_type
    }

    /// The canonical number; `None` for [`DocumentType::NoDocument`].
    pub fn number(&self) -> Option<&str> {
        self.number.as_deref()
    }

    /// The mainland resident ID number, when the document is a resident ID card.
    pub fn resident_id(&self) -> Option<&ResidentIdNumber> {
        self.resident_id.as_ref()
    }

    /// The gender and birth date that the number encodes (resident IDs and residence
    /// permits).
    pub fn encoded_gender_and_birth_date(&self) -> Option<(Gender, NaiveDate)> {
        self.encoded
    }

    /// The number with all but its first two and last two characters replaced by `*`.
    pub fn masked_number(&self) -> Option<String> {
        let number = self.number.as_deref()?;
        let length = number.chars().count();
        Some(
            number
                .chars()
                .enumerate()
                .map(|(index, c)| {
                    if index < 2 || index + 2 >= length {
                        c
                    } else {
                        '*'
                    }
                })
                .collect(),
        )
    }
}

impl fmt::Debug for IdentityDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.masked_number() {
            Some(masked) => write!(
                f,
                "IdentityDocument({}, {masked})",
                self.document_type.as_str()
            ),
            None => write!(f, "IdentityDocument({})", self.document_type.as_str()),
        }
    }
}

/// Removes blanks, folds full-width forms and upper-cases ASCII letters.
fn clean_number(input: &str) -> String {
    input
        .chars()
        .filter(|&c| !is_blank(c))
        .map(|c| fold_width(c).to_ascii_uppercase())
        .collect()
}

/// 17 ASCII digits followed by a digit or `X`, the shape of GB 11643 numbers.
fn has_gb11643_shape(number: &str) -> bool {
    let bytes = number.as_bytes();
    bytes.len() == 18
        && bytes[..17].iter().all(u8::is_ascii_digit)
        && (bytes[17].is_ascii_digit() || bytes[17] == b'X')
}

fn has_gb11643_check_character(number: &str) -> bool {
    number
        .get(..17)
        .and_then(resident_id::check_character)
        .is_some_and(|check| number[17..].starts_with(check))
}

fn parse_resident_id(input: &str, today: NaiveDate) -> Result<ResidentIdNumber, Code> {
    ResidentIdNumber::parse(input, today).map_err(|code| match code {
        Code::IdNumberNonMainland => match NonMainlandDocument::classify(input) {
            Some(document) if document.is_residence_permit() => Code::DocumentIsResidencePermit,
            _ => Code::DocumentIsPermanentResidence,
        },
        code => code,
    })
}

fn parse_passport(number: String) -> Result<String, Code> {
    let valid = (5..=20).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_alphanumeric())
        && number.bytes().any(|b| b.is_ascii_digit());
    if valid {
        Ok(number)
    } else {
        Err(Code::DocumentPassportFormat)
    }
}

fn all_digits(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit())
}

fn parse_hong_kong_macao_permit(number: &str) -> Result<String, Code> {
    let format = Code::DocumentHongKongMacaoPermitFormat;
    let (letter, digits) = match number.as_bytes().first() {
        Some(b'H' | b'M') => number.split_at(1),
        _ => return Err(format),
    };
    // The issue counter in parentheses, as some people copy it from the card.
    let digits = match digits.strip_suffix(')').and_then(|d| d.split_once('(')) {
        Some((lifelong, counter)) if lifelong.len() == 8 && counter.len() == 2 => {
            format!("{lifelong}{counter}")
        }
        Some(_) => return Err(format),
        None => digits.to_owned(),
    };
    if matches!(digits.len(), 8 | 10) && all_digits(&digits) {
        Ok(format!("{letter}{digits}"))
    } else {
        Err(format)
    }
}

fn parse_taiwan_permit(number: &str) -> Result<String, Code> {
    let format = Code::DocumentTaiwanPermitFormat;
    let digits_end = number.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, office) = number.split_at(digits_end);
    match (digits.len(), office.as_bytes()) {
        (8 | 10, []) => Ok(number.to_owned()),
        (10, [b'(', code, b')']) if code.is_ascii_alphanumeric() => {
            Ok(format!("{digits}({})", char::from(*code)))
        }
        (10, [code]) if code.is_ascii_uppercase() => Ok(format!("{digits}({})", char::from(*code))),
        _ => Err(format),
    }
}

/// A residence permit number's encoded gender and birth date, once the number is valid.
fn parse_residence_permit(number: &str, today: NaiveDate) -> Result<(Gender, NaiveDate), Code> {
    let is_permit = has_gb11643_shape(number)
        && NonMainlandDocument::classify(number).is_some_and(|d| d.is_residence_permit())
        && &number[2..6] == "0000";
    if !is_permit {
        return Err(
            misplaced_number(number, DocumentType::ResidencePermit, today)
                .unwrap_or(Code::DocumentResidencePermitFormat),
        );
    }
    let birth_date = encoded_birth_date(&number[6..14], today).ok_or(Code::DocumentBirthDate)?;
    if !has_gb11643_check_character(number) {
        return Err(Code::DocumentChecksum);
    }
    let gender = if (number.as_bytes()[16] - b'0') % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    };
    Ok((gender, birth_date))
}

fn parse_permanent_residence(number: String, today: NaiveDate) -> Result<String, Code> {
    let bytes = number.as_bytes();
    let old_form = bytes.len() == 15
        && bytes[..3].iter().all(u8::is_ascii_uppercase)
        && all_digits(&number[3..]);
    if old_form {
        return Ok(number);
    }
    let new_form = has_gb11643_shape(&number)
        && NonMainlandDocument::classify(&number)
            == Some(NonMainlandDocument::ForeignPermanentResidence);
    if !new_form {
        return Err(
            misplaced_number(&number, DocumentType::ForeignPermanentResidence, today)
                .unwrap_or(Code::DocumentPermanentResidenceFormat),
        );
    }
    if !has_gb11643_check_character(&number) {
        return Err(Code::DocumentChecksum);
    }
    Ok(number)
}

/// The error telling that an 18-character number belongs to another document type than
/// `chosen`, if it does: a valid resident ID number, or a number with the prefix of a
/// residence permit or of a permanent residence card.
fn misplaced_number(number: &str, chosen: DocumentType, today: NaiveDate) -> Option<Code> {
    let actual = if ResidentIdNumber::parse(number, today).is_ok() {
        DocumentType::ResidentId
    } else {
        match NonMainlandDocument::classify(number)? {
            document if document.is_residence_permit() => DocumentType::ResidencePermit,
            _ => DocumentType::ForeignPermanentResidence,
        }
    };
    match actual {
        _ if actual == chosen => None,
        DocumentType::ResidentId => Some(Code::DocumentIsResidentId),
        DocumentType::ResidencePermit => Some(Code::DocumentIsResidencePermit),
        _ => Some(Code::DocumentIsPermanentResidence),
    }
}

/// The date of an 8-digit `YYYYMMDD` string, if it is a real date from 1900 to `today`.
fn encoded_birth_date(digits: &str, today: NaiveDate) -> Option<NaiveDate> {
    let year = digits.get(..4)?.parse().ok()?;
    let month = digits.get(4..6)?.parse().ok()?;
    let day = digits.get(6..8)?.parse().ok()?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    (EARLIEST_BIRTH_DATE..=today)
        .contains(&date)
        .then_some(date)
}

// --- Phone numbers ----------------------------------------------------------------------

/// A landline number with its area code, in canonical form: trunk `0` and area code, a
/// hyphen, the 7- or 8-digit local number, and an optional extension after another hyphen
/// (`0531-88888888`, `010-62345678-123`).
#[derive(Clone, PartialEq, Eq)]
pub struct Landline(String);

/// The longest extension accepted, in digits.
const EXTENSION_MAX_DIGITS: usize = 6;

impl Landline {
    /// Parses a landline number as typed: blanks anywhere are removed, full-width forms
    /// folded; the digit groups may be separated by `-`, `.` or typographic dashes and the
    /// area code put in parentheses (`(0531)88888888`); `+86` or `0086` in front replaces
    /// the trunk `0` (`+86 531 8888 8888`). The area code is `010`, `02x` or a four-digit
    /// code from `0310` to `0999`; the local number has 7 or 8 digits and does not start
    /// with 0 or 1. An extension of 1 to 6 digits may follow `转`, `分机`, `ext`, `x`, `#` or
    /// `,`, or a last hyphen: when the group before that hyphen is a 7- or 8-digit local
    /// number, the group after it is an extension (`0531-8888888-8`), and otherwise only
    /// when the digits before it are a complete number without it (`0531-8888-8888` is
    /// one grouped number; `053188888888-12` has an extension).
    pub fn parse(input: &str) -> Option<Landline> {
        let cleaned: String = input
            .chars()
            .filter(|&c| !is_blank(c))
            .map(|c| fold_width(c).to_ascii_lowercase())
            .collect();
        if let Some((main, extension)) = split_extension(&cleaned) {
            let extension = extension.strip_prefix('.').unwrap_or(extension);
            return with_extension(main, extension);
        }
        // `0531-8888888-8`: a hyphen after a complete local number starts an extension.
        if let Some((main, extension)) = cleaned.rsplit_once('-') {
            let local = main.rsplit('-').next().unwrap_or(main);
            if matches!(local.len(), 7 | 8)
                && all_digits(local)
                && let Some(landline) = with_extension(main, extension)
            {
                return Some(landline);
            }
        }
        if let Some(number) = landline_number(&cleaned) {
            return Some(Landline(number));
        }
        // `(0531)88888888-12`, `053188888888-12`.
        let (main, extension) = cleaned.rsplit_once('-')?;
        with_extension(main, extension)
    }

    /// The canonical number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A landline number followed by an extension, both checked.
fn with_extension(main: &str, extension: &str) -> Option<Landline> {
    let valid = (1..=EXTENSION_MAX_DIGITS).contains(&extension.len()) && all_digits(extension);
    valid
        .then(|| landline_number(main))
        .flatten()
        .map(|number| Landline(format!("{number}-{extension}")))
}

/// Splits a number at an explicit extension marker.
fn split_extension(number: &str) -> Option<(&str, &str)> {
    ["转", "分机", "ext", "x", "#", ","]
        .iter()
        .find_map(|marker| number.split_once(marker))
}

/// The canonical `area-local` form of a landline number without extension.
fn landline_number(input: &str) -> Option<String> {
    let mut digits = String::with_capacity(input.len());
    for (index, c) in input.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if index == 0 => digits.push(c),
            '-' | '.' | '(' | ')' | '\u{2010}'..='\u{2015}' | '\u{2212}' => {}
            _ => return None,
        }
    }
    let national = match digits
        .strip_prefix("+86")
        .or_else(|| digits.strip_prefix("0086"))
    {
        // `+86 (0)531 …`: the trunk 0 written after the country code anyway.
        Some(rest) if rest.starts_with('0') => rest.to_owned(),
        Some(rest) => format!("0{rest}"),
        None if digits.starts_with('+') => return None,
        None => digits,
    };
    let area_length = match national.as_bytes() {
        [b'0', b'1', b'0', ..] | [b'0', b'2', ..] => 3,
        [b'0', b'3'..=b'9', ..] => 4,
        _ => return None,
    };
    let (area, local) = national.split_at_checked(area_length)?;
    let valid_local = matches!(local.len(), 7 | 8)
        && all_digits(local)
        && matches!(local.as_bytes().first(), Some(b'2'..=b'9'));
    valid_local.then(|| format!("{area}-{local}"))
}

impl fmt::Debug for Landline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (area, rest) = self.0.split_once('-').unwrap_or(("", &self.0));
        let local = rest.split('-').next().unwrap_or(rest);
        let tail = local.get(local.len().saturating_sub(4)..).unwrap_or("");
        write!(f, "Landline({area}-****{tail})")
    }
}

/// The contact phone of a party: a mainland mobile number (which can receive text
/// messages) or a landline with its area code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactPhone {
    Mobile(MobilePhone),
    Landline(Landline),
}

impl ContactPhone {
    /// Parses a mobile number ([`MobilePhone::parse`]) or, failing that, a landline
    /// ([`Landline::parse`]). Error: `party.phone_format`.
    pub fn parse(input: &str) -> Result<ContactPhone, Code> {
        if let Ok(mobile) = MobilePhone::parse(input) {
            return Ok(ContactPhone::Mobile(mobile));
        }
        Landline::parse(input)
            .map(ContactPhone::Landline)
            .ok_or(Code::PartyPhoneFormat)
    }

    /// The canonical number.
    pub fn as_str(&self) -> &str {
        match self {
            ContactPhone::Mobile(mobile) => mobile.as_str(),
            ContactPhone::Landline(landline) => landline.as_str(),
        }
    }

    /// The mobile number, which text messages can reach.
    pub fn mobile(&self) -> Option<&MobilePhone> {
        match self {
            ContactPhone::Mobile(mobile) => Some(mobile),
            ContactPhone::Landline(_) => None,
        }
    }
}

// --- Parties ----------------------------------------------------------------------------

/// A valid, normalised party of a filing. Built only by [`validate`]; serialises to the
/// JSON shape of [`PartyInput`] with canonical values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    role: Option<String>,
    kind: PartyKind,
    address: Option<String>,
    phone: Option<ContactPhone>,
}

/// What is particular to each type of party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyKind {
    NaturalPerson(NaturalPerson),
    LegalPerson(Organisation),
    UnincorporatedOrganisation(Organisation),
}

/// The facts of a natural person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaturalPerson {
    name: PersonName,
    document: IdentityDocument,
    gender: Option<Gender>,
    ethnicity: Option<Ethnicity>,
    nationality: Option<String>,
    birth_date: Option<NaiveDate>,
}

impl NaturalPerson {
    pub fn name(&self) -> &PersonName {
        &self.name
    }

    pub fn document(&self) -> &IdentityDocument {
        &self.document
    }

    pub fn gender(&self) -> Option<Gender> {
        self.gender
    }

    pub fn ethnicity(&self) -> Option<Ethnicity> {
        self.ethnicity
    }

    pub fn nationality(&self) -> Option<&str> {
        self.nationality.as_deref()
    }

    pub fn birth_date(&self) -> Option<NaiveDate> {
        self.birth_date
    }
}

/// The facts of a legal person or an unincorporated organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    name: OrganisationName,
    credit_code: Option<CreditCode>,
    representative_name: PersonName,
    representative_title: Option<String>,
}

impl Organisation {
    pub fn name(&self) -> &OrganisationName {
        &self.name
    }

    /// Always present for a legal person.
    pub fn credit_code(&self) -> Option<&CreditCode> {
        self.credit_code.as_ref()
    }

    /// The legal representative of a legal person, the principal of an unincorporated
    /// organisation.
    pub fn representative_name(&self) -> &PersonName {
        &self.representative_name
    }

    pub fn representative_title(&self) -> Option<&str> {
        self.representative_title.as_deref()
    }
}

impl Party {
    /// The role as the client sent it (blanks trimmed); the caller checks it against the
    /// kind of filing.
    pub fn role(&self) -> Option<&str> {
        self.role.as_deref()
    }

    pub fn party_type(&self) -> PartyType {
        match self.kind {
            PartyKind::NaturalPerson(_) => PartyType::NaturalPerson,
            PartyKind::LegalPerson(_) => PartyType::LegalPerson,
            PartyKind::UnincorporatedOrganisation(_) => PartyType::UnincorporatedOrganisation,
        }
    }

    pub fn kind(&self) -> &PartyKind {
        &self.kind
    }

    /// The canonical name of the person or organisation.
    pub fn name(&self) -> &str {
        match &self.kind {
            PartyKind::NaturalPerson(person) => person.name.as_str(),
            PartyKind::LegalPerson(organisation)
            | PartyKind::UnincorporatedOrganisation(organisation) => organisation.name.as_str(),
        }
    }

    pub fn natural_person(&self) -> Option<&NaturalPerson> {
        match &self.kind {
            PartyKind::NaturalPerson(person) => Some(person),
            _ => None,
        }
    }

    pub fn organisation(&self) -> Option<&Organisation> {
        match &self.kind {
            PartyKind::NaturalPerson(_) => None,
            PartyKind::LegalPerson(organisation)
            | PartyKind::UnincorporatedOrganisation(organisation) => Some(organisation),
        }
    }

    /// The identity document of a natural person.
    pub fn document(&self) -> Option<&IdentityDocument> {
        self.natural_person().map(NaturalPerson::document)
    }

    pub fn document_type(&self) -> Option<DocumentType> {
        self.document().map(IdentityDocument::document_type)
    }

    pub fn document_number(&self) -> Option<&str> {
        self.document().and_then(IdentityDocument::number)
    }

    /// The mainland resident ID number of a natural person who gave one.
    pub fn resident_id(&self) -> Option<&ResidentIdNumber> {
        self.document().and_then(IdentityDocument::resident_id)
    }

    pub fn address(&self) -> Option<&str> {
        self.address.as_deref()
    }

    pub fn phone(&self) -> Option<&ContactPhone> {
        self.phone.as_ref()
    }

    /// The party as an input, with every value in canonical form.
    pub fn to_input(&self) -> PartyInput {
        PartyInput::from(self)
    }
}

impl From<&Party> for PartyInput {
    fn from(party: &Party) -> PartyInput {
        let mut input = PartyInput {
            role: party.role.clone(),
            party_type: Some(party.party_type().as_str().to_owned()),
            name: Some(party.name().to_owned()),
            address: party.address.clone(),
            phone: party.phone.as_ref().map(|phone| phone.as_str().to_owned()),
            ..PartyInput::default()
        };
        match &party.kind {
            PartyKind::NaturalPerson(person) => {
                input.document_type = Some(person.document.document_type.as_str().to_owned());
                input.document_number = person.document.number.clone();
                input.gender = person.gender.map(|g| g.as_str().to_owned());
                input.ethnicity = person.ethnicity.map(|e| e.as_str().to_owned());
                input.nationality = person.nationality.clone();
                input.birth_date = person
                    .birth_date
                    .map(|date| date.format("%Y-%m-%d").to_string());
            }
            PartyKind::LegalPerson(organisation)
            | PartyKind::UnincorporatedOrganisation(organisation) => {
                input.credit_code = organisation
                    .credit_code
                    .as_ref()
                    .map(|code| code.as_str().to_owned());
                input.representative_name =
                    Some(organisation.representative_name.as_str().to_owned());
                input.representative_title = organisation.representative_title.clone();
            }
        }
        input
    }
}

impl Serialize for Party {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        PartyInput::from(self).serialize(serializer)
    }
}

/// Collects the errors of one party.
struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: &str, code: Code) {
        self.0.push(FieldError::new(field, code));
    }

    /// The value of a check, or `None` after recording its error.
    fn check<T>(&mut self, field: &str, result: Result<T, Code>) -> Option<T> {
        result.map_err(|code| self.push(field, code)).ok()
    }

    /// Checks an optional field: `None` when it is absent or invalid (the error recorded).
    fn optional<T>(
        &mut self,
        field: &str,
        value: &Option<String>,
        parse: impl FnOnce(&str) -> Result<T, Code>,
    ) -> Option<T> {
        present(value).and_then(|raw| self.check(field, parse(raw)))
    }

    fn not_applicable(&mut self, fields: &[(&str, &Option<String>)]) {
        for (field, value) in fields {
            if present(value).is_some() {
                self.push(field, Code::PartyFieldNotApplicable);
            }
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// The value of a field unless it is absent or blank.
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|raw| !trim_blanks(raw).is_empty())
}

/// Checks a party and puts it into canonical form.
///
/// Every problem is reported, each as a [`FieldError`] named by the field's JSON key
/// (`document_number`, `birth_date`); the caller prefixes the path of the party. A field
/// with several problems reports the first. Blank fields count as absent.
///
/// - `type`: required (`party.type_required`), one of the [`PartyType`] values
///   (`party.type_invalid`). While the type is unknown, only `name` (present), `address`
///   and `phone` are checked.
/// - `name`: a [`PersonName`] for natural persons, an [`OrganisationName`] for
///   organisations, with their codes (`name.*`, `organisation_name.*`).
/// - natural persons: `document_type` required (`document.type_required`,
///   `document.type_invalid`); `none` only for an unnamed person
///   (`document.none_not_allowed`), with no `document_number`
///   (`document.number_not_applicable`); otherwise the number is required
///   (`document.number_required`) and checked by [`IdentityDocument::parse`]. `gender`
///   (`party.gender_invalid`), `birth_date` (`date.invalid`, `date.in_future`,
///   `party.birth_date_too_early`), `ethnicity` (`party.ethnicity_invalid`) and
///   `nationality` (`party.nationality_too_long`) are optional; for a resident ID or a
///   residence permit, gender and birth date come from the number, and a different value
///   sent is `party.gender_mismatch` or `party.birth_date_mismatch`. The organisation
///   fields must be absent (`party.field_not_applicable`).
/// - organisations: `credit_code` (`credit_code.*`) is required for a legal person
///   (`party.credit_code_required`) and optional for an unincorporated organisation;
///   `representative_name` is required (`party.representative_required`), a person's name
///   (`name.*`) that is not a placeholder for an unknown person
///   (`party.representative_unnamed`); `representative_title` is optional
///   (`party.representative_title_too_long`). The natural-person fields must be absent
///   (`party.field_not_applicable`).
/// - everyone: `address` optional, at most 200 characters (`party.address_too_long`);
///   `phone` optional, see [`ContactPhone::parse`] (`party.phone_format`). Free text may
///   not contain control characters (`text.invalid_characters`); runs of blanks in it
///   become one space.
///
/// `today` is the current date in Asia/Shanghai.
pub fn validate(input: &PartyInput, today: NaiveDate) -> Result<Party, Vec<FieldError>> {
    let mut errors = Errors(Vec::new());

    let role = present(&input.role).map(|raw| trim_blanks(raw).to_owned());
    let party_type = match present(&input.party_type) {
        None => {
            errors.push(TYPE, Code::PartyTypeRequired);
            None
        }
        Some(raw) => errors.check(TYPE, PartyType::parse(raw).ok_or(Code::PartyTypeInvalid)),
    };
    let address = errors.optional(ADDRESS, &input.address, |raw| {
        free_text(raw, ADDRESS_MAX_CHARS, Code::PartyAddressTooLong)
    });
    let phone = errors.optional(PHONE, &input.phone, ContactPhone::parse);
    let kind = match party_type {
        Some(PartyType::NaturalPerson) => {
            natural_person(input, today, &mut errors).map(PartyKind::NaturalPerson)
        }
        Some(PartyType::LegalPerson) => {
            organisation(input, true, &mut errors).map(PartyKind::LegalPerson)
        }
        Some(PartyType::UnincorporatedOrganisation) => {
            organisation(input, false, &mut errors).map(PartyKind::UnincorporatedOrganisation)
        }
        None => {
            if present(&input.name).is_none() {
                errors.push(NAME, Code::NameRequired);
            }
            None
        }
    };

    match kind {
        Some(kind) if errors.0.is_empty() => Ok(Party {
            role,
            kind,
            address,
            phone,
        }),
        _ => {
            debug_assert!(!errors.0.is_empty(), "a party was refused without an error");
            Err(errors.0)
        }
    }
}

fn natural_person(
    input: &PartyInput,
    today: NaiveDate,
    errors: &mut Errors,
) -> Option<NaturalPerson> {
    let before = errors.len();
    errors.not_applicable(&[
        (CREDIT_CODE, &input.credit_code),
        (REPRESENTATIVE_NAME, &input.representative_name),
        (REPRESENTATIVE_TITLE, &input.representative_title),
    ]);

    let name = errors.check(NAME, PersonName::parse(input.name.as_deref().unwrap_or("")));
    let document_type = match present(&input.document_type) {
        None => {
            errors.push(DOCUMENT_TYPE, Code::DocumentTypeRequired);
            None
        }
        Some(raw) => errors.check(
            DOCUMENT_TYPE,
            DocumentType::parse(raw).ok_or(Code::DocumentTypeInvalid),
        ),
    };
    let number = present(&input.document_number);
    let document = match (document_type, number) {
        (None, _) => None,
        (Some(DocumentType::NoDocument), number) => {
            if name.as_ref().is_some_and(|name| !name.is_unnamed()) {
                errors.push(DOCUMENT_TYPE, Code::DocumentNoneNotAllowed);
            }
            if number.is_some() {
                errors.push(DOCUMENT_NUMBER, Code::DocumentNumberNotApplicable);
            }
            Some(IdentityDocument::none())
        }
        (Some(_), None) => {
            errors.push(DOCUMENT_NUMBER, Code::DocumentNumberRequired);
            None
        }
        (Some(document_type), Some(raw)) => errors.check(
            DOCUMENT_NUMBER,
            IdentityDocument::parse(document_type, raw, today),
        ),
    };
    let encoded = document
        .as_ref()
        .and_then(IdentityDocument::encoded_gender_and_birth_date);

    let mut gender = errors.optional(GENDER, &input.gender, |raw| {
        Gender::parse(raw).ok_or(Code::PartyGenderInvalid)
    });
    let mut birth_date = errors.optional(BIRTH_DATE, &input.birth_date, |raw| {
        parse_birth_date(raw, today)
    });
    if let Some((encoded_gender, encoded_birth_date)) = encoded {
        if gender.is_some_and(|gender| gender != encoded_gender) {
            errors.push(GENDER, Code::PartyGenderMismatch);
        }
        if birth_date.is_some_and(|date| date != encoded_birth_date) {
            errors.push(BIRTH_DATE, Code::PartyBirthDateMismatch);
        }
        gender = Some(encoded_gender);
        birth_date = Some(encoded_birth_date);
    }
    let ethnicity = errors.optional(ETHNICITY, &input.ethnicity, |raw| {
        Ethnicity::parse(raw).ok_or(Code::PartyEthnicityInvalid)
    });
    let nationality = errors.optional(NATIONALITY, &input.nationality, |raw| {
        free_text(raw, NATIONALITY_MAX_CHARS, Code::PartyNationalityTooLong)
    });

    if errors.len() > before {
        return None;
    }
    Some(NaturalPerson {
        name: name?,
        document: document?,
        gender,
        ethnicity,
        nationality,
        birth_date,
    })
}

fn organisation(
    input: &PartyInput,
    credit_code_required: bool,
    errors: &mut Errors,
) -> Option<Organisation> {
    let before = errors.len();
    errors.not_applicable(&[
        (DOCUMENT_TYPE, &input.document_type),
        (DOCUMENT_NUMBER, &input.document_number),
        (GENDER, &input.gender),
        (ETHNICITY, &input.ethnicity),
        (NATIONALITY, &input.nationality),
        (BIRTH_DATE, &input.birth_date),
    ]);

    let name = errors.check(
        NAME,
        OrganisationName::parse(input.name.as_deref().unwrap_or("")),
    );
    let credit_code = errors.optional(CREDIT_CODE, &input.credit_code, CreditCode::parse);
    if credit_code_required && present(&input.credit_code).is_none() {
        errors.push(CREDIT_CODE, Code::PartyCreditCodeRequired);
    }
    let representative_name = match present(&input.representative_name) {
        None => {
            errors.push(REPRESENTATIVE_NAME, Code::PartyRepresentativeRequired);
            None
        }
        Some(raw) => errors.check(
            REPRESENTATIVE_NAME,
            PersonName::parse(raw).and_then(|name| {
                if name.is_unnamed() {
                    Err(Code::PartyRepresentativeUnnamed)
                } else {
                    Ok(name)
                }
            }),
        ),
    };
    let representative_title =
        errors.optional(REPRESENTATIVE_TITLE, &input.representative_title, |raw| {
            free_text(
                raw,
                REPRESENTATIVE_TITLE_MAX_CHARS,
                Code::PartyRepresentativeTitleTooLong,
            )
        });

    if errors.len() > before {
        return None;
    }
    Some(Organisation {
        name: name?,
        credit_code,
        representative_name: representative_name?,
        representative_title,
    })
}

/// A birth date written `YYYY-MM-DD` (full-width digits and surrounding blanks allowed),
/// from 1900-01-01 to `today`.
fn parse_birth_date(input: &str, today: NaiveDate) -> Result<NaiveDate, Code> {
    let text: String = trim_blanks(input).chars().map(fold_width).collect();
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(index, b)| index == 4 || index == 7 || b.is_ascii_digit());
    if !shaped {
        return Err(Code::DateInvalid);
    }
    let date = NaiveDate::from_ymd_opt(
        text[..4].parse().map_err(|_| Code::DateInvalid)?,
        text[5..7].parse().map_err(|_| Code::DateInvalid)?,
        text[8..].parse().map_err(|_| Code::DateInvalid)?,
    )
    .ok_or(Code::DateInvalid)?;
    if date > today {
        return Err(Code::DateInFuture);
    }
    if date < EARLIEST_BIRTH_DATE {
        return Err(Code::PartyBirthDateTooEarly);
    }
    Ok(date)
}

/// Free text: surrounding blanks trimmed, invisible marks dropped, runs of white space
/// (line breaks too) turned into one space; control characters refused
/// (`text.invalid_characters`), and more than `max_chars` characters refused with
/// `too_long`.
fn free_text(input: &str, max_chars: usize, too_long: Code) -> Result<String, Code> {
    let mut text = String::with_capacity(input.len());
    for c in trim_blanks(input).chars() {
        if c.is_whitespace() {
            if !text.ends_with(' ') {
                text.push(' ');
            }
        } else if is_blank(c) {
            continue;
        } else if c.is_control() {
            return Err(Code::TextInvalidCharacters);
        } else {
            text.push(c);
        }
    }
    if text.chars().count() > max_chars {
        return Err(too_long);
    }
    Ok(text)
}

/// A keyword as clients may type it: blanks trimmed, full-width forms folded, lower-case.
fn normalised_keyword(input: &str) -> String {
    trim_blanks(input)
        .chars()
        .map(|c| fold_width(c).to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Completes a 17-digit body with its GB 11643 check character.
    fn with_check(body: &str) -> String {
        format!("{body}{}", resident_id::check_character(body).unwrap())
    }

    /// A number with the right shape and a wrong check character.
    fn with_wrong_check(body: &str) -> String {
        let good = resident_id::check_character(body).unwrap();
        format!("{body}{}", if good == '0' { '1' } else { '0' })
    }

    const CREDIT_CODE_VALUE: &str = "91370102MA3C5EJ69F";

    fn s(value: &str) -> Option<String> {
        Some(value.to_owned())
    }

    fn person(name: &str, document_type: &str, number: &str) -> PartyInput {
        PartyInput {
            role: s("plaintiff"),
            party_type: s("natural_person"),
            name: s(name),
            document_type: s(document_type),
            document_number: s(number),
            ..PartyInput::default()
        }
    }

    fn company() -> PartyInput {
        PartyInput {
            role: s("defendant"),
            party_type: s("legal_person"),
            name: s("山东某某科技有限公司"),
            credit_code: s(CREDIT_CODE_VALUE),
            representative_name: s("李四"),
            ..PartyInput::default()
        }
    }

    fn check(input: &PartyInput) -> Result<Party, Vec<(String, Code)>> {
        validate(input, today()).map_err(|errors| {
            errors
                .into_iter()
                .map(|error| (error.field, error.code))
                .collect()
        })
    }

    fn errors(input: &PartyInput) -> Vec<(String, Code)> {
        match check(input) {
            Ok(party) => panic!("accepted: {party:?}"),
            Err(errors) => errors,
        }
    }

    fn one_error(field: &str, code: Code) -> Vec<(String, Code)> {
        vec![(field.to_owned(), code)]
    }

    /// The canonical number of a document, or its error.
    fn number(document_type: DocumentType, input: &str) -> Result<String, Code> {
        IdentityDocument::parse(document_type, input, today())
            .map(|document| document.number().unwrap().to_owned())
    }

    fn assert_round_trip(party: &Party) {
        let input = party.to_input();
        assert_eq!(validate(&input, today()).as_ref(), Ok(party), "{input:?}");
        assert_eq!(
            serde_json::to_value(party).unwrap(),
            serde_json::to_value(&input).unwrap()
        );
        let json = serde_json::to_string(party).unwrap();
        let back: PartyInput = serde_json::from_str(&json).unwrap();
        assert_eq!(back, input);
    }

    // --- Keywords ---

    #[test]
    fn keywords_round_trip_through_their_strings() {
        for party_type in [
            PartyType::NaturalPerson,
            PartyType::LegalPerson,
            PartyType::UnincorporatedOrganisation,
        ] {
            assert_eq!(PartyType::parse(party_type.as_str()), Some(party_type));
            assert_eq!(
                serde_json::to_value(party_type).unwrap(),
                party_type.as_str()
            );
        }
        for document_type in [
            DocumentType::ResidentId,
            DocumentType::Passport,
            DocumentType::HongKongMacaoPermit,
            DocumentType::TaiwanPermit,
            DocumentType::ResidencePermit,
            DocumentType::ForeignPermanentResidence,
            DocumentType::NoDocument,
        ] {
            assert_eq!(
                DocumentType::parse(document_type.as_str()),
                Some(document_type)
            );
            assert_eq!(
                serde_json::to_value(document_type).unwrap(),
                document_type.as_str()
            );
        }
        for gender in [Gender::Male, Gender::Female] {
            assert_eq!(Gender::parse(gender.as_str()), Some(gender));
            assert_eq!(serde_json::to_value(gender).unwrap(), gender.as_str());
        }
        assert!(PartyType::LegalPerson.is_organisation());
        assert!(!PartyType::NaturalPerson.is_organisation());
    }

    #[test]
    fn keywords_ignore_blanks_case_and_width() {
        assert_eq!(
            PartyType::parse(" Natural_Person\u{3000}"),
            Some(PartyType::NaturalPerson)
        );
        assert_eq!(
            DocumentType::parse("ＰＡＳＳＰＯＲＴ"),
            Some(DocumentType::Passport)
        );
        assert_eq!(DocumentType::parse("NONE"), Some(DocumentType::NoDocument));
        assert_eq!(Gender::parse(" 男 "), Some(Gender::Male));
        assert_eq!(Gender::parse("Female"), Some(Gender::Female));
        assert_eq!(Gender::parse("女"), Some(Gender::Female));
        for junk in ["", "person", "natural person", "natural-person", "自然人"] {
            assert_eq!(PartyType::parse(junk), None, "{junk}");
        }
        for junk in ["m", "f", "man", "unknown", "男性"] {
            assert_eq!(Gender::parse(junk), None, "{junk}");
        }
        assert_eq!(DocumentType::parse("id_card"), None);
    }

    #[test]
    fn ethnic_groups_are_the_56_and_accept_the_short_name() {
        let unique: std::collections::BTreeSet<_> = ETHNIC_GROUPS.iter().collect();
        assert_eq!(unique.len(), 56);
        assert!(ETHNIC_GROUPS.iter().all(|group| group.ends_with('族')));
        for group in ETHNIC_GROUPS {
            assert_eq!(Ethnicity::parse(group).unwrap().as_str(), group);
            let short = group.strip_suffix('族').unwrap();
            assert_eq!(Ethnicity::parse(short).unwrap().as_str(), group);
        }
        assert_eq!(Ethnicity::parse(" 维吾尔 ").unwrap().as_str(), "维吾尔族");
        assert_eq!(Ethnicity::parse("蒙古").unwrap().as_str(), "蒙古族");
        assert_eq!(Ethnicity::parse("汉\u{200B}族").unwrap().as_str(), "汉族");
        for junk in ["", "族", "汉人", "Han", "汉族族", "穿青人", "美国"] {
            assert_eq!(Ethnicity::parse(junk), None, "{junk}");
        }
    }

    // --- Documents ---

    #[test]
    fn resident_id_gives_gender_and_birth_date() {
        let id = with_check("37010219900307123");
        let party = check(&person("张三", "resident_id", &id)).unwrap();
        let natural = party.natural_person().unwrap();
        assert_eq!(natural.gender(), Some(Gender::Male));
        assert_eq!(natural.birth_date(), Some(date(1990, 3, 7)));
        assert_eq!(party.document_type(), Some(DocumentType::ResidentId));
        assert_eq!(party.document_number(), Some(id.as_str()));
        assert_eq!(party.resident_id().unwrap().as_str(), id);
        let input = party.to_input();
        assert_eq!(input.gender.as_deref(), Some("male"));
        assert_eq!(input.birth_date.as_deref(), Some("1990-03-07"));
        assert_round_trip(&party);
    }

    #[test]
    fn resident_id_is_cleaned() {
        let canonical = "11010519491231002X";
        for typed in [
            "11010519491231002x",
            " 110105 19491231 002X ",
            "１１０１０５１９４９１２３１００２ｘ",
            "\u{FEFF}11010519491231002X\u{200B}",
        ] {
            let party = check(&person("王五", "resident_id", typed)).unwrap();
            assert_eq!(party.document_number(), Some(canonical), "{typed:?}");
            assert_eq!(
                party.natural_person().unwrap().gender(),
                Some(Gender::Female)
            );
        }
    }

    #[test]
    fn resident_id_agreeing_gender_and_birth_date_are_accepted() {
        let mut input = person("张三", "resident_id", &with_check("37010219900307124"));
        input.gender = s("female");
        input.birth_date = s("1990-03-07");
        let party = check(&input).unwrap();
        assert_eq!(
            party.natural_person().unwrap().gender(),
            Some(Gender::Female)
        );
        input.gender = s("女");
        assert_eq!(check(&input).unwrap(), party);
    }

    #[test]
    fn resident_id_disagreeing_gender_and_birth_date_are_reported() {
        let mut input = person("张三", "resident_id", &with_check("37010219900307123"));
        input.gender = s("female");
        input.birth_date = s("1990-03-08");
        assert_eq!(
            errors(&input),
            vec![
                (GENDER.to_owned(), Code::PartyGenderMismatch),
                (BIRTH_DATE.to_owned(), Code::PartyBirthDateMismatch),
            ]
        );
        input.gender = s("male");
        assert_eq!(
            errors(&input),
            one_error(BIRTH_DATE, Code::PartyBirthDateMismatch)
        );
    }

    #[test]
    fn resident_id_errors_keep_their_codes() {
        let cases = [
            (
                with_wrong_check("37010219900307123"),
                Code::IdNumberChecksum,
            ),
            ("370102900307123".to_owned(), Code::IdNumberLegacy15Digit),
            ("3701021990030712".to_owned(), Code::IdNumberFormat),
            (with_check("38010219900307123"), Code::IdNumberRegion),
            (with_check("37010219901307123"), Code::IdNumberBirthDate),
            ("E12345678".to_owned(), Code::IdNumberFormat),
        ];
        for (id, code) in cases {
            assert_eq!(
                errors(&person("张三", "resident_id", &id)),
                one_error(DOCUMENT_NUMBER, code),
                "{id}"
            );
        }
    }

    #[test]
    fn resident_id_of_another_document_says_which_type_to_choose() {
        for prefix in ["810000", "820000", "830000"] {
            let id = with_check(&format!("{prefix}19900307123"));
            assert_eq!(
                number(DocumentType::ResidentId, &id),
                Err(Code::DocumentIsResidencePermit),
                "{id}"
            );
        }
        assert_eq!(
            number(
                DocumentType::ResidentId,
                &with_wrong_check("81000019900307123")
            ),
            Err(Code::DocumentIsResidencePermit)
        );
        assert_eq!(
            number(DocumentType::ResidentId, &with_check("93715619900307123")),
            Err(Code::DocumentIsPermanentResidence)
        );
    }

    #[test]
    fn passports() {
        for (typed, canonical) in [
            ("E12345678", "E12345678"),
            ("ea1234567", "EA1234567"),
            ("G12345678", "G12345678"),
            (" E 1234 5678 ", "E12345678"),
            ("Ｅ１２３４５６７８", "E12345678"),
            ("123456789", "123456789"),
            ("X1234567", "X1234567"),
            ("AB12345", "AB12345"),
            ("A1234", "A1234"),
            ("P1234567890ABCDEFGHI", "P1234567890ABCDEFGHI"),
        ] {
            assert_eq!(
                number(DocumentType::Passport, typed).as_deref(),
                Ok(canonical),
                "{typed:?}"
            );
        }
        for typed in [
            "E123",
            "P1234567890ABCDEFGHIJ",
            "ABCDEFGH",
            "E1234-5678",
            "E1234567８９/",
            "护照E12345678",
            "É12345678",
        ] {
            assert_eq!(
                number(DocumentType::Passport, typed),
                Err(Code::DocumentPassportFormat),
                "{typed:?}"
            );
        }
        let party = check(&person("John Smith", "passport", "e12345678")).unwrap();
        assert_eq!(party.document_number(), Some("E12345678"));
        assert_eq!(party.natural_person().unwrap().gender(), None);
        assert_eq!(party.resident_id(), None);
        assert_round_trip(&party);
    }

    #[test]
    fn hong_kong_macao_permits() {
        for (typed, canonical) in [
            ("H12345678", "H12345678"),
            ("M12345678", "M12345678"),
            ("h12345678", "H12345678"),
            ("H1234567801", "H1234567801"),
            ("H12345678(01)", "H1234567801"),
            ("H12345678（02）", "H1234567802"),
            ("H 1234 5678 00", "H1234567800"),
            ("Ｍ１２３４５６７８", "M12345678"),
        ] {
            assert_eq!(
                number(DocumentType::HongKongMacaoPermit, typed).as_deref(),
                Ok(canonical),
                "{typed:?}"
            );
        }
        for typed in [
            "H1234567",
            "H123456789",
            "H123456789012",
            "A12345678",
            "12345678",
            "H12345678(1)",
            "H1234567(01)",
            "H12345678(01",
            "HM12345678",
            "H1234567X",
        ] {
            assert_eq!(
                number(DocumentType::HongKongMacaoPermit, typed),
                Err(Code::DocumentHongKongMacaoPermitFormat),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn taiwan_permits() {
        for (typed, canonical) in [
            ("12345678", "12345678"),
            ("1234 5678", "12345678"),
            ("１２３４５６７８", "12345678"),
            ("0561682001", "0561682001"),
            ("0561682001(D)", "0561682001(D)"),
            ("0561682001(d)", "0561682001(D)"),
            ("0561682001D", "0561682001(D)"),
            ("0561682001（B）", "0561682001(B)"),
            ("0561682001(1)", "0561682001(1)"),
        ] {
            assert_eq!(
                number(DocumentType::TaiwanPermit, typed).as_deref(),
                Ok(canonical),
                "{typed:?}"
            );
        }
        for typed in [
            "1234567",
            "123456789",
            "05616820011",
            "0561682001(DD)",
            "0561682001()",
            "056168200(D)",
            "12345678(D)",
            "T12345678",
            "0561682001(D",
        ] {
            assert_eq!(
                number(DocumentType::TaiwanPermit, typed),
                Err(Code::DocumentTaiwanPermitFormat),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn residence_permits() {
        for (prefix, sequence, gender) in [
            ("810000", "123", Gender::Male),
            ("820000", "124", Gender::Female),
            ("830000", "001", Gender::Male),
        ] {
            let permit = with_check(&format!("{prefix}19900307{sequence}"));
            let party = check(&person("陈大文", "residence_permit", &permit)).unwrap();
            assert_eq!(party.document_number(), Some(permit.as_str()));
            let natural = party.natural_person().unwrap();
            assert_eq!(natural.gender(), Some(gender));
            assert_eq!(natural.birth_date(), Some(date(1990, 3, 7)));
            assert_round_trip(&party);
        }
        // The check character X, typed in lower case and full width.
        let body = (0..1000)
            .map(|n| format!("81000019900307{n:03}"))
            .find(|body| resident_id::check_character(body) == Some('X'))
            .unwrap();
        assert_eq!(
            number(DocumentType::ResidencePermit, &format!(" {body}ｘ")),
            Ok(format!("{body}X"))
        );

        let cases = [
            (
                with_wrong_check("81000019900307123"),
                Code::DocumentChecksum,
            ),
            (with_check("81000019901307123"), Code::DocumentBirthDate),
            (with_check("81000020250616123"), Code::DocumentBirthDate),
            (
                with_check("81010219900307123"),
                Code::DocumentResidencePermitFormat,
            ),
            (
                with_check("84000019900307123"),
                Code::DocumentResidencePermitFormat,
            ),
            (
                "8100001990030712".to_owned(),
                Code::DocumentResidencePermitFormat,
            ),
            ("H12345678".to_owned(), Code::DocumentResidencePermitFormat),
            (with_check("37010219900307123"), Code::DocumentIsResidentId),
            (
                with_check("93715619900307123"),
                Code::DocumentIsPermanentResidence,
            ),
        ];
        for (typed, code) in cases {
            assert_eq!(
                number(DocumentType::ResidencePermit, &typed),
                Err(code),
                "{typed}"
            );
        }
    }

    #[test]
    fn residence_permit_gender_and_birth_date_must_agree() {
        let mut input = person(
            "陈大文",
            "residence_permit",
            &with_check("81000019900307123"),
        );
        input.gender = s("female");
        input.birth_date = s("1991-03-07");
        assert_eq!(
            errors(&input),
            vec![
                (GENDER.to_owned(), Code::PartyGenderMismatch),
                (BIRTH_DATE.to_owned(), Code::PartyBirthDateMismatch),
            ]
        );
    }

    #[test]
    fn foreign_permanent_residence_cards() {
        let new_card = with_check("93715619900307123");
        for (typed, canonical) in [
            (new_card.clone(), new_card.clone()),
            (format!(" {} ", &new_card), new_card.clone()),
            ("USA370119800101".to_owned(), "USA370119800101".to_owned()),
            (
                "usa 3701 1980 0101".to_owned(),
                "USA370119800101".to_owned(),
            ),
            (
                "ＣＡＮ１１００８５０６０１０１".to_owned(),
                "CAN110085060101".to_owned(),
            ),
        ] {
            assert_eq!(
                number(DocumentType::ForeignPermanentResidence, &typed),
                Ok(canonical),
                "{typed:?}"
            );
        }
        let cases = [
            (
                with_wrong_check("93715619900307123"),
                Code::DocumentChecksum,
            ),
            (
                "US3701198001011".to_owned(),
                Code::DocumentPermanentResidenceFormat,
            ),
            (
                "USA37011980010".to_owned(),
                Code::DocumentPermanentResidenceFormat,
            ),
            (
                "USA3701198001011".to_owned(),
                Code::DocumentPermanentResidenceFormat,
            ),
            (
                "9371561990030712".to_owned(),
                Code::DocumentPermanentResidenceFormat,
            ),
            (
                with_check("84000019900307123"),
                Code::DocumentPermanentResidenceFormat,
            ),
            (with_check("37010219900307123"), Code::DocumentIsResidentId),
            (
                with_check("83000019900307123"),
                Code::DocumentIsResidencePermit,
            ),
        ];
        for (typed, code) in cases {
            assert_eq!(
                number(DocumentType::ForeignPermanentResidence, &typed),
                Err(code),
                "{typed}"
            );
        }
        // The card's own birth date and gender are not read: what the numbers encode
        // beyond the prefix is not relied on, so the client's values stand.
        let mut input = person("Anna Müller", "foreign_permanent_residence", &new_card);
        input.gender = s("female");
        input.birth_date = s("1985-01-01");
        let party = check(&input).unwrap();
        assert_eq!(
            party.natural_person().unwrap().gender(),
            Some(Gender::Female)
        );
        assert_round_trip(&party);
    }

    #[test]
    fn document_type_and_number_are_required() {
        let mut input = person("张三", "", "");
        assert_eq!(
            errors(&input),
            one_error(DOCUMENT_TYPE, Code::DocumentTypeRequired)
        );
        input.document_type = s("id_card");
        assert_eq!(
            errors(&input),
            one_error(DOCUMENT_TYPE, Code::DocumentTypeInvalid)
        );
        for document_type in [
            "resident_id",
            "passport",
            "hong_kong_macao_permit",
            "taiwan_permit",
            "residence_permit",
            "foreign_permanent_residence",
        ] {
            input.document_type = s(document_type);
            input.document_number = None;
            assert_eq!(
                errors(&input),
                one_error(DOCUMENT_NUMBER, Code::DocumentNumberRequired),
                "{document_type}"
            );
            input.document_number = s(" \u{3000}");
            assert_eq!(
                errors(&input),
                one_error(DOCUMENT_NUMBER, Code::DocumentNumberRequired),
                "{document_type}"
            );
        }
    }

    #[test]
    fn an_unnamed_person_may_have_no_document() {
        for name in ["无名氏", "无名氏甲", "姓名不详", "John Doe"] {
            let mut input = person(name, "none", "");
            input.document_number = None;
            let party = check(&input).unwrap();
            assert_eq!(party.document_type(), Some(DocumentType::NoDocument));
            assert_eq!(party.document_number(), None);
            assert_round_trip(&party);
            assert_eq!(party.to_input().document_number, None);
        }
        // A document is still welcome when the person is unnamed.
        let party = check(&person("无名氏", "passport", "E12345678")).unwrap();
        assert_eq!(party.document_number(), Some("E12345678"));
    }

    #[test]
    fn none_is_only_for_unnamed_persons_and_takes_no_number() {
        let mut input = person("张三", "none", "");
        assert_eq!(
            errors(&input),
            one_error(DOCUMENT_TYPE, Code::DocumentNoneNotAllowed)
        );
        input.name = s("无名氏");
        input.document_number = s("E12345678");
        assert_eq!(
            errors(&input),
            one_error(DOCUMENT_NUMBER, Code::DocumentNumberNotApplicable)
        );
        input.name = s("张三");
        assert_eq!(
            errors(&input),
            vec![
                (DOCUMENT_TYPE.to_owned(), Code::DocumentNoneNotAllowed),
                (
                    DOCUMENT_NUMBER.to_owned(),
                    Code::DocumentNumberNotApplicable
                ),
            ]
        );
        // With an invalid name nothing is known about it: only the name is reported.
        input.name = s("张3");
        input.document_number = None;
        assert_eq!(errors(&input), one_error(NAME, Code::NameInvalidCharacters));
    }

    #[test]
    fn document_numbers_are_masked_in_debug_output() {
        let id = with_check("37010219900307123");
        let party = check(&person("张三", "resident_id", &id)).unwrap();
        let debug = format!("{party:?}");
        assert!(!debug.contains(&id), "{debug}");
        assert!(!debug.contains("19900307"), "{debug}");
        let passport =
            IdentityDocument::parse(DocumentType::Passport, "E12345678", today()).unwrap();
        assert_eq!(
            format!("{passport:?}"),
            "IdentityDocument(passport, E1*****78)"
        );
        assert_eq!(
            format!("{:?}", IdentityDocument::none()),
            "IdentityDocument(none)"
        );
        assert_eq!(IdentityDocument::none().masked_number(), None);
    }

    // --- Other facts of natural persons ---

    #[test]
    fn birth_dates() {
        let mut input = person("John Smith", "passport", "E12345678");
        for (typed, expected) in [
            ("1985-01-31", date(1985, 1, 31)),
            (" 2000-02-29 ", date(2000, 2, 29)),
            ("１９８５－０１－３１", date(1985, 1, 31)),
            ("1900-01-01", date(1900, 1, 1)),
            ("2025-06-15", today()),
        ] {
            input.birth_date = s(typed);
            let party = check(&input).unwrap();
            assert_eq!(
                party.natural_person().unwrap().birth_date(),
                Some(expected),
                "{typed}"
            );
        }
        for (typed, code) in [
            ("2025-06-16", Code::DateInFuture),
            ("2999-01-01", Code::DateInFuture),
            ("1899-12-31", Code::PartyBirthDateTooEarly),
            ("0001-01-01", Code::PartyBirthDateTooEarly),
            ("2001-02-29", Code::DateInvalid),
            ("1985-13-01", Code::DateInvalid),
            ("1985-1-31", Code::DateInvalid),
            ("1985/01/31", Code::DateInvalid),
            ("19850131", Code::DateInvalid),
            ("1985-01-31T00:00:00", Code::DateInvalid),
            ("+1985-01-3", Code::DateInvalid),
            ("一九八五年", Code::DateInvalid),
        ] {
            input.birth_date = s(typed);
            assert_eq!(errors(&input), one_error(BIRTH_DATE, code), "{typed}");
        }
    }

    #[test]
    fn gender_ethnicity_and_nationality() {
        let mut input = person("买买提·艾力", "passport", "E12345678");
        input.gender = s("Male");
        input.ethnicity = s("维吾尔");
        input.nationality = s("  中国 ");
        let party = check(&input).unwrap();
        let natural = party.natural_person().unwrap();
        assert_eq!(natural.gender(), Some(Gender::Male));
        assert_eq!(natural.ethnicity().map(Ethnicity::as_str), Some("维吾尔族"));
        assert_eq!(natural.nationality(), Some("中国"));
        assert_eq!(party.to_input().ethnicity.as_deref(), Some("维吾尔族"));
        assert_round_trip(&party);

        input.gender = s("M");
        input.ethnicity = s("汉人");
        input.nationality = s(&"国".repeat(51));
        assert_eq!(
            errors(&input),
            vec![
                (GENDER.to_owned(), Code::PartyGenderInvalid),
                (ETHNICITY.to_owned(), Code::PartyEthnicityInvalid),
                (NATIONALITY.to_owned(), Code::PartyNationalityTooLong),
            ]
        );
    }

    #[test]
    fn names_of_natural_persons_follow_the_person_name_rules() {
        let party = check(&person(" 买买提・艾力 ", "passport", "E12345678")).unwrap();
        assert_eq!(party.name(), "买买提·艾力");
        let party = check(&person("Mary-Jane  O’Neil", "passport", "E12345678")).unwrap();
        assert_eq!(party.name(), "Mary-Jane O'Neil");
        for (name, code) in [
            ("", Code::NameRequired),
            ("张三1", Code::NameInvalidCharacters),
            ("张San", Code::NameMixedScripts),
            ("·张三", Code::NameSeparatorPosition),
        ] {
            assert_eq!(
                errors(&person(name, "passport", "E12345678")),
                one_error(NAME, code),
                "{name}"
            );
        }
        let mut input = person("", "passport", "E12345678");
        input.name = None;
        assert_eq!(errors(&input), one_error(NAME, Code::NameRequired));
    }

    #[test]
    fn organisation_fields_do_not_apply_to_natural_persons() {
        let mut input = person("张三", "passport", "E12345678");
        input.credit_code = s(CREDIT_CODE_VALUE);
        input.representative_name = s("李四");
        input.representative_title = s("董事长");
        assert_eq!(
            errors(&input),
            vec![
                (CREDIT_CODE.to_owned(), Code::PartyFieldNotApplicable),
                (
                    REPRESENTATIVE_NAME.to_owned(),
                    Code::PartyFieldNotApplicable
                ),
                (
                    REPRESENTATIVE_TITLE.to_owned(),
                    Code::PartyFieldNotApplicable
                ),
            ]
        );
        // Blank values count as absent (what a change that clears a field leaves behind).
        input.credit_code = s("");
        input.representative_name = s(" ");
        input.representative_title = s("\u{3000}");
        assert!(check(&input).is_ok());
    }

    // --- Organisations ---

    #[test]
    fn legal_persons() {
        let mut input = company();
        input.name = s("山东 某某科技有限公司(济南分公司)");
        input.credit_code = s("91370102ma3c5ej69f");
        input.representative_title = s(" 董事长 ");
        input.address = s("山东省济南市历下区某某路 1 号");
        input.phone = s("0531-88888888");
        let party = check(&input).unwrap();
        assert_eq!(party.party_type(), PartyType::LegalPerson);
        assert_eq!(party.name(), "山东某某科技有限公司（济南分公司）");
        let organisation = party.organisation().unwrap();
        assert_eq!(
            organisation.credit_code().map(CreditCode::as_str),
            Some(CREDIT_CODE_VALUE)
        );
        assert_eq!(organisation.representative_name().as_str(), "李四");
        assert_eq!(organisation.representative_title(), Some("董事长"));
        assert_eq!(party.document(), None);
        assert_eq!(party.document_type(), None);
        assert_eq!(
            party.phone().map(ContactPhone::as_str),
            Some("0531-88888888")
        );
        assert_eq!(party.role(), Some("defendant"));
        assert_round_trip(&party);
    }

    #[test]
    fn a_legal_person_needs_a_credit_code_and_a_representative() {
        let mut input = company();
        input.credit_code = None;
        input.representative_name = None;
        assert_eq!(
            errors(&input),
            vec![
                (CREDIT_CODE.to_owned(), Code::PartyCreditCodeRequired),
                (
                    REPRESENTATIVE_NAME.to_owned(),
                    Code::PartyRepresentativeRequired
                ),
            ]
        );
        input.credit_code = s("91370102MA3C5EJ69E");
        input.representative_name = s("无名氏");
        assert_eq!(
            errors(&input),
            vec![
                (CREDIT_CODE.to_owned(), Code::CreditCodeChecksum),
                (
                    REPRESENTATIVE_NAME.to_owned(),
                    Code::PartyRepresentativeUnnamed
                ),
            ]
        );
        input.credit_code = s("91370102MA3C5EJ6");
        input.representative_name = s("李4");
        assert_eq!(
            errors(&input),
            vec![
                (CREDIT_CODE.to_owned(), Code::CreditCodeFormat),
                (REPRESENTATIVE_NAME.to_owned(), Code::NameInvalidCharacters),
            ]
        );
        input = company();
        input.representative_title = s(&"长".repeat(51));
        assert_eq!(
            errors(&input),
            one_error(REPRESENTATIVE_TITLE, Code::PartyRepresentativeTitleTooLong)
        );
    }

    #[test]
    fn unincorporated_organisations_may_lack_a_credit_code() {
        let mut input = company();
        input.party_type = s("unincorporated_organisation");
        input.name = s("济南市某某个体工商户");
        input.credit_code = None;
        input.representative_name = s("Wang Wu");
        let party = check(&input).unwrap();
        assert_eq!(party.party_type(), PartyType::UnincorporatedOrganisation);
        assert_eq!(party.organisation().unwrap().credit_code(), None);
        assert_eq!(party.to_input().credit_code, None);
        assert_round_trip(&party);

        input.credit_code = s(CREDIT_CODE_VALUE);
        assert_round_trip(&check(&input).unwrap());

        input.representative_name = None;
        assert_eq!(
            errors(&input),
            one_error(REPRESENTATIVE_NAME, Code::PartyRepresentativeRequired)
        );
    }

    #[test]
    fn natural_person_fields_do_not_apply_to_organisations() {
        let mut input = company();
        input.document_type = s("resident_id");
        input.document_number = s(&with_check("37010219900307123"));
        input.gender = s("male");
        input.ethnicity = s("汉族");
        input.nationality = s("中国");
        input.birth_date = s("1990-03-07");
        let expected: Vec<_> = [
            DOCUMENT_TYPE,
            DOCUMENT_NUMBER,
            GENDER,
            ETHNICITY,
            NATIONALITY,
            BIRTH_DATE,
        ]
        .iter()
        .map(|field| (field.to_string(), Code::PartyFieldNotApplicable))
        .collect();
        assert_eq!(errors(&input), expected);
    }

    #[test]
    fn organisation_names_follow_the_organisation_name_rules() {
        let mut input = company();
        input.name = s("公");
        assert_eq!(
            errors(&input),
            one_error(NAME, Code::OrganisationNameTooShort)
        );
        input.name = s("某某公司（济南");
        assert_eq!(
            errors(&input),
            one_error(NAME, Code::OrganisationNameParentheses)
        );
        input.name = None;
        assert_eq!(
            errors(&input),
            one_error(NAME, Code::OrganisationNameRequired)
        );
    }

    // --- Type, contact details and reporting ---

    #[test]
    fn the_type_is_required_and_checked() {
        let mut input = person("张三", "passport", "E12345678");
        input.party_type = None;
        assert_eq!(errors(&input), one_error(TYPE, Code::PartyTypeRequired));
        input.party_type = s("company");
        assert_eq!(errors(&input), one_error(TYPE, Code::PartyTypeInvalid));
        // Without a type, the shared fields are still checked.
        input.name = None;
        input.phone = s("12345");
        input.address = s(&"路".repeat(201));
        assert_eq!(
            errors(&input),
            vec![
                (TYPE.to_owned(), Code::PartyTypeInvalid),
                (ADDRESS.to_owned(), Code::PartyAddressTooLong),
                (PHONE.to_owned(), Code::PartyPhoneFormat),
                (NAME.to_owned(), Code::NameRequired),
            ]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let input = PartyInput {
            role: s("plaintiff"),
            party_type: s("natural_person"),
            name: s("张3"),
            document_type: s("resident_id"),
            document_number: s(&with_wrong_check("37010219900307123")),
            gender: s("unknown"),
            ethnicity: s("火星族"),
            nationality: None,
            birth_date: s("1990-02-30"),
            address: s("济南\u{0000}"),
            phone: s("88888888"),
            credit_code: s(CREDIT_CODE_VALUE),
            representative_name: None,
            representative_title: None,
        };
        assert_eq!(
            errors(&input),
            vec![
                (ADDRESS.to_owned(), Code::TextInvalidCharacters),
                (PHONE.to_owned(), Code::PartyPhoneFormat),
                (CREDIT_CODE.to_owned(), Code::PartyFieldNotApplicable),
                (NAME.to_owned(), Code::NameInvalidCharacters),
                (DOCUMENT_NUMBER.to_owned(), Code::IdNumberChecksum),
                (GENDER.to_owned(), Code::PartyGenderInvalid),
                (BIRTH_DATE.to_owned(), Code::DateInvalid),
                (ETHNICITY.to_owned(), Code::PartyEthnicityInvalid),
            ]
        );
    }

    #[test]
    fn addresses_are_free_text() {
        let mut input = person("张三", "passport", "E12345678");
        input.address = s("  山东省济南市\n历下区\t\t某某路１号\u{200B} ");
        let party = check(&input).unwrap();
        assert_eq!(party.address(), Some("山东省济南市 历下区 某某路１号"));
        assert_round_trip(&party);
        input.address = s(&"路".repeat(200));
        assert!(check(&input).is_ok());
        input.address = s(&"路".repeat(201));
        assert_eq!(
            errors(&input),
            one_error(ADDRESS, Code::PartyAddressTooLong)
        );
        input.address = s("  ");
        assert_eq!(check(&input).unwrap().address(), None);
    }

    #[test]
    fn mobile_phones() {
        for typed in ["13812345678", "+86 138-1234-5678", "１３８１２３４５６７８"] {
            let phone = ContactPhone::parse(typed).unwrap();
            assert_eq!(phone.as_str(), "13812345678", "{typed}");
            assert_eq!(phone.mobile().map(MobilePhone::as_str), Some("13812345678"));
        }
    }

    #[test]
    fn landlines() {
        for (typed, canonical) in [
            ("0531-88888888", "0531-88888888"),
            ("053188888888", "0531-88888888"),
            ("0531 8888 8888", "0531-88888888"),
            ("(0531)88888888", "0531-88888888"),
            ("（０５３１）８８８８８８８８", "0531-88888888"),
            ("0531-8888888", "0531-8888888"),
            ("0531—88888888", "0531-88888888"),
            ("010-62345678", "010-62345678"),
            ("02087654321", "020-87654321"),
            ("+86 531 8888 8888", "0531-88888888"),
            ("+86-10-62345678", "010-62345678"),
            ("0086 (0)531 88888888", "0531-88888888"),
            ("0531-88888888转123", "0531-88888888-123"),
            ("0531-88888888 分机 123", "0531-88888888-123"),
            ("0531-88888888 ext. 12", "0531-88888888-12"),
            ("0531-88888888 EXT 12", "0531-88888888-12"),
            ("0531-88888888x12", "0531-88888888-12"),
            ("0531-88888888#8", "0531-88888888-8"),
            ("0531-88888888-123", "0531-88888888-123"),
            ("0531-8888-8888", "0531-88888888"),
        ] {
            let phone = ContactPhone::parse(typed).unwrap_or_else(|e| panic!("{typed:?}: {e}"));
            assert_eq!(phone.as_str(), canonical, "{typed:?}");
            assert_eq!(phone.mobile(), None);
            assert_eq!(
                ContactPhone::parse(canonical).unwrap(),
                phone,
                "{canonical} does not parse back"
            );
        }
        for typed in [
            "",
            "88888888",
            "8888-8888",
            "0531-08888888",
            "0531-18888888",
            "0531-888888",
            "0531-888888888",
            "011-62345678",
            "0131-62345678",
            "0231-12345678",
            "0531-88888888转",
            "0531-88888888转1234567",
            "0531-88888888转12a",
            "0531-88888888-1234567",
            "400-123-4567",
            "+852 2123 4567",
            "+1 212 555 0100",
            "13812345678转12",
            "0531-8888888a",
            "abc",
            "0531+88888888",
        ] {
            assert_eq!(
                ContactPhone::parse(typed),
                Err(Code::PartyPhoneFormat),
                "{typed:?}"
            );
        }
        let landline = Landline::parse("0531-88881234-12").unwrap();
        assert_eq!(format!("{landline:?}"), "Landline(0531-****1234)");
    }

    #[test]
    fn phones_are_stored_in_canonical_form() {
        let mut input = person("张三", "passport", "E12345678");
        input.phone = s("+86 138 1234 5678");
        let party = check(&input).unwrap();
        assert_eq!(party.to_input().phone.as_deref(), Some("13812345678"));
        input.phone = s("(0531) 8888 8888 转 123");
        let party = check(&input).unwrap();
        assert_eq!(party.to_input().phone.as_deref(), Some("0531-88888888-123"));
        assert_round_trip(&party);
    }

    #[test]
    fn the_role_is_carried_as_given() {
        let mut input = company();
        input.role = s("  third_party ");
        assert_eq!(check(&input).unwrap().role(), Some("third_party"));
        input.role = None;
        let party = check(&input).unwrap();
        assert_eq!(party.role(), None);
        assert_round_trip(&party);
    }

    // --- JSON ---

    #[test]
    fn serialises_to_the_input_shape() {
        let mut input = person("张三", "resident_id", &with_check("37010219900307123"));
        input.ethnicity = s("汉");
        input.phone = s("138 1234 5678");
        let party = check(&input).unwrap();
        let expected = serde_json::json!({
            "role": "plaintiff",
            "type": "natural_person",
            "name": "张三",
            "document_type": "resident_id",
            "document_number": with_check("37010219900307123"),
            "gender": "male",
            "ethnicity": "汉族",
            "birth_date": "1990-03-07",
            "phone": "13812345678",
        });
        assert_eq!(serde_json::to_value(&party).unwrap(), expected);

        let organisation = check(&company()).unwrap();
        assert_eq!(
            serde_json::to_value(&organisation).unwrap(),
            serde_json::json!({
                "role": "defendant",
                "type": "legal_person",
                "name": "山东某某科技有限公司",
                "credit_code": CREDIT_CODE_VALUE,
                "representative_name": "李四",
            })
        );
    }

    #[test]
    fn input_deserialises_partial_bodies_and_refuses_unknown_fields() {
        let input: PartyInput =
            serde_json::from_value(serde_json::json!({"type": "legal_person", "name": null}))
                .unwrap();
        assert_eq!(input.party_type.as_deref(), Some("legal_person"));
        assert_eq!(input.name, None);
        let empty: PartyInput = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(empty, PartyInput::default());
        assert!(
            serde_json::from_value::<PartyInput>(serde_json::json!({"id_number": "1"})).is_err()
        );
        assert!(
            serde_json::from_value::<PartyInput>(serde_json::json!({"party_type": "x"})).is_err()
        );
    }

    #[test]
    fn an_empty_input_reports_type_and_name() {
        assert_eq!(
            errors(&PartyInput::default()),
            vec![
                (TYPE.to_owned(), Code::PartyTypeRequired),
                (NAME.to_owned(), Code::NameRequired),
            ]
        );
    }

    // --- Properties ---

    fn valid_resident_id() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec![11u8, 31, 37, 44, 65]),
            0u32..10_000,
            0i64..45_000,
            0u32..1000,
        )
            .prop_map(|(province, region, offset, sequence)| {
                let birth = date(1900, 1, 1) + chrono::Duration::days(offset);
                with_check(&format!(
                    "{province:02}{region:04}{}{sequence:03}",
                    birth.format("%Y%m%d")
                ))
            })
    }

    /// Values for a field: interesting valid and invalid ones, and anything at all.
    fn field(pool: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
        prop::option::of(prop_oneof![
            3 => prop::sample::select(pool).prop_map(str::to_owned),
            1 => any::<String>(),
        ])
    }

    fn any_input() -> impl Strategy<Value = PartyInput> {
        let person_fields = (
            field(&["plaintiff", " defendant "]),
            field(&[
                "natural_person",
                "legal_person",
                "unincorporated_organisation",
                "x",
            ]),
            field(&[
                "张三",
                "无名氏",
                "山东某某有限公司",
                "John Doe",
                "Ann Lee",
                "张3",
            ]),
            field(&[
                "resident_id",
                "passport",
                "hong_kong_macao_permit",
                "taiwan_permit",
                "residence_permit",
                "foreign_permanent_residence",
                "none",
            ]),
            field(&[
                "11010519491231002X",
                "e12345678",
                "H12345678(01)",
                "0561682001d",
                "810000199003071230",
                "USA370119800101",
                "12345678",
            ]),
            field(&["male", "女", "x"]),
            field(&["汉", "回族", "火星"]),
            field(&["中国", "美国"]),
            field(&["1949-12-31", "2000-02-29", "1800-01-01", "2030-01-01"]),
        );
        let shared_fields = (
            field(&["济南市 历下区", ""]),
            field(&["13812345678", "0531 88888888 转 1", "110"]),
            field(&["91370102ma3c5ej69f", "91370102MA3C5EJ69E"]),
            field(&["李四", "无名氏"]),
            field(&["董事长"]),
        );
        (person_fields, shared_fields).prop_map(
            |(
                (
                    role,
                    party_type,
                    name,
                    document_type,
                    document_number,
                    gender,
                    ethnicity,
                    nationality,
                    birth_date,
                ),
                (address, phone, credit_code, representative_name, representative_title),
            )| PartyInput {
                role,
                party_type,
                name,
                document_type,
                document_number,
                gender,
                ethnicity,
                nationality,
                birth_date,
                address,
                phone,
                credit_code,
                representative_name,
                representative_title,
            },
        )
    }

    proptest! {
        #[test]
        fn resident_id_parties_round_trip(
            id in valid_resident_id(),
            lower in any::<bool>(),
            spaced in any::<bool>(),
        ) {
            let mut typed = if lower { id.to_lowercase() } else { id.clone() };
            if spaced {
                typed = format!("{} {} {}", &typed[..6], &typed[6..14], &typed[14..]);
            }
            let party = check(&person("张三", "resident_id", &typed)).unwrap();
            prop_assert_eq!(party.document_number(), Some(id.as_str()));
            let birth = party.natural_person().unwrap().birth_date().unwrap();
            prop_assert_eq!(birth.format("%Y%m%d").to_string(), &id[6..14]);
            let input = party.to_input();
            prop_assert_eq!(validate(&input, today()), Ok(party.clone()));
        }

        #[test]
        fn any_input_is_answered_and_accepted_parties_are_fixed_points(input in any_input()) {
            match validate(&input, today()) {
                Ok(party) => {
                    let again = party.to_input();
                    prop_assert_eq!(validate(&again, today()), Ok(party.clone()));
                    prop_assert_eq!(again.party_type.as_deref(), Some(party.party_type().as_str()));
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    let known = [
                        TYPE, NAME, DOCUMENT_TYPE, DOCUMENT_NUMBER, GENDER, ETHNICITY,
                        NATIONALITY, BIRTH_DATE, ADDRESS, PHONE, CREDIT_CODE,
                        REPRESENTATIVE_NAME, REPRESENTATIVE_TITLE,
                    ];
                    for error in &errors {
                        prop_assert!(known.contains(&error.field.as_str()), "{:?}", error);
                    }
                    // One error per field at most.
                    let fields: std::collections::BTreeSet<_> =
                        errors.iter().map(|error| error.field.as_str()).collect();
                    prop_assert_eq!(fields.len(), errors.len(), "{:?}", errors);
                }
            }
        }

        #[test]
        fn document_numbers_never_panic_and_are_canonical(
            index in 0usize..7,
            typed in "[0-9A-Za-z()（）ｘＸ -]{0,24}",
        ) {
            let document_type = [
                DocumentType::ResidentId,
                DocumentType::Passport,
                DocumentType::HongKongMacaoPermit,
                DocumentType::TaiwanPermit,
                DocumentType::ResidencePermit,
                DocumentType::ForeignPermanentResidence,
                DocumentType::NoDocument,
            ][index];
            if let Ok(document) = IdentityDocument::parse(document_type, &typed, today())
                && let Some(number) = document.number()
            {
                let again = IdentityDocument::parse(document_type, number, today()).unwrap();
                prop_assert_eq!(again, document.clone());
            }
        }

        #[test]
        fn phones_never_panic_and_are_canonical(typed in "[0-9+()（） #x转-]{0,24}") {
            if let Ok(phone) = ContactPhone::parse(&typed) {
                prop_assert_eq!(ContactPhone::parse(phone.as_str()), Ok(phone.clone()));
            }
        }
    }
}

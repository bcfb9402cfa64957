//! Agents in a filing: lawyers, legal workers and other agents (a relative, an employee),
//! and whom they represent.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::licence::LicenceNumber;
use crate::domain::name::{OrganisationName, PersonName};
use crate::domain::party::ContactPhone;
use crate::domain::resident_id::ResidentIdNumber;
use crate::domain::text::trim_blanks;
use crate::errors::{Code, FieldError};

/// An agent as a client sends it (and as it is stored, normalised).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "type": "lawyer", "name": "李律师", "licence_number": "13701201010000301",
    "law_firm": "山东测试律师事务所", "phone": "13900000301",
    "represents": ["6f1c2a7e-3b9d-4c51-8e0f-2d7b9a4c1e55"]
}))]
pub struct AgentInput {
    /// `lawyer`, `legal_worker` or `other`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub agent_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Mainland resident ID number, optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// Practice licence number; required for lawyers and legal workers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licence_number: Option<String>,
    /// The law firm (lawyers, required) or legal service office (legal workers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub law_firm: Option<String>,
    /// Mainland mobile or landline with area code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Ids of the parties of this filing the agent represents, all on one side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub represents: Option<Vec<String>>,
}

/// The kinds of agent.
pub const AGENT_TYPES: &[&str] = &["lawyer", "legal_worker", "other"];

/// A validated agent: the normalised input and the represented party ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub input: AgentInput,
    pub agent_type: &'static str,
    pub represents: Vec<Uuid>,
}

impl Agent {
    pub fn name(&self) -> &str {
        self.input.name.as_deref().unwrap_or_default()
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(trim_blanks).filter(|v| !v.is_empty())
}

/// Checks an agent on its own; the caller checks that the represented parties belong to
/// the filing and stand on one side.
pub fn validate(input: &AgentInput, today: NaiveDate) -> Result<Agent, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = AgentInput::default();

    let agent_type = match present(&input.agent_type) {
        None => {
            errors.push(FieldError::new("type", Code::FieldRequired));
            None
        }
        Some(raw) => {
            let found = AGENT_TYPES.iter().find(|t| **t == raw).copied();
            if found.is_none() {
                errors.push(FieldError::new("type", Code::ChoiceInvalid));
            }
            found
        }
    };
    out.agent_type = agent_type.map(str::to_owned);

    match present(&input.name).map(PersonName::parse) {
        None => errors.push(FieldError::new("name", Code::NameRequired)),
        Some(Err(code)) => errors.push(FieldError::new("name", code)),
        Some(Ok(name)) => out.name = Some(name.as_str().to_owned()),
    }
    if let Some(raw) = present(&input.id_number) {
        match ResidentIdNumber::parse(raw, today) {
            Ok(id) => out.id_number = Some(id.as_str().to_owned()),
            Err(code) => errors.push(FieldError::new("id_number", code)),
        }
    }
    let professional = matches!(agent_type, Some("lawyer" | "legal_worker"));
    match present(&input.licence_number) {
        None if professional => errors.push(FieldError::new("licence_number", Code::FieldRequired)),
        None => {}
        Some(raw) => match LicenceNumber::parse(raw) {
            Ok(number) => out.licence_number = Some(number.as_str().to_owned()),
            Err(code) => errors.push(FieldError::new("licence_number", code)),
        },
    }
    match present(&input.law_firm) {
        None if agent_type == Some("lawyer") => {
            errors.push(FieldError::new("law_firm", Code::FieldRequired))
        }
        None => {}
        Some(raw) => match OrganisationName::parse(raw) {
            Ok(name) => out.law_firm = Some(name.as_str().to_owned()),
            Err(code) => errors.push(FieldError::new("law_firm", code)),
        },
    }
    if let Some(raw) = present(&input.phone) {
        match ContactPhone::parse(raw) {
            Ok(phone) => out.phone = Some(phone.as_str().to_owned()),
            Err(code) => errors.push(FieldError::new("phone", code)),
        }
    }
    let mut represents = Vec::new();
    match &input.represents {
        None => errors.push(FieldError::new("represents", Code::FieldRequired)),
        Some(ids) if ids.is_empty() => {
            errors.push(FieldError::new("represents", Code::FieldRequired))
        }
        Some(ids) => {
            for (index, raw) in ids.iter().enumerate() {
                match Uuid::parse_str(trim_blanks(raw)) {
                    Ok(id) if !represents.contains(&id) => represents.push(id),
                    Ok(_) => {}
                    Err(_) => errors.push(FieldError::new(
                        format!("represents.{index}"),
                        Code::AgentPartyInvalid,
                    )),
                }
            }
        }
    }
    out.represents = Some(represents.iter().map(Uuid::to_string).collect());

    match agent_type {
        Some(agent_type) if errors.is_empty() => Ok(Agent {
            input: out,
            agent_type,
            represents,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    }

    fn lawyer() -> AgentInput {
        AgentInput {
            agent_type: Some("lawyer".into()),
            name: Some(" 李律师 ".into()),
            licence_number: Some("1370 1201 0100 00301".into()),
            law_firm: Some("山东测试律师事务所".into()),
            phone: Some("139 0000 0301".into()),
            represents: Some(vec![Uuid::nil().to_string()]),
            ..AgentInput::default()
        }
    }

    #[test]
    fn a_lawyer_is_normalised() {
        let agent = validate(&lawyer(), today()).unwrap();
        assert_eq!(agent.agent_type, "lawyer");
        assert_eq!(agent.name(), "李律师");
        assert_eq!(
            agent.input.licence_number.as_deref(),
            Some("13701201010000301")
        );
        assert_eq!(agent.input.phone.as_deref(), Some("13900000301"));
        assert_eq!(agent.represents, [Uuid::nil()]);
        // Validating the stored form again changes nothing.
        assert_eq!(validate(&agent.input, today()).unwrap(), agent);
    }

    #[test]
    fn lawyers_need_a_licence_and_a_firm_but_other_agents_do_not() {
        let mut input = lawyer();
        input.licence_number = None;
        input.law_firm = None;
        let fields: Vec<String> = validate(&input, today())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["licence_number", "law_firm"]);
        input.agent_type = Some("other".into());
        assert!(validate(&input, today()).is_ok());
    }

    #[test]
    fn every_problem_is_reported() {
        let input = AgentInput {
            agent_type: Some("friend".into()),
            name: None,
            id_number: Some("123".into()),
            represents: Some(vec!["not-an-id".into()]),
            ..AgentInput::default()
        };
        let codes: Vec<(String, &str)> = validate(&input, today())
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("type".to_owned(), "choice.invalid"),
                ("name".to_owned(), "name.required"),
                ("id_number".to_owned(), "id_number.format"),
                ("represents.0".to_owned(), "agent.party_invalid"),
            ]
        );
    }
}

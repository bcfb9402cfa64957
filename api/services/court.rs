//! The court's side of a filing: a judge reviews it, then registers (dockets) the case —
//! case number, registration number and fee — which creates the fee order or, with no fee,
//! accepts the case at once. A judge acts only on the filings of their own court; anyone
//! else's is "not found".

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use diesel::PgConnection;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::domain::calendar::shanghai_date;
use crate::domain::fees::{self, FeeInputs, FeeItemKind, FeeQuote, Payable, Procedure};
use crate::domain::filing_status::{Event, FilingStatus};
use crate::domain::kinds::{FilingKind, KindLookup, PartyRole, lookup_kind};
use crate::domain::materials::Category;
use crate::domain::money::Money;
use crate::domain::sms::SmsTemplate;
use crate::domain::text::trim_blanks;
use crate::errors::{ApiError, Code, FieldError};
use crate::services::filings::{FilingDetail, detail_of};
use crate::services::registered_cases;
use crate::services::trial_feed;
use crate::store::accounts::{self, AccountRow};
use crate::store::audit::{self, Actor, Change};
use crate::store::case_numbers::{self, SequenceKey, Source};
use crate::store::fee_orders::{self, FeeOrderRow, NewFeeOrder};
use crate::store::filings::{self, FilingRow};
use crate::store::payments;
use crate::store::registered_cases as registered_cases_store;
use crate::store::sms::{self, Recipient};

/// Coded reasons for rejecting a filing.
pub const REJECTION_REASONS: &[(&str, &str)] = &[
    ("materials_incomplete", "材料不齐全"),
    ("materials_unclear", "材料不清晰"),
    ("parties_incorrect", "当事人信息有误"),
    ("claims_unclear", "诉讼请求不明确"),
    ("no_jurisdiction", "不属于本院管辖"),
    ("not_a_court_matter", "不属于人民法院受理范围"),
    ("duplicate_filing", "重复立案"),
    ("other", "其他"),
];

/// How long a payment notice runs unless the judge says otherwise.
pub const DEFAULT_NOTICE_DAYS: i64 = 7;
/// The longest notice a judge may give.
pub const MAX_NOTICE_DAYS: i64 = 30;
/// The longest reason for departing from the proposed fee.
pub const MAX_OVERRIDE_REASON_CHARS: usize = 500;

fn not_found() -> ApiError {
    ApiError::new(Code::FilingNotFound)
}

fn kind_of(row: &FilingRow) -> FilingKind {
    match lookup_kind(&row.kind) {
        KindLookup::Online(kind) => kind,
        _ => unreachable!("the database only holds online kinds"),
    }
}

fn status_of(row: &FilingRow) -> FilingStatus {
    FilingStatus::parse(&row.status).expect("the database only holds known statuses")
}

fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    filing: Uuid,
    details: Value,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        actor,
        &Change {
            action,
            subject_type: "filing",
            subject_id: &filing.to_string(),
            details,
        },
    )?;
    Ok(())
}

/// The case number shown in messages: the case number, or the registration number for
/// kinds that join an existing case.
pub(crate) fn shown_case_number(filing: &FilingRow) -> String {
    filing
        .case_number
        .clone()
        .or_else(|| filing.registration_number.clone())
        .unwrap_or_default()
}

/// Queues a message to the filing account's phone (recorded as not sent without one).
/// Queues a message to the filing account's phone (recorded as not sent without one).
pub(crate) fn notify_filer(
    conn: &mut PgConnection,
    filing: &FilingRow,
    template: &SmsTemplate,
) -> Result<(), ApiError> {
    let filer = accounts::find(conn, filing.filer_account_id)?;
    sms::enqueue(
        conn,
        Recipient {
            account_id: Some(filing.filer_account_id),
            phone: filer.as_ref().and_then(|a| a.phone.as_deref()),
        },
        template,
    )?;
    Ok(())
}

/// A filing of the judge's court with everything attached (drafts are never shown).
pub fn detail(conn: &mut PgConnection, id: Uuid, court: &str) -> Result<FilingDetail, ApiError> {
    let filing = filings::find_for_court(conn, id, court, false)?.ok_or_else(not_found)?;
    detail_of(conn, filing)
}

/// A review decision as sent.
#[derive(Debug, Clone, Default)]
pub struct Review {
    pub decision: Option<String>,
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    pub materials_to_supplement: Vec<String>,
}

/// Approves or rejects a submitted filing of the judge's court and tells the filer.
pub fn review(
    conn: &mut PgConnection,
    judge: &AccountRow,
    court: &str,
    id: Uuid,
    review: &Review,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<FilingRow, ApiError> {
    let mut errors = Vec::new();
    let approve = match review.decision.as_deref().map(trim_blanks) {
        Some("approve") => Some(true),
        Some("reject") => Some(false),
        None | Some("") => {
            errors.push(FieldError::new("decision", Code::FieldRequired));
            None
        }
        Some(_) => {
            errors.push(FieldError::new("decision", Code::ChoiceInvalid));
            None
        }
    };
    let reason_text = review
        .reason
        .as_deref()
        .map(trim_blanks)
        .filter(|r| !r.is_empty());
    if reason_text.is_some_and(|r| r.chars().count() > 500) {
        errors.push(FieldError::new("reason", Code::TextTooLong));
    }
    let mut rejection = None;
    if approve == Some(true) {
        // Reasons belong to rejections; sent with an approval they would be lost silently.
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| trim_blanks(v).is_empty());
        if !blank(&review.reason_code) {
            errors.push(FieldError::new("reason_code", Code::FieldNotApplicable));
        }
        if reason_text.is_some() {
            errors.push(FieldError::new("reason", Code::FieldNotApplicable));
        }
        if !review.materials_to_supplement.is_empty() {
            errors.push(FieldError::new(
                "materials_to_supplement",
                Code::FieldNotApplicable,
            ));
        }
    }
    if approve == Some(false) {
        let code = review
            .reason_code
            .as_deref()
            .map(trim_blanks)
            .filter(|c| !c.is_empty());
        let label = match code {
            None => {
                errors.push(FieldError::new("reason_code", Code::FieldRequired));
                None
            }
            Some(code) => match REJECTION_REASONS.iter().find(|(c, _)| *c == code) {
                Some(&(code, label)) => Some((code, label)),
                None => {
                    errors.push(FieldError::new("reason_code", Code::ChoiceInvalid));
                    None
                }
            },
        };
        if label.is_some_and(|(code, _)| code == "other") && reason_text.is_none() {
            errors.push(FieldError::new("reason", Code::FieldRequired));
        }
        let mut supplements = Vec::new();
        for (index, raw) in review.materials_to_supplement.iter().enumerate() {
            match Category::parse(raw) {
                Some(category) => supplements.push(category_label(category)),
                None => errors.push(FieldError::new(
                    format!("materials_to_supplement.{index}"),
                    Code::MaterialCategoryInvalid,
                )),
            }
        }
        if let Some((code, label)) = label {
            let mut text = reason_text.unwrap_or(label).to_owned();
            if !supplements.is_empty() {
                text = format!(
                    "{}；请补充：{}",
                    text.trim_end_matches(['。', '；', ';']),
                    supplements.join("、")
                );
            }
            rejection = Some((code, text));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }

    let row = filings::find_for_court(conn, id, court, true)?.ok_or_else(not_found)?;
    let event = if approve == Some(true) {
        Event::Approve
    } else {
        Event::Reject
    };
    let next = status_of(&row)
        .apply(event)
        .map_err(|code| ApiError::new(code).with_extension("filing_status", json!(row.status)))?;
    let reviewed = filings::mark_reviewed(
        conn,
        id,
        next.as_str(),
        judge.id,
        rejection
            .as_ref()
            .map(|(code, text)| (*code, text.as_str())),
        now,
    )?;
    let reference = reviewed.filing_reference.clone().unwrap_or_default();
    let template = match &rejection {
        None => SmsTemplate::FilingApproved {
            filing_reference: reference,
        },
        Some((_, text)) => SmsTemplate::FilingRejected {
            filing_reference: reference,
            reason: text.clone(),
        },
    };
    notify_filer(conn, &reviewed, &template)?;
    record(
        conn,
        actor,
        if rejection.is_none() {
            "filing.approved"
        } else {
            "filing.rejected"
        },
        id,
        json!({ "reason_code": rejection.as_ref().map(|r| r.0) }),
    )?;
    trial_feed::filing_reviewed(
        conn,
        &reviewed,
        judge.id,
        rejection
            .as_ref()
            .map(|(code, text)| (*code, text.as_str())),
        now,
    )?;
    Ok(reviewed)
}

fn category_label(category: Category) -> &'static str {
    match category {
        Category::ComplaintOrApplication => "起诉状或申请书",
        Category::Evidence => "证据材料",
        Category::IdentityDocument => "身份证明材料",
        Category::Authorisation => "授权委托材料",
        Category::ServiceAddressConfirmation => "送达地址确认书",
        Category::Other => "其他材料",
    }
}

/// The inputs of a fee quote, as sent or as read from the filing.
#[derive(Debug, Clone, Default)]
pub struct QuoteRequest {
    pub category: Option<String>,
    pub amount: Option<String>,
    pub procedure: Option<String>,
}

/// A fee item as the judge sets it.
#[derive(Debug, Clone)]
pub struct ChosenItem {
    pub item: String,
    pub amount: String,
}

/// Docketing as sent by the judge.
#[derive(Debug, Clone, Default)]
pub struct Docketing {
    pub fee_items: Option<Vec<ChosenItem>>,
    pub quote: Option<QuoteRequest>,
    pub override_reason: Option<String>,
    pub payer_party_id: Option<Uuid>,
    pub refundee_party_id: Option<Uuid>,
    pub notice_days: Option<i64>,
}

/// Parses the inputs of a quote, every problem reported; the amount defaults to the one
/// the filing states.
pub fn fee_inputs(
    kind: FilingKind,
    request: &QuoteRequest,
    content: Option<&Value>,
) -> Result<FeeInputs, Vec<FieldError>> {
    let mut errors = Vec::new();
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .map(trim_blanks)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let category = text(&request.category).and_then(|raw| {
        let parsed = fees::CaseCategory::parse(&raw);
        if parsed.is_none() {
            errors.push(FieldError::new("category", Code::FeeCategoryInvalid));
        }
        parsed
    });
    let procedure = match text(&request.procedure) {
        None => Procedure::Ordinary,
        Some(raw) => Procedure::parse(&raw).unwrap_or_else(|| {
            errors.push(FieldError::new("procedure", Code::FeeProcedureInvalid));
            Procedure::Ordinary
        }),
    };
    let stated = content.and_then(|c| {
        [
            &c["amount_in_dispute"],
            &c["preservation"]["amount"],
            &c["enforcement_amount"],
        ]
        .into_iter()
        .find_map(|v| v.as_str().map(str::to_owned))
    });
    let amount = match text(&request.amount).or(stated) {
        None => None,
        Some(raw) => match Money::parse(&raw) {
            Ok(amount) => Some(amount),
            Err(code) => {
                errors.push(FieldError::new("amount", code));
                None
            }
        },
    };
    let special_procedure_type = content
        .and_then(|c| c["special_procedure_type"].as_str())
        .map(str::to_owned);
    if errors.is_empty() {
        Ok(FeeInputs {
            kind,
            category,
            amount,
            procedure,
            special_procedure_type,
        })
    } else {
        Err(errors)
    }
}

/// The fee items of an order: (item, amount, rule) as stored.
#[derive(Debug, Clone, Serialize)]
struct OrderItem {
    item: &'static str,
    amount: String,
    rule: Option<&'static str>,
}

/// Registers an approved filing of the judge's court: case number (sequence per court,
/// year and type code, without gaps), registration number and fee. A fee above zero
/// creates the fee order and asks the filer to pay; no fee accepts the case at once.
#[allow(clippy::too_many_arguments)]
pub fn docket(
    conn: &mut PgConnection,
    judge: &AccountRow,
    court: &str,
    id: Uuid,
    docketing: &Docketing,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(FilingRow, Option<FeeOrderRow>), ApiError> {
    let row = filings::find_for_court(conn, id, court, true)?.ok_or_else(not_found)?;
    if row.registration_number.is_some() {
        return Err(ApiError::new(Code::FilingAlreadyDocketed)
            .with_extension("filing_status", json!(row.status)));
    }
    if status_of(&row) != FilingStatus::Approved {
        return Err(ApiError::new(Code::FilingNotApproved)
            .with_extension("filing_status", json!(row.status)));
    }
    let kind = kind_of(&row);
    let today = shanghai_date(now);
    let mut errors = Vec::new();

    // The platform's proposal, from the judge's inputs or what the filing states. Why no
    // proposal could be made is reported when the judge sets no items either.
    let quote_request = docketing.quote.clone().unwrap_or_default();
    let in_quote = |problems: Vec<FieldError>| -> Vec<FieldError> {
        problems
            .into_iter()
            .map(|mut p| {
                p.field = format!("quote.{}", p.field);
                p
            })
            .collect()
    };
    let mut quote_problems = Vec::new();
    let proposal: Option<FeeQuote> = match fee_inputs(kind, &quote_request, Some(&row.content)) {
        Ok(inputs) => match fees::quote(&inputs) {
            Ok(quote) => Some(quote),
            Err(problems) if docketing.quote.is_some() => {
                errors.extend(in_quote(problems));
                None
            }
            Err(problems) => {
                quote_problems = in_quote(problems);
                None
            }
        },
        Err(problems) => {
            errors.extend(in_quote(problems));
            None
        }
    };
    // Inputs the judge changed from what the filing states (a lower amount, another
    // category) depart from the filing's own proposal just as a changed item does.
    let stated_proposal = fee_inputs(kind, &QuoteRequest::default(), Some(&row.content))
        .ok()
        .and_then(|inputs| fees::quote(&inputs).ok());
    let payable_of = |quote: &FeeQuote| -> Vec<(FeeItemKind, Money, Money)> {
        quote
            .items
            .iter()
            .filter(|i| i.payable == Payable::AtFiling)
            .map(|i| (i.item, i.min, i.max))
            .collect()
    };
    let inputs_changed = match (&proposal, &stated_proposal) {
        (Some(judged), Some(stated)) => payable_of(judged) != payable_of(stated),
        _ => false,
    };
    let proposed_items: Vec<&fees::FeeItem> = proposal
        .as_ref()
        .map(|q| {
            q.items
                .iter()
                .filter(|i| i.payable == Payable::AtFiling)
                .collect()
        })
        .unwrap_or_default();

    // The items the judge sets, or the proposal when it fixes every amount.
    let mut items: Vec<(FeeItemKind, Money, Option<&'static str>)> = Vec::new();
    match &docketing.fee_items {
        Some(chosen) => {
            for (index, item) in chosen.iter().enumerate() {
                let kind = FeeItemKind::parse(trim_blanks(&item.item));
                let amount = Money::parse(&item.amount);
                match (kind, amount) {
                    (Some(kind), _) if items.iter().any(|(k, _, _)| *k == kind) => {
                        errors.push(FieldError::new(
                            format!("fee_items.{index}.item"),
                            Code::FeeItemRepeated,
                        ));
                    }
                    // The schedule names the fees of each kind of case: an appeal fee on a
                    // first-instance case is not a matter of amount or reason.
                    (Some(kind), _)
                        if stated_proposal
                            .as_ref()
                            .or(proposal.as_ref())
                            .is_some_and(|q| !q.items.iter().any(|i| i.item == kind)) =>
                    {
                        errors.push(FieldError::new(
                            format!("fee_items.{index}.item"),
                            Code::FeeItemNotApplicable,
                        ));
                    }
                    (Some(kind), Ok(amount)) => {
                        let rule = proposed_items
                            .iter()
                            .find(|p| p.item == kind)
                            .map(|p| p.rule.as_str());
                        items.push((kind, amount, rule));
                    }
                    (kind, amount) => {
                        if kind.is_none() {
                            errors.push(FieldError::new(
                                format!("fee_items.{index}.item"),
                                Code::ChoiceInvalid,
                            ));
                        }
                        if let Err(code) = amount {
                            errors.push(FieldError::new(format!("fee_items.{index}.amount"), code));
                        }
                    }
                }
            }
        }
        None => match &proposal {
            None if !quote_problems.is_empty() => errors.append(&mut quote_problems),
            None => errors.push(FieldError::new("fee_items", Code::FieldRequired)),
            Some(_) => {
                for item in &proposed_items {
                    if item.min == item.max {
                        items.push((item.item, item.min, Some(item.rule.as_str())));
                    } else {
                        errors.push(FieldError::new("fee_items", Code::FeeAmountChoiceRequired));
                        break;
                    }
                }
            }
        },
    }
    let override_reason = docketing
        .override_reason
        .as_deref()
        .map(trim_blanks)
        .filter(|r| !r.is_empty());
    let departs = inputs_changed
        || proposal.is_some()
            && (items.iter().any(|(kind, amount, _)| {
                !proposed_items
                    .iter()
                    .any(|p| p.item == *kind && p.min <= *amount && *amount <= p.max)
            }) || proposed_items
                .iter()
                .any(|p| !p.max.is_zero() && !items.iter().any(|(kind, _, _)| *kind == p.item)));
    if departs && override_reason.is_none() {
        errors.push(FieldError::new(
            "override_reason",
            Code::FeeOverrideReasonRequired,
        ));
    }
    if override_reason.is_some_and(|r| r.chars().count() > MAX_OVERRIDE_REASON_CHARS) {
        errors.push(FieldError::new("override_reason", Code::TextTooLong));
    }
    let total = items
        .iter()
        .try_fold(Money::from_fen(0).expect("zero"), |sum, (_, amount, _)| {
            sum.checked_add(*amount)
        });
    let Some(total) = total else {
        errors.push(FieldError::new("fee_items", Code::MoneyTooLarge));
        return Err(ApiError::validation(errors));
    };

    let notice_days = docketing.notice_days.unwrap_or(DEFAULT_NOTICE_DAYS);
    if !(1..=MAX_NOTICE_DAYS).contains(&notice_days) {
        errors.push(FieldError::new("notice_days", Code::FeeNoticeDaysInvalid));
    }

    // The payer and refundee: parties on the filer's side.
    let parties = filings::parties(conn, id)?;
    let mut chosen_party = |field: &str, chosen: Option<Uuid>| -> Option<(Uuid, String)> {
        let Some(party_id) = chosen else {
            if !total.is_zero() {
                errors.push(FieldError::new(field, Code::FieldRequired));
            }
            return None;
        };
        match parties.iter().find(|p| p.id == party_id) {
            None => {
                errors.push(FieldError::new(field, Code::PartyNotFound));
                None
            }
            Some(p) if !PartyRole::parse(&p.role).is_some_and(PartyRole::is_filer_side) => {
                errors.push(FieldError::new(field, Code::PayerNotPlaintiff));
                None
            }
            Some(p) => Some((p.id, p.name.clone())),
        }
    };
    let payer = chosen_party(
        "payer_party_id",
        docketing.payer_party_id.or(row.payer_party_id),
    );
    let refundee = chosen_party(
        "refundee_party_id",
        docketing.refundee_party_id.or(row.refundee_party_id),
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }

    // The case number, unless the filing joins an existing case.
    let case_number = match type_code(kind, &row.content) {
        None => None,
        Some(type_code) => {
            let year = i16::try_from(today.year()).expect("a four-digit year");
            let key = SequenceKey {
                court_code: court,
                year,
                type_code,
            };
            // A number the trial system records while this docketing runs is skipped: the
            // insert waits for that push and then finds the number taken.
            loop {
                let sequence = case_numbers::next_sequence(conn, key)?;
                let number = format!("（{year}）{court}{type_code}{sequence}号");
                if case_numbers::record(conn, &number, key, sequence, Source::Docketing, Some(id))?
                {
                    break Some((number, key));
                }
            }
        }
    };
    let registration_number = new_registration_number(conn)?;
    if let Some((number, key)) = &case_number {
        registered_cases::record_docketed(
            conn,
            id,
            number,
            *key,
            &registration_number,
            None,
            &parties,
            today,
        )?;
    }
    let case_number = case_number.map(|(number, _)| number);
    let event = if total.is_zero() {
        Event::AcceptWithoutFee
    } else {
        Event::AssignFee
    };
    let next = status_of(&row).apply(event).map_err(ApiError::new)?;
    let docketed = filings::mark_docketed(
        conn,
        id,
        next.as_str(),
        case_number.as_deref(),
        &registration_number,
        judge.id,
        now,
    )?;
    let shown_number = case_number
        .clone()
        .or_else(|| {
            row.content["existing_case_number"]
                .as_str()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| registration_number.clone());

    let order = match (payer, refundee) {
        (Some((payer_id, payer_name)), Some((refundee_id, refundee_name))) if !total.is_zero() => {
            let stored_items = json!(
                items
                    .iter()
                    .map(|(kind, amount, rule)| OrderItem {
                        item: kind.as_str(),
                        amount: amount.to_string(),
                        rule: *rule,
                    })
                    .collect::<Vec<_>>()
            );
            let proposal_json = proposal.as_ref().map(|q| json!(q));
            let expires_on = today + Duration::days(notice_days);
            let order_number = format!(
                "{}{:08}",
                today.format("%Y%m%d"),
                fee_orders::next_number(conn)?
            );
            let order = fee_orders::insert(
                conn,
                &NewFeeOrder {
                    id: Uuid::new_v4(),
                    order_number: &order_number,
                    filing_id: id,
                    court_code: court,
                    items: &stored_items,
                    total_fen: total.fen(),
                    payer_party_id: payer_id,
                    refundee_party_id: refundee_id,
                    payer_name: &payer_name,
                    refundee_name: &refundee_name,
                    expires_at: end_of_day(expires_on),
                    proposal: proposal_json.as_ref(),
                    override_reason: override_reason.filter(|_| departs),
                    issued_by: judge.id,
                    replaces_order_id: None,
                },
            )?;
            notify_filer(
                conn,
                &docketed,
                &SmsTemplate::PaymentDue {
                    case_number: shown_number.clone(),
                    amount: total.to_string(),
                    expires_on: expires_on.format("%Y年%m月%d日").to_string(),
                },
            )?;
            Some(order)
        }
        _ => {
            notify_filer(
                conn,
                &docketed,
                &SmsTemplate::FilingAccepted {
                    case_number: shown_number.clone(),
                },
            )?;
            None
        }
    };
    record(
        conn,
        actor,
        "filing.docketed",
        id,
        json!({
            "case_number": case_number,
            "fee_order": order.as_ref().map(|o| o.order_number.clone()),
            "total": total.to_string(),
            "override_reason": override_reason.filter(|_| departs),
        }),
    )?;
    trial_feed::filing_docketed(conn, &docketed, order.as_ref(), judge.id, now)?;
    Ok((docketed, order))
}

/// The type code a docketed case of `kind` gets; `None` when the filing joins an existing
/// case.
pub fn type_code(kind: FilingKind, content: &Value) -> Option<&'static str> {
    let codes = kind.rules().type_codes;
    if kind == FilingKind::CivilSpecialProcedure
        && content["special_procedure_type"].as_str() == Some(SPECIAL_PROCEDURE_SUPERVISION)
    {
        return codes.iter().copied().find(|c| *c == "民特监");
    }
    codes.first().copied()
}

const SPECIAL_PROCEDURE_SUPERVISION: &str = "0323";

/// The end of `day` in Asia/Shanghai (the first instant of the next day).
fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let next = day + Duration::days(1);
    Shanghai
        .from_local_datetime(&next.and_hms_opt(0, 0, 0).expect("midnight"))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| next.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

/// A registration number: 12 random digits (not starting with 0), unique. Together with the
/// case number it opens a case to whoever holds both, so it must not be guessable.
fn new_registration_number(conn: &mut PgConnection) -> Result<String, ApiError> {
    for _ in 0..16 {
        let number = format!(
            "{}",
            rand::random_range(100_000_000_000u64..1_000_000_000_000)
        );
        if !registered_cases_store::registration_number_used(conn, &number)? {
            return Ok(number);
        }
    }
    Err(ApiError::internal(anyhow::anyhow!(
        "no free registration number after 16 tries"
    )))
}

/// Issues a new payment notice for an order of the judge's court whose notice ran out
/// unpaid; the old order stays expired and the new one names it.
pub fn reissue(
    conn: &mut PgConnection,
    judge: &AccountRow,
    court: &str,
    order_id: Uuid,
    notice_days: Option<i64>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<FeeOrderRow, ApiError> {
    let notice_days = notice_days.unwrap_or(DEFAULT_NOTICE_DAYS);
    if !(1..=MAX_NOTICE_DAYS).contains(&notice_days) {
        return Err(ApiError::field("notice_days", Code::FeeNoticeDaysInvalid));
    }
    let order = fee_orders::lock_for_court(conn, order_id, court)?
        .ok_or_else(|| ApiError::new(Code::FeeOrderNotFound))?;
    if let Some(newer) = fee_orders::for_filing(conn, order.filing_id)?
        .into_iter()
        .find(|o| o.replaces_order_id == Some(order.id))
    {
        return Err(
            ApiError::new(Code::FeeOrderReplaced).with_extension("replaced_by", json!(newer.id))
        );
    }
    // Money that came after the notice ran out does not pay the case: the court issues a
    // new notice (and refunds the late money).
    let paid_late = payments::paid_after_expiry(conn, order.paid_by_payment_id)?;
    let ran_out = order.status == "expired"
        || paid_late
        || (order.status == "awaiting_payment" && order.expires_at <= now);
    if !ran_out {
        return Err(ApiError::new(Code::FeeOrderNotExpired)
            .with_extension("order_status", json!(order.status)));
    }
    if order.status == "awaiting_payment" {
        fee_orders::set_status(conn, order.id, "expired", now)?;
    }
    let filing =
        filings::find_for_court(conn, order.filing_id, court, true)?.ok_or_else(not_found)?;
    if status_of(&filing) != FilingStatus::AwaitingPayment {
        return Err(ApiError::new(Code::FilingNotAwaitingPayment)
            .with_extension("filing_status", json!(filing.status)));
    }
    let parties = filings::parties(conn, filing.id)?;
    let on_filer_side = |id: Uuid| {
        parties
            .iter()
            .any(|p| p.id == id && PartyRole::parse(&p.role).is_some_and(PartyRole::is_filer_side))
    };
    if !on_filer_side(order.payer_party_id) {
        return Err(ApiError::field("payer_party_id", Code::PayerNotPlaintiff));
    }
    let today = shanghai_date(now);
    let expires_on = today + Duration::days(notice_days);
    let order_number = format!(
        "{}{:08}",
        today.format("%Y%m%d"),
        fee_orders::next_number(conn)?
    );
    let renewed = fee_orders::insert(
        conn,
        &NewFeeOrder {
            id: Uuid::new_v4(),
            order_number: &order_number,
            filing_id: filing.id,
            court_code: court,
            items: &order.items,
            total_fen: order.total_fen,
            payer_party_id: order.payer_party_id,
            refundee_party_id: order.refundee_party_id,
            payer_name: &order.payer_name,
            refundee_name: &order.refundee_name,
            expires_at: end_of_day(expires_on),
            proposal: order.proposal.as_ref(),
            override_reason: order.override_reason.as_deref(),
            issued_by: judge.id,
            replaces_order_id: Some(order.id),
        },
    )?;
    let total = Money::from_fen(order.total_fen)
        .map(|m| m.to_string())
        .unwrap_or_default();
    notify_filer(
        conn,
        &filing,
        &SmsTemplate::PaymentDue {
            case_number: shown_case_number(&filing),
            amount: total,
            expires_on: expires_on.format("%Y年%m月%d日").to_string(),
        },
    )?;
    record(
        conn,
        actor,
        "fee_order.reissued",
        filing.id,
        json!({ "replaces": order.order_number, "order_number": renewed.order_number }),
    )?;
    trial_feed::fee_order_issued(conn, &filing, &renewed, &order, judge.id, now)?;
    Ok(renewed)
}

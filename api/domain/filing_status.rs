//! The life of a filing: its statuses and the transitions between them.
//!
//! A filing is a draft until it is submitted. A judge then approves or rejects it; a
//! rejected filing is corrected and submitted again (keeping its first submission time).
//! An approved filing waits for the judge to assign its case number and fee; with a fee it
//! awaits payment, is paid (awaiting treasury settlement) and settles; with no fee it is
//! accepted at once.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::errors::Code;

/// The status of a filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    /// Being written; only the filer sees it, and it can be edited or deleted.
    Draft,
    /// Handed in; waiting for a judge's review.
    Submitted,
    /// The review approved it; the judge has still to assign case number and fee.
    Approved,
    /// The review rejected it, with a reason; it can be corrected and submitted again.
    Rejected,
    /// Case number and fee assigned; the fee is to be paid.
    AwaitingPayment,
    /// Paid; the money has still to reach the treasury.
    PaidAwaitingSettlement,
    /// The fee reached the treasury.
    Settled,
    /// Accepted without a fee.
    Accepted,
}

/// Everything that moves a filing from one status to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// The filer submits the draft, or resubmits a rejected filing.
    Submit,
    /// A judge approves the filing.
    Approve,
    /// A judge rejects the filing.
    Reject,
    /// A judge assigns the case number and a fee above zero.
    AssignFee,
    /// A judge assigns the case number with no fee to pay.
    AcceptWithoutFee,
    /// The payment platform reports the fee paid.
    Pay,
    /// Reconciliation confirms the fee reached the treasury.
    Settle,
}

impl FilingStatus {
    /// Every status, in the order of a filing's life.
    pub const ALL: [FilingStatus; 8] = [
        FilingStatus::Draft,
        FilingStatus::Submitted,
        FilingStatus::Approved,
        FilingStatus::Rejected,
        FilingStatus::AwaitingPayment,
        FilingStatus::PaidAwaitingSettlement,
        FilingStatus::Settled,
        FilingStatus::Accepted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FilingStatus::Draft => "draft",
            FilingStatus::Submitted => "submitted",
            FilingStatus::Approved => "approved",
            FilingStatus::Rejected => "rejected",
            FilingStatus::AwaitingPayment => "awaiting_payment",
            FilingStatus::PaidAwaitingSettlement => "paid_awaiting_settlement",
            FilingStatus::Settled => "settled",
            FilingStatus::Accepted => "accepted",
        }
    }

    pub fn parse(value: &str) -> Option<FilingStatus> {
        FilingStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Whether the filer may still change the content: a draft, or a rejected filing being
    /// corrected.
    pub fn is_editable(self) -> bool {
        matches!(self, FilingStatus::Draft | FilingStatus::Rejected)
    }

    /// Where `event` takes a filing in this status, or the code explaining why it cannot
    /// happen now.
    pub fn apply(self, event: Event) -> Result<FilingStatus, Code> {
        use Event as E;
        use FilingStatus as S;
        match (self, event) {
            (S::Draft | S::Rejected, E::Submit) => Ok(S::Submitted),
            (_, E::Submit) => Err(Code::FilingAlreadySubmitted),
            (S::Submitted, E::Approve) => Ok(S::Approved),
            (S::Submitted, E::Reject) => Ok(S::Rejected),
            (_, E::Approve | E::Reject) => Err(Code::FilingNotAwaitingReview),
            (S::Approved, E::AssignFee) => Ok(S::AwaitingPayment),
            (S::Approved, E::AcceptWithoutFee) => Ok(S::Accepted),
            (_, E::AssignFee | E::AcceptWithoutFee) => Err(Code::FilingNotApproved),
            (S::AwaitingPayment, E::Pay) => Ok(S::PaidAwaitingSettlement),
            (_, E::Pay) => Err(Code::FilingNotAwaitingPayment),
            (S::PaidAwaitingSettlement, E::Settle) => Ok(S::Settled),
            (_, E::Settle) => Err(Code::FilingNotPaid),
        }
    }

    /// Whether some event takes a filing from this status to `to`.
    pub fn can_become(self, to: FilingStatus) -> bool {
        Event::ALL.into_iter().any(|e| self.apply(e) == Ok(to))
    }
}

impl Event {
    pub const ALL: [Event; 7] = [
        Event::Submit,
        Event::Approve,
        Event::Reject,
        Event::AssignFee,
        Event::AcceptWithoutFee,
        Event::Pay,
        Event::Settle,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use Event as E;
    use FilingStatus as S;

    /// The transitions the platform allows, and nothing else.
    const ALLOWED: &[(S, E, S)] = &[
        (S::Draft, E::Submit, S::Submitted),
        (S::Rejected, E::Submit, S::Submitted),
        (S::Submitted, E::Approve, S::Approved),
        (S::Submitted, E::Reject, S::Rejected),
        (S::Approved, E::AssignFee, S::AwaitingPayment),
        (S::Approved, E::AcceptWithoutFee, S::Accepted),
        (S::AwaitingPayment, E::Pay, S::PaidAwaitingSettlement),
        (S::PaidAwaitingSettlement, E::Settle, S::Settled),
    ];

    #[test]
    fn every_allowed_transition_happens() {
        for &(from, event, to) in ALLOWED {
            assert_eq!(from.apply(event), Ok(to), "{from:?} + {event:?}");
        }
    }

    #[test]
    fn every_other_transition_is_refused_with_a_reason() {
        for from in S::ALL {
            for event in E::ALL {
                if ALLOWED.iter().any(|&(f, e, _)| f == from && e == event) {
                    continue;
                }
                let refusal = from
                    .apply(event)
                    .expect_err(&format!("{from:?} + {event:?}"));
                let expected = match event {
                    E::Submit => Code::FilingAlreadySubmitted,
                    E::Approve | E::Reject => Code::FilingNotAwaitingReview,
                    E::AssignFee | E::AcceptWithoutFee => Code::FilingNotApproved,
                    E::Pay => Code::FilingNotAwaitingPayment,
                    E::Settle => Code::FilingNotPaid,
                };
                assert_eq!(refusal, expected, "{from:?} + {event:?}");
            }
        }
    }

    #[test]
    fn status_pairs_follow_the_allowed_transitions() {
        for from in S::ALL {
            for to in S::ALL {
                let allowed = ALLOWED.iter().any(|&(f, _, t)| f == from && t == to);
                assert_eq!(from.can_become(to), allowed, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn settled_and_accepted_are_final() {
        for end in [S::Settled, S::Accepted] {
            assert!(E::ALL.into_iter().all(|e| end.apply(e).is_err()));
        }
    }

    #[test]
    fn names_are_exactly_the_published_ones() {
        let names: Vec<&str> = S::ALL.into_iter().map(S::as_str).collect();
        assert_eq!(
            names,
            [
                "draft",
                "submitted",
                "approved",
                "rejected",
                "awaiting_payment",
                "paid_awaiting_settlement",
                "settled",
                "accepted"
            ]
        );
        for status in S::ALL {
            assert_eq!(S::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::json!(status.as_str())
            );
        }
        assert_eq!(S::parse("Draft"), None);
    }

    #[test]
    fn only_drafts_and_rejected_filings_are_editable() {
        let editable: Vec<S> = S::ALL.into_iter().filter(|s| s.is_editable()).collect();
        assert_eq!(editable, [S::Draft, S::Rejected]);
    }
}

//! The feed of filings to the courts' trial-management system: which events it carries,
//! where each filing is to be handled there, and the position a reader has reached.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use utoipa::ToSchema;

use super::kinds::FilingKind;

/// What happened. Readers should skip events they do not know: new kinds are added as the
/// platform grows.
// Every kind of change the court handles in its own system is one variant; nothing else
// about storing and reading the feed depends on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
pub enum FeedEvent {
    /// A filing was submitted, for the first time or again after a rejection: the whole
    /// filing as submitted.
    #[serde(rename = "filing.submitted")]
    FilingSubmitted,
    /// A judge approved or rejected a submitted filing.
    #[serde(rename = "filing.reviewed")]
    FilingReviewed,
    /// A judge registered the case: case number, registration number and the fee orders
    /// issued (none when the case was accepted without a fee).
    #[serde(rename = "filing.docketed")]
    FilingDocketed,
    /// A judge issued a new payment notice in place of one that ran out.
    #[serde(rename = "fee_order.issued")]
    FeeOrderIssued,
    /// A payment platform reported a fee order paid.
    #[serde(rename = "fee_order.paid")]
    FeeOrderPaid,
    /// Reconciliation found the money of a paid fee order in the treasury.
    #[serde(rename = "fee_order.settled")]
    FeeOrderSettled,
    /// A refund of a fee order was made by the payment platform.
    #[serde(rename = "fee_order.refunded")]
    FeeOrderRefunded,
}

impl FeedEvent {
    /// Every event, in the order of a filing's life.
    pub const ALL: [FeedEvent; 7] = [
        FeedEvent::FilingSubmitted,
        FeedEvent::FilingReviewed,
        FeedEvent::FilingDocketed,
        FeedEvent::FeeOrderIssued,
        FeedEvent::FeeOrderPaid,
        FeedEvent::FeeOrderSettled,
        FeedEvent::FeeOrderRefunded,
    ];

    /// The event as stored and as readers see it, e.g. `filing.submitted`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedEvent::FilingSubmitted => "filing.submitted",
            FeedEvent::FilingReviewed => "filing.reviewed",
            FeedEvent::FilingDocketed => "filing.docketed",
            FeedEvent::FeeOrderIssued => "fee_order.issued",
            FeedEvent::FeeOrderPaid => "fee_order.paid",
            FeedEvent::FeeOrderSettled => "fee_order.settled",
            FeedEvent::FeeOrderRefunded => "fee_order.refunded",
        }
    }

    pub fn parse(value: &str) -> Option<FeedEvent> {
        FeedEvent::ALL.into_iter().find(|e| e.as_str() == value)
    }
}

/// Where in the trial-management system a filing is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    /// The filing division (立案庭), which registers ordinary cases.
    FilingDivision,
    /// The case-diversion queue (案件分流), which assigns enforcement matters.
    CaseDiversion,
    /// The enforcement system (执行系统).
    EnforcementSystem,
}

/// Where a filing of `kind` goes, in order: enforcement matters pass the case-diversion
/// queue first and then go to the enforcement system; everything else goes to the filing
/// division.
pub fn routing(kind: FilingKind) -> &'static [Destination] {
    match kind {
        FilingKind::FirstEnforcement | FilingKind::EnforcementReconsideration => {
            &[Destination::CaseDiversion, Destination::EnforcementSystem]
        }
        _ => &[Destination::FilingDivision],
    }
}

/// How far a reader of the feed has read: the entry it processed last, named by the
/// transaction that wrote it and its row id. Readers see it as an opaque string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FeedCursor {
    /// The id of the transaction that wrote the entry.
    pub txid: i64,
    /// The entry's row id.
    pub id: i64,
}

/// The first byte of an encoded cursor, so that its form can change without old cursors
/// being misread.
const CURSOR_VERSION: u8 = 1;

impl FeedCursor {
    /// The position before every entry.
    pub const START: FeedCursor = FeedCursor { txid: 0, id: 0 };

    /// The cursor as readers see it: URL-safe base64 of a version byte and both numbers.
    pub fn encode(self) -> String {
        let mut bytes = Vec::with_capacity(17);
        bytes.push(CURSOR_VERSION);
        bytes.extend_from_slice(&self.txid.to_be_bytes());
        bytes.extend_from_slice(&self.id.to_be_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Reads a cursor made by [`FeedCursor::encode`]; anything else — another version,
    /// negative numbers, padding, a different spelling of the same bytes — is `None`.
    pub fn decode(text: &str) -> Option<FeedCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let (&version, numbers) = bytes.split_first()?;
        if version != CURSOR_VERSION || numbers.len() != 16 {
            return None;
        }
        let (txid, id) = numbers.split_at(8);
        let cursor = FeedCursor {
            txid: i64::from_be_bytes(txid.try_into().ok()?),
            id: i64::from_be_bytes(id.try_into().ok()?),
        };
        (cursor.txid >= 0 && cursor.id >= 0 && cursor.encode() == text).then_some(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kinds::ONLINE_KINDS;

    #[test]
    fn enforcement_matters_pass_case_diversion_before_the_enforcement_system() {
        for kind in [
            FilingKind::FirstEnforcement,
            FilingKind::EnforcementReconsideration,
        ] {
            assert_eq!(
                routing(kind),
                [Destination::CaseDiversion, Destination::EnforcementSystem],
                "{kind:?}"
            );
        }
    }

    #[test]
    fn every_other_kind_goes_to_the_filing_division() {
        let others = ONLINE_KINDS.iter().map(|rules| rules.kind).filter(|kind| {
            !matches!(
                kind,
                FilingKind::FirstEnforcement | FilingKind::EnforcementReconsideration
            )
        });
        let mut count = 0;
        for kind in others {
            assert_eq!(routing(kind), [Destination::FilingDivision], "{kind:?}");
            count += 1;
        }
        assert_eq!(count, ONLINE_KINDS.len() - 2);
    }

    #[test]
    fn events_read_back_from_their_names() {
        for event in FeedEvent::ALL {
            assert_eq!(FeedEvent::parse(event.as_str()), Some(event));
            assert_eq!(
                serde_json::to_value(event).unwrap(),
                serde_json::json!(event.as_str())
            );
        }
        assert_eq!(FeedEvent::parse("filing.deleted"), None);
    }

    #[test]
    fn cursors_read_back_what_they_encode() {
        for cursor in [
            FeedCursor::START,
            FeedCursor { txid: 1, id: 2 },
            FeedCursor {
                txid: 4_294_967_296 + 731,
                id: 98_765,
            },
            FeedCursor {
                txid: i64::MAX,
                id: i64::MAX,
            },
        ] {
            let text = cursor.encode();
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{text} is not URL-safe"
            );
            assert_eq!(FeedCursor::decode(&text), Some(cursor), "{text}");
        }
    }

    #[test]
    fn cursors_keep_the_order_of_their_positions() {
        let earlier = FeedCursor { txid: 10, id: 900 };
        let later = FeedCursor { txid: 11, id: 5 };
        assert!(earlier < later, "the transaction decides before the row id");
        assert!(FeedCursor { txid: 11, id: 4 } < later);
    }

    #[test]
    fn anything_but_an_encoded_cursor_is_refused() {
        let valid = FeedCursor { txid: 7, id: 3 }.encode();
        let negative = {
            let mut bytes = vec![CURSOR_VERSION];
            bytes.extend_from_slice(&(-1i64).to_be_bytes());
            bytes.extend_from_slice(&3i64.to_be_bytes());
            URL_SAFE_NO_PAD.encode(bytes)
        };
        let other_version = {
            let mut bytes = vec![2];
            bytes.extend_from_slice(&[0; 16]);
            URL_SAFE_NO_PAD.encode(bytes)
        };
        for text in [
            String::new(),
            "abc".to_owned(),
            "7:3".to_owned(),
            "12345".to_owned(),
            format!("{valid}="),
            format!("{valid}A"),
            valid[1..].to_owned(),
            valid.replace('A', "+"),
            negative,
            other_version,
            "没有".to_owned(),
        ] {
            assert_eq!(FeedCursor::decode(&text), None, "{text:?}");
        }
    }
}

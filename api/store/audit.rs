//! The audit trail: one row for every state change, written inside the transaction that
//! makes the change, so a change and its record commit or roll back together.

use diesel::PgConnection;
use diesel::prelude::*;
use serde_json::Value;

use super::schema::audit_events;

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorKind {
    /// A person's account (party, lawyer, legal worker, judge, administrator).
    Account,
    /// An integration client acting on its own behalf (trial system, payment platform).
    Service,
    /// A background job of this service.
    System,
    /// A request without credentials (a registration, say).
    Anonymous,
}

impl ActorKind {
    fn as_str(&self) -> &'static str {
        match self {
            ActorKind::Account => "account",
            ActorKind::Service => "service",
            ActorKind::System => "system",
            ActorKind::Anonymous => "anonymous",
        }
    }
}

/// The author of a change and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    /// Account id or service client name.
    pub id: Option<String>,
    /// The client the request came through, when known (web, mini program, …).
    pub client: Option<String>,
    /// The request id, to join the audit trail with the logs.
    pub request_id: Option<String>,
}

impl Actor {
    /// A person's account.
    pub fn account(id: uuid::Uuid) -> Actor {
        Actor {
            kind: ActorKind::Account,
            id: Some(id.to_string()),
            client: None,
            request_id: None,
        }
    }

    /// An integration client.
    pub fn service(name: &str) -> Actor {
        Actor {
            kind: ActorKind::Service,
            id: Some(name.to_owned()),
            client: None,
            request_id: None,
        }
    }

    /// Someone without an account (a registrant, say).
    pub fn anonymous() -> Actor {
        Actor {
            kind: ActorKind::Anonymous,
            id: None,
            client: None,
            request_id: None,
        }
    }

    /// A background job of this service.
    pub fn system(job: &str) -> Actor {
        Actor {
            kind: ActorKind::System,
            id: Some(job.to_owned()),
            client: None,
            request_id: None,
        }
    }
}

/// What changed. `details` must never hold passwords, tokens or unmasked identity numbers.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// A dotted verb, e.g. `filing.submitted`.
    pub action: &'a str,
    /// The kind of thing changed, e.g. `filing`.
    pub subject_type: &'a str,
    /// Its identifier.
    pub subject_id: &'a str,
    pub details: Value,
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditEvent<'a> {
    actor_kind: &'a str,
    actor_id: Option<&'a str>,
    client: Option<&'a str>,
    request_id: Option<&'a str>,
    action: &'a str,
    subject_type: &'a str,
    subject_id: &'a str,
    details: &'a Value,
}

/// Records `change` by `actor` in the caller's transaction; returns the row's id.
pub fn record(conn: &mut PgConnection, actor: &Actor, change: &Change<'_>) -> QueryResult<i64> {
    diesel::insert_into(audit_events::table)
        .values(NewAuditEvent {
            actor_kind: actor.kind.as_str(),
            actor_id: actor.id.as_deref(),
            client: actor.client.as_deref(),
            request_id: actor.request_id.as_deref(),
            action: change.action,
            subject_type: change.subject_type,
            subject_id: change.subject_id,
            details: &change.details,
        })
        .returning(audit_events::id)
        .get_result(conn)
}

/// One recorded change, as read back by staff tools and tests.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub client: Option<String>,
    pub request_id: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub details: Value,
}

/// The changes recorded for one subject, oldest first.
pub fn history(
    conn: &mut PgConnection,
    subject_type: &str,
    subject_id: &str,
) -> QueryResult<Vec<AuditEvent>> {
    audit_events::table
        .filter(audit_events::subject_type.eq(subject_type))
        .filter(audit_events::subject_id.eq(subject_id))
        .order(audit_events::id)
        .select(AuditEvent::as_select())
        .load(conn)
}

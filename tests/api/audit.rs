//! The audit helper writes inside the caller's transaction.

use diesel::Connection;
use efiling::store::audit::{self, Actor, ActorKind, Change};
use serde_json::json;

use crate::support::TestDatabase;

fn change(subject: &str) -> Change<'_> {
    Change {
        action: "filing.submitted",
        subject_type: "filing",
        subject_id: subject,
        details: json!({"court_code": "鲁0102"}),
    }
}

#[test]
fn a_change_and_its_audit_row_commit_together() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let actor = Actor {
        kind: ActorKind::Account,
        id: Some("7d0c2f6e-5b51-4d55-9d3c-2f1f4b6b1d10".into()),
        client: Some("web".into()),
        request_id: Some("req-1".into()),
    };
    conn.transaction(|conn| audit::record(conn, &actor, &change("f-1")))
        .unwrap();
    let rows = audit::history(&mut conn, "filing", "f-1").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor_kind, "account");
    assert_eq!(rows[0].actor_id.as_deref(), actor.id.as_deref());
    assert_eq!(rows[0].client.as_deref(), Some("web"));
    assert_eq!(rows[0].request_id.as_deref(), Some("req-1"));
    assert_eq!(rows[0].details["court_code"], "鲁0102");
}

#[test]
fn a_rolled_back_change_leaves_no_audit_row() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let result: Result<(), diesel::result::Error> = conn.transaction(|conn| {
        audit::record(conn, &Actor::system("test"), &change("f-2"))?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(result.is_err());
    assert!(
        audit::history(&mut conn, "filing", "f-2")
            .unwrap()
            .is_empty()
    );
}

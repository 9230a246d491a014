//! Scoped operators (issue 8): every refusal path of `apply_as`, atomicity of refusals and of
//! batches, and what queries, statistics, rule questions, exports and imports show an operator,
//! checked against answers worked out by hand on the small Shenzhen registry:
//!
//! ```text
//! sz (municipal)            p1 president of futian (resident ID 11010519491231002X)
//! ├── futian                p2 member of futian-street and of nanshan
//! │   └── futian-street     p3 no membership
//! └── nanshan
//! xlh (municipal xinlianhui, a second root)
//! ```
//! Operators: `root` administrator of the whole registry; `ft-admin` administrator over futian;
//! `ft-clerk` editor over futian; `ft-viewer` viewer over futian; `ns-clerk` editor over
//! nanshan; `two-clerk` editor over futian and nanshan.

mod common;
use common::*;
use tongxin::access::{AccessRole, Grant, Operator};
use tongxin::api::{self, Query, Stat};
use tongxin::ids::DivisionTable;
use tongxin::prelude::*;

const ID: &str = "11010519491231002X";

fn grant(role: AccessRole, org: Option<&str>) -> Grant {
    Grant {
        role,
        org: org.map(str::to_string),
    }
}

fn operator(id: &str, grants: Vec<Grant>) -> Operator {
    Operator {
        id: id.into(),
        name: format!("{id} 姓名"),
        grants,
    }
}

fn set_operator(op: Operator) -> Command {
    Command::SetOperator { operator: op }
}

fn as_(actor: &str) -> Meta {
    Meta {
        actor: actor.into(),
        ..meta()
    }
}

/// The fixture with p1's resident ID and the six operators.
fn registry() -> Registry {
    use AccessRole::*;
    let mut reg = shenzhen();
    let mut p1 = reg.person("p1").unwrap().clone();
    p1.resident_id = Some(ID.into());
    reg.apply(&meta(), Command::UpdatePerson { person: p1 })
        .unwrap();
    for op in [
        operator("root", vec![grant(Administrator, None)]),
        operator("ft-admin", vec![grant(Administrator, Some("futian"))]),
        operator("ft-clerk", vec![grant(Editor, Some("futian"))]),
        operator("ft-viewer", vec![grant(Viewer, Some("futian"))]),
        operator("ns-clerk", vec![grant(Editor, Some("nanshan"))]),
        operator(
            "two-clerk",
            vec![
                grant(Editor, Some("futian")),
                grant(Editor, Some("nanshan")),
            ],
        ),
    ] {
        reg.apply(&meta(), set_operator(op)).unwrap();
    }
    reg
}

/// `apply_as` must refuse with `access_denied` and change nothing; returns the message.
fn refused(reg: &mut Registry, actor: &str, command: Command) -> String {
    let before = reg.to_json();
    let err = reg
        .apply_as(&as_(actor), command)
        .expect_err("should be refused");
    assert_eq!(err.code(), ErrorCode::AccessDenied, "{err}");
    assert_eq!(err.code().number(), 601);
    assert_eq!(
        before,
        reg.to_json(),
        "a refused command changed the registry"
    );
    err.to_string()
}

fn accepted(reg: &mut Registry, actor: &str, command: Command) -> Event {
    let ev = reg
        .apply_as(&as_(actor), command)
        .unwrap_or_else(|e| panic!("{actor}: {e}"));
    assert_eq!(ev.actor, actor, "the event names the operator");
    ev
}

fn street(id: &str, parent: &str, code: &str) -> Command {
    Command::AddOrganization {
        org: org(
            id,
            OrgKind::Zhilianhui,
            Level::Subdistrict,
            code,
            "2024-05-07",
        ),
        parent: Some(parent.into()),
        relation: Relation::PartOf,
    }
}

fn join(person: &str, org_id: &str) -> Command {
    Command::Join {
        membership: membership(person, org_id, Role::Member, "2024-06-01"),
    }
}

#[test]
fn an_unknown_operator_is_refused_by_name() {
    let mut reg = registry();
    let msg = refused(&mut reg, "nobody", join("p3", "futian"));
    assert_eq!(
        msg,
        "operator `nobody` may not join: no operator with that id is registered"
    );
    // The unscoped call is the host's own and stays allowed.
    reg.apply(&as_("nobody"), join("p3", "futian")).unwrap();
}

#[test]
fn editors_change_only_their_subtree() {
    let mut reg = registry();
    // Inside futian: allowed (a branch, a join, an update, a term, a leave).
    accepted(&mut reg, "ft-clerk", street("ft-2", "futian", "440304005"));
    accepted(&mut reg, "ft-clerk", join("p1", "futian-street"));
    let mut o = reg.organization("futian-street").unwrap().clone();
    o.name = "福田街道知联会".into();
    accepted(&mut reg, "ft-clerk", Command::UpdateOrganization { org: o });
    // Outside: refused, naming operator, action, role and place.
    let msg = refused(&mut reg, "ft-clerk", street("ns-2", "nanshan", "440305005"));
    assert_eq!(
        msg,
        "operator `ft-clerk` may not add_organization: that needs editor rights over \
         organization `nanshan`, which none of its grants gives"
    );
    refused(
        &mut reg,
        "ft-clerk",
        Command::Leave {
            member: MemberRef::Person("p2".into()),
            org: "nanshan".into(),
            date: d("2024-07-01"),
        },
    );
    let mut sz = reg.organization("sz").unwrap().clone();
    sz.name = "改名".into();
    let msg = refused(
        &mut reg,
        "ft-clerk",
        Command::UpdateOrganization { org: sz },
    );
    assert!(msg.contains("organization `sz`"), "{msg}");
    // A root needs the whole registry.
    let msg = refused(
        &mut reg,
        "ft-clerk",
        Command::AddOrganization {
            org: org(
                "new-root",
                OrgKind::Zhilianhui,
                Level::Municipal,
                "4403",
                "2024-01-01",
            ),
            parent: None,
            relation: Relation::Guidance,
        },
    );
    assert!(msg.contains("over the whole registry"), "{msg}");
    // An unknown organization is treated as outside (no probing of ids).
    refused(&mut reg, "ft-clerk", join("p1", "no-such-org"));
    // With the whole registry, the same command reaches validation and fails there.
    let err = reg
        .apply_as(&as_("root"), join("p1", "no-such-org"))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[test]
fn viewers_change_nothing() {
    let mut reg = registry();
    let msg = refused(&mut reg, "ft-viewer", join("p1", "futian-street"));
    assert!(
        msg.contains("needs editor rights over organization `futian-street`"),
        "{msg}"
    );
    refused(
        &mut reg,
        "ft-viewer",
        Command::AddPerson {
            person: person("p9", Party::NonParty, Title::Senior),
        },
    );
    let mut p1 = reg.person("p1").unwrap().clone();
    p1.employer = Some("x".into());
    let msg = refused(&mut reg, "ft-viewer", Command::UpdatePerson { person: p1 });
    assert!(
        msg.contains("needs editor rights over person `p1`"),
        "{msg}"
    );
}

#[test]
fn moving_needs_editor_rights_at_both_parents() {
    let mut reg = registry();
    let mv = |parent: &str| Command::MoveOrganization {
        id: "futian-street".into(),
        parent: Some(parent.into()),
        relation: Relation::PartOf,
        date: d("2024-09-01"),
    };
    // ft-clerk holds the old parent only, ns-clerk the new one only.
    let msg = refused(&mut reg, "ft-clerk", mv("nanshan"));
    assert!(msg.contains("organization `nanshan`"), "{msg}");
    let msg = refused(&mut reg, "ns-clerk", mv("nanshan"));
    assert!(msg.contains("organization `futian`"), "{msg}");
    // Holding both, the move goes through; afterwards futian's clerk no longer covers it.
    accepted(&mut reg, "two-clerk", mv("nanshan"));
    assert_eq!(
        reg.access("ft-clerk", "x")
            .unwrap()
            .role_at("futian-street"),
        None
    );
    assert_eq!(
        reg.access("ns-clerk", "x")
            .unwrap()
            .role_at("futian-street"),
        Some(AccessRole::Editor)
    );
    // Making an organization a root needs the whole registry at the new side.
    let msg = refused(
        &mut reg,
        "two-clerk",
        Command::MoveOrganization {
            id: "futian".into(),
            parent: None,
            relation: Relation::Guidance,
            date: d("2024-09-01"),
        },
    );
    assert!(msg.contains("organization `sz`"), "{msg}");
}

#[test]
fn members_are_covered_through_their_memberships() {
    let mut reg = registry();
    // p2 is in futian-street and nanshan: both clerks cover p2; p3 (no membership) neither.
    let ft = reg.access("ft-clerk", "x").unwrap();
    assert_eq!(
        ft.role_over_member(&MemberRef::Person("p2".into())),
        Some(AccessRole::Editor)
    );
    assert_eq!(ft.role_over_member(&MemberRef::Person("p3".into())), None);
    let mut p2 = reg.person("p2").unwrap().clone();
    p2.employer = Some("南山科技".into());
    accepted(&mut reg, "ns-clerk", Command::UpdatePerson { person: p2 });
    // p1 (futian only) is outside nanshan's clerk.
    let mut p1 = reg.person("p1").unwrap().clone();
    p1.employer = Some("x".into());
    refused(&mut reg, "ns-clerk", Command::UpdatePerson { person: p1 });
    // Joining: a member with no membership may be joined by any editor; one seen elsewhere
    // only by an operator who covers it.
    refused(&mut reg, "ns-clerk", join("p1", "nanshan"));
    accepted(&mut reg, "ns-clerk", join("p3", "nanshan"));
    // Adding a person needs editor rights somewhere.
    accepted(
        &mut reg,
        "ft-clerk",
        Command::AddPerson {
            person: person("p9", Party::NonParty, Title::Senior),
        },
    );
}

#[test]
fn operators_rule_books_and_export_records_are_for_administrators() {
    use AccessRole::*;
    let mut reg = registry();
    // ft-admin may give rights inside futian, not outside, and not over the whole registry.
    accepted(
        &mut reg,
        "ft-admin",
        set_operator(operator(
            "ft-new",
            vec![grant(Viewer, Some("futian-street"))],
        )),
    );
    let msg = refused(
        &mut reg,
        "ft-admin",
        set_operator(operator("ns-new", vec![grant(Viewer, Some("nanshan"))])),
    );
    assert!(
        msg.contains("needs administrator rights over organization `nanshan`"),
        "{msg}"
    );
    refused(
        &mut reg,
        "ft-admin",
        set_operator(operator("all", vec![grant(Viewer, None)])),
    );
    // Nor take over an operator whose grants reach outside its own.
    refused(
        &mut reg,
        "ft-admin",
        set_operator(operator("two-clerk", vec![grant(Viewer, Some("futian"))])),
    );
    refused(
        &mut reg,
        "ft-admin",
        Command::RemoveOperator {
            id: "ns-clerk".into(),
        },
    );
    accepted(
        &mut reg,
        "ft-admin",
        Command::RemoveOperator {
            id: "ft-new".into(),
        },
    );
    assert!(reg.operator("ft-new").is_none());
    // Editors manage no operators at all.
    let msg = refused(
        &mut reg,
        "ft-clerk",
        set_operator(operator("x", vec![grant(Viewer, Some("futian-street"))])),
    );
    assert!(
        msg.contains("administrator rights over some organization"),
        "{msg}"
    );
    // The rule book is the whole registry's.
    refused(&mut reg, "ft-admin", Command::SetRuleBook { book: None });
    accepted(&mut reg, "root", Command::SetRuleBook { book: None });
    // A removed operator is refused from then on.
    accepted(
        &mut reg,
        "root",
        Command::RemoveOperator {
            id: "ft-clerk".into(),
        },
    );
    let msg = refused(&mut reg, "ft-clerk", join("p1", "futian-street"));
    assert!(msg.contains("no operator with that id"), "{msg}");
}

#[test]
fn operator_records_are_validated() {
    let mut reg = registry();
    let err = reg
        .apply(
            &meta(),
            set_operator(operator(
                "x",
                vec![grant(AccessRole::Viewer, Some("nowhere"))],
            )),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    let err = reg
        .apply(&meta(), set_operator(operator(" x", vec![])))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidField);
    let err = reg
        .apply(&meta(), Command::RemoveOperator { id: "x".into() })
        .unwrap_err();
    assert_eq!(err.to_string(), "operator `x` not found");
    // Operators survive a snapshot round trip (they are journaled state).
    let back = Registry::from_json(&reg.to_json()).unwrap();
    assert_eq!(back.operator("ft-clerk"), reg.operator("ft-clerk"));
    assert_eq!(back.operators().count(), 6);
}

#[test]
fn batches_are_authorized_command_by_command_and_stay_atomic() {
    let mut reg = registry();
    // A new branch and a join into it in one batch: the join is authorized after the add.
    let n = reg
        .apply_batch_as(
            &as_("ft-clerk"),
            vec![street("ft-2", "futian", "440304005"), join("p1", "ft-2")],
        )
        .unwrap();
    assert_eq!(n, 2);
    assert!(reg
        .journal()
        .iter()
        .rev()
        .take(2)
        .all(|e| e.actor == "ft-clerk"));
    // The third command is outside: nothing of the batch is applied.
    let before = reg.to_json();
    let (index, err) = reg
        .apply_batch_as(
            &as_("ft-clerk"),
            vec![
                street("ft-3", "futian", "440304006"),
                join("p1", "ft-3"),
                street("ns-3", "nanshan", "440305006"),
            ],
        )
        .unwrap_err();
    assert_eq!((index, err.code()), (2, ErrorCode::AccessDenied));
    assert_eq!(before, reg.to_json());
}

fn q(reg: &Registry, op: &str, query: &str) -> Result<serde_json::Value, api::ApiError> {
    let query: Query = api::parse(query).unwrap();
    api::query_as(reg, op, query).map(|s| serde_json::from_str(&s).unwrap())
}

fn denied(r: Result<serde_json::Value, api::ApiError>) -> String {
    let e = r.expect_err("should be refused");
    assert_eq!(e.code.as_str(), "access_denied", "{}", e.message);
    assert_eq!(e.code.number(), 601);
    e.message
}

#[test]
fn queries_see_only_the_granted_subtrees() {
    let reg = registry();
    // Records.
    assert_eq!(
        q(
            &reg,
            "ft-viewer",
            r#"{"type":"organization","id":"futian"}"#
        )
        .unwrap()["id"],
        "futian"
    );
    let msg = denied(q(
        &reg,
        "ft-viewer",
        r#"{"type":"organization","id":"nanshan"}"#,
    ));
    assert_eq!(
        msg,
        "operator `ft-viewer` may not query organization: that needs viewer rights over \
         organization `nanshan`, which none of its grants gives"
    );
    denied(q(&reg, "ft-viewer", r#"{"type":"person","id":"p3"}"#));
    denied(q(&reg, "ns-clerk", r#"{"type":"person","id":"p1"}"#));
    // Resident IDs: masked for a viewer, whole for an editor.
    let p1 = q(&reg, "ft-viewer", r#"{"type":"person","id":"p1"}"#).unwrap();
    assert_eq!(p1["resident_id"], "110105********002X");
    let p1 = q(&reg, "ft-clerk", r#"{"type":"person","id":"p1"}"#).unwrap();
    assert_eq!(p1["resident_id"], ID);
    let found = q(
        &reg,
        "ft-viewer",
        r#"{"type":"search_persons","prefix":"p"}"#,
    )
    .unwrap();
    let ids: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["p1", "p2"]);
    assert_eq!(found[0]["resident_id"], "110105********002X");
    // Trees: futian's subtree, its parent hidden, the view's roots.
    assert_eq!(
        q(
            &reg,
            "ft-viewer",
            r#"{"type":"subtree","org":"futian","date":"2024-06-01"}"#
        )
        .unwrap(),
        serde_json::json!(["futian", "futian-street"])
    );
    denied(q(
        &reg,
        "ft-viewer",
        r#"{"type":"subtree","org":"sz","date":"2024-06-01"}"#,
    ));
    assert_eq!(
        q(
            &reg,
            "ft-viewer",
            r#"{"type":"ancestors","org":"futian-street","date":"2024-06-01"}"#
        )
        .unwrap(),
        serde_json::json!(["futian"])
    );
    assert_eq!(
        q(&reg, "ft-viewer", r#"{"type":"roots","date":"2024-06-01"}"#).unwrap(),
        serde_json::json!(["futian"])
    );
    assert_eq!(
        q(&reg, "root", r#"{"type":"roots","date":"2024-06-01"}"#).unwrap(),
        serde_json::json!(["sz", "xlh"])
    );
    let history = q(
        &reg,
        "ft-viewer",
        r#"{"type":"parent_history","org":"futian"}"#,
    )
    .unwrap();
    assert_eq!(history[0]["parent"], serde_json::Value::Null);
    // Counts: futian, futian-street; p1, p2; p1@futian, p2@futian-street.
    assert_eq!(
        q(&reg, "ft-viewer", r#"{"type":"counts"}"#).unwrap(),
        serde_json::json!({"organizations":2,"persons":2,"enterprises":0,"memberships":2})
    );
    // A member's memberships: only those inside.
    let ms = q(
        &reg,
        "ft-viewer",
        r#"{"type":"memberships_of","member":{"person":"p2"}}"#,
    )
    .unwrap();
    assert_eq!(ms.as_array().unwrap().len(), 1);
    assert_eq!(ms[0]["org"], "futian-street");
    // Members of futian with its branches: p1 and p2.
    assert_eq!(
        q(
            &reg,
            "ft-viewer",
            r#"{"type":"members","org":"futian","date":"2024-06-01","scope":"with_branches"}"#
        )
        .unwrap(),
        serde_json::json!([{"person":"p1"},{"person":"p2"}])
    );
    // The journal: whole-registry administrators only; its head for anyone registered.
    denied(q(&reg, "ft-admin", r#"{"type":"journal"}"#));
    assert!(q(&reg, "root", r#"{"type":"journal"}"#).unwrap().is_array());
    assert!(q(&reg, "ft-viewer", r#"{"type":"journal_head"}"#).is_ok());
    denied(q(&reg, "nobody", r#"{"type":"journal_head"}"#));
}

fn stat(reg: &Registry, op: &str, stat: &str) -> Result<serde_json::Value, api::ApiError> {
    let stat: Stat = api::parse(stat).unwrap();
    api::stats_json_as(reg, &DivisionTable::bundled().unwrap(), op, stat)
        .map(|s| serde_json::from_str(&s).unwrap())
}

#[test]
fn statistics_keep_the_covered_rows_with_their_unscoped_values() {
    let reg = registry();
    let rollup = r#"{"stat":"rollup","as_of":"2024-06-01","by":"party"}"#;
    let all = stat(&reg, "root", rollup).unwrap();
    let ft = stat(&reg, "ft-viewer", rollup).unwrap();
    let rows = |v: &serde_json::Value| -> Vec<(String, u64)> {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["org_id"].as_str().unwrap().into(),
                    r["total"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    // futian: p1 and p2 (through its branch); futian-street: p2.
    assert_eq!(
        rows(&ft),
        [("futian".to_string(), 2), ("futian-street".to_string(), 1)]
    );
    for row in ft["rows"].as_array().unwrap() {
        let same = all["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["org_id"] == row["org_id"])
            .unwrap();
        assert_eq!(row, same);
    }
    // A suppressed rollup is suppressed over everything first: the cells left are the same.
    let sup = r#"{"stat":"suppressed_rollup","as_of":"2024-06-01","by":"party","k":2}"#;
    let all_sup = stat(&reg, "root", sup).unwrap();
    let ft_sup = stat(&reg, "ft-viewer", sup).unwrap();
    for row in ft_sup["rows"].as_array().unwrap() {
        assert!(all_sup["rows"].as_array().unwrap().contains(row));
    }
    // A subtree statistic needs its root.
    let msg = denied(stat(
        &reg,
        "ft-viewer",
        r#"{"stat":"political_arrangements","root":"sz","as_of":"2024-06-01"}"#,
    ));
    assert!(
        msg.starts_with("operator `ft-viewer` may not stat political_arrangements"),
        "{msg}"
    );
    assert!(stat(
        &reg,
        "ft-viewer",
        r#"{"stat":"political_arrangements","root":"futian","as_of":"2024-06-01"}"#,
    )
    .is_ok());
    // Coverage lists and counts only covered organizations: of Shenzhen's districts, ns-clerk
    // sees nanshan covered, futian not (its organization is outside the grant).
    let cov = r#"{"stat":"coverage","kind":"zhilianhui","within":"4403","level":"county","as_of":"2024-06-01"}"#;
    let ns = stat(&reg, "ns-clerk", cov).unwrap();
    let covered: Vec<&str> = ns["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["covered"] == true)
        .map(|r| r["division_code"].as_str().unwrap())
        .collect();
    assert_eq!(covered, ["440305"]);
    let all_cov = stat(&reg, "root", cov).unwrap();
    assert_eq!(
        all_cov["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["covered"] == true)
            .count(),
        2
    );
    // Several areas at once answer what each area alone answers, for every operator; a bad
    // code says which item it is.
    let areas = r#"{"stat":"coverage_areas","kind":"zhilianhui","within":["4403","44","440305","4403"],"level":"county","as_of":"2024-06-01"}"#;
    for op in ["root", "ns-clerk", "ft-viewer"] {
        let list = stat(&reg, op, areas).unwrap();
        let one = |w: &str| {
            stat(
                &reg,
                op,
                &cov.replace(r#""within":"4403""#, &format!(r#""within":"{w}""#)),
            )
            .unwrap()
        };
        let expected: Vec<serde_json::Value> = ["4403", "44", "440305", "4403"]
            .iter()
            .map(|w| one(w))
            .collect();
        assert_eq!(list, serde_json::Value::Array(expected), "{op}");
    }
    let err = stat(&reg, "root", &areas.replace(r#""440305""#, r#""44x""#)).unwrap_err();
    assert!(err.to_string().contains("field `within`, item 2"), "{err}");
    // CSV too.
    let csv = api::stats_csv_as(
        &reg,
        &DivisionTable::bundled().unwrap(),
        "ft-viewer",
        api::parse(rollup).unwrap(),
    )
    .unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
}

#[test]
fn rule_questions_are_scoped() {
    let reg = registry();
    let ask = |op: &str, question: &str| {
        api::rules_as(&reg, op, api::parse(question).unwrap())
            .map(|s| serde_json::from_str::<serde_json::Value>(&s).unwrap())
    };
    assert!(ask(
        "ft-viewer",
        r#"{"question":"check","member":{"person":"p1"},"org":"futian","as_of":"2024-06-01"}"#
    )
    .is_ok());
    denied(ask(
        "ns-clerk",
        r#"{"question":"check","member":{"person":"p1"},"org":"nanshan","as_of":"2024-06-01"}"#,
    ));
    denied(ask(
        "ft-viewer",
        r#"{"question":"audit","as_of":"2024-06-01"}"#,
    ));
    let audit = ask(
        "ft-viewer",
        r#"{"question":"audit","as_of":"2024-06-01","root":"futian"}"#,
    )
    .unwrap();
    assert!(audit["violations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["org"] == "futian" || v["org"] == "futian-street"));
    // Candidates for futian-street: p1 is covered (futian), p3 (no membership) is not.
    let cands = ask(
        "ft-viewer",
        r#"{"question":"candidates","org":"futian-street","as_of":"2024-06-01"}"#,
    )
    .unwrap();
    let all = ask(
        "root",
        r#"{"question":"candidates","org":"futian-street","as_of":"2024-06-01"}"#,
    )
    .unwrap();
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    let expected: Vec<String> = ids(&all).into_iter().filter(|i| i == "p1").collect();
    assert_eq!(ids(&cands), expected);
}

#[test]
fn exports_cover_the_grants_and_unmasked_ones_are_journaled() {
    let mut reg = registry();
    let options = api::RosterExportOptions::default();
    let out = api::export_rosters_as(&mut reg, &as_("ft-viewer"), &options).unwrap();
    let orgs = String::from_utf8(out.orgs.clone()).unwrap();
    let persons = String::from_utf8(out.persons.clone()).unwrap();
    let memberships = String::from_utf8(out.memberships.clone()).unwrap();
    let ids = |csv: &str| -> Vec<String> {
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&orgs), ["futian", "futian-street"]);
    assert!(
        orgs.lines().nth(1).unwrap().starts_with("futian,,"),
        "{orgs}"
    );
    assert_eq!(ids(&persons), ["p1", "p2"]);
    assert!(persons.contains("110105********002X") && !persons.contains(ID));
    assert_eq!(memberships.lines().count(), 3);
    // The scoped export imports on its own into an empty registry.
    let mut fresh = Registry::new();
    api::import_rosters(
        &mut fresh,
        &meta(),
        api::RosterBytes {
            orgs: Some(&out.orgs),
            persons: Some(&out.persons),
            memberships: Some(&out.memberships),
            enterprises: Some(&out.enterprises),
        },
        &api::RosterImportOptions {
            drop_masked_resident_ids: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(fresh.organization_count(), 2);
    // Unmasked: refused to viewers and editors, without a trace.
    let unmasked = api::RosterExportOptions {
        unmask_resident_ids: true,
        ..Default::default()
    };
    for op in ["ft-viewer", "ft-clerk"] {
        let before = reg.journal().len();
        let e = api::export_rosters_as(&mut reg, &as_(op), &unmasked).unwrap_err();
        assert_eq!(e.code.as_str(), "access_denied");
        assert_eq!(reg.journal().len(), before);
    }
    // An administrator gets the IDs, and the journal says so.
    let before = reg.journal().len();
    let out = api::export_rosters_as(&mut reg, &as_("ft-admin"), &unmasked).unwrap();
    assert!(String::from_utf8(out.persons).unwrap().contains(ID));
    assert_eq!(reg.journal().len(), before + 1);
    let last = reg.journal().last().unwrap();
    assert_eq!(last.actor, "ft-admin");
    assert_eq!(
        last.command,
        Command::RecordUnmaskedExport {
            operator: "ft-admin".into(),
            format: "rosters_csv".into(),
            orgs: vec!["futian".into()],
            persons: 2,
        }
    );
    // Popolo likewise.
    let doc = api::export_popolo_as(
        &mut reg,
        &as_("root"),
        &api::PopoloExportOptions {
            unmask_resident_ids: true,
        },
    )
    .unwrap();
    assert!(doc.contains(ID));
    match &reg.journal().last().unwrap().command {
        Command::RecordUnmaskedExport {
            format,
            orgs,
            persons,
            ..
        } => assert_eq!((format.as_str(), orgs.len(), *persons), ("popolo", 0, 3)),
        other => panic!("{other:?}"),
    }
    let doc = api::export_popolo_as(&mut reg, &as_("ns-clerk"), &Default::default()).unwrap();
    assert!(doc.contains("\"nanshan\"") && !doc.contains("\"futian\""));
}

#[test]
fn imports_as_an_operator_reject_rows_outside_its_grants() {
    let mut reg = registry();
    let orgs = "id,parent_id,level,kind,division_code,founded,dissolved,name,relation\n\
                ft-9,futian,subdistrict,zhilianhui,440304009,2024-05-07,,福田九,part_of\n\
                ns-9,nanshan,subdistrict,zhilianhui,440305009,2024-05-07,,南山九,part_of\n";
    let import = |reg: &mut Registry, orgs: &str, as_operator: bool| {
        api::import_rosters(
            reg,
            &as_("ft-clerk"),
            api::RosterBytes {
                orgs: Some(orgs.as_bytes()),
                persons: None,
                memberships: None,
                enterprises: None,
            },
            &api::RosterImportOptions {
                as_operator,
                ..Default::default()
            },
        )
    };
    let before = reg.to_json();
    let e = import(&mut reg, orgs, true).unwrap_err();
    assert_eq!(e.code.as_str(), "import");
    assert!(
        e.message.contains("orgs.csv") && e.message.contains("line 3"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("may not add_organization"),
        "{}",
        e.message
    );
    assert_eq!(before, reg.to_json());
    // Only futian's row: accepted; unscoped, both are.
    let first_two: String = orgs.lines().take(2).map(|l| format!("{l}\n")).collect();
    import(&mut reg, &first_two, true).unwrap();
    let mut other = registry();
    import(&mut other, orgs, false).unwrap();
}

#[test]
fn popolo_imports_as_an_operator_are_authorized_too() {
    let mut reg = registry();
    let doc = |parent: &str, id: &str, code: &str| {
        format!(
            r#"{{"persons":[],"memberships":[],"organizations":[{{"id":"{id}","name":"{id} 名称",
            "classification":"zhilianhui","parent_id":"{parent}","founding_date":"2024-05-07",
            "area_id":"{code}","tongxin":{{"level":"subdistrict","relation":"part_of"}}}}]}}"#
        )
    };
    let import = |reg: &mut Registry, text: &str| {
        api::import_popolo(
            reg,
            &as_("ft-clerk"),
            text.as_bytes(),
            &api::PopoloImportOptions {
                as_operator: true,
                ..Default::default()
            },
        )
    };
    let before = reg.to_json();
    let e = import(&mut reg, &doc("nanshan", "ns-9", "440305009")).unwrap_err();
    assert_eq!(e.code.as_str(), "import");
    assert!(
        e.message.contains("may not add_organization"),
        "{}",
        e.message
    );
    assert_eq!(before, reg.to_json());
    import(&mut reg, &doc("futian", "ft-9", "440304009")).unwrap();
    assert_eq!(reg.journal().last().unwrap().actor, "ft-clerk");
}

// ---------------------------------------------------------------- property: the rule table

use proptest::prelude::*;

/// The latest parent of an organization, from its public parent history.
fn latest_parent(reg: &Registry, id: &str) -> Option<String> {
    reg.parent_history(id)
        .ok()
        .and_then(|h| h.last().cloned())
        .and_then(|l| l.parent)
}

/// Whether `org` lies under `root` by the latest links (walking the public histories).
fn under(reg: &Registry, org: &str, root: &str) -> bool {
    let mut cur = Some(org.to_string());
    for _ in 0..=reg.organization_count() {
        match cur {
            Some(c) if c == root => return true,
            Some(c) => cur = latest_parent(reg, &c),
            None => return false,
        }
    }
    false
}

/// The model's role at an organization (an unknown one: the whole registry's role).
fn model_role_at(reg: &Registry, grants: &[Grant], org: &str) -> Option<AccessRole> {
    let known = reg.organization(org).is_some();
    grants
        .iter()
        .filter(|g| match &g.org {
            None => true,
            Some(root) => known && under(reg, org, root),
        })
        .map(|g| g.role)
        .max()
}

fn model_whole(grants: &[Grant]) -> Option<AccessRole> {
    grants
        .iter()
        .filter(|g| g.org.is_none())
        .map(|g| g.role)
        .max()
}

fn model_role_over(reg: &Registry, grants: &[Grant], member: &MemberRef) -> Option<AccessRole> {
    let orgs: Vec<String> = reg
        .memberships_of(member)
        .map(|ms| ms.into_iter().map(|m| m.org).collect())
        .unwrap_or_default();
    grants
        .iter()
        .filter(|g| match &g.org {
            None => true,
            Some(root) => orgs.iter().any(|o| under(reg, o, root)),
        })
        .map(|g| g.role)
        .max()
}

/// Whether the documented table (crate::access) allows `command` to an operator with `grants`.
fn model_allows(reg: &Registry, grants: &[Grant], command: &Command) -> bool {
    use AccessRole::*;
    let at = |role, org: &str| model_role_at(reg, grants, org) >= Some(role);
    let parent = |role, p: Option<&str>| match p {
        Some(p) => at(role, p),
        None => model_whole(grants) >= Some(role),
    };
    match command {
        Command::AddOrganization { parent: p, .. } => parent(Editor, p.as_deref()),
        Command::MoveOrganization { id, parent: p, .. } => {
            if reg.organization(id).is_none() {
                return model_whole(grants) >= Some(Editor);
            }
            parent(Editor, latest_parent(reg, id).as_deref()) && parent(Editor, p.as_deref())
        }
        Command::DissolveOrganization { id, .. } => at(Editor, id),
        Command::Leave { org, .. } | Command::ChangeRole { org, .. } => at(Editor, org),
        Command::Join { membership } => {
            let fresh = reg
                .memberships_of(&membership.member)
                .map_or(true, |ms| ms.is_empty());
            at(Editor, &membership.org)
                && (fresh || model_role_over(reg, grants, &membership.member) >= Some(Viewer))
        }
        Command::AddPerson { .. } => grants.iter().any(|g| g.role >= Editor),
        Command::UpdatePerson { person } => {
            model_role_over(reg, grants, &MemberRef::Person(person.id.clone())) >= Some(Editor)
        }
        Command::SetRuleBook { .. } => model_whole(grants) >= Some(Administrator),
        other => panic!("the generator does not make {}", other.name()),
    }
}

fn arb_scoped_command() -> impl Strategy<Value = Command> {
    let oid = (0..ORGS + 1).prop_map(|i| format!("o{i}"));
    prop_oneof![
        6 => arb_command(),
        1 => (proptest::option::of(oid), 0u8..30, 1u8..4).prop_map(|(parent, k, l)| {
            let lv = Level::ALL[usize::from(l) + 1];
            let mut o = org(&format!("n{k}"), OrgKind::Zhilianhui, lv, code(lv), "2020-01-01");
            o.founded = day(k % 8);
            Command::AddOrganization { org: o, parent, relation: Relation::PartOf }
        }),
        1 => (0..PERSONS + 2).prop_map(|i| Command::AddPerson { person: varied_person(i) }),
        1 => (0..PERSONS).prop_map(|i| {
            let mut p = varied_person(i);
            p.employer = Some("改".into());
            Command::UpdatePerson { person: p }
        }),
    ]
}

fn arb_grants() -> impl Strategy<Value = Vec<Grant>> {
    let role = prop_oneof![
        Just(AccessRole::Viewer),
        Just(AccessRole::Editor),
        Just(AccessRole::Administrator)
    ];
    proptest::collection::vec((role, proptest::option::weighted(0.85, 0..ORGS)), 0..4).prop_map(
        |v| {
            v.into_iter()
                .map(|(role, o)| Grant {
                    role,
                    org: o.map(|i| format!("o{i}")),
                })
                .collect()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// On random registries, grants and commands: `apply_as` is refused with `access_denied`
    /// exactly when the documented table (computed here from the public parent histories and
    /// memberships) says so, changing nothing; otherwise it does what the host's `apply` does.
    #[test]
    fn scoped_commands_follow_the_documented_table(
        setup in arb_setup(),
        grants in arb_grants(),
        commands in proptest::collection::vec(arb_scoped_command(), 1..40),
    ) {
        let mut reg = Registry::new();
        for c in setup {
            let _ = reg.apply(&meta(), c);
        }
        let grants: Vec<Grant> = grants
            .into_iter()
            .filter(|g| g.org.as_deref().is_none_or(|o| reg.organization(o).is_some()))
            .collect();
        reg.apply(&meta(), set_operator(operator("op", grants.clone()))).unwrap();
        for command in commands {
            let allowed = model_allows(&reg, &grants, &command);
            let before = reg.clone();
            let mut scoped = reg.clone();
            let got = scoped.apply_as(&as_("op"), command.clone());
            let host = reg.apply(&meta(), command.clone());
            if allowed {
                prop_assert_eq!(
                    got.as_ref().map(|e| &e.command).map_err(Error::code),
                    host.as_ref().map(|e| &e.command).map_err(Error::code),
                    "{:?}", command
                );
            } else {
                prop_assert_eq!(got.as_ref().err().map(Error::code), Some(ErrorCode::AccessDenied), "{:?}", command);
                prop_assert!(scoped == before, "a refused command changed the registry");
            }
        }
    }
}

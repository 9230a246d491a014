//! Popolo JSON: persons, organizations and memberships as the
//! [Popolo](https://www.popoloproject.com/specs/) data specification names them, so that
//! civic-tech tools can read a registry.
//!
//! ## Mapping
//! ```json
//! {
//!   "tongxin": {"format": "tongxin-popolo", "version": 1},
//!   "persons": [{"id": "p1", "name": "…", "gender": "female", "birth_date": "1980-05",
//!                "identifiers": [{"scheme": "resident_id", "identifier": "110105********002X"}],
//!                "tongxin": {"party": "min_meng", "title": "senior", "stratum": "none", …}}],
//!   "organizations": [{"id": "ft", "name": "福田区知联会", "classification": "zhilianhui",
//!                      "parent_id": "sz", "founding_date": "2015-01-01", "area_id": "440304",
//!                      "tongxin": {"level": "district", "relation": "part_of", …}},
//!                     {"id": "e1", "name": "…", "classification": "enterprise",
//!                      "identifiers": [{"scheme": "unified_social_credit_code", "identifier": "…"}]}],
//!   "memberships": [{"person_id": "p1", "organization_id": "ft", "role": "president",
//!                    "label": "会长", "start_date": "2024-05-07", "end_date": "…",
//!                    "tongxin": {"founding": true, "source": "双轨推荐"}},
//!                   {"member": {"@type": "Organization", "id": "e1"}, "organization_id": "…", …}]
//! }
//! ```
//! Popolo fields used: person `id, name, gender, birth_date` (reduced-precision ISO dates, as
//! Popolo allows), `identifiers` (scheme `resident_id`, masked unless asked otherwise);
//! organization `id, name, classification` (the [`OrgKind`] name),
//! `parent_id` (the current parent), `founding_date, dissolution_date, area_id` (the division
//! code); membership `person_id`, or `member` for an enterprise member, `organization_id, role`
//! (the [`Role`] name), `label` (its Chinese label, written only),
//! `start_date, end_date`. Enterprises (chamber members) are organizations classified
//! `enterprise` with a `unified_social_credit_code` identifier.
//!
//! What Popolo lacks goes under the key `"tongxin"` of each record and is restored on import:
//! an organization's `level`, `relation`, `carrier`, `category`, `name_en`, `facilities`,
//! `tags`; a person's `party`, `title`, `stratum`, `ethnicity`, `education`,
//! `returned_overseas`, `employer`, `profession`, `political_posts`; a membership's `founding`
//! and `source`. Other Popolo fields are ignored on import. Like the roster files, the document
//! does not carry parent histories (only the current parent), terms, designations, activities,
//! advice or affiliations.
//!
//! Import is all or nothing and stops at the first problem; the error's `column` is the JSON
//! path of the field (`persons[3].tongxin.party`) and, for malformed JSON, `line` its line.
//! [`ImportOptions::limits`](super::ImportOptions::limits) bounds the document's bytes
//! (`max_file_bytes`, checked before decoding) and the records of each array (`max_rows`);
//! JSON nested deeper than 128 levels is refused by serde_json's recursion limit
//! (`invalid_json`) before anything is built.

use super::columns::{OrgRow, Table};
use super::error::{InterchangeError, InterchangeErrorKind};
use super::export::export_resident_id;
use super::plan::{order_orgs, Commands, Origin, Plan};
use super::source::{Rejected, Sink, Stop};
use super::text::{decode, TextEncoding};
use super::{ExportOptions, ImportOptions, ImportSummary, Limit};
use crate::command::{Command, Meta};
use crate::date::PartialDate;
use crate::model::*;
use crate::registry::Registry;
use crate::vocab::*;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The file name errors give a Popolo document.
const FILE: &str = "popolo.json";
const RESIDENT_ID: &str = "resident_id";
const CREDIT_CODE: &str = "unified_social_credit_code";
const ENTERPRISE: &str = "enterprise";

#[derive(Debug, Serialize, Deserialize)]
struct DocumentExt {
    format: String,
    version: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct Document {
    #[serde(default, rename = "tongxin", skip_serializing_if = "Option::is_none")]
    ext: Option<DocumentExt>,
    #[serde(default)]
    persons: Vec<PPerson>,
    #[serde(default)]
    organizations: Vec<POrganization>,
    #[serde(default)]
    memberships: Vec<PMembership>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Identifier {
    scheme: String,
    identifier: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct PersonExt {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    party: Option<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<Title>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stratum: Option<Stratum>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ethnicity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    education: Option<Education>,
    #[serde(default)]
    returned_overseas: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    employer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profession: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    political_posts: Vec<PoliticalPost>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PPerson {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gender: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    birth_date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    identifiers: Vec<Identifier>,
    #[serde(default, rename = "tongxin")]
    ext: PersonExt,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct OrgExt {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    relation: Option<Relation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    carrier: Option<Carrier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    category: Option<TongxinCategory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    facilities: Option<Facilities>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct POrganization {
    id: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    classification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::date::day_opt")]
    founding_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::date::day_opt")]
    dissolution_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    area_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    identifiers: Vec<Identifier>,
    #[serde(default, rename = "tongxin", skip_serializing_if = "Option::is_none")]
    ext: Option<OrgExt>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PMember {
    #[serde(rename = "@type")]
    kind: String,
    id: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct MembershipExt {
    #[serde(default)]
    founding: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PMembership {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    person_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    member: Option<PMember>,
    organization_id: String,
    role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(with = "crate::date::day")]
    start_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::date::day_opt")]
    end_date: Option<NaiveDate>,
    #[serde(default, rename = "tongxin")]
    ext: MembershipExt,
}

/// The Popolo name of a roster column, for error paths.
pub(crate) fn json_field(table: Table, column: &str) -> String {
    let name = match (table, column) {
        (_, "id" | "name") => column,
        (Table::Orgs, "parent_id") => "parent_id",
        (Table::Orgs, "founded") => "founding_date",
        (Table::Orgs, "dissolved") => "dissolution_date",
        (Table::Orgs, "division_code") => "area_id",
        (Table::Orgs, "kind") => "classification",
        (Table::Persons, "birth" | "birth_year") => "birth_date",
        (Table::Persons, "sex") => "gender",
        (Table::Persons, "resident_id") | (Table::Enterprises, "credit_code") => "identifiers",
        (Table::Memberships, "person_id") => "person_id",
        (Table::Memberships, "org_id") => "organization_id",
        (Table::Memberships, "start") => "start_date",
        (Table::Memberships, "end") => "end_date",
        (Table::Memberships, "role") => "role",
        (Table::Memberships, "member_type") => "member",
        (_, other) => return format!("tongxin.{other}"),
    };
    name.to_string()
}

/// Writes the registry as a Popolo document (pretty-printed JSON). Resident IDs are masked
/// unless `options.unmask_resident_ids`; `options.encoding` and `bom` do not apply (JSON is
/// UTF-8).
pub fn export_popolo(registry: &Registry, options: &ExportOptions) -> String {
    export_popolo_in(registry, options, None)
}

/// [`export_popolo`] of what `view` covers (as
/// [`export_rosters_in`](super::export::export_rosters_in) selects it).
pub(crate) fn export_popolo_in(
    registry: &Registry,
    options: &ExportOptions,
    view: Option<&crate::access::View>,
) -> String {
    let sel = super::export::Selection::new(registry, view);
    let persons = registry
        .persons()
        .filter(|p| sel.member(&MemberRef::Person(p.id.clone())))
        .map(|p| PPerson {
            id: p.id.clone(),
            name: p.name.clone(),
            gender: p.sex,
            birth_date: p.birth,
            identifiers: p
                .resident_id
                .iter()
                .map(|r| Identifier {
                    scheme: RESIDENT_ID.into(),
                    identifier: export_resident_id(r, options.unmask_resident_ids),
                })
                .collect(),
            ext: PersonExt {
                party: Some(p.party),
                title: Some(p.title),
                stratum: Some(p.stratum),
                ethnicity: p.ethnicity.clone(),
                education: p.education,
                returned_overseas: p.returned_overseas,
                employer: p.employer.clone(),
                profession: p.profession.clone(),
                political_posts: p.political_posts.clone(),
            },
        })
        .collect();
    let orgs = registry
        .organizations()
        .filter(|o| sel.org(&o.id))
        .map(|o| {
            let (parent_id, relation) = match sel.parent(&o.id) {
                Some((p, r)) => (Some(p), (r != Relation::Guidance).then_some(r)),
                None => (None, None),
            };
            POrganization {
                id: o.id.clone(),
                name: o.name.clone(),
                classification: Some(o.kind.as_str().to_string()),
                parent_id,
                founding_date: Some(o.founded),
                dissolution_date: o.dissolved,
                area_id: Some(o.division_code.clone()),
                identifiers: Vec::new(),
                ext: Some(OrgExt {
                    level: Some(o.level),
                    relation,
                    carrier: o.carrier,
                    category: o.category,
                    name_en: o.name_en.clone(),
                    facilities: o.facilities.clone(),
                    tags: o.tags.clone(),
                }),
            }
        });
    let enterprises = registry
        .enterprises()
        .filter(|e| sel.member(&MemberRef::Enterprise(e.id.clone())))
        .map(|e| POrganization {
            id: e.id.clone(),
            name: e.name.clone(),
            classification: Some(ENTERPRISE.into()),
            parent_id: None,
            founding_date: None,
            dissolution_date: None,
            area_id: None,
            identifiers: vec![Identifier {
                scheme: CREDIT_CODE.into(),
                identifier: e.credit_code.clone(),
            }],
            ext: None,
        });
    let memberships = registry
        .memberships()
        .filter(|m| sel.org(&m.org))
        .map(|m| {
            let (person_id, member) = match m.member {
                MemberRef::Person(p) => (Some(p), None),
                MemberRef::Enterprise(e) => (
                    None,
                    Some(PMember {
                        kind: "Organization".into(),
                        id: e,
                    }),
                ),
            };
            PMembership {
                person_id,
                member,
                organization_id: m.org,
                role: m.role,
                label: Some(m.role.zh().to_string()),
                start_date: m.start,
                end_date: m.end,
                ext: MembershipExt {
                    founding: m.founding,
                    source: m.source,
                },
            }
        })
        .collect();
    let document = Document {
        ext: Some(DocumentExt {
            format: "tongxin-popolo".into(),
            version: 1,
        }),
        persons,
        organizations: orgs.chain(enterprises).collect(),
        memberships,
    };
    // Plain data with string keys: serializing cannot fail.
    crate::pretty::to_string_pretty(&document)
}

/// The document, or the error with its line and the path of the value at fault as its column
/// (`persons[1].tongxin.party`).
fn parse(text: &str) -> Result<Document, InterchangeError> {
    crate::json_read::from_str(text).map_err(|e| {
        let path = crate::json_path::path_of_error(text, &e);
        InterchangeError {
            file: FILE.to_string(),
            line: Some(e.line() as u64),
            column: (!path.is_empty()).then_some(path),
            value: None,
            kind: InterchangeErrorKind::Json {
                message: e.to_string(),
            },
        }
    })
}

/// Reads a Popolo document (UTF-8, or as `options.encoding` says) into `registry`, all or
/// nothing. Records go through the same commands and checks as a roster import.
pub fn import_popolo(
    registry: &mut Registry,
    meta: &Meta,
    json: &[u8],
    options: &ImportOptions,
) -> Result<ImportSummary, InterchangeError> {
    let encoding = match options.encoding {
        TextEncoding::Auto => TextEncoding::Utf8,
        e => e,
    };
    let limits = &options.limits;
    let size = json.len() as u64;
    if size > limits.max_file_bytes {
        return Err(InterchangeError::limit(
            FILE,
            Limit::FileBytes,
            size,
            limits.max_file_bytes,
        ));
    }
    let text = decode(FILE, json, encoding)?;
    let doc = parse(&text)?;
    for (array, len) in [
        ("persons", doc.persons.len()),
        ("organizations", doc.organizations.len()),
        ("memberships", doc.memberships.len()),
    ] {
        if len as u64 > limits.max_rows {
            return Err(InterchangeError {
                column: Some(format!("{array}[{}]", limits.max_rows)),
                ..InterchangeError::limit(FILE, Limit::Rows, limits.max_rows + 1, limits.max_rows)
            });
        }
    }
    let mut sink = Sink {
        report: false,
        errors: Vec::new(),
    };
    match build(registry, doc, options, &mut sink) {
        Ok(plan) => {
            let ends = plan.ends;
            plan.apply(
                registry,
                meta,
                options.as_operator,
                &mut super::Progress::new(&mut |_| {}),
            )?;
            Ok(ImportSummary::from_ends(ends))
        }
        Err(Stop) => Err(sink.errors.into_iter().next().unwrap_or_else(|| {
            InterchangeError::file(
                FILE,
                InterchangeErrorKind::Json {
                    message: "stopped without an error".into(),
                },
            )
        })),
    }
}

fn origin(array: &'static str) -> Origin<'static> {
    Origin::Json {
        file: FILE.to_string(),
        array,
    }
}

fn build(
    registry: &Registry,
    doc: Document,
    options: &ImportOptions,
    sink: &mut Sink,
) -> Result<Plan<'static>, Stop> {
    let orgs_origin = origin("organizations");
    let persons_origin = origin("persons");
    let memberships_origin = origin("memberships");
    let missing = |o: &Origin, table, pos: usize, column| {
        o.error(
            table,
            pos as u64,
            Some(column),
            None,
            InterchangeErrorKind::MissingValue,
        )
    };
    let mut org_rows = Vec::new();
    let mut enterprises = Vec::new();
    for (i, o) in doc.organizations.into_iter().enumerate() {
        let classification = o.classification.as_deref().unwrap_or_default();
        if classification == ENTERPRISE {
            let credit_code = o
                .identifiers
                .into_iter()
                .find(|x| x.scheme == CREDIT_CODE)
                .map(|x| x.identifier);
            let Some(credit_code) = credit_code else {
                sink.push(missing(&orgs_origin, Table::Enterprises, i, "credit_code"))?;
                continue;
            };
            enterprises.push((
                i as u64,
                Enterprise {
                    id: o.id,
                    name: o.name,
                    credit_code,
                },
            ));
            continue;
        }
        let kind: OrgKind = match classification.parse() {
            Ok(k) => k,
            Err(e) => {
                sink.push(orgs_origin.error(
                    Table::Orgs,
                    i as u64,
                    Some("kind"),
                    Some(super::error::quote(classification)),
                    InterchangeErrorKind::InvalidValue {
                        reason: format!(
                            "is not a kind (expected one of: {}, or enterprise)",
                            e.expected
                        ),
                    },
                ))?;
                continue;
            }
        };
        let ext = o.ext.unwrap_or_default();
        let (Some(level), Some(founded), Some(division_code)) =
            (ext.level, o.founding_date, o.area_id)
        else {
            let column = match (ext.level, o.founding_date) {
                (None, _) => "level",
                (_, None) => "founded",
                _ => "division_code",
            };
            sink.push(missing(&orgs_origin, Table::Orgs, i, column))?;
            continue;
        };
        org_rows.push(OrgRow {
            pos: i as u64,
            org: Organization {
                id: o.id,
                name: o.name,
                name_en: ext.name_en,
                kind,
                level,
                division_code,
                carrier: ext.carrier,
                category: ext.category,
                founded,
                dissolved: o.dissolution_date,
                facilities: ext.facilities,
                tags: ext.tags,
            },
            parent: o.parent_id,
            relation: ext.relation.unwrap_or_default(),
        });
    }
    let mut rejected = Rejected::default();
    let mut skipped = 0;
    let ordered = order_orgs(
        org_rows,
        registry,
        &orgs_origin,
        sink,
        &mut rejected,
        &mut skipped,
    )?;
    let mut commands = Commands::default();
    let mut positions = Vec::new();
    for r in ordered {
        positions.push(r.pos);
        commands.push(Command::AddOrganization {
            org: r.org,
            parent: r.parent,
            relation: r.relation,
        });
    }
    let mut ends = [commands.len(); 4];
    for (pos, enterprise) in enterprises {
        positions.push(pos);
        commands.push(Command::AddEnterprise { enterprise });
    }
    ends[1] = commands.len();
    for (i, p) in doc.persons.into_iter().enumerate() {
        let (Some(party), Some(title), Some(stratum)) = (p.ext.party, p.ext.title, p.ext.stratum)
        else {
            let column = match (p.ext.party, p.ext.title) {
                (None, _) => "party",
                (_, None) => "title",
                _ => "stratum",
            };
            sink.push(missing(&persons_origin, Table::Persons, i, column))?;
            continue;
        };
        let mut resident_id = p
            .identifiers
            .into_iter()
            .find(|x| x.scheme == RESIDENT_ID)
            .map(|x| x.identifier);
        if resident_id.as_deref().is_some_and(|r| r.contains('*')) {
            if options.drop_masked_resident_ids {
                resident_id = None;
            } else {
                sink.push(
                    persons_origin.error(
                        Table::Persons,
                        i as u64,
                        Some("resident_id"),
                        resident_id.clone(),
                        InterchangeErrorKind::InvalidValue {
                            reason:
                                "is masked (`*`): export with unmasked resident IDs to re-import \
                                 them, or import with `drop_masked_resident_ids`"
                                    .into(),
                        },
                    ),
                )?;
                continue;
            }
        }
        positions.push(i as u64);
        commands.push(Command::AddPerson {
            person: Person {
                id: p.id,
                name: p.name,
                sex: p.gender,
                birth: p.birth_date,
                ethnicity: p.ext.ethnicity,
                party,
                title,
                stratum,
                education: p.ext.education,
                returned_overseas: p.ext.returned_overseas,
                employer: p.ext.employer,
                profession: p.ext.profession,
                resident_id,
                political_posts: p.ext.political_posts,
            },
        });
    }
    ends[2] = commands.len();
    for (i, m) in doc.memberships.into_iter().enumerate() {
        let member = match (m.person_id, m.member) {
            (Some(p), None) => MemberRef::Person(p),
            (None, Some(x)) if x.kind == "Organization" => MemberRef::Enterprise(x.id),
            (None, Some(x)) if x.kind == "Person" => MemberRef::Person(x.id),
            _ => {
                sink.push(
                    memberships_origin.error(
                        Table::Memberships,
                        i as u64,
                        Some("person_id"),
                        None,
                        InterchangeErrorKind::InvalidValue {
                            reason: "a membership needs either `person_id` or a `member` of \
                                 `@type` Organization or Person"
                                .into(),
                        },
                    ),
                )?;
                continue;
            }
        };
        positions.push(i as u64);
        commands.push(Command::Join {
            membership: Membership {
                member,
                org: m.organization_id,
                role: m.role,
                start: m.start_date,
                end: m.end_date,
                founding: m.ext.founding,
                source: m.ext.source,
            },
        });
    }
    ends[3] = commands.len();
    Ok(Plan {
        commands,
        positions,
        ends,
        origins: [
            orgs_origin,
            origin("organizations"),
            persons_origin,
            memberships_origin,
        ],
    })
}

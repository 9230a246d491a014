//! The records a registry keeps: organizations, persons, enterprises, memberships and what is
//! attached to organizations (terms, designations, activities, advice, affiliations).
//!
//! All of them are plain serde types. Identifiers are chosen by the host and are stable strings;
//! dates are [`chrono::NaiveDate`], or [`PartialDate`] where the sources know only the month or year.
//! Intervals are half-open: a membership with `start` and `end` is active on day `d` when
//! `start <= d` and (`end` is `None` or `d < end`) — DESIGN §Interchange.

use crate::date::PartialDate;
use crate::vocab::*;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Whether a half-open interval `[start, end)` contains `day`.
pub fn active_on(start: NaiveDate, end: Option<NaiveDate>, day: NaiveDate) -> bool {
    start <= day && end.is_none_or(|e| day < e)
}

/// Whether two half-open intervals share at least one day.
pub fn overlaps(
    a_start: NaiveDate,
    a_end: Option<NaiveDate>,
    b_start: NaiveDate,
    b_end: Option<NaiveDate>,
) -> bool {
    a_end.is_none_or(|e| b_start < e) && b_end.is_none_or(|e| a_start < e)
}

/// Rooms and floor space of a place such as a united-front base.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facilities {
    /// Total area in square metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_m2: Option<u32>,
    /// Number of function rooms (功能室).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rooms: Option<u32>,
}

/// An organization (组织): association, base, branch, committee, chamber, studio …
///
/// Its place in the tree is not a field: it is kept as a dated parent history by the registry
/// (see [`ParentLink`]), because organizations move and the tree of any past day must be
/// recoverable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// Host-chosen stable identifier.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// English name, when one is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Kind of organization.
    pub kind: OrgKind,
    /// Administrative level.
    pub level: Level,
    /// Division code of where it sits (2, 4, 6, 9 or 12 digits, statistical form).
    pub division_code: String,
    /// Carrier (载体) besides the division, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<Carrier>,
    /// Category, for 同心荟.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<TongxinCategory>,
    /// Day founded (inclusive).
    #[serde(with = "crate::date::day")]
    pub founded: NaiveDate,
    /// Day dissolved (exclusive), `None` while active. Set by the dissolve command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::date::day_opt")]
    pub dissolved: Option<NaiveDate>,
    /// Rooms and area, for places.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilities: Option<Facilities>,
    /// Free tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl Organization {
    /// Whether the organization exists on `day`.
    pub fn active_on(&self, day: NaiveDate) -> bool {
        active_on(self.founded, self.dissolved, day)
    }
}

/// One interval of an organization's parent history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentLink {
    /// The parent's id, `None` for a root during this interval.
    pub parent: Option<String>,
    /// How the organization hangs under the parent.
    pub relation: Relation,
    /// First day of the link (inclusive).
    #[serde(with = "crate::date::day")]
    pub from: NaiveDate,
    /// Day the link ended (exclusive), `None` while current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::date::day_opt")]
    pub to: Option<NaiveDate>,
}

/// A political arrangement (政治安排): NPC deputy or CPPCC member at a level, for a term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoliticalPost {
    /// NPC or CPPCC.
    pub body: PoliticalBody,
    /// Level of the congress or committee.
    pub level: Level,
    /// Term number (届), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<u16>,
    /// Start of the post, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<PartialDate>,
    /// End of the post (exclusive), `None` while held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PartialDate>,
}

impl PoliticalPost {
    /// Whether the post is (possibly or certainly) held on `day`; an unknown start counts as held
    /// since ever.
    pub fn held_on(&self, day: NaiveDate) -> crate::date::Certainty {
        let start = self.from.unwrap_or(PartialDate::Day(NaiveDate::MIN));
        start.in_force(self.to, day)
    }
}

/// A person (人士). Resident ID numbers are sensitive: stored, never shown in statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Host-chosen stable identifier.
    pub id: String,
    /// Name, when the registry keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Sex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Birth date, or only its year or month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth: Option<PartialDate>,
    /// Ethnicity (民族), e.g. 汉族.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethnicity: Option<String>,
    /// Party affiliation.
    pub party: Party,
    /// Professional title.
    pub title: Title,
    /// New-social-stratum category.
    pub stratum: Stratum,
    /// Highest education.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<Education>,
    /// Returned from study abroad (留学归国).
    #[serde(default)]
    pub returned_overseas: bool,
    /// Employer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer: Option<String>,
    /// Profession (e.g. 律师, 医生), free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profession: Option<String>,
    /// Resident ID number (身份证号), sensitive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_id: Option<String>,
    /// NPC and CPPCC posts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub political_posts: Vec<PoliticalPost>,
}

/// An enterprise member of a chamber of commerce (会员企业).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enterprise {
    /// Host-chosen stable identifier.
    pub id: String,
    /// Registered name.
    pub name: String,
    /// Unified social credit code (统一社会信用代码), 18 characters.
    pub credit_code: String,
}

/// Who holds a membership: a person, or an enterprise (for chambers).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRef {
    /// A person's id.
    Person(String),
    /// An enterprise's id.
    Enterprise(String),
}

impl MemberRef {
    /// The member's id.
    pub fn id(&self) -> &str {
        match self {
            MemberRef::Person(id) | MemberRef::Enterprise(id) => id,
        }
    }
}

impl std::fmt::Display for MemberRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MemberRef::Person(id) => write!(f, "person `{id}`"),
            MemberRef::Enterprise(id) => write!(f, "enterprise `{id}`"),
        }
    }
}

/// A member's membership in an organization over an interval, with one role.
///
/// A role change closes one membership and opens the next, so role history is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The member.
    pub member: MemberRef,
    /// The organization's id.
    pub org: String,
    /// Role held during the interval.
    pub role: Role,
    /// First day (inclusive).
    #[serde(with = "crate::date::day")]
    pub start: NaiveDate,
    /// Last day (exclusive), `None` while active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::date::day_opt")]
    pub end: Option<NaiveDate>,
    /// Founding member (首批会员).
    #[serde(default)]
    pub founding: bool,
    /// How the member came, e.g. 双轨推荐.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Membership {
    /// Whether the membership is active on `day`.
    pub fn active_on(&self, day: NaiveDate) -> bool {
        active_on(self.start, self.end, day)
    }
}

/// A council post held during a term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilPost {
    /// The person's id.
    pub person: String,
    /// The post.
    pub role: Role,
}

/// A term (届) of an organization's council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// Term number: 1 for 第一届.
    pub number: u16,
    /// First day of the term.
    #[serde(with = "crate::date::day")]
    pub start: NaiveDate,
    /// Statutory length in years (often five).
    pub statutory_years: u8,
    /// Day the term actually ended (the next one started), `None` while current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::date::day_opt")]
    pub end: Option<NaiveDate>,
    /// Council posts held in this term.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<CouncilPost>,
}

impl Term {
    /// The day re-election (换届) is due: start plus the statutory length.
    pub fn due(&self) -> NaiveDate {
        self.start
            .checked_add_months(chrono::Months::new(u32::from(self.statutory_years) * 12))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Whether the term is still running on `day` after its statutory end (overdue for 换届).
    pub fn overdue_on(&self, day: NaiveDate) -> bool {
        active_on(self.start, self.end, day) && day >= self.due()
    }
}

/// A designation or honour conferred on an organization (授牌/荣誉).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Designation {
    /// Host-chosen stable identifier.
    pub id: String,
    /// The organization's id.
    pub org: String,
    /// Kind of title.
    pub title: DesignationTitle,
    /// Full wording of the title, e.g. 深圳市第一批园区（楼宇）统战工作试点单位.
    pub name: String,
    /// Level of the issuer.
    pub level: Level,
    /// Issuing body, e.g. 市委统战部.
    pub issuer: String,
    /// Batch (第N批), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<u16>,
    /// When conferred.
    pub conferred: PartialDate,
    /// When revoked, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<PartialDate>,
}

/// An activity held by an organization (活动).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Host-chosen stable identifier.
    pub id: String,
    /// The organization's id.
    pub org: String,
    /// When it took place.
    pub date: PartialDate,
    /// Kind of activity.
    pub kind: ActivityKind,
    /// Title.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Participants on site.
    #[serde(default)]
    pub participants_offline: u32,
    /// Participants online.
    #[serde(default)]
    pub participants_online: u32,
    /// Persons served (服务人次).
    #[serde(default)]
    pub persons_served: u32,
    /// Visiting delegations received (批次).
    #[serde(default)]
    pub delegations: u32,
}

/// An advice, proposal or research report (建言献策, 提案, 课题报告).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    /// Host-chosen stable identifier.
    pub id: String,
    /// The organization it is recorded under.
    pub org: String,
    /// Authors (person ids), possibly none when the organization signs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// When submitted.
    pub date: PartialDate,
    /// Advice, proposal or research report.
    pub kind: AdviceKind,
    /// Title.
    pub title: String,
    /// Whether it was adopted, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<bool>,
}

/// A dated secondary link between two organizations, outside the tree and never rolled up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affiliation {
    /// Host-chosen stable identifier.
    pub id: String,
    /// The organization the link starts from.
    pub org: String,
    /// The organization it points to.
    pub other: String,
    /// Kind of link.
    pub kind: AffiliationKind,
    /// First day (inclusive).
    #[serde(with = "crate::date::day")]
    pub from: NaiveDate,
    /// Last day (exclusive), `None` while current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::date::day_opt")]
    pub to: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn intervals_are_half_open() {
        assert!(active_on(
            d("2020-01-01"),
            Some(d("2020-02-01")),
            d("2020-01-31")
        ));
        assert!(!active_on(
            d("2020-01-01"),
            Some(d("2020-02-01")),
            d("2020-02-01")
        ));
        assert!(!active_on(d("2020-01-02"), None, d("2020-01-01")));
        assert!(overlaps(d("2020-01-01"), None, d("2030-01-01"), None));
        assert!(!overlaps(
            d("2020-01-01"),
            Some(d("2020-02-01")),
            d("2020-02-01"),
            None
        ));
    }

    #[test]
    fn term_is_overdue_after_statutory_length() {
        let t = Term {
            number: 1,
            start: d("2019-02-28"),
            statutory_years: 5,
            end: None,
            posts: vec![],
        };
        assert_eq!(t.due(), d("2024-02-28"));
        assert!(!t.overdue_on(d("2024-02-27")));
        assert!(t.overdue_on(d("2024-02-28")));
    }

    #[test]
    fn member_ref_serializes_tagged() {
        let m = MemberRef::Enterprise("e1".into());
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"enterprise":"e1"}"#);
    }
}

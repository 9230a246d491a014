//! Membership rules: who may belong where, stated as data, compiled once, explained always.
//!
//! DESIGN §"Membership rules" names three families, and a [`Rule`] belongs to one of them:
//!
//! * **eligibility** — an expression over one member (a person, or an enterprise for chambers),
//!   e.g. a 知联会 requires `party != cpc and title >= intermediate`;
//! * **structural** — integrity the [`Registry`](crate::registry::Registry) already enforces on
//!   every command (one president at a time, no overlapping memberships, level order, …), listed
//!   as rules under their registry [`ErrorCode`]s so that they are
//!   reported the same way; [`audit`] re-verifies the ones that can be read off a loaded registry;
//! * **composition** — ratios and counts over an organization's active members
//!   (`ratio(title >= intermediate) >= 0.6`), president term limits, council seat limits and
//!   overdue re-election (换届). These usually warn.
//!
//! Each rule has an id, a [`Severity`] (`reject` or `warn`) and a message in Chinese and English.
//! A [`RuleBook`] holds rules common to every organization, defaults per organization kind, and
//! per-organization overrides inherited down the tree; [`RuleBook::compile`] checks it all once and
//! gives a [`CompiledBook`] that the questions take: [`check`] (may this member join, and why),
//! [`audit`] (every violation in a subtree), [`candidates`] (who could be invited) and
//! [`check_join`] (what the registry runs on a join). Scans of all persons read a
//! [`PersonIndex`]: their attributes in dense columns, which the registry builds on the first
//! such question and keeps up to date as persons are added or updated.
//!
//! ```
//! use tongxin::prelude::*;
//! use tongxin::rules::{check, compile_text, CompiledBook, Context, Subject};
//!
//! let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
//! let person = Person {
//!     id: "p1".into(), name: None, sex: None, birth: Some("1980-05".parse().unwrap()),
//!     ethnicity: None, party: Party::Cpc, title: Title::Senior, stratum: Stratum::None,
//!     education: None, returned_overseas: false, employer: None, profession: None,
//!     resident_id: None, political_posts: vec![],
//! };
//! let rule = compile_text("party != cpc and title >= intermediate", Context::Member)?;
//! let why = rule.explain(&Subject::person(&person, day));
//! assert!(!why.passed);
//! assert_eq!(why.en(), "party is cpc, required not cpc ✗; title is senior, required at least intermediate ✓");
//! assert_eq!(why.zh(), "党派 = 中共党员，要求 ≠ 中共党员 ✗；职称 = 正高级，要求 ≥ 中级 ✓");
//! # Ok::<(), tongxin::rules::RuleError>(())
//! ```
//!
//! ## The language
//! A small subset of CEL. The text form and the JSON AST ([`Expr`]) convert both ways.
//!
//! ```text
//! party != cpc and (title >= intermediate or profession in ["律师", "医生"])
//! stratum in [private_enterprise_staff, intermediary_staff, freelancer, new_media]
//! age <= 60 and not political_post and has(education) and education >= bachelor
//! member_of(kind == party_branch and role == secretary)
//! count_memberships(role == president) < 2
//! enterprise and credit_code_valid and credit_category == "91"
//! ratio(title >= intermediate) >= 0.6           // composition rules only
//! ```
//!
//! Grammar (EBNF; keywords are lower case; `&&`, `||` and `!` may be written for `and`, `or`,
//! `not`; `//` starts a comment that runs to the end of the line):
//!
//! ```text
//! rule       = expr EOF ;
//! expr       = and_expr { "or" and_expr } ;
//! and_expr   = unary { "and" unary } ;
//! unary      = "not" unary | primary ;
//! primary    = "(" expr ")" | "true" | "false"
//!            | "has" "(" ident ")"
//!            | "member_of" "(" expr ")"
//!            | ( "count_memberships" | "count" ) "(" expr ")" cmp_op integer
//!            | "ratio" "(" expr ")" cmp_op number
//!            | ident [ cmp_op value | "in" "[" value { "," value } [ "," ] "]" ] ;
//! cmp_op     = "==" | "!=" | "<" | "<=" | ">" | ">=" ;
//! value      = integer | number | string | "true" | "false"
//!            | "date" "(" string ")" | ident ;
//! integer    = [ "-" ] digit { digit } ;
//! number     = integer [ "." digit { digit } ] ;
//! string     = '"' { char | '\"' | '\\' | '\n' | '\t' | '\r' } '"' ;
//! ident      = ( letter | "_" ) { letter | digit | "_" } ;
//! ```
//!
//! A bare `ident` is a yes/no attribute (`returned_overseas`). A bare name as a value is read in
//! the vocabulary of the attribute it is compared with (`cpc` for `party`, `intermediate` for
//! `title`) — the snake_case names of [`crate::vocab`]. `title`, `education` and `level` are
//! ordered (`level` follows [`Level`](crate::vocab::Level)'s ladder, national first, so
//! `level >= district` means district *or lower*); the other vocabularies take only `==`, `!=` and
//! `in`.
//!
//! ## Limits
//! So that a hostile rule or book can exhaust neither the stack nor memory nor time, texts are
//! limited to [`MAX_TEXT_LEN`] bytes (`rule_too_long`) and [`MAX_NESTING`] nested parentheses,
//! `not`s and calls (`rule_too_deep`, with line and column: the parser counts its depth and never
//! recurses further); compiled ASTs to [`MAX_AST_DEPTH`] levels (`rule_too_deep`),
//! [`MAX_NODES`] nodes (`rule_too_large`) and [`MAX_CLAUSES`] clauses (`rule_too_many_clauses`);
//! books to [`MAX_RULES`] rules (`rule_too_many_rules`) and, as JSON, to [`MAX_BOOK_JSON_LEN`]
//! bytes (`rule_book_too_long`). JSON (books and ASTs) nested deeper than 128 levels stops at
//! serde_json's recursion limit (`rule_invalid_json`). The limits are constants, not options:
//! they keep the recursive parts of the engine safe, and a real rule is far smaller.
//!
//! Attributes of a member ([`Context::Member`]):
//!
//! | attribute | type | |
//! |---|---|---|
//! | `party`, `stratum`, `sex` | vocabulary | unordered |
//! | `title`, `education` | vocabulary | ordered |
//! | `ethnicity`, `employer`, `profession` | string | `==`, `!=`, `in` |
//! | `resident_id` | sensitive | only `has(resident_id)` |
//! | `birth` | date | earliest day of a partial birth date |
//! | `age` | integer | whole years on the evaluation day (as [`crate::stats::age_on`]) |
//! | `returned_overseas`, `democratic_party` | yes/no | |
//! | `political_post`, `npc_deputy`, `cppcc_member` | yes/no | a post *certainly* held on the day |
//! | `enterprise`, `credit_code_valid` | yes/no | the member is an enterprise; its code passes GB 32100 |
//! | `credit_category` | string | characters 1–2 of a valid credit code, e.g. `"91"` |
//!
//! A comparison on an attribute the member lacks (no education recorded; a person's field asked
//! of an enterprise) is false, whatever the operator; `has(attr)` tests presence.
//!
//! `member_of(p)` and `count_memberships(p) op n` look at the member's *other* memberships: those
//! active on the evaluation day in organizations other than the one being checked; `p` reads
//! `kind`, `level`, `role`, `carrier`, `category`, `founding` and `org` (the organization id).
//! `ratio(p) op x` and `count(p) op n` exist only in composition rules and read the
//! organization's distinct active members, its part-of branches' included (DESIGN: a branch's
//! members are members of the parent); a ratio over no members holds.
//!
//! ## Inheritance
//! The rules of an organization on a day are: the common rules, then the defaults of its kind —
//! the kind of the association at the top of its chain of part-of links, so that a 专委会 of a
//! 知联会 follows the 知联会's rules — then the overrides of its ancestors (the tree of that day),
//! farthest first, then its own. An override replaces rules by id, adds new ones, and removes ids;
//! by default ([`Inherit::Branches`]) it reaches the organization and its part-of branches and
//! committees; [`Inherit::Subtree`] reaches every descendant, [`Inherit::None`] only itself.

mod columns;
mod compile;
mod engine;
mod error;
pub(crate) mod index;
mod syntax;

pub use compile::{
    compile, compile_text, ClauseOutcome, Condition, Context, Explanation, Members, MembershipFact,
    Subject,
};
pub use engine::{
    audit, candidates, candidates_indexed, check, check_join, Audit, Candidate, CandidateOrder,
    Check, OrderKey, RuleOutcome, Violation,
};
pub use error::{RuleError, RuleViolation};
pub use index::PersonIndex;
pub use syntax::{parse, CmpOp, Expr, Literal, Pos, Value};

use crate::error::ErrorCode;
use crate::tagged::tagged_enum;
use crate::vocab::{OrgKind, Role};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Longest rule text accepted, in bytes.
pub const MAX_TEXT_LEN: usize = 16 * 1024;
/// Deepest nesting of parentheses, `not`s and calls accepted in a text.
pub const MAX_NESTING: usize = 24;
/// Deepest AST accepted by [`compile`] (a text within [`MAX_NESTING`] always fits).
pub const MAX_AST_DEPTH: usize = 64;
/// Most AST nodes (values of `in` lists included) accepted by [`compile`].
pub const MAX_NODES: usize = 4096;
/// Most clauses (comparisons, `in`, `has`, yes/no attributes and calls, those inside calls
/// included) in one condition accepted by [`compile`].
pub const MAX_CLAUSES: usize = 256;
/// Most rules in one book (common, defaults and overrides together) accepted by
/// [`RuleBook::compile`].
pub const MAX_RULES: usize = 100_000;
/// Longest rule book JSON text accepted by [`RuleBook::from_json`], in bytes (64 MiB).
pub const MAX_BOOK_JSON_LEN: usize = 64 * 1024 * 1024;

/// The family of a rule (DESIGN §"Membership rules").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Eligibility of one member for one organization.
    Eligibility,
    /// Structural integrity, enforced by the registry.
    Structural,
    /// Composition of an organization's membership and council.
    Composition,
}

impl Family {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Eligibility => "eligibility",
            Family::Structural => "structural",
            Family::Composition => "composition",
        }
    }
}

/// What breaking a rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The change is refused (a join fails).
    Reject,
    /// The change goes through with a warning.
    Warn,
}

impl Severity {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Reject => "reject",
            Severity::Warn => "warn",
        }
    }

    /// The Chinese label: 否决 or 提醒.
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Reject => "否决",
            Severity::Warn => "提醒",
        }
    }
}

tagged_enum! {
    #[serde(tag = "type", rename_all = "snake_case")]
    #[wire(RuleBodyWire)]
    /// What a rule says. In JSON an object tagged by `"type"`; conditions (`when`) are written as
    /// text, and read from text or from an AST object.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub enum RuleBody {
        /// Eligibility: the member must satisfy the condition ([`Context::Member`]).
        Eligibility {
            /// The condition.
            #[serde(with = "text_or_ast")]
            when: Expr,
        },
        /// Composition: the organization's active members must satisfy the condition
        /// ([`Context::Organization`]: `ratio(…)`, `count(…)`).
        Composition {
            /// The condition.
            #[serde(with = "text_or_ast")]
            when: Expr,
        },
        /// Composition: nobody is president for more than `max_consecutive` consecutive council
        /// terms, counted from [`Term::posts`](crate::model::Term) back from the term current on the
        /// day (terms are numbered consecutively by the registry). Organizations without recorded
        /// terms pass.
        PresidentTermLimit {
            /// Most consecutive terms one person may preside.
            max_consecutive: u16,
        },
        /// Composition: the current term has at most `max` council posts (of `role`, when given).
        CouncilSeats {
            /// Most posts.
            max: u32,
            /// Count only posts of this role.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            role: Option<Role>,
        },
        /// Composition: the current term is not past its statutory length
        /// ([`Term::overdue_on`](crate::model::Term::overdue_on)).
        OverdueTerm,
        /// Structural: a rule the registry enforces, named by its error code.
        Registry {
            /// The registry error code, e.g. `president_conflict`.
            code: String,
        },
    }
}

/// A membership rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Stable id, e.g. `zhilianhui.eligibility`.
    pub id: String,
    /// Reject or warn.
    pub severity: Severity,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
    /// What the rule says.
    pub body: RuleBody,
}

impl Rule {
    /// The family, from the body.
    pub fn family(&self) -> Family {
        match self.body {
            RuleBody::Eligibility { .. } => Family::Eligibility,
            RuleBody::Registry { .. } => Family::Structural,
            _ => Family::Composition,
        }
    }

    /// An eligibility rule from its text.
    pub fn eligibility(
        id: &str,
        severity: Severity,
        when: &str,
        message_zh: &str,
        message_en: &str,
    ) -> Result<Rule, RuleError> {
        Ok(Rule {
            id: id.into(),
            severity,
            message_zh: message_zh.into(),
            message_en: message_en.into(),
            body: RuleBody::Eligibility {
                when: parse(when).map_err(|e| RuleError::in_rule(id, e))?,
            },
        })
    }

    /// A composition rule from its text (`ratio(…)`, `count(…)`).
    pub fn composition(
        id: &str,
        severity: Severity,
        when: &str,
        message_zh: &str,
        message_en: &str,
    ) -> Result<Rule, RuleError> {
        Ok(Rule {
            id: id.into(),
            severity,
            message_zh: message_zh.into(),
            message_en: message_en.into(),
            body: RuleBody::Composition {
                when: parse(when).map_err(|e| RuleError::in_rule(id, e))?,
            },
        })
    }

    fn other(id: &str, severity: Severity, zh: &str, en: &str, body: RuleBody) -> Rule {
        Rule {
            id: id.into(),
            severity,
            message_zh: zh.into(),
            message_en: en.into(),
            body,
        }
    }
}

/// Which descendants an override reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Inherit {
    /// The organization and its part-of branches and committees, recursively (the default).
    #[default]
    Branches,
    /// Every descendant in the tree of the day, guided organizations included.
    Subtree,
    /// The organization only.
    None,
}

fn is_default_inherit(i: &Inherit) -> bool {
    *i == Inherit::Branches
}

/// Changes to the inherited rules of one organization.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Override {
    /// Rules that replace inherited rules of the same id, or are added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Ids of inherited rules to drop (applied before `rules`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
    /// Which descendants the override reaches.
    #[serde(default, skip_serializing_if = "is_default_inherit")]
    pub inherit: Inherit,
}

/// Rules as data: common rules, defaults per organization kind and per-organization overrides.
///
/// ```
/// use tongxin::rules::RuleBook;
/// let book = RuleBook::standard();
/// let json = book.to_json();
/// let back = RuleBook::from_json(&json)?;
/// assert_eq!(back, book);
/// let compiled = back.compile()?;
/// assert_eq!(compiled.book(), &book);
/// # Ok::<(), tongxin::rules::RuleError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RuleBook {
    /// Rules for every organization, whatever its kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub common: Vec<Rule>,
    /// Default rules per organization kind.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub defaults: BTreeMap<OrgKind, Vec<Rule>>,
    /// Overrides by organization id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, Override>,
}

/// Professions recognised as intellectual for the 知联会 default: a member without an
/// intermediate title qualifies by one of these (exact match on [`Person::profession`](crate::model::Person)).
pub const INTELLECTUAL_PROFESSIONS: &[&str] = &[
    "医生",
    "教师",
    "教授",
    "副教授",
    "讲师",
    "研究员",
    "副研究员",
    "工程师",
    "高级工程师",
    "律师",
    "注册会计师",
    "建筑师",
];

/// Registry error codes a structural rule may name.
pub const STRUCTURAL_CODES: &[ErrorCode] = &[
    ErrorCode::PresidentConflict,
    ErrorCode::OverlappingMembership,
    ErrorCode::OutsideLifetime,
    ErrorCode::LevelOrder,
    ErrorCode::KindMismatch,
    ErrorCode::Cycle,
    ErrorCode::DateOrder,
    ErrorCode::HasActiveChildren,
    ErrorCode::TermOrder,
];

/// Structural codes [`audit`] re-verifies on a loaded registry (the others cannot be read off
/// the records once they are in: the registry refuses them on every command).
pub const REVERIFIED_CODES: &[ErrorCode] = &[
    ErrorCode::PresidentConflict,
    ErrorCode::OverlappingMembership,
    ErrorCode::OutsideLifetime,
    ErrorCode::LevelOrder,
    ErrorCode::KindMismatch,
];

impl RuleBook {
    /// A book without rules.
    pub fn empty() -> Self {
        RuleBook::default()
    }

    /// The standard book:
    ///
    /// * common: the structural rules (`structural.*`, reject) and two composition rules,
    ///   `terms.overdue` (warn: re-election is overdue) and `terms.president_limit` (warn: no
    ///   more than two consecutive terms as president);
    /// * `zhilianhui`: `zhilianhui.eligibility` (reject): `party != cpc and (title >=
    ///   intermediate or profession in […])` with [`INTELLECTUAL_PROFESSIONS`], and
    ///   `zhilianhui.titles` (warn): `ratio(title >= intermediate) >= 0.6`;
    /// * `xinlianhui`: `xinlianhui.eligibility` (reject): `stratum in [private_enterprise_staff,
    ///   intermediary_staff, freelancer, new_media]`;
    /// * `wanglianhui`: `wanglianhui.eligibility` (reject): `stratum == new_media`;
    /// * `chamber`: `chamber.eligibility` (reject): `enterprise and credit_code_valid`.
    pub fn standard() -> Self {
        let professions = INTELLECTUAL_PROFESSIONS
            .iter()
            .map(|p| syntax::quote(p))
            .collect::<Vec<_>>()
            .join(", ");
        let rule = |r: Result<Rule, RuleError>| r.unwrap_or_else(|e| invalid_standard(&e));
        let mut common: Vec<Rule> = structural_rules();
        common.push(Rule::other(
            "terms.overdue",
            Severity::Warn,
            "本届理事会已超过法定任期，应按期换届",
            "The current council term is past its statutory length: re-election (换届) is overdue",
            RuleBody::OverdueTerm,
        ));
        common.push(Rule::other(
            "terms.president_limit",
            Severity::Warn,
            "会长连任不得超过两届",
            "No one may be president for more than two consecutive terms",
            RuleBody::PresidentTermLimit { max_consecutive: 2 },
        ));
        let mut defaults = BTreeMap::new();
        defaults.insert(
            OrgKind::Zhilianhui,
            vec![
                rule(Rule::eligibility(
                    "zhilianhui.eligibility",
                    Severity::Reject,
                    &format!(
                        "party != cpc and (title >= intermediate or profession in [{professions}])"
                    ),
                    "知联会会员须为党外知识分子：非中共党员，且具有中级及以上职称或从事公认的知识分子职业",
                    "A zhilianhui member is a non-CPC intellectual: not a CPC member, with an intermediate or higher title or a recognised intellectual profession",
                )),
                rule(Rule::composition(
                    "zhilianhui.titles",
                    Severity::Warn,
                    "ratio(title >= intermediate) >= 0.6",
                    "知联会会员应以中、高级职称人士为主（不少于 60%）",
                    "Most zhilianhui members (at least 60%) should hold intermediate or senior titles",
                )),
            ],
        );
        defaults.insert(
            OrgKind::Xinlianhui,
            vec![rule(Rule::eligibility(
                "xinlianhui.eligibility",
                Severity::Reject,
                "stratum in [private_enterprise_staff, intermediary_staff, freelancer, new_media]",
                "新联会会员须为新的社会阶层人士（四类之一）",
                "A xinlianhui member belongs to one of the four new social strata",
            ))],
        );
        defaults.insert(
            OrgKind::Wanglianhui,
            vec![rule(Rule::eligibility(
                "wanglianhui.eligibility",
                Severity::Reject,
                "stratum == new_media",
                "网联会会员须为新媒体从业人员",
                "A wanglianhui member is a new-media practitioner",
            ))],
        );
        defaults.insert(
            OrgKind::Chamber,
            vec![rule(Rule::eligibility(
                "chamber.eligibility",
                Severity::Reject,
                "enterprise and credit_code_valid",
                "商会会员须为持有效统一社会信用代码的企业",
                "A chamber member is an enterprise with a valid unified social credit code",
            ))],
        );
        RuleBook {
            common,
            defaults,
            overrides: BTreeMap::new(),
        }
    }

    /// Reads a book from JSON (conditions as text or AST). Does not compile it.
    pub fn from_json(json: &str) -> Result<RuleBook, RuleError> {
        if json.len() > MAX_BOOK_JSON_LEN {
            return Err(RuleError::BookTooLong {
                length: json.len(),
                max: MAX_BOOK_JSON_LEN,
            });
        }
        crate::json_read::from_str(json).map_err(|e| RuleError::json(&e))
    }

    /// Writes the book as JSON (conditions as text).
    pub fn to_json(&self) -> String {
        crate::pretty::to_string_pretty(self)
    }

    /// Checks and compiles every rule.
    pub fn compile(&self) -> Result<CompiledBook, RuleError> {
        let count = self.common.len()
            + self.defaults.values().map(Vec::len).sum::<usize>()
            + self
                .overrides
                .values()
                .map(|o| o.rules.len())
                .sum::<usize>();
        if count > MAX_RULES {
            return Err(RuleError::TooManyRules {
                count,
                max: MAX_RULES,
            });
        }
        let mut rules = Vec::new();
        let mut list = |rs: &[Rule], scope: String| -> Result<Vec<u32>, RuleError> {
            let mut out = Vec::with_capacity(rs.len());
            // A set, not a scan of the rules before: a book of many rules stays linear.
            let mut seen = std::collections::HashSet::with_capacity(rs.len());
            for r in rs {
                if !seen.insert(r.id.as_str()) {
                    return Err(RuleError::DuplicateRule {
                        id: r.id.clone(),
                        scope,
                    });
                }
                rules.push(CompiledRule::new(r)?);
                out.push((rules.len() - 1) as u32);
            }
            Ok(out)
        };
        let common = list(&self.common, "the common rules".into())?;
        let common_ids: std::collections::HashSet<&str> =
            self.common.iter().map(|r| r.id.as_str()).collect();
        let mut defaults = vec![Vec::new(); OrgKind::ALL.len()];
        for (kind, rs) in &self.defaults {
            for r in rs {
                if common_ids.contains(r.id.as_str()) {
                    return Err(RuleError::DuplicateRule {
                        id: r.id.clone(),
                        scope: format!("the common rules and the defaults of {kind}"),
                    });
                }
            }
            defaults[kind.index()] = list(rs, format!("the defaults of {kind}"))?;
        }
        let mut overrides = Vec::new();
        let mut override_ids = HashMap::new();
        for (org, o) in &self.overrides {
            let ids = list(&o.rules, format!("the override of `{org}`"))?;
            override_ids.insert(org.clone(), overrides.len());
            overrides.push(CompiledOverride {
                rules: ids,
                remove: o.remove.clone(),
                inherit: o.inherit,
            });
        }
        Ok(CompiledBook {
            book: self.clone(),
            rules,
            common,
            defaults,
            overrides,
            override_ids,
        })
    }
}

fn invalid_standard(e: &RuleError) -> Rule {
    // The standard texts are fixed and tested; should one ever fail to parse, a rule that
    // always holds is safer than a panic.
    Rule::other(
        "standard.invalid",
        Severity::Warn,
        "内置规则有误",
        &format!("built-in rule is invalid: {e}"),
        RuleBody::Eligibility {
            when: Expr::Const { value: true },
        },
    )
}

/// The structural rules the registry enforces, as rules (ids `structural.*`, severity reject).
pub fn structural_rules() -> Vec<Rule> {
    let r = |id: &str, code: ErrorCode, zh: &str, en: &str| {
        Rule::other(
            id,
            Severity::Reject,
            zh,
            en,
            RuleBody::Registry {
                code: code.as_str().into(),
            },
        )
    };
    vec![
        r(
            "structural.one_president",
            ErrorCode::PresidentConflict,
            "同一时间只能有一位会长",
            "An organization has one active president at a time",
        ),
        r(
            "structural.no_overlap",
            ErrorCode::OverlappingMembership,
            "同一成员在同一组织中的任职不得重叠",
            "A member's memberships in one organization do not overlap",
        ),
        r(
            "structural.lifetime",
            ErrorCode::OutsideLifetime,
            "任职须在组织存续期间内",
            "Memberships lie inside the organization's lifetime",
        ),
        r(
            "structural.level_order",
            ErrorCode::LevelOrder,
            "受指导组织层级须低于指导组织，分会、专委会不高于上级组织",
            "A guided organization sits below its guide; a branch or committee at its parent's level or below",
        ),
        r(
            "structural.branch_kind",
            ErrorCode::KindMismatch,
            "分会须与上级组织同类（或为专委会）",
            "A branch is of its parent's kind (or a special committee)",
        ),
        r(
            "structural.no_cycle",
            ErrorCode::Cycle,
            "组织层级不得成环",
            "The hierarchy has no cycles",
        ),
        r(
            "structural.date_order",
            ErrorCode::DateOrder,
            "结束日期须晚于开始日期",
            "Every interval ends after it starts",
        ),
        r(
            "structural.children_lifetime",
            ErrorCode::HasActiveChildren,
            "组织撤销时不得仍有下级组织",
            "An organization is not dissolved while children remain under it",
        ),
        r(
            "structural.term_order",
            ErrorCode::TermOrder,
            "届次须依次递增",
            "Council terms follow one another in order",
        ),
    ]
}

/// A rule with its body checked and compiled.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledRule {
    pub(crate) rule: Rule,
    pub(crate) body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    Eligibility(Condition),
    Composition(Condition),
    PresidentTermLimit(u16),
    CouncilSeats { max: u32, role: Option<Role> },
    OverdueTerm,
    Registry(ErrorCode),
}

fn check_rule_fields(r: &Rule) -> Result<(), RuleError> {
    let invalid = |field, reason: &str| RuleError::InvalidRule {
        id: r.id.chars().take(128).collect(),
        field,
        reason: reason.into(),
    };
    if r.id.is_empty() {
        return Err(invalid(
            "id",
            "is empty; expected a stable id such as `zhilianhui.eligibility`",
        ));
    }
    if r.id.len() > 128 {
        return Err(invalid("id", "is longer than 128 bytes"));
    }
    if r.id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("id", "contains a space or control character"));
    }
    for (field, text) in [("message_zh", &r.message_zh), ("message_en", &r.message_en)] {
        if text.trim().is_empty() {
            return Err(invalid(
                field,
                "is empty; expected the message shown when the rule is broken",
            ));
        }
        if text.chars().count() > 1000 {
            return Err(invalid(field, "is longer than 1000 characters"));
        }
    }
    Ok(())
}

impl CompiledRule {
    fn new(r: &Rule) -> Result<CompiledRule, RuleError> {
        check_rule_fields(r)?;
        let in_rule = |e| RuleError::in_rule(&r.id, e);
        let body = match &r.body {
            RuleBody::Eligibility { when } => {
                Body::Eligibility(compile(when, Context::Member).map_err(in_rule)?)
            }
            RuleBody::Composition { when } => {
                Body::Composition(compile(when, Context::Organization).map_err(in_rule)?)
            }
            RuleBody::PresidentTermLimit { max_consecutive } => {
                if *max_consecutive == 0 {
                    return Err(RuleError::InvalidRule {
                        id: r.id.clone(),
                        field: "max_consecutive",
                        reason: "is 0; expected at least 1".into(),
                    });
                }
                Body::PresidentTermLimit(*max_consecutive)
            }
            RuleBody::CouncilSeats { max, role } => Body::CouncilSeats {
                max: *max,
                role: *role,
            },
            RuleBody::OverdueTerm => Body::OverdueTerm,
            RuleBody::Registry { code } => Body::Registry(
                STRUCTURAL_CODES
                    .iter()
                    .copied()
                    .find(|c| c.as_str() == code)
                    .ok_or_else(|| RuleError::UnknownRegistryCode {
                        id: r.id.clone(),
                        code: syntax::truncate(code, 64),
                        expected: STRUCTURAL_CODES
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })?,
            ),
        };
        Ok(CompiledRule {
            rule: r.clone(),
            body,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledOverride {
    pub(crate) rules: Vec<u32>,
    pub(crate) remove: Vec<String>,
    pub(crate) inherit: Inherit,
}

/// A [`RuleBook`] with every rule checked and compiled; what the questions take.
///
/// Serialized as its book; deserializing compiles (an invalid book is a deserialization error).
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledBook {
    book: RuleBook,
    pub(crate) rules: Vec<CompiledRule>,
    pub(crate) common: Vec<u32>,
    /// By [`OrgKind::index`].
    pub(crate) defaults: Vec<Vec<u32>>,
    pub(crate) overrides: Vec<CompiledOverride>,
    pub(crate) override_ids: HashMap<String, usize>,
}

impl CompiledBook {
    /// The standard book, compiled ([`RuleBook::standard`]).
    pub fn standard() -> CompiledBook {
        RuleBook::standard()
            .compile()
            .unwrap_or_else(|_| CompiledBook::empty())
    }

    /// A book without rules, compiled.
    pub fn empty() -> CompiledBook {
        CompiledBook {
            book: RuleBook::empty(),
            rules: Vec::new(),
            common: Vec::new(),
            defaults: vec![Vec::new(); OrgKind::ALL.len()],
            overrides: Vec::new(),
            override_ids: HashMap::new(),
        }
    }

    /// The book it was compiled from.
    pub fn book(&self) -> &RuleBook {
        &self.book
    }
}

impl Serialize for CompiledBook {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.book.serialize(s)
    }
}

impl<'de> Deserialize<'de> for CompiledBook {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RuleBook::deserialize(d)?
            .compile()
            .map_err(serde::de::Error::custom)
    }
}

/// Serde for conditions: written as text, read from text or from an AST object.
mod text_or_ast {
    use super::syntax::{parse, Expr};
    use serde::de::{self, MapAccess, Visitor};
    use serde::{Deserialize, Deserializer, Serializer};
    use std::fmt;

    pub(super) fn serialize<S: Serializer>(e: &Expr, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(e)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Expr, D::Error> {
        d.deserialize_any(TextOrAst)
    }

    struct TextOrAst;

    impl<'de> Visitor<'de> for TextOrAst {
        type Value = Expr;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a rule condition: its text, or its AST as an object tagged by \"op\"")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Expr, E> {
            parse(v).map_err(E::custom)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Expr, A::Error> {
            let e = Expr::deserialize(de::value::MapAccessDeserializer::new(map))?;
            names_are_identifiers(&e).map_err(de::Error::custom)?;
            // As the text form reads it, so that the book's own JSON (conditions written as
            // text) reads back equal.
            Ok(e.normalized())
        }
    }

    /// Every attribute and name of an AST is an identifier of the text form, so that a book
    /// read from its AST writes as text that reads back (`to_json` writes conditions as text).
    fn names_are_identifiers(e: &Expr) -> Result<(), String> {
        use super::syntax::Value;
        // A name is an identifier when the parser reads it alone as that attribute.
        let ident = |kind: &str, name: &str| match parse(name) {
            Ok(Expr::Attr { attr, .. }) if attr == name => Ok(()),
            _ => Err(format!(
                "condition AST: {kind} `{name}` is not an identifier (letters, digits and `_`, \
                 not starting with a digit, not a keyword)"
            )),
        };
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::And { args } | Expr::Or { args } => stack.extend(args),
                Expr::Not { arg } => stack.push(arg),
                Expr::Const { .. } => {}
                Expr::Attr { attr, .. } | Expr::Has { attr, .. } => ident("attribute", attr)?,
                Expr::Cmp { attr, value, .. } => {
                    ident("attribute", attr)?;
                    if let Value::Name(n) = &value.value {
                        ident("name", n)?;
                    }
                }
                Expr::In { attr, values, .. } => {
                    ident("attribute", attr)?;
                    for v in values {
                        if let Value::Name(n) = &v.value {
                            ident("name", n)?;
                        }
                    }
                }
                Expr::MemberOf { pred, .. }
                | Expr::CountMemberships { pred, .. }
                | Expr::Count { pred, .. }
                | Expr::Ratio { pred, .. } => stack.push(pred),
            }
        }
        Ok(())
    }
}

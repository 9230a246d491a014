//! Compilation of expressions into allocation-free evaluators, the subjects they are evaluated
//! on, and explanations.
//!
//! [`compile`] resolves every attribute name to a field, every value to a small integer, a
//! string or a day, and checks types: unknown attributes and mismatches are errors here, never
//! at evaluation. A comparison on a vocabulary (party, title, kind …) becomes a 32-bit mask of the
//! accepted values, so `title >= intermediate`, `party != cpc` and `stratum in [..]` are all one
//! bit test. The expression is then flattened into a list of instructions with short-circuit
//! jumps and a single boolean register: [`Condition::eval`] walks that list and allocates
//! nothing (no stack, no strings, no boxes), which the test suite checks with a counting
//! allocator.

use super::error::RuleError;
use super::index::PersonIndex;
use super::syntax::{format_num, quote, truncate, CmpOp, Expr, Literal, Pos, Value};
use super::{MAX_AST_DEPTH, MAX_CLAUSES, MAX_NODES};
use crate::date::{Certainty, PartialDate};
use crate::ids::CreditCode;
use crate::model::{Enterprise, Person};
use crate::registry::Registry;
use crate::tree::OrgIdx;
use crate::vocab::*;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Vocabularies and attributes

/// A closed vocabulary an attribute takes its values from (booleans included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vocab {
    Party,
    Title,
    Stratum,
    Sex,
    Education,
    Kind,
    Level,
    Role,
    Carrier,
    Category,
    Bool,
}

macro_rules! with_vocab {
    ($v:expr, $T:ident => $body:expr, bool => $bool:expr) => {
        match $v {
            Vocab::Party => {
                type $T = Party;
                $body
            }
            Vocab::Title => {
                type $T = Title;
                $body
            }
            Vocab::Stratum => {
                type $T = Stratum;
                $body
            }
            Vocab::Sex => {
                type $T = Sex;
                $body
            }
            Vocab::Education => {
                type $T = Education;
                $body
            }
            Vocab::Kind => {
                type $T = OrgKind;
                $body
            }
            Vocab::Level => {
                type $T = Level;
                $body
            }
            Vocab::Role => {
                type $T = Role;
                $body
            }
            Vocab::Carrier => {
                type $T = Carrier;
                $body
            }
            Vocab::Category => {
                type $T = TongxinCategory;
                $body
            }
            Vocab::Bool => $bool,
        }
    };
}

const BOOL_NAMES: [&str; 2] = ["false", "true"];
const BOOL_ZH: [&str; 2] = ["否", "是"];

impl Vocab {
    const ENUMS: [Vocab; 10] = [
        Vocab::Party,
        Vocab::Title,
        Vocab::Stratum,
        Vocab::Sex,
        Vocab::Education,
        Vocab::Kind,
        Vocab::Level,
        Vocab::Role,
        Vocab::Carrier,
        Vocab::Category,
    ];

    fn name(self) -> &'static str {
        with_vocab!(self, T => T::VOCABULARY, bool => "boolean")
    }

    fn len(self) -> usize {
        with_vocab!(self, T => T::ALL.len(), bool => 2)
    }

    fn ordered(self) -> bool {
        matches!(self, Vocab::Title | Vocab::Education | Vocab::Level)
    }

    fn index_of(self, name: &str) -> Option<u8> {
        with_vocab!(self, T => T::ALL.iter().position(|v| v.as_str() == name).map(|i| i as u8),
            bool => BOOL_NAMES.iter().position(|v| *v == name).map(|i| i as u8))
    }

    pub(crate) fn en(self, i: u8) -> &'static str {
        with_vocab!(self, T => T::ALL.get(i as usize).map_or("?", |v| v.as_str()),
            bool => BOOL_NAMES.get(i as usize).copied().unwrap_or("?"))
    }

    pub(crate) fn zh(self, i: u8) -> &'static str {
        with_vocab!(self, T => T::ALL.get(i as usize).map_or("?", |v| v.zh()),
            bool => BOOL_ZH.get(i as usize).copied().unwrap_or("?"))
    }

    fn names(self) -> String {
        (0..self.len() as u8)
            .map(|i| self.en(i))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A field of a subject an attribute reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Party,
    Title,
    Stratum,
    Sex,
    Education,
    Ethnicity,
    ReturnedOverseas,
    Employer,
    Profession,
    ResidentId,
    Birth,
    Age,
    PoliticalPost,
    NpcDeputy,
    CppccMember,
    DemocraticParty,
    Enterprise,
    CreditCodeValid,
    CreditCategory,
    Kind,
    Level,
    Role,
    Carrier,
    Category,
    Founding,
    Org,
}

/// The type of an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Enum(Vocab),
    Int,
    Str,
    Date,
    /// Presence only (the resident ID number).
    Sensitive,
}

/// An attribute of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attr {
    pub(crate) name: &'static str,
    pub(crate) field: Field,
    pub(crate) ty: Ty,
    pub(crate) zh: &'static str,
}

const fn attr(name: &'static str, field: Field, ty: Ty, zh: &'static str) -> Attr {
    Attr {
        name,
        field,
        ty,
        zh,
    }
}

/// Attributes of a member (a person, or an enterprise for chambers).
pub(crate) const MEMBER_ATTRS: &[Attr] = &[
    attr("party", Field::Party, Ty::Enum(Vocab::Party), "党派"),
    attr("title", Field::Title, Ty::Enum(Vocab::Title), "职称"),
    attr(
        "stratum",
        Field::Stratum,
        Ty::Enum(Vocab::Stratum),
        "新的社会阶层类别",
    ),
    attr("sex", Field::Sex, Ty::Enum(Vocab::Sex), "性别"),
    attr(
        "education",
        Field::Education,
        Ty::Enum(Vocab::Education),
        "学历",
    ),
    attr("ethnicity", Field::Ethnicity, Ty::Str, "民族"),
    attr(
        "returned_overseas",
        Field::ReturnedOverseas,
        Ty::Enum(Vocab::Bool),
        "留学归国",
    ),
    attr("employer", Field::Employer, Ty::Str, "工作单位"),
    attr("profession", Field::Profession, Ty::Str, "职业"),
    attr("resident_id", Field::ResidentId, Ty::Sensitive, "身份证号"),
    attr("birth", Field::Birth, Ty::Date, "出生日期"),
    attr("age", Field::Age, Ty::Int, "年龄"),
    attr(
        "political_post",
        Field::PoliticalPost,
        Ty::Enum(Vocab::Bool),
        "政治安排",
    ),
    attr(
        "npc_deputy",
        Field::NpcDeputy,
        Ty::Enum(Vocab::Bool),
        "人大代表",
    ),
    attr(
        "cppcc_member",
        Field::CppccMember,
        Ty::Enum(Vocab::Bool),
        "政协委员",
    ),
    attr(
        "democratic_party",
        Field::DemocraticParty,
        Ty::Enum(Vocab::Bool),
        "民主党派成员",
    ),
    attr(
        "enterprise",
        Field::Enterprise,
        Ty::Enum(Vocab::Bool),
        "企业会员",
    ),
    attr(
        "credit_code_valid",
        Field::CreditCodeValid,
        Ty::Enum(Vocab::Bool),
        "统一社会信用代码有效",
    ),
    attr(
        "credit_category",
        Field::CreditCategory,
        Ty::Str,
        "信用代码机构类别",
    ),
];

/// Attributes of another membership (inside `member_of` and `count_memberships`).
pub(crate) const MEMBERSHIP_ATTRS: &[Attr] = &[
    attr("kind", Field::Kind, Ty::Enum(Vocab::Kind), "组织类型"),
    attr("level", Field::Level, Ty::Enum(Vocab::Level), "组织层级"),
    attr("role", Field::Role, Ty::Enum(Vocab::Role), "职务"),
    attr("carrier", Field::Carrier, Ty::Enum(Vocab::Carrier), "载体"),
    attr(
        "category",
        Field::Category,
        Ty::Enum(Vocab::Category),
        "同心荟类别",
    ),
    attr(
        "founding",
        Field::Founding,
        Ty::Enum(Vocab::Bool),
        "首批会员",
    ),
    attr("org", Field::Org, Ty::Str, "组织"),
];

/// Where an expression is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    /// Over one member: eligibility rules. Attributes of the person or enterprise,
    /// `member_of(…)` and `count_memberships(…)`.
    Member,
    /// Over one other membership: the predicate inside `member_of(…)` and
    /// `count_memberships(…)`. Attributes `kind`, `level`, `role`, `carrier`, `category`,
    /// `founding`, `org`.
    Membership,
    /// Over an organization's active members: composition rules. `ratio(…)` and `count(…)`
    /// whose predicates are member conditions.
    Organization,
}

impl Context {
    fn describe(self) -> &'static str {
        match self {
            Context::Member => "a member condition",
            Context::Membership => "a membership predicate (inside member_of or count_memberships)",
            Context::Organization => "a composition condition",
        }
    }

    fn attrs(self) -> &'static [Attr] {
        match self {
            Context::Member => MEMBER_ATTRS,
            Context::Membership => MEMBERSHIP_ATTRS,
            Context::Organization => &[],
        }
    }

    /// The attribute names of the context.
    pub fn attribute_names(self) -> Vec<&'static str> {
        self.attrs().iter().map(|a| a.name).collect()
    }

    fn expected_attrs(self) -> String {
        match self {
            Context::Organization => {
                "ratio(…) or count(…) — composition rules read members through them".to_string()
            }
            _ => self.attribute_names().join(", "),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Compiled form

/// One resolved test.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Test {
    /// A vocabulary or boolean field whose value index is in the mask.
    Mask {
        field: Field,
        mask: u64,
    },
    Int {
        field: Field,
        op: CmpOp,
        value: i64,
    },
    IntIn {
        field: Field,
        values: Box<[i64]>,
    },
    /// Equal to one of the values (`negate`: equal to none).
    Str {
        field: Field,
        values: StrSet,
        negate: bool,
    },
    Date {
        field: Field,
        op: CmpOp,
        value: NaiveDate,
    },
    DateIn {
        field: Field,
        values: Box<[NaiveDate]>,
    },
    Present {
        field: Field,
    },
    MemberOf {
        sub: u32,
    },
    CountMemberships {
        sub: u32,
        op: CmpOp,
        value: i64,
    },
    Count {
        sub: u32,
        op: CmpOp,
        value: i64,
    },
    Ratio {
        sub: u32,
        op: CmpOp,
        value: f64,
    },
}

/// A small set of strings matched by length and first eight bytes before any byte comparison,
/// so that a miss (the common case) costs a few integer compares and no `memcmp`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StrSet {
    items: Box<[(usize, u64, Box<str>)]>,
    /// One bit per item, at [`StrSet::bit`] of its length and first bytes: most misses stop here.
    bloom: u64,
}

/// The first eight bytes of a string as an integer (zero-padded).
#[inline]
pub(crate) fn prefix8(s: &str) -> u64 {
    let b = s.as_bytes();
    match b.get(..8) {
        Some(head) => {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(head);
            u64::from_be_bytes(buf)
        }
        // Left-aligned: the shift is 8 to 64 bits (an empty text is 0; `<<` by 64 would overflow).
        None => b
            .iter()
            .fold(0u64, |acc, &x| acc << 8 | u64::from(x))
            .checked_shl(8 * (8 - b.len() as u32))
            .unwrap_or(0),
    }
}

impl StrSet {
    fn new(values: Vec<Box<str>>) -> Self {
        let items: Box<[(usize, u64, Box<str>)]> = values
            .into_iter()
            .map(|v| (v.len(), prefix8(&v), v))
            .collect();
        let bloom = items.iter().fold(0, |b, (l, h, _)| b | Self::bit(*l, *h));
        StrSet { items, bloom }
    }

    #[inline]
    fn bit(len: usize, head: u64) -> u64 {
        let x = (head ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        1 << (x >> 58)
    }

    /// [`Self::contains`] with the value's first eight bytes already known.
    #[inline]
    pub(crate) fn contains_keyed(&self, v: &str, head: u64) -> bool {
        let len = v.len();
        if self.bloom & Self::bit(len, head) == 0 {
            return false;
        }
        self.items
            .iter()
            .any(|(l, h, s)| *l == len && *h == head && (len <= 8 || **s == *v))
    }
}

/// One instruction of a flat program with a single boolean register.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Instr {
    Test(Test),
    Const(bool),
    Not,
    JumpIfFalse(u32),
    JumpIfTrue(u32),
}

/// How a leaf is rendered in explanations.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    Cmp {
        attr: Attr,
        op: CmpOp,
        en: String,
        zh: String,
    },
    In {
        attr: Attr,
        en: Vec<String>,
        zh: Vec<String>,
    },
    Bool {
        attr: Attr,
    },
    Has {
        attr: Attr,
    },
    MemberOf {
        pred: String,
    },
    CountMemberships {
        pred: String,
        op: CmpOp,
        value: i64,
    },
    Count {
        pred: String,
        op: CmpOp,
        value: i64,
    },
    Ratio {
        pred: String,
        op: CmpOp,
        value: f64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Leaf {
    test: Test,
    clause: String,
    shape: Shape,
}

impl Leaf {
    /// The resolved test.
    pub(crate) fn test(&self) -> &Test {
        &self.test
    }
}

/// The resolved tree, kept for explanations (which evaluate every clause).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Const(bool),
    Leaf(Box<Leaf>),
}

/// A compiled expression: type-checked, resolved, and flattened into an allocation-free
/// evaluator. Built by [`compile`].
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    context: Context,
    expr: Expr,
    code: Vec<Instr>,
    subs: Vec<Vec<Instr>>,
    tree: Node,
}

/// Compiles an expression for a context, checking every attribute, value and type.
///
/// ```
/// use tongxin::rules::{compile, parse, Context};
/// let c = compile(&parse("title >= intermediate and age <= 60")?, Context::Member)?;
/// assert_eq!(c.expr().to_string(), "title >= intermediate and age <= 60");
/// let err = compile(&parse("title >= cpc")?, Context::Member).unwrap_err();
/// assert_eq!(err.code(), "rule_type_mismatch");
/// assert!(err.to_string().starts_with("line 1, column 10: type mismatch in `title >= cpc`"));
/// # Ok::<(), tongxin::rules::RuleError>(())
/// ```
pub fn compile(expr: &Expr, context: Context) -> Result<Condition, RuleError> {
    let mut c = Compiler {
        nodes: 0,
        clauses: 0,
        subs: Vec::new(),
    };
    let tree = c.resolve(expr, context, 0)?;
    let mut code = Vec::new();
    emit(&tree, &mut code);
    Ok(Condition {
        context,
        expr: expr.clone(),
        code,
        subs: c.subs,
        tree,
    })
}

/// Parses and compiles a text in one step.
pub fn compile_text(text: &str, context: Context) -> Result<Condition, RuleError> {
    compile(&super::syntax::parse(text)?, context)
}

struct Compiler {
    nodes: usize,
    /// Clauses (every node but `and`, `or`, `not` and constants) so far.
    clauses: usize,
    subs: Vec<Vec<Instr>>,
}

fn expr_pos(e: &Expr) -> Pos {
    match e {
        Expr::Attr { at, .. }
        | Expr::Has { at, .. }
        | Expr::Cmp { at, .. }
        | Expr::In { at, .. }
        | Expr::MemberOf { at, .. }
        | Expr::CountMemberships { at, .. }
        | Expr::Count { at, .. }
        | Expr::Ratio { at, .. } => *at,
        _ => Pos::default(),
    }
}

/// The vocabulary (other than `except`) that knows a name, if any.
fn vocab_of(name: &str, except: Vocab) -> Option<Vocab> {
    Vocab::ENUMS
        .into_iter()
        .filter(|v| *v != except)
        .find(|v| v.index_of(name).is_some())
}

impl Compiler {
    fn lookup(&self, name: &str, at: Pos, ctx: Context) -> Result<Attr, RuleError> {
        ctx.attrs()
            .iter()
            .find(|a| a.name == name)
            .copied()
            .ok_or_else(|| RuleError::UnknownAttribute {
                at,
                name: truncate(name, 64),
                context: ctx.describe(),
                expected: ctx.expected_attrs(),
            })
    }

    fn count(&mut self, n: usize) -> Result<(), RuleError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(RuleError::TooLarge { max: MAX_NODES });
        }
        Ok(())
    }

    fn sub(&mut self, pred: &Expr, ctx: Context, depth: usize) -> Result<(u32, String), RuleError> {
        let node = self.resolve(pred, ctx, depth + 1)?;
        let mut code = Vec::new();
        emit(&node, &mut code);
        self.subs.push(code);
        Ok(((self.subs.len() - 1) as u32, pred.to_string()))
    }

    fn resolve(&mut self, e: &Expr, ctx: Context, depth: usize) -> Result<Node, RuleError> {
        if depth > MAX_AST_DEPTH {
            return Err(RuleError::TooDeep {
                at: expr_pos(e),
                max: MAX_AST_DEPTH,
            });
        }
        self.count(1)?;
        if !matches!(
            e,
            Expr::And { .. } | Expr::Or { .. } | Expr::Not { .. } | Expr::Const { .. }
        ) {
            self.clauses += 1;
            if self.clauses > MAX_CLAUSES {
                return Err(RuleError::TooManyClauses {
                    at: expr_pos(e),
                    max: MAX_CLAUSES,
                });
            }
        }
        let leaf = |test, shape| {
            Ok(Node::Leaf(Box::new(Leaf {
                test,
                clause: e.to_string(),
                shape,
            })))
        };
        let wrong = |at, name, expected| {
            Err(RuleError::WrongContext {
                at,
                name,
                context: ctx.describe(),
                expected,
            })
        };
        match e {
            Expr::And { args } => Ok(Node::And(
                args.iter()
                    .map(|a| self.resolve(a, ctx, depth + 1))
                    .collect::<Result<_, _>>()?,
            )),
            Expr::Or { args } => Ok(Node::Or(
                args.iter()
                    .map(|a| self.resolve(a, ctx, depth + 1))
                    .collect::<Result<_, _>>()?,
            )),
            Expr::Not { arg } => Ok(Node::Not(Box::new(self.resolve(arg, ctx, depth + 1)?))),
            Expr::Const { value } => Ok(Node::Const(*value)),
            Expr::Attr { attr, at } => {
                let a = self.lookup(attr, *at, ctx)?;
                if a.ty != Ty::Enum(Vocab::Bool) {
                    return Err(RuleError::TypeMismatch {
                        at: *at,
                        clause: e.to_string(),
                        expected: format!(
                            "a comparison such as `{} == …` (`{}` is not a yes/no attribute)",
                            a.name, a.name
                        ),
                        found: format!("`{}` on its own", a.name),
                    });
                }
                leaf(
                    Test::Mask {
                        field: a.field,
                        mask: 0b10,
                    },
                    Shape::Bool { attr: a },
                )
            }
            Expr::Has { attr, at } => {
                let a = self.lookup(attr, *at, ctx)?;
                leaf(Test::Present { field: a.field }, Shape::Has { attr: a })
            }
            Expr::Cmp {
                attr,
                cmp,
                value,
                at,
            } => {
                let a = self.lookup(attr, *at, ctx)?;
                self.count(1)?;
                self.compare(e, a, *cmp, value)
            }
            Expr::In { attr, values, at } => {
                let a = self.lookup(attr, *at, ctx)?;
                if values.is_empty() {
                    return Err(RuleError::OutOfRange {
                        at: *at,
                        clause: e.to_string(),
                        value: "[]".into(),
                        expected: "at least one value in the list",
                    });
                }
                self.count(values.len())?;
                self.list(e, a, values)
            }
            Expr::MemberOf { pred, at } => {
                if ctx != Context::Member {
                    return wrong(
                        *at,
                        "member_of",
                        "member_of(…) only in an eligibility condition (it reads one member's other memberships)",
                    );
                }
                let (sub, pred) = self.sub(pred, Context::Membership, depth)?;
                leaf(Test::MemberOf { sub }, Shape::MemberOf { pred })
            }
            Expr::CountMemberships {
                pred,
                cmp,
                value,
                at,
            } => {
                if ctx != Context::Member {
                    return wrong(
                        *at,
                        "count_memberships",
                        "count_memberships(…) only in an eligibility condition (it reads one member's other memberships)",
                    );
                }
                check_count(e, *at, *value)?;
                let (sub, pred) = self.sub(pred, Context::Membership, depth)?;
                leaf(
                    Test::CountMemberships {
                        sub,
                        op: *cmp,
                        value: *value,
                    },
                    Shape::CountMemberships {
                        pred,
                        op: *cmp,
                        value: *value,
                    },
                )
            }
            Expr::Count {
                pred,
                cmp,
                value,
                at,
            } => {
                if ctx != Context::Organization {
                    return wrong(
                        *at,
                        "count",
                        "count(…) only in a composition rule (in an eligibility condition, count_memberships(…) counts a member's other memberships)",
                    );
                }
                check_count(e, *at, *value)?;
                let (sub, pred) = self.sub(pred, Context::Member, depth)?;
                leaf(
                    Test::Count {
                        sub,
                        op: *cmp,
                        value: *value,
                    },
                    Shape::Count {
                        pred,
                        op: *cmp,
                        value: *value,
                    },
                )
            }
            Expr::Ratio {
                pred,
                cmp,
                value,
                at,
            } => {
                if ctx != Context::Organization {
                    return wrong(*at, "ratio", "ratio(…) only in a composition rule");
                }
                if !(0.0..=1.0).contains(value) {
                    return Err(RuleError::OutOfRange {
                        at: *at,
                        clause: e.to_string(),
                        value: format_num(*value),
                        expected: "a share between 0 and 1 (0.6 for 60 %)",
                    });
                }
                let (sub, pred) = self.sub(pred, Context::Member, depth)?;
                leaf(
                    Test::Ratio {
                        sub,
                        op: *cmp,
                        value: *value,
                    },
                    Shape::Ratio {
                        pred,
                        op: *cmp,
                        value: *value,
                    },
                )
            }
        }
    }

    /// Type-checks one value for an attribute; returns the value resolved.
    fn value(&self, e: &Expr, a: Attr, lit: &Literal) -> Result<Resolved, RuleError> {
        let mismatch = |expected: String| RuleError::TypeMismatch {
            at: lit.at,
            clause: e.to_string(),
            expected,
            found: lit.value.describe(),
        };
        match (a.ty, &lit.value) {
            (Ty::Enum(Vocab::Bool), Value::Bool(b)) => Ok(Resolved::Index(u8::from(*b))),
            (Ty::Enum(Vocab::Bool), _) => Err(mismatch(format!(
                "true or false (`{}` is a yes/no attribute)",
                a.name
            ))),
            (Ty::Enum(v), Value::Name(name)) => match v.index_of(name) {
                Some(i) => Ok(Resolved::Index(i)),
                None => match vocab_of(name, v) {
                    Some(other) => Err(RuleError::TypeMismatch {
                        at: lit.at,
                        clause: e.to_string(),
                        expected: format!("a {} name (one of: {})", v.name(), v.names()),
                        found: format!("`{name}`, a {} name", other.name()),
                    }),
                    None => Err(RuleError::UnknownValue {
                        at: lit.at,
                        clause: e.to_string(),
                        vocabulary: v.name(),
                        value: truncate(name, 64),
                        expected: v.names(),
                    }),
                },
            },
            (Ty::Enum(v), _) => Err(mismatch(format!(
                "a {} name without quotes (one of: {})",
                v.name(),
                v.names()
            ))),
            (Ty::Int, Value::Int(i)) => Ok(Resolved::Int(*i)),
            (Ty::Int, _) => Err(mismatch(format!("an integer (`{}` is a number)", a.name))),
            (Ty::Str, Value::Str(s)) => Ok(Resolved::Str(s.clone())),
            (Ty::Str, _) => Err(mismatch(format!(
                "a \"string\" in double quotes (`{}` is text)",
                a.name
            ))),
            (Ty::Date, Value::Date(d)) => Ok(Resolved::Date(*d)),
            (Ty::Date, _) => Err(mismatch(format!(
                "a date such as date(\"1980-01-01\") (`{}` is a date)",
                a.name
            ))),
            (Ty::Sensitive, _) => Err(RuleError::TypeMismatch {
                at: lit.at,
                clause: e.to_string(),
                expected: format!(
                    "only has({}) — the number is sensitive and never compared or shown",
                    a.name
                ),
                found: "a comparison".into(),
            }),
        }
    }

    fn compare(&self, e: &Expr, a: Attr, op: CmpOp, lit: &Literal) -> Result<Node, RuleError> {
        let not_ordered = || RuleError::NotOrdered {
            at: lit.at,
            clause: e.to_string(),
            attribute: a.name.to_string(),
            op: op.as_str(),
        };
        if op.is_ordering() {
            match a.ty {
                Ty::Enum(v) if !v.ordered() => return Err(not_ordered()),
                Ty::Str => return Err(not_ordered()),
                _ => {}
            }
        }
        let (test, en, zh) = match (self.value(e, a, lit)?, a.ty) {
            (Resolved::Index(i), Ty::Enum(v)) => {
                let mut mask = 0u64;
                for j in 0..v.len() as u8 {
                    if op.test(j, i) {
                        mask |= bit(j);
                    }
                }
                (
                    Test::Mask {
                        field: a.field,
                        mask,
                    },
                    v.en(i).to_string(),
                    v.zh(i).to_string(),
                )
            }
            (Resolved::Int(i), _) => (
                Test::Int {
                    field: a.field,
                    op,
                    value: i,
                },
                i.to_string(),
                i.to_string(),
            ),
            (Resolved::Str(s), _) => {
                let en = quote(&s);
                let zh = s.clone();
                (
                    Test::Str {
                        field: a.field,
                        values: StrSet::new(vec![s.into_boxed_str()]),
                        negate: op == CmpOp::Ne,
                    },
                    en,
                    zh,
                )
            }
            (Resolved::Date(d), _) => (
                Test::Date {
                    field: a.field,
                    op,
                    value: d,
                },
                d.to_string(),
                d.to_string(),
            ),
            // `value` only returns Index for vocabularies.
            (Resolved::Index(_), _) => return Err(not_ordered()),
        };
        Ok(Node::Leaf(Box::new(Leaf {
            test,
            clause: e.to_string(),
            shape: Shape::Cmp {
                attr: a,
                op,
                en,
                zh,
            },
        })))
    }

    fn list(&self, e: &Expr, a: Attr, values: &[Literal]) -> Result<Node, RuleError> {
        let resolved = values
            .iter()
            .map(|l| self.value(e, a, l))
            .collect::<Result<Vec<_>, _>>()?;
        let mut en = Vec::new();
        let mut zh = Vec::new();
        let test = match a.ty {
            Ty::Enum(v) => {
                let mut mask = 0u64;
                for r in &resolved {
                    if let Resolved::Index(i) = r {
                        mask |= bit(*i);
                        en.push(v.en(*i).to_string());
                        zh.push(v.zh(*i).to_string());
                    }
                }
                Test::Mask {
                    field: a.field,
                    mask,
                }
            }
            Ty::Int => {
                let v: Vec<i64> = resolved
                    .iter()
                    .filter_map(|r| match r {
                        Resolved::Int(i) => Some(*i),
                        _ => None,
                    })
                    .collect();
                en = v.iter().map(i64::to_string).collect();
                zh.clone_from(&en);
                Test::IntIn {
                    field: a.field,
                    values: v.into_boxed_slice(),
                }
            }
            Ty::Str => {
                let v: Vec<Box<str>> = resolved
                    .into_iter()
                    .filter_map(|r| match r {
                        Resolved::Str(s) => Some(s.into_boxed_str()),
                        _ => None,
                    })
                    .collect();
                en = v.iter().map(|s| quote(s)).collect();
                zh = v.iter().map(|s| s.to_string()).collect();
                Test::Str {
                    field: a.field,
                    values: StrSet::new(v),
                    negate: false,
                }
            }
            Ty::Date => {
                let v: Vec<NaiveDate> = resolved
                    .iter()
                    .filter_map(|r| match r {
                        Resolved::Date(d) => Some(*d),
                        _ => None,
                    })
                    .collect();
                en = v.iter().map(NaiveDate::to_string).collect();
                zh.clone_from(&en);
                Test::DateIn {
                    field: a.field,
                    values: v.into_boxed_slice(),
                }
            }
            // `value` refuses every literal for a sensitive attribute; an empty list cannot be
            // parsed, and from JSON it accepts nothing.
            Ty::Sensitive => Test::Mask {
                field: a.field,
                mask: 0,
            },
        };
        Ok(Node::Leaf(Box::new(Leaf {
            test,
            clause: e.to_string(),
            shape: Shape::In { attr: a, en, zh },
        })))
    }
}

fn check_count(e: &Expr, at: Pos, value: i64) -> Result<(), RuleError> {
    if value < 0 {
        return Err(RuleError::OutOfRange {
            at,
            clause: e.to_string(),
            value: value.to_string(),
            expected: "a count of 0 or more",
        });
    }
    Ok(())
}

enum Resolved {
    Index(u8),
    Int(i64),
    Str(String),
    Date(NaiveDate),
}

/// Flattens a tree into instructions with short-circuit jumps.
fn emit(node: &Node, code: &mut Vec<Instr>) {
    match node {
        Node::And(args) | Node::Or(args) => {
            let is_and = matches!(node, Node::And(_));
            if args.is_empty() {
                code.push(Instr::Const(is_and));
                return;
            }
            let mut jumps = Vec::new();
            for (i, a) in args.iter().enumerate() {
                emit(a, code);
                if i + 1 < args.len() {
                    jumps.push(code.len());
                    code.push(if is_and {
                        Instr::JumpIfFalse(0)
                    } else {
                        Instr::JumpIfTrue(0)
                    });
                }
            }
            let end = code.len() as u32;
            for j in jumps {
                if let Some(Instr::JumpIfFalse(t) | Instr::JumpIfTrue(t)) = code.get_mut(j) {
                    *t = end;
                }
            }
        }
        Node::Not(a) => {
            emit(a, code);
            code.push(Instr::Not);
        }
        Node::Const(b) => code.push(Instr::Const(*b)),
        Node::Leaf(l) => code.push(Instr::Test(l.test.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// Subjects

/// The evaluation day with its calendar parts precomputed (ages are taken many times a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Day {
    pub(crate) date: NaiveDate,
    year: i32,
    md: u32,
}

impl Day {
    pub(crate) fn new(date: NaiveDate) -> Self {
        Day {
            date,
            year: date.year(),
            md: date.month() * 32 + date.day(),
        }
    }

    /// Whole years from a birth day packed by [`pack_birth`](super::index::pack_birth) (0: none).
    pub(crate) fn age_packed(self, birth: u32) -> Option<i64> {
        if birth == 0 {
            return None;
        }
        let (year, md) = ((birth >> 9) as i32 - 32768, birth & 511);
        if (year, md) > (self.year, self.md) {
            return None;
        }
        Some(i64::from(self.year - year - i32::from(self.md < md)))
    }

    /// Whole years from `birth` (its earliest possible day) to this day; `None` when born later
    /// ([`crate::stats::age_on`]).
    pub(crate) fn age(self, birth: PartialDate) -> Option<i64> {
        crate::stats::age_on(birth, self.date).map(i64::from)
    }
}

/// One of a member's other memberships, as `member_of(…)` and `count_memberships(…)` see it:
/// active on the evaluation day, in an organization other than the one being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipFact<'a> {
    /// The organization's id.
    pub org: &'a str,
    /// Its kind.
    pub kind: OrgKind,
    /// Its level.
    pub level: Level,
    /// The member's role there.
    pub role: Role,
    /// Its carrier, if any.
    pub carrier: Option<Carrier>,
    /// Its tongxinhui category, if any.
    pub category: Option<TongxinCategory>,
    /// Whether the member is a founding member there.
    pub founding: bool,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct EnterpriseFacts<'a> {
    pub(crate) enterprise: &'a Enterprise,
    pub(crate) valid: bool,
}

impl<'a> EnterpriseFacts<'a> {
    pub(crate) fn new(enterprise: &'a Enterprise) -> Self {
        Self::checked(enterprise, true)
    }

    /// With `check` false the code is not checked (and reads as invalid): for rules that do not
    /// read it.
    pub(crate) fn checked(enterprise: &'a Enterprise, check: bool) -> Self {
        EnterpriseFacts {
            enterprise,
            valid: check && CreditCode::parse(&enterprise.credit_code).is_ok(),
        }
    }

    fn category(&self) -> Option<&'a str> {
        self.valid
            .then(|| self.enterprise.credit_code.get(..2))
            .flatten()
    }
}

#[derive(Debug, Clone, Copy)]
enum Facts<'a> {
    None,
    Slice(&'a [MembershipFact<'a>]),
    Registry {
        reg: &'a Registry,
        records: &'a [u32],
        exclude: Option<OrgIdx>,
    },
    /// The records of a person by arena index, looked up only when a clause needs them.
    Person {
        reg: &'a Registry,
        person: u32,
        exclude: Option<OrgIdx>,
    },
}

/// Who a subject is.
#[derive(Debug, Clone, Copy)]
enum Who<'a> {
    Person(&'a Person),
    Enterprise(EnterpriseFacts<'a>),
    /// A row of a prepared [`PersonIndex`].
    Row(&'a PersonIndex<'a>, u32),
}

/// What an eligibility condition is evaluated on: a person or an enterprise, its other
/// memberships, and the day.
///
/// Building a subject is cheap (references only), except [`Subject::enterprise`] which checks
/// the credit code once.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    who: Who<'a>,
    facts: Facts<'a>,
    day: Day,
}

impl<'a> Subject<'a> {
    /// A person on a day, without other memberships.
    pub fn person(person: &'a Person, day: NaiveDate) -> Self {
        Self::person_on(person, Day::new(day))
    }

    pub(crate) fn person_on(person: &'a Person, day: Day) -> Self {
        Subject {
            who: Who::Person(person),
            facts: Facts::None,
            day,
        }
    }

    /// An enterprise on a day, without other memberships. Checks its credit code (GB 32100) once,
    /// here.
    pub fn enterprise(enterprise: &'a Enterprise, day: NaiveDate) -> Self {
        Self::enterprise_on(EnterpriseFacts::new(enterprise), Day::new(day))
    }

    pub(crate) fn enterprise_on(e: EnterpriseFacts<'a>, day: Day) -> Self {
        Subject {
            who: Who::Enterprise(e),
            facts: Facts::None,
            day,
        }
    }

    /// Row `i` (the person's arena index) of a prepared index; its other memberships are read
    /// from the registry when a clause needs them, excluding `exclude`.
    pub(crate) fn row(ix: &'a PersonIndex<'a>, i: u32, day: Day, exclude: Option<OrgIdx>) -> Self {
        Subject {
            who: Who::Row(ix, i),
            facts: Facts::Person {
                reg: ix.reg,
                person: i,
                exclude,
            },
            day,
        }
    }

    /// The member's other memberships: those active on the day, outside the organization being
    /// checked (the caller filters).
    pub fn with_memberships(mut self, facts: &'a [MembershipFact<'a>]) -> Self {
        self.facts = Facts::Slice(facts);
        self
    }

    /// Memberships read from the registry's records, filtered by day and organization as they
    /// are visited.
    pub(crate) fn with_records(
        mut self,
        reg: &'a Registry,
        records: &'a [u32],
        exclude: Option<OrgIdx>,
    ) -> Self {
        self.facts = Facts::Registry {
            reg,
            records,
            exclude,
        };
        self
    }

    /// The evaluation day.
    pub fn day(&self) -> NaiveDate {
        self.day.date
    }

    /// The person record, if the subject is a person.
    fn person_record(&self) -> Option<&'a Person> {
        match self.who {
            Who::Person(p) => Some(p),
            Who::Row(ix, i) => ix.person(i),
            Who::Enterprise(_) => None,
        }
    }

    /// Calls `f` on each other membership until it returns true; returns whether it did.
    fn any_fact(&self, mut f: impl FnMut(&MembershipFact<'_>) -> bool) -> bool {
        let (reg, records, exclude) = match self.facts {
            Facts::None => return false,
            Facts::Slice(s) => return s.iter().any(f),
            Facts::Registry {
                reg,
                records,
                exclude,
            } => (reg, records, exclude),
            Facts::Person {
                reg,
                person,
                exclude,
            } => match reg.person_membership_lists().get(person as usize) {
                Some(list) => (reg, list.as_slice(), exclude),
                None => return false,
            },
        };
        records.iter().any(|&i| {
            let m = reg.membership_record(i);
            if !m.active_on(self.day.date) || Some(m.org) == exclude {
                return false;
            }
            let Some(o) = reg.organization_at(m.org) else {
                return false;
            };
            f(&MembershipFact {
                org: &o.id,
                kind: o.kind,
                level: o.level,
                role: m.role,
                carrier: o.carrier,
                category: o.category,
                founding: m.founding,
            })
        })
    }

    fn count_facts(&self, mut f: impl FnMut(&MembershipFact<'_>) -> bool) -> i64 {
        let mut n = 0;
        self.any_fact(|m| {
            if f(m) {
                n += 1;
            }
            false
        });
        n
    }
}

fn post_held(p: &Person, body: Option<PoliticalBody>, day: NaiveDate) -> u8 {
    u8::from(p.political_posts.iter().any(|post| {
        body.is_none_or(|b| post.body == b) && post.held_on(day) == Certainty::Certainly
    }))
}

/// Read access to the fields of what a program runs on.
trait Fields {
    fn index(&self, f: Field) -> Option<u8>;
    fn int(&self, f: Field) -> Option<i64>;
    fn text(&self, f: Field) -> Option<&str>;
    /// The text with its first eight bytes as [`prefix8`] computes them.
    #[inline]
    fn text_keyed(&self, f: Field) -> Option<(&str, u64)> {
        self.text(f).map(|t| (t, prefix8(t)))
    }
    fn date(&self, f: Field) -> Option<NaiveDate>;
    fn present(&self, f: Field) -> bool;
}

#[inline]
fn person_index(p: &Person, f: Field, day: NaiveDate) -> Option<u8> {
    match f {
        Field::Party => Some(p.party.index() as u8),
        Field::Title => Some(p.title.index() as u8),
        Field::Stratum => Some(p.stratum.index() as u8),
        Field::Sex => p.sex.map(|s| s.index() as u8),
        Field::Education => p.education.map(|s| s.index() as u8),
        Field::ReturnedOverseas => Some(u8::from(p.returned_overseas)),
        Field::PoliticalPost => Some(post_held(p, None, day)),
        Field::NpcDeputy => Some(post_held(p, Some(PoliticalBody::Npc), day)),
        Field::CppccMember => Some(post_held(p, Some(PoliticalBody::Cppcc), day)),
        Field::DemocraticParty => Some(u8::from(p.party.is_democratic_party())),
        Field::Enterprise => Some(0),
        _ => None,
    }
}

#[inline]
fn row_index(ix: &PersonIndex<'_>, i: u32, f: Field, day: NaiveDate) -> Option<u8> {
    match f {
        Field::Party => PersonIndex::byte(&ix.cols.party, i),
        Field::Title => PersonIndex::byte(&ix.cols.title, i),
        Field::Stratum => PersonIndex::byte(&ix.cols.stratum, i),
        Field::Sex => PersonIndex::byte(&ix.cols.sex, i),
        Field::Education => PersonIndex::byte(&ix.cols.education, i),
        Field::ReturnedOverseas => ix.returned(i).map(u8::from),
        Field::PoliticalPost => ix.post_held(i, None, day),
        Field::NpcDeputy => ix.post_held(i, Some(PoliticalBody::Npc), day),
        Field::CppccMember => ix.post_held(i, Some(PoliticalBody::Cppcc), day),
        Field::DemocraticParty => PersonIndex::byte(&ix.cols.party, i)
            .and_then(|p| Party::ALL.get(p as usize))
            .map(|p| u8::from(p.is_democratic_party())),
        Field::Enterprise => Some(0),
        _ => None,
    }
}

impl Fields for Subject<'_> {
    #[inline]
    fn index(&self, f: Field) -> Option<u8> {
        match self.who {
            Who::Person(p) => person_index(p, f, self.day.date),
            Who::Row(ix, i) => row_index(ix, i, f, self.day.date),
            Who::Enterprise(e) => match f {
                Field::Enterprise => Some(1),
                Field::CreditCodeValid => Some(u8::from(e.valid)),
                _ => None,
            },
        }
    }

    #[inline]
    fn int(&self, f: Field) -> Option<i64> {
        match (f, self.who) {
            (Field::Age, Who::Person(p)) => p.birth.and_then(|b| self.day.age(b)),
            (Field::Age, Who::Row(ix, i)) => ix
                .cols
                .birth
                .get(i as usize)
                .and_then(|&b| self.day.age_packed(b)),
            _ => None,
        }
    }

    #[inline]
    fn text(&self, f: Field) -> Option<&str> {
        match self.who {
            Who::Person(p) => match f {
                Field::Ethnicity => p.ethnicity.as_deref(),
                Field::Employer => p.employer.as_deref(),
                Field::Profession => p.profession.as_deref(),
                _ => None,
            },
            Who::Row(ix, i) => match f {
                Field::Ethnicity => ix.text(&ix.cols.ethnicity, i),
                Field::Employer => ix.text(&ix.cols.employer, i),
                Field::Profession => ix.text(&ix.cols.profession, i),
                _ => None,
            },
            Who::Enterprise(e) => match f {
                Field::CreditCategory => e.category(),
                _ => None,
            },
        }
    }

    #[inline]
    fn text_keyed(&self, f: Field) -> Option<(&str, u64)> {
        match self.who {
            Who::Row(ix, i) => match f {
                Field::Ethnicity => ix.text_keyed(&ix.cols.ethnicity, i),
                Field::Employer => ix.text_keyed(&ix.cols.employer, i),
                Field::Profession => ix.text_keyed(&ix.cols.profession, i),
                _ => None,
            },
            _ => self.text(f).map(|t| (t, prefix8(t))),
        }
    }

    #[inline]
    fn date(&self, f: Field) -> Option<NaiveDate> {
        match (f, self.who) {
            (Field::Birth, Who::Person(p)) => p.birth.map(|b| b.earliest()),
            (Field::Birth, Who::Row(ix, i)) => ix.cols.birth.get(i as usize).and_then(|&b| {
                NaiveDate::from_ymd_opt((b >> 9) as i32 - 32768, (b >> 5) & 15, b & 31)
            }),
            _ => None,
        }
    }

    fn present(&self, f: Field) -> bool {
        match (f, self.who) {
            (Field::ResidentId, Who::Person(p)) => p.resident_id.is_some(),
            (Field::ResidentId, Who::Row(ix, i)) => ix.resident_id(i),
            (Field::ResidentId, Who::Enterprise(_)) => false,
            _ => {
                self.index(f).is_some()
                    || self.int(f).is_some()
                    || self.text(f).is_some()
                    || self.date(f).is_some()
            }
        }
    }
}

impl Fields for MembershipFact<'_> {
    #[inline]
    fn index(&self, f: Field) -> Option<u8> {
        match f {
            Field::Kind => Some(self.kind.index() as u8),
            Field::Level => Some(self.level.index() as u8),
            Field::Role => Some(self.role.index() as u8),
            Field::Carrier => self.carrier.map(|c| c.index() as u8),
            Field::Category => self.category.map(|c| c.index() as u8),
            Field::Founding => Some(u8::from(self.founding)),
            _ => None,
        }
    }
    fn int(&self, _: Field) -> Option<i64> {
        None
    }
    fn text(&self, f: Field) -> Option<&str> {
        match f {
            Field::Org => Some(self.org),
            _ => None,
        }
    }
    fn date(&self, _: Field) -> Option<NaiveDate> {
        None
    }
    fn present(&self, f: Field) -> bool {
        self.index(f).is_some() || self.text(f).is_some()
    }
}

/// Row `i` of a prepared index as a subject, with its own field access (no dispatch on the kind
/// of subject): what [`candidates_indexed`](super::candidates_indexed) evaluates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowRef<'a> {
    pub(crate) ix: &'a PersonIndex<'a>,
    pub(crate) i: u32,
    pub(crate) day: Day,
    pub(crate) exclude: Option<OrgIdx>,
}

impl RowRef<'_> {
    fn subject(&self) -> Subject<'_> {
        Subject::row(self.ix, self.i, self.day, self.exclude)
    }
}

impl Fields for RowRef<'_> {
    #[inline]
    fn index(&self, f: Field) -> Option<u8> {
        row_index(self.ix, self.i, f, self.day.date)
    }
    #[inline]
    fn int(&self, f: Field) -> Option<i64> {
        match f {
            Field::Age => self
                .ix
                .cols
                .birth
                .get(self.i as usize)
                .and_then(|&b| self.day.age_packed(b)),
            _ => None,
        }
    }
    #[inline]
    fn text(&self, f: Field) -> Option<&str> {
        self.text_keyed(f).map(|(t, _)| t)
    }
    #[inline]
    fn text_keyed(&self, f: Field) -> Option<(&str, u64)> {
        let ix = self.ix;
        match f {
            Field::Ethnicity => ix.text_keyed(&ix.cols.ethnicity, self.i),
            Field::Employer => ix.text_keyed(&ix.cols.employer, self.i),
            Field::Profession => ix.text_keyed(&ix.cols.profession, self.i),
            _ => None,
        }
    }
    fn date(&self, f: Field) -> Option<NaiveDate> {
        self.subject().date(f)
    }
    fn present(&self, f: Field) -> bool {
        self.subject().present(f)
    }
}

impl Target for RowRef<'_> {
    #[inline]
    fn test(&self, t: &Test, c: &Condition) -> bool {
        match basic(t, self) {
            Some(b) => b,
            None => self.subject().test(t, c),
        }
    }
}

/// The active members of an organization, for composition conditions.
pub trait Members {
    /// Number of members.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Calls `f` on each member.
    fn for_each(&self, f: &mut dyn FnMut(&Subject<'_>));
}

impl Members for &[Subject<'_>] {
    fn len(&self) -> usize {
        <[Subject<'_>]>::len(self)
    }
    fn for_each(&self, f: &mut dyn FnMut(&Subject<'_>)) {
        for s in self.iter() {
            f(s);
        }
    }
}

impl Members for Vec<Subject<'_>> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn for_each(&self, f: &mut dyn FnMut(&Subject<'_>)) {
        for s in self {
            f(s);
        }
    }
}

/// The mask bit of a vocabulary index (vocabularies have fewer than 64 values; an index beyond
/// matches nothing).
#[inline]
pub(crate) fn bit(i: u8) -> u64 {
    u64::from(i < 64) << (i & 63)
}

/// Evaluates the basic (non-aggregate) tests; `None` for aggregates.
#[inline]
fn basic<F: Fields + ?Sized>(t: &Test, x: &F) -> Option<bool> {
    Some(match t {
        Test::Mask { field, mask } => x.index(*field).is_some_and(|i| mask & bit(i) != 0),
        Test::Int { field, op, value } => x.int(*field).is_some_and(|v| op.test(v, *value)),
        Test::IntIn { field, values } => x.int(*field).is_some_and(|v| values.contains(&v)),
        Test::Str {
            field,
            values,
            negate,
        } => x
            .text_keyed(*field)
            .is_some_and(|(v, head)| values.contains_keyed(v, head) != *negate),
        Test::Date { field, op, value } => x.date(*field).is_some_and(|v| op.test(v, *value)),
        Test::DateIn { field, values } => x.date(*field).is_some_and(|v| values.contains(&v)),
        Test::Present { field } => x.present(*field),
        _ => return None,
    })
}

pub(crate) trait Target {
    fn test(&self, t: &Test, c: &Condition) -> bool;
}

impl Target for Subject<'_> {
    #[inline]
    fn test(&self, t: &Test, c: &Condition) -> bool {
        if let Some(b) = basic(t, self) {
            return b;
        }
        match t {
            Test::MemberOf { sub } => {
                let code = c.sub(*sub);
                self.any_fact(|m| run(code, m, c))
            }
            Test::CountMemberships { sub, op, value } => {
                let code = c.sub(*sub);
                op.test(self.count_facts(|m| run(code, m, c)), *value)
            }
            // A lone subject has no members: counts are 0 and ratios vacuous.
            Test::Count { op, value, .. } => op.test(0, *value),
            _ => true,
        }
    }
}

impl Target for MembershipFact<'_> {
    #[inline]
    fn test(&self, t: &Test, _: &Condition) -> bool {
        basic(t, self).unwrap_or(false)
    }
}

struct Org<'m>(&'m dyn Members);

impl Org<'_> {
    /// Members matching a sub-program, and all members.
    fn tally(&self, sub: u32, c: &Condition) -> (i64, i64) {
        let code = c.sub(sub);
        let mut k = 0;
        self.0.for_each(&mut |s| {
            if run(code, s, c) {
                k += 1;
            }
        });
        (k, self.0.len() as i64)
    }
}

fn ratio_holds(k: i64, n: i64, op: CmpOp, value: f64) -> bool {
    n == 0 || op.test(k as f64 / n as f64, value)
}

impl Target for Org<'_> {
    fn test(&self, t: &Test, c: &Condition) -> bool {
        match t {
            Test::Count { sub, op, value } => op.test(self.tally(*sub, c).0, *value),
            Test::Ratio { sub, op, value } => {
                let (k, n) = self.tally(*sub, c);
                ratio_holds(k, n, *op, *value)
            }
            _ => false,
        }
    }
}

/// Runs a flat program: one boolean register, forward jumps only, no allocation.
#[inline]
fn run<T: Target + ?Sized>(code: &[Instr], target: &T, c: &Condition) -> bool {
    let mut acc = false;
    let mut pc = 0usize;
    while let Some(ins) = code.get(pc) {
        match ins {
            Instr::Test(t) => acc = target.test(t, c),
            Instr::Const(b) => acc = *b,
            Instr::Not => acc = !acc,
            Instr::JumpIfFalse(to) => {
                if !acc {
                    pc = *to as usize;
                    continue;
                }
            }
            Instr::JumpIfTrue(to) => {
                if acc {
                    pc = *to as usize;
                    continue;
                }
            }
        }
        pc += 1;
    }
    acc
}

impl Condition {
    /// The context it was compiled for.
    pub fn context(&self) -> Context {
        self.context
    }

    /// The expression it was compiled from.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The resolved tree (what explanations and column-at-a-time evaluation walk).
    pub(crate) fn tree(&self) -> &Node {
        &self.tree
    }

    /// Number of instructions of the main program (for the curious and the benchmarks).
    pub fn instructions(&self) -> usize {
        self.code.len()
    }

    /// Whether the condition reads an enterprise's credit code (so that subjects need it checked).
    pub(crate) fn reads_credit(&self) -> bool {
        std::iter::once(&self.code)
            .chain(&self.subs)
            .flatten()
            .any(|i| match i {
                Instr::Test(
                    Test::Mask { field, .. } | Test::Str { field, .. } | Test::Present { field },
                ) => matches!(field, Field::CreditCodeValid | Field::CreditCategory),
                _ => false,
            })
    }

    fn sub(&self, i: u32) -> &[Instr] {
        self.subs.get(i as usize).map_or(&[], Vec::as_slice)
    }

    /// Evaluates a member condition on a subject. Allocates nothing.
    ///
    /// Attributes the subject lacks (an optional field left empty, a person's field asked of an
    /// enterprise) make every comparison on them false; `has(…)` tests for them. A composition
    /// condition evaluated on one subject sees no members (counts 0, ratios hold).
    #[inline]
    pub fn eval(&self, subject: &Subject<'_>) -> bool {
        match (subject.who, subject.facts) {
            // Index rows read their columns directly (no dispatch on the kind of subject).
            (Who::Row(ix, i), Facts::Person { exclude, .. }) => self.eval_row(&RowRef {
                ix,
                i,
                day: subject.day,
                exclude,
            }),
            _ => run(&self.code, subject, self),
        }
    }

    /// [`Self::eval`] on an index row.
    #[inline]
    pub(crate) fn eval_row(&self, row: &RowRef<'_>) -> bool {
        run(&self.code, row, self)
    }

    /// Evaluates a composition condition on an organization's members. Allocates nothing
    /// itself; a ratio over no members holds.
    pub fn eval_members(&self, members: &dyn Members) -> bool {
        run(&self.code, &Org(members), self)
    }

    /// Evaluates a member condition clause by clause, every clause included, and explains it.
    pub fn explain(&self, subject: &Subject<'_>) -> Explanation {
        let mut clauses = Vec::new();
        let passed = self.walk(&self.tree, &Explain::Subject(subject), false, &mut clauses);
        Explanation { passed, clauses }
    }

    /// Evaluates a composition condition on an organization's members, clause by clause.
    pub fn explain_members(&self, members: &dyn Members) -> Explanation {
        let mut clauses = Vec::new();
        let passed = self.walk(&self.tree, &Explain::Org(Org(members)), false, &mut clauses);
        Explanation { passed, clauses }
    }

    fn walk(&self, n: &Node, x: &Explain<'_>, neg: bool, out: &mut Vec<ClauseOutcome>) -> bool {
        match n {
            Node::And(args) => {
                // Every clause is evaluated (no short circuit): explanations list them all.
                let mut all = true;
                for a in args {
                    all &= self.walk(a, x, neg, out);
                }
                all
            }
            Node::Or(args) => {
                let mut any = false;
                for a in args {
                    any |= self.walk(a, x, neg, out);
                }
                any
            }
            Node::Not(a) => !self.walk(a, x, !neg, out),
            Node::Const(b) => *b,
            Node::Leaf(l) => {
                let (value, seen) = match x {
                    Explain::Subject(s) => (s.test(&l.test, self), self.seen(l, s)),
                    Explain::Org(o) => (o.test(&l.test, self), self.seen_org(l, o)),
                };
                out.push(render(l, &seen, value != neg, neg));
                value
            }
        }
    }

    fn seen(&self, l: &Leaf, s: &Subject<'_>) -> Seen {
        match &l.shape {
            Shape::Cmp { attr, .. } | Shape::In { attr, .. } | Shape::Bool { attr } => {
                seen_field(attr, s)
            }
            Shape::Has { attr } => Seen::Recorded(s.present(attr.field)),
            Shape::MemberOf { .. } | Shape::CountMemberships { .. } => match &l.test {
                Test::MemberOf { sub } | Test::CountMemberships { sub, .. } => {
                    let code = self.sub(*sub);
                    Seen::Count(s.count_facts(|m| run(code, m, self)), None)
                }
                _ => Seen::Missing,
            },
            Shape::Count { .. } => Seen::Count(0, Some(0)),
            Shape::Ratio { .. } => Seen::Count(0, Some(0)),
        }
    }

    fn seen_org(&self, l: &Leaf, o: &Org<'_>) -> Seen {
        match &l.test {
            Test::Count { sub, .. } | Test::Ratio { sub, .. } => {
                let (k, n) = o.tally(*sub, self);
                Seen::Count(k, Some(n))
            }
            _ => Seen::Missing,
        }
    }
}

enum Explain<'a> {
    Subject(&'a Subject<'a>),
    Org(Org<'a>),
}

/// The value a clause saw.
enum Seen {
    Missing,
    Index(Vocab, u8),
    Int(i64),
    Text(String),
    Date(String),
    Recorded(bool),
    /// Matching count and, for composition, the number of members.
    Count(i64, Option<i64>),
}

fn seen_field(a: &Attr, s: &Subject<'_>) -> Seen {
    match a.ty {
        Ty::Enum(v) => s
            .index(a.field)
            .map_or(Seen::Missing, |i| Seen::Index(v, i)),
        Ty::Int => s.int(a.field).map_or(Seen::Missing, Seen::Int),
        Ty::Str => s
            .text(a.field)
            .map_or(Seen::Missing, |t| Seen::Text(truncate(t, 64))),
        Ty::Date => match (a.field, s.person_record().and_then(|p| p.birth)) {
            (Field::Birth, Some(b)) => Seen::Date(b.to_string()),
            _ => Seen::Missing,
        },
        Ty::Sensitive => Seen::Recorded(s.present(a.field)),
    }
}

/// The outcome of one clause (a leaf of the expression) in an explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseOutcome {
    /// The clause as text, e.g. `party != cpc`.
    pub clause: String,
    /// Whether the clause holds as it stands in the rule (a clause under `not` passes when its
    /// own test fails).
    pub passed: bool,
    /// The value seen, in English (`cpc`, `45`, `not recorded`, `3 of 5`).
    pub seen: String,
    /// One line in Chinese, e.g. `党派 = 中共党员，要求 ≠ 中共党员 ✗`.
    pub zh: String,
    /// One line in English, e.g. `party is cpc, required not cpc ✗`.
    pub en: String,
}

/// Every clause's outcome of one evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// Whether the whole condition holds.
    pub passed: bool,
    /// Every clause, in the order written.
    pub clauses: Vec<ClauseOutcome>,
}

impl Explanation {
    /// The clauses in Chinese, joined by `；`.
    pub fn zh(&self) -> String {
        self.clauses
            .iter()
            .map(|c| c.zh.as_str())
            .collect::<Vec<_>>()
            .join("；")
    }

    /// The clauses in English, joined by `; `.
    pub fn en(&self) -> String {
        self.clauses
            .iter()
            .map(|c| c.en.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn op_en(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "",
        CmpOp::Ne => "not ",
        CmpOp::Lt => "below ",
        CmpOp::Le => "at most ",
        CmpOp::Gt => "above ",
        CmpOp::Ge => "at least ",
    }
}

fn op_zh(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "≠",
        CmpOp::Lt => "<",
        CmpOp::Le => "≤",
        CmpOp::Gt => ">",
        CmpOp::Ge => "≥",
    }
}

/// A share as a percentage: `60%`, `45.5%`.
pub(crate) fn percent(x: f64) -> String {
    let p = (x * 1000.0).round() / 10.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

fn seen_text(s: &Seen) -> (String, String) {
    match s {
        Seen::Missing => ("not recorded".into(), "未登记".into()),
        Seen::Index(v, i) => (v.en(*i).into(), v.zh(*i).into()),
        Seen::Int(i) => (i.to_string(), i.to_string()),
        Seen::Text(t) => (quote(t), t.clone()),
        Seen::Date(d) => (d.clone(), d.clone()),
        Seen::Recorded(true) => ("recorded".into(), "已登记".into()),
        Seen::Recorded(false) => ("not recorded".into(), "未登记".into()),
        Seen::Count(k, None) => (k.to_string(), k.to_string()),
        Seen::Count(k, Some(n)) => (format!("{k} of {n}"), format!("{k}/{n}")),
    }
}

fn render(l: &Leaf, seen: &Seen, passed: bool, neg: bool) -> ClauseOutcome {
    let mark = if passed { "✓" } else { "✗" };
    let (s_en, s_zh) = seen_text(seen);
    let (en, zh) = match &l.shape {
        Shape::Cmp { attr, op, en, zh } => {
            let op = if neg { op.negated() } else { *op };
            (
                format!("{} is {s_en}, required {}{en} {mark}", attr.name, op_en(op)),
                format!("{} = {s_zh}，要求 {} {zh} {mark}", attr.zh, op_zh(op)),
            )
        }
        Shape::In { attr, en, zh } => (
            format!(
                "{} is {s_en}, required {} {} {mark}",
                attr.name,
                if neg { "none of" } else { "one of" },
                en.join(", ")
            ),
            format!(
                "{} = {s_zh}，要求 {} {} {mark}",
                attr.zh,
                if neg { "不属于" } else { "属于" },
                zh.join("、")
            ),
        ),
        Shape::Bool { attr } => (
            format!("{} is {s_en}, required {} {mark}", attr.name, !neg),
            format!(
                "{} = {s_zh}，要求 {} {mark}",
                attr.zh,
                if neg { "否" } else { "是" }
            ),
        ),
        Shape::Has { attr } => (
            format!(
                "{} is {s_en}, required {} {mark}",
                attr.name,
                if neg { "not recorded" } else { "recorded" }
            ),
            format!(
                "{}：{s_zh}，要求 {} {mark}",
                attr.zh,
                if neg { "未登记" } else { "已登记" }
            ),
        ),
        Shape::MemberOf { pred } => (
            format!(
                "memberships elsewhere matching {pred}: {s_en}, required {} {mark}",
                if neg { "none" } else { "at least one" }
            ),
            format!(
                "其他组织中符合 {pred} 的任职：{s_zh} 个，要求 {} {mark}",
                if neg { "0 个" } else { "至少 1 个" }
            ),
        ),
        Shape::CountMemberships { pred, op, value } => {
            let op = if neg { op.negated() } else { *op };
            (
                format!(
                    "count_memberships({pred}) is {s_en}, required {}{value} {mark}",
                    op_en(op)
                ),
                format!(
                    "其他组织中符合 {pred} 的任职数 = {s_zh}，要求 {} {value} {mark}",
                    op_zh(op)
                ),
            )
        }
        Shape::Count { pred, op, value } => {
            let op = if neg { op.negated() } else { *op };
            let (k, n) = match seen {
                Seen::Count(k, n) => (*k, n.unwrap_or(0)),
                _ => (0, 0),
            };
            (
                format!(
                    "count({pred}) is {k} of {n} members, required {}{value} {mark}",
                    op_en(op)
                ),
                format!(
                    "符合 {pred} 的会员 = {k} 人（共 {n} 人），要求 {} {value} {mark}",
                    op_zh(op)
                ),
            )
        }
        Shape::Ratio { pred, op, value } => {
            let op = if neg { op.negated() } else { *op };
            match seen {
                Seen::Count(k, Some(n)) if *n > 0 => {
                    let r = percent(*k as f64 / *n as f64);
                    (
                        format!(
                            "ratio({pred}) is {r} ({k} of {n}), required {}{} {mark}",
                            op_en(op),
                            percent(*value)
                        ),
                        format!(
                            "符合 {pred} 的会员比例 = {r}（{k}/{n}），要求 {} {} {mark}",
                            op_zh(op),
                            percent(*value)
                        ),
                    )
                }
                _ => (
                    format!("ratio({pred}): no active members, not applicable {mark}"),
                    format!("符合 {pred} 的会员比例：无在册会员，不适用 {mark}"),
                ),
            }
        }
    };
    ClauseOutcome {
        clause: l.clause.clone(),
        passed,
        seen: s_en,
        zh,
        en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::syntax::parse;

    fn person() -> Person {
        Person {
            id: "p".into(),
            name: None,
            sex: None,
            birth: Some("1980-05-20".parse().unwrap()),
            ethnicity: None,
            party: Party::Cpc,
            title: Title::Senior,
            stratum: Stratum::None,
            education: None,
            returned_overseas: false,
            employer: None,
            profession: Some("律师".into()),
            resident_id: None,
            political_posts: vec![],
        }
    }

    #[test]
    fn masks_encode_orders() {
        let c = compile(&parse("title >= intermediate").unwrap(), Context::Member).unwrap();
        assert_eq!(
            c.code,
            vec![Instr::Test(Test::Mask {
                field: Field::Title,
                mask: 0b11100
            })]
        );
        let c = compile(&parse("a_b").unwrap(), Context::Member);
        assert!(c.is_err());
    }

    #[test]
    fn jumps_short_circuit() {
        let c = compile(
            &parse("party == cpc and (title == senior or age < 10)").unwrap(),
            Context::Member,
        )
        .unwrap();
        assert!(matches!(c.code[1], Instr::JumpIfFalse(5)));
        assert!(matches!(c.code[3], Instr::JumpIfTrue(5)));
        let p = person();
        let s = Subject::person(&p, "2024-01-01".parse().unwrap());
        assert!(c.eval(&s));
        assert_eq!(c.explain(&s).clauses.len(), 3);
    }

    #[test]
    fn percent_formats() {
        assert_eq!(percent(0.6), "60%");
        assert_eq!(percent(0.455), "45.5%");
        assert_eq!(percent(1.0), "100%");
    }
}

//! The rule language's two forms — text and JSON AST — and the conversions between them.
//!
//! [`parse`] reads text into an [`Expr`]; `Expr`'s [`Display`](fmt::Display) writes it back as
//! text; serde reads and writes the AST as JSON objects tagged by `"op"`. Parsing what the printer
//! wrote gives back an equal `Expr` (positions aside).

use super::error::RuleError;
use super::{MAX_NESTING, MAX_TEXT_LEN};
use crate::date::PartialDate;
use crate::tagged::tagged_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A place in a rule text: 1-based line and column (columns count characters).
///
/// Positions are kept on parsed ASTs so that compile errors can point into the text; they are not
/// part of the JSON form and **equality ignores them**, so that a parsed expression equals the
/// same expression read from JSON. Line 0 means "unknown".
#[derive(Debug, Clone, Copy, Default)]
pub struct Pos {
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
}

impl Pos {
    /// Line and column, when known.
    pub fn known(self) -> Option<(u32, u32)> {
        (self.line > 0).then_some((self.line, self.column))
    }
}

impl PartialEq for Pos {
    /// Always true: positions are not part of an expression's meaning.
    fn eq(&self, _: &Pos) -> bool {
        true
    }
}

impl fmt::Display for Pos {
    /// `line L, column C: ` when known, nothing otherwise (a prefix for messages).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.known() {
            Some((l, c)) => write!(f, "line {l}, column {c}: "),
            None => Ok(()),
        }
    }
}

/// A comparison operator. In JSON it is its symbol, e.g. `">="`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CmpOp {
    /// `==`
    #[serde(rename = "==")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
}

impl CmpOp {
    /// Every operator.
    pub const ALL: &'static [CmpOp] = &[
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ];

    /// The symbol.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Whether the operator needs an order (`<`, `<=`, `>`, `>=`).
    pub fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    /// The operator that is true exactly when this one is false.
    pub fn negated(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }

    /// Applies the operator to two ordered values.
    pub fn test<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A literal value. In JSON a one-key object naming its type: `{"int":60}`, `{"num":0.6}`,
/// `{"str":"律师"}`, `{"bool":true}`, `{"date":"2024-01-01"}`, `{"name":"cpc"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// An integer: `60`, `-1`.
    Int(i64),
    /// A decimal number: `0.6`.
    Num(f64),
    /// A string: `"律师"`.
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// A day: `date("2024-01-01")`.
    Date(#[serde(with = "crate::date::day")] NaiveDate),
    /// A bare name, resolved in the vocabulary of the attribute it is compared with: `cpc`.
    Name(String),
}

impl Value {
    /// What kind of value this is, for messages: "an integer", "a string", …
    pub fn describe(&self) -> String {
        match self {
            Value::Int(i) => format!("the integer {i}"),
            Value::Num(n) => format!("the number {}", format_num(*n)),
            Value::Str(s) => format!("the string {}", quote(s)),
            Value::Bool(b) => format!("the boolean {b}"),
            Value::Date(d) => format!("the date {d}"),
            Value::Name(n) => format!("the name `{n}`"),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Num(n) => f.write_str(&format_num(*n)),
            Value::Str(s) => f.write_str(&quote(s)),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Date(d) => write!(f, "date(\"{d}\")"),
            Value::Name(n) => f.write_str(n),
        }
    }
}

/// A decimal as text that reads back as a decimal (always with a `.`, never an exponent).
pub(crate) fn format_num(n: f64) -> String {
    let mut s = format!("{n}");
    if n.is_finite() && !s.contains('.') {
        s.push_str(".0");
    }
    s
}

/// A string literal with the escapes the lexer reads.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A [`Value`] with the place it was written (serialized as the bare value).
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    /// The value.
    pub value: Value,
    /// Where it was written (ignored by equality and serde).
    pub at: Pos,
}

impl Literal {
    /// A literal without a position.
    pub fn new(value: Value) -> Self {
        Literal {
            value,
            at: Pos::default(),
        }
    }
}

impl Serialize for Literal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Literal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(Literal::new)
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

tagged_enum! {
    #[serde(tag = "op", rename_all = "snake_case")]
    #[wire(ExprWire)]
    /// A rule expression: the AST shared by the text and JSON forms.
    ///
    /// In JSON each node is an object tagged by `"op"`:
    ///
    /// ```json
    /// {"op":"and","args":[
    ///   {"op":"cmp","attr":"party","cmp":"!=","value":{"name":"cpc"}},
    ///   {"op":"or","args":[
    ///     {"op":"cmp","attr":"title","cmp":">=","value":{"name":"intermediate"}},
    ///     {"op":"in","attr":"profession","values":[{"str":"律师"},{"str":"医生"}]}]}]}
    /// ```
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub enum Expr {
        /// All of the arguments hold (`a and b and c`); true when there are none.
        And {
            /// The operands.
            args: Vec<Expr>,
        },
        /// At least one argument holds (`a or b`); false when there are none.
        Or {
            /// The operands.
            args: Vec<Expr>,
        },
        /// The argument does not hold (`not a`).
        Not {
            /// The operand.
            arg: Box<Expr>,
        },
        /// `true` or `false`.
        Const {
            /// The value.
            value: bool,
        },
        /// A boolean attribute on its own: `returned_overseas`.
        Attr {
            /// The attribute.
            attr: String,
            /// Where (not serialized).
            #[serde(skip)]
            at: Pos,
        },
        /// The attribute has a value: `has(education)`.
        Has {
            /// The attribute.
            attr: String,
            /// Where (not serialized).
            #[serde(skip)]
            at: Pos,
        },
        /// A comparison: `title >= intermediate`.
        Cmp {
            /// The attribute.
            attr: String,
            /// The operator.
            cmp: CmpOp,
            /// The value compared with.
            value: Literal,
            /// Where (not serialized).
            #[serde(skip)]
            at: Pos,
        },
        /// Membership in a list: `stratum in [freelancer, new_media]`.
        In {
            /// The attribute.
            attr: String,
            /// The accepted values.
            values: Vec<Literal>,
            /// Where (not serialized).
            #[serde(skip)]
            at: Pos,
        },
        /// The member has an active membership elsewhere matching the predicate:
        /// `member_of(kind == party_branch)`.
        MemberOf {
            /// Predicate over the other membership and its organization.
            pred: Box<Expr>,
            /// Where (not serialized).
            #[serde(skip)]
            at: Pos,
        },
        /// The number of the member's active memberships elsewhere matching the predicate, compared:
        /// `count_memberships(role == president) < 2`.
        CountMemberships {
            /// Predicate over the other membership and its organization.
            pred: Box<Expr>,
            /// The operator.
            cmp: CmpOp,
            /// The number compared with.
            value: i64,
            /// Where (not serialized).
            #[serde(skip)]
            at: Pos,
        },
        /// Composition: the number of the organization's active members matching the predicate:
        /// `count(party == cpc) <= 10`.
        Count {
            /// Predicate over a member.
            pred: Box<Expr>,
            /// The operator.
            cmp: CmpOp,
            /// The number compared with.
            value: i64,
            /// Where (not serialized).
            #[serde(skip)]
            at: Pos,
        },
        /// Composition: the share of the organization's active members matching the predicate:
        /// `ratio(title >= intermediate) >= 0.6`.
        Ratio {
            /// Predicate over a member.
            pred: Box<Expr>,
            /// The operator.
            cmp: CmpOp,
            /// The share compared with, between 0 and 1.
            value: f64,
            /// Where (not serialized).
            #[serde(skip)]
            at: Pos,
        },
    }
}

impl Expr {
    /// Reads the text form; same as [`parse`].
    pub fn parse(text: &str) -> Result<Expr, RuleError> {
        parse(text)
    }

    /// Reads the JSON AST form.
    pub fn from_json(json: &str) -> Result<Expr, RuleError> {
        crate::json_read::from_str(json).map_err(|e| RuleError::json(&e))
    }

    /// Writes the JSON AST form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Writes the text form (same as `to_string()`).
    pub fn to_text(&self) -> String {
        self.to_string()
    }

    /// The same condition as the parser builds it from its text form: an `and` or `or` of one
    /// argument is that argument, of none the constant it stands for (`true`, `false`), at
    /// every depth. (The text form writes them so; an AST read from JSON may spell them out.)
    pub fn normalized(self) -> Expr {
        let all =
            |args: Vec<Expr>| -> Vec<Expr> { args.into_iter().map(Expr::normalized).collect() };
        let one = |arg: Box<Expr>| Box::new(arg.normalized());
        match self {
            Expr::And { args } => match <[Expr; 1]>::try_from(all(args)) {
                Ok([only]) => only,
                Err(args) if args.is_empty() => Expr::Const { value: true },
                Err(args) => Expr::And { args },
            },
            Expr::Or { args } => match <[Expr; 1]>::try_from(all(args)) {
                Ok([only]) => only,
                Err(args) if args.is_empty() => Expr::Const { value: false },
                Err(args) => Expr::Or { args },
            },
            Expr::Not { arg } => Expr::Not { arg: one(arg) },
            Expr::MemberOf { pred, at } => Expr::MemberOf {
                pred: one(pred),
                at,
            },
            Expr::CountMemberships {
                pred,
                cmp,
                value,
                at,
            } => Expr::CountMemberships {
                pred: one(pred),
                cmp,
                value,
                at,
            },
            Expr::Count {
                pred,
                cmp,
                value,
                at,
            } => Expr::Count {
                pred: one(pred),
                cmp,
                value,
                at,
            },
            Expr::Ratio {
                pred,
                cmp,
                value,
                at,
            } => Expr::Ratio {
                pred: one(pred),
                cmp,
                value,
                at,
            },
            other => other,
        }
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
        if depth > 4 * MAX_NESTING {
            // Deeper than anything the compiler accepts: do not recurse further.
            return f.write_str("…");
        }
        let group = |e: &Expr, wrap: bool, f: &mut fmt::Formatter<'_>| -> fmt::Result {
            if wrap {
                f.write_str("(")?;
                e.write(f, depth + 1)?;
                f.write_str(")")
            } else {
                e.write(f, depth + 1)
            }
        };
        match self {
            Expr::And { args } | Expr::Or { args } if args.is_empty() => {
                f.write_str(if matches!(self, Expr::And { .. }) {
                    "true"
                } else {
                    "false"
                })
            }
            Expr::And { args } => {
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" and ")?;
                    }
                    group(a, matches!(a, Expr::And { .. } | Expr::Or { .. }), f)?;
                }
                Ok(())
            }
            Expr::Or { args } => {
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    group(a, matches!(a, Expr::Or { .. }), f)?;
                }
                Ok(())
            }
            Expr::Not { arg } => {
                f.write_str("not ")?;
                group(arg, matches!(**arg, Expr::And { .. } | Expr::Or { .. }), f)
            }
            Expr::Const { value } => write!(f, "{value}"),
            Expr::Attr { attr, .. } => f.write_str(attr),
            Expr::Has { attr, .. } => write!(f, "has({attr})"),
            Expr::Cmp {
                attr, cmp, value, ..
            } => write!(f, "{attr} {cmp} {value}"),
            Expr::In { attr, values, .. } => {
                write!(f, "{attr} in [")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Expr::MemberOf { pred, .. } => {
                f.write_str("member_of(")?;
                pred.write(f, depth + 1)?;
                f.write_str(")")
            }
            Expr::CountMemberships {
                pred, cmp, value, ..
            } => {
                f.write_str("count_memberships(")?;
                pred.write(f, depth + 1)?;
                write!(f, ") {cmp} {value}")
            }
            Expr::Count {
                pred, cmp, value, ..
            } => {
                f.write_str("count(")?;
                pred.write(f, depth + 1)?;
                write!(f, ") {cmp} {value}")
            }
            Expr::Ratio {
                pred, cmp, value, ..
            } => {
                f.write_str("ratio(")?;
                pred.write(f, depth + 1)?;
                write!(f, ") {cmp} {}", format_num(*value))
            }
        }
    }
}

impl fmt::Display for Expr {
    /// The text form. Parentheses are written where the structure needs them, so that parsing
    /// the output gives back an equal AST (for ASTs a parser can produce: no `and`/`or` with fewer
    /// than two arguments).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}

impl std::str::FromStr for Expr {
    type Err = RuleError;
    fn from_str(s: &str) -> Result<Expr, RuleError> {
        parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Int(i64),
    Num(f64),
    Str(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Cmp(CmpOp),
    And,
    Or,
    Not,
    In,
    True,
    False,
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: u32,
    column: u32,
}

impl Token {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    /// The token as named in "found …".
    fn describe(&self) -> String {
        match &self.tok {
            Tok::Ident(s) => format!("`{}`", truncate(s, 64)),
            Tok::Int(i) => format!("`{i}`"),
            Tok::Num(n) => format!("`{}`", format_num(*n)),
            Tok::Str(s) => format!("the string {}", quote(&truncate(s, 32))),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::LBracket => "`[`".into(),
            Tok::RBracket => "`]`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Cmp(op) => format!("`{op}`"),
            Tok::And => "`and`".into(),
            Tok::Or => "`or`".into(),
            Tok::Not => "`not`".into(),
            Tok::In => "`in`".into(),
            Tok::True => "`true`".into(),
            Tok::False => "`false`".into(),
            Tok::Eof => "end of input".into(),
        }
    }
}

pub(crate) fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// What may start a token (for unexpected characters).
const EXPECT_TOKEN: &str =
    "an attribute, a value, an operator (== != < <= > >= and or not in), a parenthesis, a bracket or a comma";

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: u32,
    column: u32,
}

impl Lexer<'_> {
    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    fn tokens(mut self) -> Result<Vec<Token>, RuleError> {
        let mut out = Vec::new();
        loop {
            // Skip blanks and `//` comments.
            while let Some(c) = self.peek() {
                if c.is_whitespace() {
                    self.bump();
                } else if c == '/' {
                    let mut ahead = self.chars.clone();
                    ahead.next();
                    if ahead.next() == Some('/') {
                        while self.peek().is_some_and(|c| c != '\n') {
                            self.bump();
                        }
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            let (line, column) = (self.line, self.column);
            let unexpected = |found, expected| RuleError::UnexpectedCharacter {
                line,
                column,
                found,
                expected,
            };
            let Some(c) = self.bump() else {
                out.push(Token {
                    tok: Tok::Eof,
                    line,
                    column,
                });
                return Ok(out);
            };
            let tok = match c {
                '(' => Tok::LParen,
                ')' => Tok::RParen,
                '[' => Tok::LBracket,
                ']' => Tok::RBracket,
                ',' => Tok::Comma,
                '=' if self.peek() == Some('=') => {
                    self.bump();
                    Tok::Cmp(CmpOp::Eq)
                }
                '=' => return Err(unexpected('=', "`==` (equality is written with two `=`)")),
                '!' if self.peek() == Some('=') => {
                    self.bump();
                    Tok::Cmp(CmpOp::Ne)
                }
                '!' => Tok::Not,
                '<' | '>' => {
                    let eq = self.peek() == Some('=');
                    if eq {
                        self.bump();
                    }
                    Tok::Cmp(match (c, eq) {
                        ('<', false) => CmpOp::Lt,
                        ('<', true) => CmpOp::Le,
                        ('>', false) => CmpOp::Gt,
                        _ => CmpOp::Ge,
                    })
                }
                '&' if self.peek() == Some('&') => {
                    self.bump();
                    Tok::And
                }
                '&' => return Err(unexpected('&', "`&&` or `and`")),
                '|' if self.peek() == Some('|') => {
                    self.bump();
                    Tok::Or
                }
                '|' => return Err(unexpected('|', "`||` or `or`")),
                '"' => Tok::Str(self.string(line, column)?),
                '\'' => return Err(unexpected('\'', "`\"` (strings use double quotes)")),
                c if c.is_ascii_digit() => self.number(c, line, column)?,
                '-' if self.peek().is_some_and(|c| c.is_ascii_digit()) => {
                    self.number('-', line, column)?
                }
                c if c.is_ascii_alphabetic() || c == '_' => {
                    let mut s = String::from(c);
                    while let Some(c) = self
                        .peek()
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    {
                        s.push(c);
                        self.bump();
                    }
                    match s.as_str() {
                        "and" => Tok::And,
                        "or" => Tok::Or,
                        "not" => Tok::Not,
                        "in" => Tok::In,
                        "true" => Tok::True,
                        "false" => Tok::False,
                        _ => Tok::Ident(s),
                    }
                }
                c => return Err(unexpected(c, EXPECT_TOKEN)),
            };
            out.push(Token { tok, line, column });
        }
    }

    fn string(&mut self, line: u32, column: u32) -> Result<String, RuleError> {
        let mut s = String::new();
        loop {
            let (l, c) = (self.line, self.column);
            match self.bump() {
                None => return Err(RuleError::UnterminatedString { line, column }),
                Some('"') => return Ok(s),
                Some('\\') => match self.bump() {
                    Some('"') => s.push('"'),
                    Some('\\') => s.push('\\'),
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some(found) => {
                        return Err(RuleError::InvalidEscape {
                            line: l,
                            column: c,
                            found,
                        })
                    }
                    None => return Err(RuleError::UnterminatedString { line, column }),
                },
                Some(ch) => s.push(ch),
            }
        }
    }

    fn number(&mut self, first: char, line: u32, column: u32) -> Result<Tok, RuleError> {
        let mut s = String::from(first);
        let digits = |lx: &mut Self, s: &mut String| {
            while let Some(c) = lx.peek().filter(char::is_ascii_digit) {
                s.push(c);
                lx.bump();
            }
        };
        digits(self, &mut s);
        let bad = |s: &str| RuleError::InvalidNumber {
            line,
            column,
            text: truncate(s, 32),
        };
        if self.peek() == Some('.') {
            s.push('.');
            self.bump();
            let before = s.len();
            digits(self, &mut s);
            if s.len() == before {
                return Err(bad(&s));
            }
            return decimal(&s).map(Tok::Num).ok_or_else(|| bad(&s));
        }
        s.parse::<i64>().map(Tok::Int).map_err(|_| bad(&s))
    }
}

/// The double nearest to the decimal `[-]digits.digits` (correctly rounded), or `None` past the
/// largest double. Read by serde_json's exact float reader (its `float_roundtrip` feature, which
/// JSON rule books need anyway), so that the library links one float parser, not two; JSON
/// takes no leading zeros, which do not change the value.
fn decimal(text: &str) -> Option<f64> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = digits.split_once('.')?;
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    serde_json::from_str::<f64>(&format!("{sign}{int}.{frac}")).ok()
}

// ---------------------------------------------------------------------------------------------
// Parser

/// What may start a condition.
pub(crate) const EXPECT_CONDITION: &str = "a condition: an attribute, `not`, `(`, `true`, `false`, has(…), member_of(…), count_memberships(…), ratio(…) or count(…)";
/// What may follow a complete expression at the top.
pub(crate) const EXPECT_END: &str = "`and`, `or` or end of input";
/// What may follow a complete expression inside parentheses.
pub(crate) const EXPECT_CLOSE: &str = "`and`, `or` or `)`";
/// What may follow an attribute name.
pub(crate) const EXPECT_AFTER_ATTR: &str =
    "a comparison operator (== != < <= > >=), `in`, `and`, `or`, `)` or end of input";
/// What may follow an operator.
pub(crate) const EXPECT_VALUE: &str =
    "a value: a number, a \"string\", true, false, date(\"YYYY-MM-DD\") or a name such as cpc";
/// What may follow a value in a list.
pub(crate) const EXPECT_LIST_NEXT: &str = "`,` or `]`";
/// What may follow an aggregate's closing parenthesis.
pub(crate) const EXPECT_CMP: &str = "a comparison operator (== != < <= > >=)";
/// The condition functions.
pub(crate) const CONDITION_FUNCTIONS: &str = "has, member_of, count_memberships, ratio or count";

/// Reads a rule text into its AST.
///
/// ```
/// use tongxin::rules::parse;
/// let e = parse("party != cpc and (title >= intermediate or profession in [\"律师\"])")?;
/// assert_eq!(e.to_string(), "party != cpc and (title >= intermediate or profession in [\"律师\"])");
/// let err = parse("party = cpc").unwrap_err();
/// assert_eq!(err.code(), "rule_unexpected_character");
/// assert_eq!(err.to_string(), "line 1, column 7: unexpected character `=`; expected `==` (equality is written with two `=`)");
/// # Ok::<(), tongxin::rules::RuleError>(())
/// ```
pub fn parse(text: &str) -> Result<Expr, RuleError> {
    if text.len() > MAX_TEXT_LEN {
        return Err(RuleError::TooLong {
            length: text.len(),
            max: MAX_TEXT_LEN,
        });
    }
    let toks = Lexer {
        chars: text.chars().peekable(),
        line: 1,
        column: 1,
    }
    .tokens()?;
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
    let e = p.or()?;
    p.expect_end(EXPECT_END)?;
    Ok(e)
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        // The token list always ends with Eof and `i` never passes it.
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn peek2(&self) -> &Tok {
        &self.toks[(self.i + 1).min(self.toks.len() - 1)].tok
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::Eof {
            self.i += 1;
        }
        t
    }

    fn error(&self, expected: &'static str) -> RuleError {
        let t = self.peek();
        RuleError::UnexpectedToken {
            line: t.line,
            column: t.column,
            expected,
            found: t.describe(),
        }
    }

    fn expect(&mut self, tok: Tok, expected: &'static str) -> Result<Token, RuleError> {
        if self.peek().tok == tok {
            Ok(self.next())
        } else {
            Err(self.error(expected))
        }
    }

    fn expect_end(&mut self, expected: &'static str) -> Result<(), RuleError> {
        match self.peek().tok {
            Tok::Eof => Ok(()),
            _ => Err(self.error(expected)),
        }
    }

    fn enter(&mut self) -> Result<(), RuleError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(RuleError::TooDeep {
                at: self.peek().pos(),
                max: MAX_NESTING,
            });
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn or(&mut self) -> Result<Expr, RuleError> {
        let mut args = vec![self.and()?];
        while self.peek().tok == Tok::Or {
            self.next();
            args.push(self.and()?);
        }
        Ok(if args.len() == 1 {
            args.pop().unwrap_or(Expr::Const { value: false })
        } else {
            Expr::Or { args }
        })
    }

    fn and(&mut self) -> Result<Expr, RuleError> {
        let mut args = vec![self.unary()?];
        while self.peek().tok == Tok::And {
            self.next();
            args.push(self.unary()?);
        }
        Ok(if args.len() == 1 {
            args.pop().unwrap_or(Expr::Const { value: true })
        } else {
            Expr::And { args }
        })
    }

    fn unary(&mut self) -> Result<Expr, RuleError> {
        if self.peek().tok == Tok::Not {
            self.enter()?;
            self.next();
            let arg = self.unary()?;
            self.leave();
            return Ok(Expr::Not { arg: Box::new(arg) });
        }
        self.primary()
    }

    /// `( pred )` of a function whose name was just read.
    fn call_pred(&mut self) -> Result<Box<Expr>, RuleError> {
        self.enter()?;
        self.expect(Tok::LParen, "`(`")?;
        let pred = self.or()?;
        self.expect(Tok::RParen, EXPECT_CLOSE)?;
        self.leave();
        Ok(Box::new(pred))
    }

    fn cmp_op(&mut self) -> Result<CmpOp, RuleError> {
        match self.peek().tok {
            Tok::Cmp(op) => {
                self.next();
                Ok(op)
            }
            _ => Err(self.error(EXPECT_CMP)),
        }
    }

    fn primary(&mut self) -> Result<Expr, RuleError> {
        let t = self.peek().clone();
        let at = t.pos();
        match t.tok {
            Tok::LParen => {
                self.enter()?;
                self.next();
                let e = self.or()?;
                self.expect(Tok::RParen, EXPECT_CLOSE)?;
                self.leave();
                Ok(e)
            }
            Tok::True | Tok::False => {
                self.next();
                Ok(Expr::Const {
                    value: t.tok == Tok::True,
                })
            }
            Tok::Ident(name) if *self.peek2() == Tok::LParen => {
                self.next();
                match name.as_str() {
                    "has" => {
                        self.next();
                        let Tok::Ident(attr) = self.peek().tok.clone() else {
                            return Err(self.error("an attribute name"));
                        };
                        self.next();
                        self.expect(Tok::RParen, "`)`")?;
                        Ok(Expr::Has { attr, at })
                    }
                    "member_of" => Ok(Expr::MemberOf {
                        pred: self.call_pred()?,
                        at,
                    }),
                    "count_memberships" | "count" => {
                        let pred = self.call_pred()?;
                        let cmp = self.cmp_op()?;
                        let value = match self.peek().tok {
                            Tok::Int(i) => {
                                self.next();
                                i
                            }
                            _ => return Err(self.error("an integer")),
                        };
                        Ok(if name == "count" {
                            Expr::Count {
                                pred,
                                cmp,
                                value,
                                at,
                            }
                        } else {
                            Expr::CountMemberships {
                                pred,
                                cmp,
                                value,
                                at,
                            }
                        })
                    }
                    "ratio" => {
                        let pred = self.call_pred()?;
                        let cmp = self.cmp_op()?;
                        let value = match self.peek().tok {
                            Tok::Int(i) => i as f64,
                            Tok::Num(n) => n,
                            _ => return Err(self.error("a number between 0 and 1 such as 0.6")),
                        };
                        self.next();
                        Ok(Expr::Ratio {
                            pred,
                            cmp,
                            value,
                            at,
                        })
                    }
                    _ => Err(RuleError::UnknownFunction {
                        line: t.line,
                        column: t.column,
                        name: truncate(&name, 64),
                        expected: CONDITION_FUNCTIONS,
                    }),
                }
            }
            Tok::Ident(attr) => {
                self.next();
                match self.peek().tok {
                    Tok::Cmp(cmp) => {
                        self.next();
                        let value = self.literal()?;
                        Ok(Expr::Cmp {
                            attr,
                            cmp,
                            value,
                            at,
                        })
                    }
                    Tok::In => {
                        self.next();
                        self.expect(Tok::LBracket, "`[`")?;
                        let mut values = vec![self.literal()?];
                        loop {
                            match self.peek().tok {
                                Tok::Comma => {
                                    self.next();
                                    if self.peek().tok == Tok::RBracket {
                                        self.next();
                                        break;
                                    }
                                    values.push(self.literal()?);
                                }
                                Tok::RBracket => {
                                    self.next();
                                    break;
                                }
                                _ => return Err(self.error(EXPECT_LIST_NEXT)),
                            }
                        }
                        Ok(Expr::In { attr, values, at })
                    }
                    Tok::And | Tok::Or | Tok::RParen | Tok::Eof => Ok(Expr::Attr { attr, at }),
                    _ => Err(self.error(EXPECT_AFTER_ATTR)),
                }
            }
            _ => Err(self.error(EXPECT_CONDITION)),
        }
    }

    fn literal(&mut self) -> Result<Literal, RuleError> {
        let t = self.peek().clone();
        let at = t.pos();
        let value = match t.tok {
            Tok::Int(i) => Value::Int(i),
            Tok::Num(n) => Value::Num(n),
            Tok::Str(s) => Value::Str(s),
            Tok::True => Value::Bool(true),
            Tok::False => Value::Bool(false),
            Tok::Ident(name) if *self.peek2() == Tok::LParen => {
                if name != "date" {
                    return Err(RuleError::UnknownFunction {
                        line: t.line,
                        column: t.column,
                        name: truncate(&name, 64),
                        expected: "date (the only function allowed as a value)",
                    });
                }
                self.next();
                self.next();
                let s = self.peek().clone();
                let Tok::Str(text) = s.tok else {
                    return Err(self.error("a string such as \"2024-01-01\""));
                };
                self.next();
                self.expect(Tok::RParen, "`)`")?;
                let day = match text.parse() {
                    Ok(PartialDate::Day(day)) => Some(day),
                    _ => None,
                };
                let day = day.ok_or_else(|| RuleError::InvalidDate {
                    line: s.line,
                    column: s.column,
                    text: truncate(&text, 32),
                })?;
                return Ok(Literal {
                    value: Value::Date(day),
                    at,
                });
            }
            Tok::Ident(name) => Value::Name(name),
            _ => return Err(self.error(EXPECT_VALUE)),
        };
        self.next();
        Ok(Literal { value, at })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The decimals of the text form read as the standard library reads them (both are
        /// correctly rounded), leading zeros and signs included; past the largest double, none.
        #[test]
        fn decimals_read_as_the_standard_library_reads_them(
            text in "-?[0-9]{0,25}\\.[0-9]{1,25}",
            zeros in "0{0,3}",
        ) {
            let text = match text.strip_prefix('-') {
                Some(rest) => format!("-{zeros}{rest}"),
                None => format!("{zeros}{text}"),
            };
            let want = text.parse::<f64>().unwrap();
            prop_assert_eq!(super::decimal(&text).map(f64::to_bits), Some(want.to_bits()), "{}", text);
        }
    }

    #[test]
    fn a_decimal_past_the_largest_double_is_none() {
        let huge = format!("{}.5", "9".repeat(400));
        assert_eq!(super::decimal(&huge), None);
        assert_eq!(super::decimal("0.5"), Some(0.5));
        let err = super::super::parse(&format!("x < {huge}")).unwrap_err();
        assert!(
            matches!(err, crate::rules::RuleError::InvalidNumber { .. }),
            "{err}"
        );
    }
}

//! Identifier checks: what the core reads from a resident ID number, a unified social credit
//! code or a division code, as JSON.

use super::{to_json, ApiCode, ApiError};
use crate::ids::{CreditCode, DivisionCode, DivisionLevel, DivisionTable, ResidentId};
use crate::vocab::Sex;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Serialize)]
struct ResidentIdInfo<'a> {
    number: &'a str,
    #[serde(with = "crate::date::day")]
    birth_date: NaiveDate,
    sex: Sex,
    masked: String,
}

#[derive(Serialize)]
struct CreditCodeInfo<'a> {
    code: &'a str,
    authority: char,
    authority_name: &'static str,
    category: &'a str,
    category_name: Option<&'static str>,
    division_code: &'a str,
    organization_code: &'a str,
}

#[derive(Serialize)]
struct DivisionCodeInfo<'a> {
    code: &'a str,
    level: &'static str,
    padded6: Option<String>,
    name: Option<&'a str>,
}

/// A text the core refuses as an identifier: its message and stable reason code.
fn refused(reason: impl std::fmt::Display, code: &str) -> ApiError {
    ApiError::new(ApiCode::InvalidIdentifier, format!("{reason} ({code})"))
}

/// Reads a resident ID number (18 characters, or the old 15-digit form):
/// `{"number","birth_date","sex","masked"}`, or an `invalid_identifier` error naming the
/// character or part that is wrong and the core's reason code.
pub fn resident_id_info(text: &str) -> Result<String, ApiError> {
    let id = ResidentId::parse(text).map_err(|e| refused(&e, e.code()))?;
    to_json(&ResidentIdInfo {
        number: id.as_str(),
        birth_date: id.birth_date(),
        sex: id.sex(),
        masked: id.masked(),
    })
}

/// Reads a unified social credit code: `{"code","authority","authority_name","category",
/// "category_name","division_code","organization_code"}`, or an `invalid_identifier` error.
pub fn credit_code_info(text: &str) -> Result<String, ApiError> {
    let code = CreditCode::parse(text).map_err(|e| refused(&e, e.code()))?;
    to_json(&CreditCodeInfo {
        code: code.as_str(),
        authority: code.authority(),
        authority_name: code.authority_name(),
        category: code.category(),
        category_name: code.category_name(),
        division_code: code.division_code(),
        organization_code: code.organization_code(),
    })
}

/// Reads a division code (2, 4, 6, 9 or 12 digits, or `00` for the country):
/// `{"code","level","padded6","name"}` with the name from `divisions` (`null` when the table
/// lacks it), or an `invalid_identifier` error.
pub fn division_code_info(text: &str, divisions: &DivisionTable) -> Result<String, ApiError> {
    let code = DivisionCode::parse(text).map_err(|e| refused(&e, e.code()))?;
    // The core's own wording for the `00` pseudo-code's level (as in its level-mismatch
    // errors): `national`, not the `province` its two digits would suggest.
    let level = if code.is_national() {
        "national"
    } else {
        DivisionLevel::as_str(code.level())
    };
    to_json(&DivisionCodeInfo {
        code: code.as_str(),
        level,
        padded6: code.padded6(),
        name: divisions.name(&code),
    })
}

//! Chinese identifiers: resident ID numbers, unified social credit codes, division codes.
//!
//! Each identifier is a newtype that can only hold a valid value: `parse` checks the text and
//! returns a typed error that names the wrong character (1-based) or part, with a stable
//! snake_case `code()`. All three serialize as plain strings.
//!
//! ## Resident ID numbers (公民身份号码, GB 11643-1999)
//! Eighteen characters: the address code of the county of issue, the birth date, a sequence
//! number whose last digit is odd for men, and a MOD 11-2 check character (`X` for ten). Old
//! 15-digit numbers are converted. The number is sensitive: publish only the masked form.
//!
//! ```
//! use tongxin::ids::ResidentId;
//!
//! let id = ResidentId::parse("360426199101010071")?;
//! assert_eq!(id.birth_date().to_string(), "1991-01-01");
//! assert_eq!(id.masked(), "360426********0071");
//! assert!(ResidentId::parse("360426199101010072").is_err()); // check character
//! # Ok::<(), tongxin::ids::ResidentIdError>(())
//! ```
//!
//! ## Unified social credit codes (统一社会信用代码, GB 32100-2015)
//! Eighteen characters without `I O Z S V`: registration authority and category (`91` an
//! enterprise, `51` a social group), the registering division, the nine-character organization
//! code with its own check, and a MOD 31 check character. Chambers of commerce identify their
//! member enterprises by it.
//!
//! ```
//! use tongxin::ids::CreditCode;
//!
//! let code = CreditCode::parse("12100000400009880K")?;
//! assert_eq!((code.category(), code.category_name()), ("12", Some("事业单位")));
//! let err = CreditCode::parse("12100000400009880I").unwrap_err();
//! assert_eq!(err.code(), "credit_code_character"); // no letter I
//! # Ok::<(), tongxin::ids::CreditCodeError>(())
//! ```
//!
//! ## Division codes (统计用区划代码)
//! Province (2 digits), city (4), county (6), township (9) and village (12): each code is a
//! prefix of its children's. Padded forms (`440300`) read as the short form, and a
//! [`DivisionTable`] names the codes and checks that an organization's division fits its level.
//!
//! ```
//! use tongxin::ids::{DivisionCode, DivisionTable};
//! use tongxin::vocab::Level;
//!
//! let table = DivisionTable::bundled()?;
//! let shenzhen = DivisionCode::parse("440300")?;
//! assert_eq!(table.name(&shenzhen), Some("深圳市"));
//! assert_eq!(table.children(&shenzhen).len(), 9);
//! assert!(table.check_org_division(&shenzhen, Level::Municipal).is_ok());
//! assert!(table.check_org_division(&shenzhen, Level::District).is_err());
//! # Ok::<(), tongxin::ids::DivisionError>(())
//! ```

pub mod credit_code;
pub mod division;
pub mod resident_id;

pub use credit_code::{CreditCode, CreditCodeError};
pub use division::{
    CommunityType, DivisionCode, DivisionEntry, DivisionError, DivisionLevel, DivisionTable,
    TownshipType,
};
pub use resident_id::{ResidentId, ResidentIdError};

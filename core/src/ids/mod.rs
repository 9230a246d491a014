//! Chinese identifiers: resident ID numbers, unified social credit codes, division codes.

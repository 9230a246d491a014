//! C ABI for tongxin; filled by its own issue.

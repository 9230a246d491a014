//! WASM bindings for tongxin; filled by its own issue.

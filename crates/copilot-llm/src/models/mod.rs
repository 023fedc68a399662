//! Model implementations run by [`LocalModel`](crate::LocalModel).

mod common;
pub(crate) mod gemma3;
pub(crate) mod llama;

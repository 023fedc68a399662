//! Model implementations run by [`LocalModel`](crate::LocalModel).

pub(crate) mod llama;

//! One module per screen of issue 3's "Screens and behaviour".

pub mod client_detail;
pub mod clients;
pub mod draft;
pub mod first_run;
pub mod import;
pub mod settings;
pub mod unlock;

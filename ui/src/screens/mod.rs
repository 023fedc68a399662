//! One module per screen of issue 3's "Screens and behaviour".

pub mod client_detail;
pub mod clients;
pub mod draft;
pub mod first_run;
pub mod import;
pub mod review;
pub mod roi;
pub mod settings;
pub mod signin;
pub mod unlock;

//! The `ogp-tracker` server: command line, HTTP router, importer and demo data.

pub mod cli;
pub mod demo;
pub mod http;
pub mod import;

//! The `ogp-tracker` server: command line, HTTP router, importer and demo data.

// Rendering the pages builds deep view types; computing their layout needs more than the
// compiler's default query depth.
#![recursion_limit = "256"]

pub mod auth;
pub mod cli;
pub mod commands;
pub mod downloads;
pub mod feeds;
pub mod files;
pub mod forms;
pub mod http;
pub mod import;
pub mod limits;
pub mod multipart;
pub mod page_cache;
pub mod preview;
pub mod security;
pub mod sitemap;
pub mod users;

//! The OGP domain, defined once and used by the server, the importer, the API and the UI.

#[macro_use]
pub mod levels;
pub mod account;
pub mod assessment;
pub mod commitment;
pub mod comparison;
pub mod dashboard;
pub mod feed;
pub mod history;
pub mod member;
pub mod milestone;
pub mod plan;
pub mod scoring;
pub mod search;
pub mod similar;
pub mod sitemap;
pub mod summary;
pub mod upload;

pub use account::*;
pub use assessment::*;
pub use commitment::*;
pub use comparison::*;
pub use dashboard::*;
pub use feed::*;
pub use history::*;
pub use levels::*;
pub use member::*;
pub use milestone::*;
pub use plan::*;
pub use scoring::*;
pub use sitemap::*;
pub use summary::*;
pub use upload::*;

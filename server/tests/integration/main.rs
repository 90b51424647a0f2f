//! Integration tests against a real database: a fresh SQLite file per test, or a fresh
//! PostgreSQL database per test when `TEST_DATABASE_URL` names a server.

mod accounts;
mod authorization;
mod browser;
mod commitments;
mod common;
mod concurrency;
mod dashboard;
mod demo;
mod evidence;
mod feeds;
mod found;
mod history;
mod http;
mod import;
mod members;
mod page_cache;
mod plan_csv;
mod plans;
mod schema;
mod scoring;
mod search;
mod servers;
mod storage;
mod users;

//! The e-litigation service platform backend: the HTTP API and everything behind it.
//!
//! Layers, from the outside in: `http` (routes, extractors, errors, middleware) calls
//! `store` (queries, inside a transaction the handler owns) and `domain` (pure rules);
//! `integrations` hold the outside systems and `jobs` the background work. `server` wires
//! them together for the command line.

pub mod auth;
pub mod config;
pub mod documents;
pub mod domain;
pub mod errors;
pub mod http;
pub mod integrations;
pub mod jobs;
pub mod logging;
pub mod server;
pub mod services;
pub mod state;
pub mod store;

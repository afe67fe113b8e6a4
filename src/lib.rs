//! gazette: a static-site generator for large scraped news archives.
//!
//! The pipeline is a chain of plain functions, one module per stage:
//! load → frontmatter → clean → index → plan → render → write; see ARCHITECTURE.md.

pub mod clean;
pub mod config;
pub mod date;
pub mod feeds;
pub mod frontmatter;
pub mod load;
pub mod markdown;
pub mod model;
pub mod problem;
pub mod search;
pub mod sitemap;
pub mod slug;

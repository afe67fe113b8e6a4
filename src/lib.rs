//! gazette: a static-site generator for large scraped news archives.
//!
//! The pipeline is a chain of plain functions, one module per stage:
//! load → frontmatter → clean → index → plan → render → write; see ARCHITECTURE.md.

pub mod build;
pub mod cache;
pub mod check;
pub mod clean;
pub mod cli;
pub mod config;
pub mod date;
pub mod feeds;
pub mod frontmatter;
pub mod index;
pub mod load;
pub mod lock;
pub mod markdown;
pub mod model;
pub mod paths;
pub mod plan;
pub mod prepare;
pub mod problem;
pub mod progress;
pub mod published;
pub mod render;
pub mod schedule;
pub mod search;
pub mod serve;
pub mod sitemap;
pub mod slug;
pub mod staging;
pub mod state;
pub mod theme;
pub mod write;

//! nnlab: a neural-network playground. `core` is the engine (pure Rust, tested natively);
//! `web` adapts it to the browser page when compiled to WebAssembly.

pub mod core;
#[cfg(target_arch = "wasm32")]
mod web;

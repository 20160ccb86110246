//! pprof profiles (profile.proto) other than goroutine dumps: heap and allocs profiles
//! above all, and the goroutine, mutex and block profiles `goguard heap top` also reads.
//!
//! - `decode`: bytes (gzipped or not) to a [`ProfileData`], every error with its byte
//!   offset; `legacy`: the text form of heap profiles (debug=1) to the same;
//! - `top`: flat and cumulative values per function or line, for one profile or a
//!   difference, computed as `go tool pprof -top` computes them;
//! - `site` and `growth`: allocation sites in the program's own code, the hazards their
//!   frames show, and the sites whose in-use memory grew across profiles (RT005);
//! - `filter`: `--focus`/`--ignore` as pprof applies them; `units`: pprof's units.
//!
//! A command that watches heap growth needs three calls: [`read_profile`] on each
//! profile's bytes, [`growth::check_heap`] on each, then [`growth::growth`] on the series
//! (oldest first); the [`growth::GrowthReport`]'s `grown()` sites are RT005's findings,
//! and `rules::heap_growth::{confidence, evidence, help}` word them.

pub mod data;
pub mod decode;
pub mod filter;
pub mod growth;
pub mod legacy;
pub mod site;
pub mod top;
pub mod units;

pub use data::ProfileData;
pub use decode::{read_profile, ProfileError};

//! Rules of the memory domain: the heap and the garbage collector.

use crate::engine::Rule;

pub mod buffer_reused_without_reset;
pub mod finalizer_keeps_object_alive;
pub mod forced_gc;
pub mod gc_disabled;
pub mod pool_new_returns_nil;
pub mod pool_non_pointer;
pub mod pool_put_without_reset;
pub mod readmemstats_in_loop;
pub mod regexp_compile_in_hot_path;
pub mod string_concat_in_loop;
pub mod subslice_retains_buffer;
pub mod unbounded_package_map;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[
    &pool_put_without_reset::PoolPutWithoutReset,
    &pool_non_pointer::PoolNonPointer,
    &pool_new_returns_nil::PoolNewReturnsNil,
    &subslice_retains_buffer::SubsliceRetainsBuffer,
    &string_concat_in_loop::StringConcatInLoop,
    &regexp_compile_in_hot_path::RegexpCompileInHotPath,
    &forced_gc::ForcedGc,
    &gc_disabled::GcDisabled,
    &buffer_reused_without_reset::BufferReusedWithoutReset,
    &finalizer_keeps_object_alive::FinalizerKeepsObjectAlive,
    &unbounded_package_map::UnboundedPackageMap,
    &readmemstats_in_loop::ReadmemstatsInLoop,
];

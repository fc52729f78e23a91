//! Training allocates nothing once its buffers are sized: every epoch after the first reuses
//! the pass, the gradients and the optimizer state (issue 6: no allocation per training
//! step). A counting global allocator sees every allocation of this test binary.

// The crate denies unsafe code; a global allocator is an unsafe trait, so this test alone
// allows it (it only forwards to the system allocator).
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use nnlab::core::config::Config;
use nnlab::core::introspect::GridOutputs;
use nnlab::core::trainer::Trainer;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Only the test's own thread is counted: the test harness's main thread allocates now
    // and then while it waits (seen as 4 stray allocations in one run of six on a loaded
    // machine).
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: forwards to the system allocator unchanged; only counts the calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

// One test function on purpose: tests run in parallel threads and share the counter.
#[test]
fn training_epochs_and_the_boundary_grid_allocate_nothing_after_the_first() {
    COUNTED.with(|c| c.set(true));
    for query in [
        // The peer's default: batches of 10 padded to 12.
        "dataset=circle&hidden=4,2&batch=10&seed=1",
        // A short last batch (250 = 15 × 16 + 10) changes the padded width every epoch.
        "dataset=spiral&hidden=8,8,8,8,8,8&batch=16&optimizer=adam&seed=2",
        // Maxout, several classes, momentum, L1, clipping.
        "dataset=blobs3&hidden=5,3&activation=maxout&optimizer=momentum&reg=l1&reg-rate=0.001&clip=1&seed=3",
        // Regression with batch 1.
        "dataset=plane&hidden=3&batch=1&optimizer=rmsprop&seed=4",
        // Dropout per layer: its masks and dropped outputs reuse their buffers too.
        "dataset=circle&hidden=8,4&dropout=0.3&dropouts=0.3,0.1&seed=5",
    ] {
        let (config, rejected) = Config::from_query(query);
        assert!(rejected.is_empty(), "{query}: {rejected:?}");
        let mut trainer = Trainer::new(config).expect("valid config");
        for _ in 0..2 {
            assert!(trainer.train_epoch_without_history());
        }
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        for _ in 0..20 {
            assert!(trainer.train_epoch_without_history(), "{query} stopped");
        }
        let during = ALLOCATIONS.load(Ordering::Relaxed) - before;
        assert_eq!(during, 0, "{query}: {during} allocations in 20 epochs");

        // The boundary grid with every neuron's output, as each frame computes it.
        let mut grid = GridOutputs::new(100);
        grid.compute(trainer.network(), trainer.features(), trainer.normalizer());
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        for _ in 0..5 {
            trainer.train_epoch_without_history();
            grid.compute(trainer.network(), trainer.features(), trainer.normalizer());
        }
        let during = ALLOCATIONS.load(Ordering::Relaxed) - before;
        assert_eq!(during, 0, "{query}: {during} allocations in 5 grid passes");
    }
}

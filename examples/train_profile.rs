//! Profiling aid: trains one of the benchmark shapes for a fixed number of epochs (or runs
//! the 100 × 100 grid) so `perf stat` / `perf record` can count what one case costs.
//! `cargo run --release --example train_profile -- 4,2 [grid]`
use nnlab::core::activation::Activation;
use nnlab::core::bench::case_config;
use nnlab::core::introspect::GridOutputs;
use nnlab::core::trainer::Trainer;

fn main() {
    let shape: Vec<usize> = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "4,2".into())
        .split(',')
        .filter_map(|s| s.parse().ok())
        .collect();
    let grid = std::env::args().nth(2).is_some_and(|a| a == "grid");
    let activation = if shape == [3] {
        Activation::Sigmoid
    } else {
        Activation::Tanh
    };
    let Ok(mut trainer) = Trainer::new(case_config(&shape, activation, 500)) else {
        return;
    };
    let start = std::time::Instant::now();
    if grid {
        let mut outputs = GridOutputs::new(100);
        for _ in 0..2000 {
            outputs.compute(trainer.network(), trainer.features(), trainer.normalizer());
        }
        println!("{:.2} M points/s", 2000.0 * 1e4 / start.elapsed().as_secs_f64() / 1e6);
    } else {
        let epochs: u32 = std::env::var("EPOCHS")
            .ok()
            .and_then(|e| e.parse().ok())
            .unwrap_or(20_000);
        for _ in 0..epochs {
            trainer.train_epoch_without_history();
        }
        println!(
            "{:.2} M samples/s",
            f64::from(epochs) * 250.0 / start.elapsed().as_secs_f64() / 1e6
        );
    }
}

//! The native command line: train a network from a JSON config, optionally on your own CSV
//! points and from a saved model, and write the model and the loss history.
//!
//! Exit status: 0 trained, 1 diverged (files still written from the last finite weights),
//! 2 bad command line, file or value (one line on stderr: `nnlab: <file>: <reason>`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::fmt::Write as _;
    use std::io::IsTerminal;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::time::{Duration, Instant};

    use clap::{Parser, Subcommand};
    use indicatif::{ProgressBar, ProgressStyle};
    use serde_json::Value;

    use nnlab::core::choice::Choice;
    use nnlab::core::config::{Config, ConfigError};
    use nnlab::core::data_csv::{parse_csv, MAX_ROWS};
    use nnlab::core::early_stop::{EarlyStopping, Stopped};
    use nnlab::core::keys;
    use nnlab::core::loss::Metrics;
    use nnlab::core::model::Model;
    use nnlab::core::regularization::Regularization;
    use nnlab::core::trainer::{Health, Quantity, Trainer, Watched, HISTORY_CAPACITY};
    use nnlab::core::{Float, Lang, PLANE};

    /// Exit status of a run that diverged.
    const EXIT_DIVERGED: u8 = 1;
    /// Exit status of bad input (clap uses the same for usage errors).
    const EXIT_BAD_INPUT: u8 = 2;

    #[derive(Parser, Debug)]
    #[command(
        name = "nnlab",
        version,
        about = "nnlab: train small neural networks on 2-D point clouds from the command line",
        long_about = "nnlab: train small neural networks on 2-D point clouds from the command line.\n\n\
                      The same engine as the nnlab web page: a config and a seed give the same run here and in \
                      the browser. Start from `nnlab config > c.json`, edit it, then \
                      `nnlab train --config c.json --epochs 500 --out model.json --log loss.csv`.",
        after_long_help = reference(),
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand, Debug)]
    enum Command {
        /// Train a network for N epochs and print its final metrics.
        #[command(
            long_about = "Train a network for N epochs (one epoch = one pass over the training split in \
                          shuffled batches of `batch` points) and print the final loss and metrics.\n\n\
                          Exit status: 0 trained; 1 diverged (NaN or infinity; --out and --log are still \
                          written, from the last finite weights); 2 bad command line, file or value, reported \
                          on one line as `nnlab: <file>: <reason>`.",
            after_long_help = reference(),
        )]
        Train(TrainArgs),
        /// Print the default config as JSON, a template for --config.
        #[command(after_long_help = reference())]
        Config,
        /// Measure the engine: training and grid throughput of the peer playground's three
        /// networks (with the ratio to the peer's figures) and ms per epoch as points and
        /// depth grow. The page runs the same cases in wasm with ?bench=1.
        Bench(BenchArgs),
        /// Write the run as one NumPy script (to stdout): its data and initial weights inlined,
        /// then the training spelled out step by step; `python3 run.py` prints the loss per
        /// epoch and the final accuracy.
        #[command(name = "export-python")]
        ExportPython(ExportArgs),
    }

    #[derive(clap::Args, Debug)]
    struct ExportArgs {
        /// The run's settings: a JSON object with any of the config keys (see `nnlab train --help`).
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
        /// Start from this saved model's weights (and features, normalization, shape) instead of
        /// the seed's.
        #[arg(long, value_name = "FILE")]
        init: Option<PathBuf>,
        /// Number of epochs the script trains (a whole number, at least 1).
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        epochs: String,
        /// The language of the script's comments: en or zh.
        #[arg(long, value_name = "LANG", default_value = "en")]
        lang: String,
    }

    #[derive(clap::Args, Debug)]
    struct BenchArgs {
        /// Print the report as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Milliseconds to measure each case (more is steadier).
        #[arg(long, value_name = "MS", default_value_t = 1000.0)]
        ms: f64,
    }

    #[derive(clap::Args, Debug)]
    struct TrainArgs {
        /// The run's settings: a JSON object with any of the config keys listed below.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
        /// Train on the points of this CSV file instead of the generated data set. The kind of
        /// problem is the config's `dataset` when the config names one (labels are checked
        /// against it), else the --init model's, else inferred from the labels (all 0/1:
        /// two classes; whole numbers 0..K-1 with 3 <= K <= 8: K classes; otherwise regression).
        /// Without a `split` column the config's train-ratio and val-ratio split the points.
        #[arg(long, value_name = "FILE")]
        data: Option<PathBuf>,
        /// Start from this saved model instead of fresh weights; its features, normalization,
        /// layer sizes and activations win over the config's.
        #[arg(long, value_name = "FILE")]
        init: Option<PathBuf>,
        /// Number of epochs to train (a whole number, at least 1).
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        epochs: String,
        /// Early stopping: stop when the validation loss (the test loss without a validation
        /// split, see val-ratio) has not reached a new low for N epochs (a whole number, at
        /// least 1), as the page's patience field does.
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        patience: Option<String>,
        /// With --patience: when the stop fires, go back to the weights of the epoch with the
        /// lowest watched loss (the model written by --out is then that epoch's).
        #[arg(long, requires = "patience")]
        restore_best: bool,
        /// Write the trained model here (JSON, readable by --init and the web page).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Write the loss history here (CSV: epoch,train_loss,test_loss).
        #[arg(long, value_name = "FILE")]
        log: Option<PathBuf>,
    }

    /// A refused input: the file (or option) it came from and why.
    struct Failure {
        source: String,
        reason: String,
    }

    impl Failure {
        fn new(source: impl Into<String>, reason: impl ToString) -> Failure {
            Failure {
                source: source.into(),
                reason: reason.to_string(),
            }
        }

        fn file(path: &Path, reason: impl ToString) -> Failure {
            Failure::new(path.display().to_string(), reason)
        }
    }

    fn bench(args: &BenchArgs) -> Result<ExitCode, Failure> {
        if !(args.ms.is_finite() && args.ms > 0.0 && args.ms <= 60_000.0) {
            return Err(Failure::new("--ms", "must be a number of milliseconds in (0, 60000]"));
        }
        let start = Instant::now();
        let mut now = move || start.elapsed().as_secs_f64() * 1000.0;
        let mut report = nnlab::core::bench::run_engine(&mut now, args.ms);
        report["machine"] = serde_json::json!(format!(
            "native {} {}, {} threads available",
            std::env::consts::OS,
            std::env::consts::ARCH,
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ));
        report["peer"] = nnlab::core::bench::peer();
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
        } else {
            print!("{}", nnlab::core::bench::table(&report));
        }
        Ok(ExitCode::SUCCESS)
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        let result = match cli.command {
            Command::Train(args) => train(&args),
            Command::Config => {
                println!("{}", Config::default().to_json());
                Ok(ExitCode::SUCCESS)
            }
            Command::Bench(args) => bench(&args),
            Command::ExportPython(args) => export_python(&args),
        };
        match result {
            Ok(code) => code,
            Err(failure) => {
                // One line: newlines in a reason (e.g. from serde) are flattened.
                let reason = failure.reason.split_whitespace().collect::<Vec<_>>().join(" ");
                eprintln!("nnlab: {}: {reason}", failure.source);
                ExitCode::from(EXIT_BAD_INPUT)
            }
        }
    }

    fn read(path: &Path) -> Result<String, Failure> {
        let bytes = std::fs::read(path).map_err(|e| Failure::file(path, io_reason(&e)))?;
        String::from_utf8(bytes).map_err(|e| {
            Failure::file(
                path,
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })
    }

    fn write(path: &Path, text: &str) -> Result<(), Failure> {
        std::fs::write(path, text).map_err(|e| Failure::file(path, format!("cannot write: {}", io_reason(&e))))
    }

    fn io_reason(e: &std::io::Error) -> String {
        match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::IsADirectory => "is a directory, not a file".to_string(),
            _ => e.to_string(),
        }
    }

    fn parse_epochs(text: &str) -> Result<u64, Failure> {
        parse_count("--epochs", text)
    }

    /// A whole number of epochs of at least 1 given to `option`.
    fn parse_count(option: &str, text: &str) -> Result<u64, Failure> {
        match text.trim().parse::<u64>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(Failure::new(
                option,
                format!("`{text}` is not a whole number of epochs of at least 1"),
            )),
        }
    }

    /// Prints the NumPy script of the config's run.
    fn export_python(args: &ExportArgs) -> Result<ExitCode, Failure> {
        let epochs = parse_epochs(&args.epochs)?;
        let lang = Lang::from_code(&args.lang).ok_or_else(|| Failure::new("--lang", "must be en or zh"))?;
        let config_text = read(&args.config)?;
        let config = Config::from_json(&config_text).map_err(|e| Failure::file(&args.config, e))?;
        let mut trainer = Trainer::new(config).map_err(|e| Failure::file(&args.config, e))?;
        if let Some(path) = &args.init {
            let model = Model::from_json(&read(path)?).map_err(|e| Failure::file(path, e))?;
            trainer.load_model(model).map_err(|e| Failure::file(path, e))?;
        }
        let template = nnlab::core::export_python::TEMPLATE;
        print!(
            "{}",
            nnlab::core::export_python::script(template, &trainer, Some(epochs), lang)
        );
        Ok(ExitCode::SUCCESS)
    }

    /// Sets up the run, trains it and writes the files.
    fn train(args: &TrainArgs) -> Result<ExitCode, Failure> {
        let epochs = parse_epochs(&args.epochs)?;
        let patience = args
            .patience
            .as_deref()
            .map(|p| parse_count("--patience", p))
            .transpose()?;
        let mut early_stop = EarlyStopping::new(patience, args.restore_best);
        let config_path = &args.config;
        let config_text = read(config_path)?;
        let config = Config::from_json(&config_text).map_err(|e| Failure::file(config_path, e))?;
        // Which keys the file names itself (the rest are defaults the data may override).
        let given = |key: &str| {
            serde_json::from_str::<Value>(&config_text)
                .ok()
                .and_then(|v| v.as_object().map(|o| o.contains_key(key)))
                .unwrap_or(false)
        };
        let model = match &args.init {
            Some(path) => Some(Model::from_json(&read(path)?).map_err(|e| Failure::file(path, e))?),
            None => None,
        };
        let mut trainer = Trainer::new(config.clone()).map_err(|e| Failure::file(config_path, e))?;

        if let Some(path) = &args.data {
            let expected = if given("dataset") {
                Some(config.problem())
            } else {
                model.as_ref().map(|m| m.network.problem)
            };
            let csv = parse_csv(&read(path)?, expected).map_err(|e| Failure::file(path, e))?;
            if given("loss") && !config.loss.supports(csv.problem) {
                return Err(Failure::file(
                    config_path,
                    ConfigError::loss_not_for(config.loss, csv.problem),
                ));
            }
            trainer.import_points(csv);
            if trainer.data().train.is_empty() {
                return Err(Failure::file(
                    path,
                    "no training points after the split; add rows or raise train-ratio",
                ));
            }
        }
        if let (Some(model), Some(path)) = (model, &args.init) {
            trainer.load_model(model).map_err(|e| Failure::file(path, e))?;
        }
        let (diverged, stopped) = run(&mut trainer, &mut early_stop, epochs);

        if let Some(path) = &args.log {
            write(path, &trainer.history().to_csv())?;
        }
        if let Some(path) = &args.out {
            write(path, &trainer.model().to_json())?;
        }
        if let Some(stopped) = stopped {
            println!("{}", stop_line(&stopped, patience.unwrap_or(0)));
        }
        println!("{}", summary(&mut trainer));
        match diverged {
            Some(reason) => {
                eprintln!("nnlab: {reason}");
                Ok(ExitCode::from(EXIT_DIVERGED))
            }
            None => Ok(ExitCode::SUCCESS),
        }
    }

    /// The early stop in one line, e.g. `stopped early at epoch 140: no lower validation
    /// loss for 40 epochs; the best was 0.2134 at epoch 100, whose weights were restored`.
    fn stop_line(stopped: &Stopped, patience: u64) -> String {
        let watched = match stopped.watched {
            Watched::Validation => "validation",
            Watched::Test => "test",
        };
        let mut line = format!(
            "stopped early at epoch {}: no lower {watched} loss for {patience} epochs; the best was {} at epoch {}",
            stopped.epoch,
            number(stopped.best_loss),
            stopped.best_epoch
        );
        if stopped.restored {
            line.push_str(", whose weights were restored");
        }
        line
    }

    /// Trains up to `epochs` epochs with a progress bar on a terminal, under the patience
    /// rule when it is on; returns why it stopped early, if it diverged, and the early stop.
    fn run(trainer: &mut Trainer, early_stop: &mut EarlyStopping, epochs: u64) -> (Option<String>, Option<Stopped>) {
        let bar = std::io::stderr().is_terminal().then(|| {
            let style = ProgressStyle::with_template(
                "{bar:30.cyan/blue} epoch {pos}/{len}  {msg}  [{elapsed_precise}, eta {eta}]",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            let bar = ProgressBar::new(epochs).with_style(style);
            bar.set_message(format!("train loss {}", number(trainer.evaluate().0.loss)));
            bar
        });
        let mut last_message = Instant::now();
        let mut stopped = None;
        for _ in 0..epochs {
            let (trained, stop) = early_stop.train(trainer, 1);
            if trained == 0 {
                break;
            }
            if stop.is_some() {
                stopped = stop;
                break;
            }
            if let Some(bar) = &bar {
                bar.inc(1);
                if last_message.elapsed() >= Duration::from_millis(100) {
                    bar.set_message(format!("train loss {}", number(trainer.evaluate().0.loss)));
                    last_message = Instant::now();
                }
            }
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let diverged = match trainer.health() {
            Health::Ok => None,
            Health::Diverged { layer, quantity, epoch } => {
                let layers = trainer.network().layers.len();
                let which = if layer + 1 >= layers {
                    "the output layer".to_string()
                } else {
                    format!("hidden layer {}", layer + 1)
                };
                let what = match quantity {
                    Quantity::Loss => "the loss",
                    Quantity::Gradient => "the gradients",
                    Quantity::Weights => "the weights",
                };
                Some(format!(
                    "diverged in epoch {epoch}: {what} of {which} became NaN or infinite; kept the weights \
                     of epoch {}. Try a lower learning rate (lr), another init or activation",
                    epoch.saturating_sub(1)
                ))
            }
        };
        (diverged, stopped)
    }

    /// Four significant-looking digits without drowning small numbers in zeros.
    fn number(v: Float) -> String {
        if v != 0.0 && v.abs() < 1e-3 {
            format!("{v:.3e}")
        } else {
            format!("{v:.4}")
        }
    }

    /// The final metrics on one line.
    fn summary(trainer: &mut Trainer) -> String {
        let (train, test) = trainer.evaluate();
        let val = trainer.validation();
        let mut line = format!("epoch {}  train loss {}", trainer.epoch(), number(train.loss));
        if let Some(val) = val {
            let _ = write!(line, "  val loss {}", number(val.loss));
        }
        let has_test = test.count > 0;
        if has_test {
            let _ = write!(line, "  test loss {}", number(test.loss));
        }
        let mut splits: Vec<(&str, Metrics)> = vec![("train", train)];
        splits.extend(val.map(|v| ("val", v)));
        if has_test {
            splits.push(("test", test));
        }
        if trainer.problem().is_classification() {
            for (name, m) in &splits {
                if let Some(a) = m.accuracy {
                    let _ = write!(line, "  {name} accuracy {:.1}%", 100.0 * a);
                }
            }
        } else {
            let (name, m) = splits[splits.len() - 1];
            if let Some(v) = m.mae {
                let _ = write!(line, "  {name} MAE {}", number(v));
            }
            if let Some(v) = m.rmse {
                let _ = write!(line, "  {name} RMSE {}", number(v));
            }
            if let Some(v) = m.mape {
                let _ = write!(line, "  {name} MAPE {v:.1}%");
            }
            if let Some(v) = m.r2 {
                let _ = write!(line, "  {name} R² {v:.4}");
            }
        }
        if !has_test {
            line.push_str("  (no test points)");
        }
        let config = trainer.config();
        if config.reg != Regularization::None && config.reg_rate > 0.0 {
            let (reg, rate) = (config.reg.name(), config.reg_rate);
            let _ = write!(line, "  penalty {} ({reg}, rate {rate})", number(trainer.penalty()));
        }
        line
    }

    /// The reference shown after the options: config keys and file formats.
    fn reference() -> String {
        let defaults = Config::default();
        let mut text = String::from(
            "Config keys (JSON object; values are strings or numbers, lists may be arrays; unknown keys are \
             errors; a key left out keeps its default):\n",
        );
        // One line per row of the key table.
        for key in keys::config_keys() {
            let default = defaults.get(key.name).unwrap_or_default();
            let _ = writeln!(text, "  {:<12} {} [default: {default}]", key.name, key.help(Lang::En));
        }
        let _ = write!(
            text,
            "\nFiles:\n\
             \x20 config JSON  an object of the keys above, e.g. {{\"dataset\":\"xor\",\"hidden\":\"4\",\"lr\":0.03}}; \
             `nnlab config` prints the defaults.\n\
             \x20 data CSV     a header naming x, y and label (any order), an optional split column of train/val/test, \
             other columns ignored; x and y within [-{PLANE}, {PLANE}], class labels 0, 1, …, at most {MAX_ROWS} rows.\n\
             \x20 model JSON   {{\"format\":\"nnlab-model\",\"version\":2,\"features\":[…],\"normalize\":{{…}},\
             \"layers\":[{{\"activation\",\"weights\" (one row per neuron),\"biases\"}}, …]}}, the output layer last; \
             written by --out, read by --init and the web page.\n\
             \x20 log CSV      epoch,train_loss,test_loss: the mean data loss of each recorded epoch (every epoch; \
             long runs are thinned to at most {HISTORY_CAPACITY} rows).\n\
             \nExit status: 0 trained, 1 diverged, 2 bad command line, file or value.\n"
        );
        text
    }
}

//! The page's owner: it holds the training run and the DOM it draws on. Each animation
//! frame trains `speed` epochs and then renders once; rendering only reads state.

use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement};

use super::dom::{by_id, canvas, format_number, window, Readout, WebResult};
use super::draw::{class_colour, draw_loss_chart, draw_points, DivergingScale, Heatmap, PlaneMapping};
use crate::core::config::Config;
use crate::core::introspect::GridOutputs;
use crate::core::trainer::{Health, Quantity, Trainer};
use crate::core::{Float, Lang, Problem};

/// Cells per side of the boundary heatmap (the peer uses 100 as well).
const GRID: usize = 100;

/// What `#status` says, as `data-state`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum State {
    Idle,
    Running,
    Diverged,
    Error,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Idle => "idle",
            State::Running => "running",
            State::Diverged => "diverged",
            State::Error => "error",
        }
    }
}

struct Readouts {
    epoch: Readout,
    train_loss: Readout,
    test_loss: Readout,
}

pub struct App {
    pub lang: Lang,
    trainer: Trainer,
    grid: GridOutputs,
    predictions: Vec<Float>,
    heatmap: Heatmap,
    background: DivergingScale,
    foreground: DivergingScale,
    boundary: HtmlCanvasElement,
    boundary_context: CanvasRenderingContext2d,
    loss_chart: HtmlCanvasElement,
    readouts: Readouts,
    status: Element,
    play_button: Element,
    playing: bool,
    /// Epochs trained per animation frame.
    pub speed: u64,
    /// Test points drawn on the boundary.
    pub show_test: bool,
    drawn_version: Option<u64>,
    chart_drawn: Option<(usize, u64)>,
    state: Option<(State, String)>,
}

impl App {
    pub fn new(config: Config, lang: Lang) -> WebResult<App> {
        let trainer = Trainer::new(config.clone()).or_else(|_| {
            // A config the engine refuses (checked before) falls back to the defaults.
            Trainer::new(Config::default())
        });
        let trainer = trainer.map_err(|e| super::dom::WebError(e.message(lang)))?;
        let (boundary, boundary_context) = canvas("boundary")?;
        let mut app = App {
            lang,
            trainer,
            grid: GridOutputs::new(GRID),
            predictions: Vec::with_capacity(GRID * GRID),
            heatmap: Heatmap::new(GRID)?,
            background: DivergingScale::new(0.55),
            foreground: DivergingScale::new(1.0),
            boundary,
            boundary_context,
            loss_chart: by_id("loss-chart")?,
            readouts: Readouts {
                epoch: Readout::new("epoch")?,
                train_loss: Readout::new("train-loss")?,
                test_loss: Readout::new("test-loss")?,
            },
            status: by_id("status")?,
            play_button: by_id("play")?,
            playing: false,
            speed: 1,
            show_test: false,
            drawn_version: None,
            chart_drawn: None,
            state: None,
        };
        app.fit_canvases();
        app.set_state(State::Idle, app.text(Text::Ready));
        app.update_play_button();
        Ok(app)
    }

    /// Sizes each canvas's backing store to its CSS size × device pixel ratio, so lines and
    /// text are sharp on any screen, and forces a redraw.
    pub fn fit_canvases(&mut self) {
        let ratio = window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0);
        for canvas in [&self.boundary, &self.loss_chart] {
            let rect = canvas.get_bounding_client_rect();
            let (w, h) = (
                (rect.width() * ratio).round() as u32,
                (rect.height() * ratio).round() as u32,
            );
            if w > 0 && h > 0 && (canvas.width() != w || canvas.height() != h) {
                canvas.set_width(w);
                canvas.set_height(h);
            }
        }
        self.drawn_version = None;
        self.chart_drawn = None;
    }

    fn ratio(&self) -> f64 {
        window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0)
    }

    pub fn toggle_play(&mut self) {
        if self.playing {
            self.pause();
        } else {
            self.play();
        }
    }

    pub fn play(&mut self) {
        if let Health::Diverged { .. } = self.trainer.health() {
            return;
        }
        self.playing = true;
        self.set_state(State::Running, self.text(Text::Running));
        self.update_play_button();
    }

    pub fn pause(&mut self) {
        self.playing = false;
        if self.state.as_ref().map(|s| s.0) == Some(State::Running) {
            self.set_state(State::Idle, self.text(Text::Paused));
        }
        self.update_play_button();
    }

    /// Trains exactly one epoch (the step button).
    pub fn step(&mut self) {
        self.pause();
        self.trainer.train_epoch();
        self.check_health();
    }

    /// Re-initialises the weights (same seed, same config) and clears a divergence.
    pub fn reset(&mut self) {
        self.trainer.reset();
        let state = if self.playing { State::Running } else { State::Idle };
        let text = self.text(if self.playing { Text::Running } else { Text::Ready });
        self.set_state(state, text);
    }

    fn update_play_button(&self) {
        let label = self.text(if self.playing { Text::Pause } else { Text::Play });
        let _ = self.play_button.set_attribute("aria-label", label);
        let _ = self
            .play_button
            .set_attribute("aria-pressed", if self.playing { "true" } else { "false" });
        self.play_button
            .set_text_content(Some(if self.playing { "❚❚" } else { "▶" }));
    }

    fn set_state(&mut self, state: State, message: impl Into<String>) {
        let message = message.into();
        if self.state.as_ref() == Some(&(state, message.clone())) {
            return;
        }
        let _ = self.status.set_attribute("data-state", state.name());
        self.status.set_text_content(Some(&message));
        self.state = Some((state, message));
    }

    /// Stops playing and says so when the run diverged.
    fn check_health(&mut self) {
        if let Health::Diverged { layer, quantity, epoch } = self.trainer.health() {
            self.playing = false;
            self.update_play_button();
            let output = layer + 1 == self.trainer.network().layers.len();
            let message = diverged_message(self.lang, layer, output, quantity, epoch);
            self.set_state(State::Diverged, message);
        }
    }

    /// One animation frame: train (if playing), then render what changed.
    pub fn frame(&mut self) {
        if self.playing {
            self.trainer.train_epochs(self.speed);
            self.check_health();
        }
        self.render();
    }

    /// Draws everything whose data changed since the last frame. Reads state only.
    pub fn render(&mut self) {
        if self.drawn_version != Some(self.trainer.version()) {
            self.draw_boundary();
            self.update_readouts();
            self.drawn_version = Some(self.trainer.version());
        }
        let history = self.trainer.history().points();
        let key = (history.len(), history.last().map_or(0, |p| p.epoch));
        if self.chart_drawn != Some(key) {
            let labels = (self.text(Text::Epoch), self.text(Text::Train), self.text(Text::Test));
            if let Err(e) = draw_loss_chart(&self.loss_chart, history, false, self.ratio(), labels) {
                self.set_state(State::Error, e);
            }
            self.chart_drawn = Some(key);
        }
    }

    fn draw_boundary(&mut self) {
        let trainer = &self.trainer;
        let problem = trainer.problem();
        self.grid
            .compute(trainer.network(), trainer.features(), trainer.normalizer());
        self.grid.predictions(problem, &mut self.predictions);
        let predictions = &self.predictions;
        let background = &self.background;
        match problem {
            Problem::MultiClass(k) => self.heatmap.paint(|i| class_colour(predictions[i], k, 0.55, false)),
            _ => self.heatmap.paint(|i| background.colour(predictions[i])),
        }
        let (w, h) = (f64::from(self.boundary.width()), f64::from(self.boundary.height()));
        self.heatmap.blit(&self.boundary_context, 0.0, 0.0, w, h);
        let mapping = PlaneMapping { width: w, height: h };
        let radius = (w / 110.0).max(2.5);
        let data = trainer.data();
        draw_points(
            &self.boundary_context,
            mapping,
            problem,
            &data.train,
            false,
            radius,
            &self.foreground,
        );
        if self.show_test {
            draw_points(
                &self.boundary_context,
                mapping,
                problem,
                &data.test,
                true,
                radius,
                &self.foreground,
            );
        }
    }

    fn update_readouts(&mut self) {
        let epoch = self.trainer.epoch();
        let (train, test) = self.trainer.evaluate();
        self.readouts.epoch.set(&epoch.to_string(), epoch as f64);
        for (readout, metrics) in [
            (&mut self.readouts.train_loss, train),
            (&mut self.readouts.test_loss, test),
        ] {
            if metrics.count == 0 {
                readout.clear();
            } else {
                let v = f64::from(metrics.loss);
                readout.set(&format_number(v), v);
            }
        }
    }

    fn text(&self, text: Text) -> &'static str {
        text.get(self.lang)
    }
}

/// The page's own sentences (labels of engine choices live with the choices).
#[derive(Clone, Copy)]
pub enum Text {
    Ready,
    Running,
    Paused,
    Play,
    Pause,
    Epoch,
    Train,
    Test,
}

impl Text {
    pub fn get(self, lang: Lang) -> &'static str {
        match self {
            Text::Ready => lang.pick("Ready: press play to train.", "就绪：按播放键开始训练。"),
            Text::Running => lang.pick("Training…", "训练中…"),
            Text::Paused => lang.pick("Paused.", "已暂停。"),
            Text::Play => lang.pick("Play", "播放"),
            Text::Pause => lang.pick("Pause", "暂停"),
            Text::Epoch => lang.pick("epoch", "轮次"),
            Text::Train => lang.pick("training loss", "训练损失"),
            Text::Test => lang.pick("test loss", "测试损失"),
        }
    }
}

fn diverged_message(lang: Lang, layer: usize, output: bool, quantity: Quantity, epoch: u64) -> String {
    let number = layer + 1;
    match lang {
        Lang::En => {
            let which = if output {
                format!("layer {number} (output)")
            } else {
                format!("hidden layer {number}")
            };
            let what = match quantity {
                Quantity::Loss => "the loss",
                Quantity::Gradient => "the gradients of",
                Quantity::Weights => "the weights of",
            };
            let subject = if quantity == Quantity::Loss {
                format!("{what} (computed in {which})")
            } else {
                format!("{what} {which}")
            };
            format!(
                "Diverged in epoch {epoch}: {subject} became infinite or NaN. The last finite weights are kept. \
                 Lower the learning rate, or change the initialisation or activation, then play again or reset."
            )
        }
        Lang::Zh => {
            let which = if output {
                format!("第 {number} 层（输出层）")
            } else {
                format!("第 {number} 个隐藏层")
            };
            let what = match quantity {
                Quantity::Loss => "损失",
                Quantity::Gradient => "梯度",
                Quantity::Weights => "权重",
            };
            format!(
                "第 {epoch} 轮训练发散：{which}的{what}变成了无穷大或 NaN。已保留最后一组有限的权重。\
                 请降低学习率，或更换初始化方法或激活函数，然后重新播放或重置。"
            )
        }
    }
}

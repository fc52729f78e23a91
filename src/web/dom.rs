//! Small, panic-free helpers over web-sys: finding elements, writing readouts, listening.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlCanvasElement, Window};

/// An error at the page's edge: a missing element or a browser call that failed.
#[derive(Debug)]
pub struct WebError(pub String);

impl From<JsValue> for WebError {
    fn from(value: JsValue) -> Self {
        WebError(value.as_string().unwrap_or_else(|| format!("{value:?}")))
    }
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub type WebResult<T> = Result<T, WebError>;

pub fn window() -> WebResult<Window> {
    web_sys::window().ok_or_else(|| WebError("no window".into()))
}

pub fn document() -> WebResult<Document> {
    window()?.document().ok_or_else(|| WebError("no document".into()))
}

/// The element with this id, as type `T`.
pub fn by_id<T: JsCast>(id: &str) -> WebResult<T> {
    document()?
        .get_element_by_id(id)
        .ok_or_else(|| WebError(format!("the page has no #{id}")))?
        .dyn_into::<T>()
        .map_err(|_| WebError(format!("#{id} is not the expected kind of element")))
}

/// The canvas with this id and its 2D context.
pub fn canvas(id: &str) -> WebResult<(HtmlCanvasElement, web_sys::CanvasRenderingContext2d)> {
    let canvas: HtmlCanvasElement = by_id(id)?;
    let context = context_2d(&canvas)?;
    Ok((canvas, context))
}

/// A canvas's 2D context, asked for with `willReadFrequently`, which every engine takes as
/// "keep this canvas in memory, not on the GPU". The page never reads pixels back; it asks
/// because every canvas here is small or rewritten whole each frame from pixels the CPU made
/// (`putImageData`, scaled copies, a few hundred line segments). WebKit otherwise draws each
/// canvas through its GPU path and composites it as a layer of its own; without a GPU
/// (software OpenGL) asking this way took its default network from 18.7 to 29.0 fps
/// (five-run medians, docs/performance.md). Chromium and Firefox already kept them in
/// memory there.
pub fn context_2d(canvas: &HtmlCanvasElement) -> WebResult<web_sys::CanvasRenderingContext2d> {
    let options = web_sys::ContextAttributes2d::new();
    options.set_will_read_frequently(true);
    canvas
        .get_context_with_context_options("2d", &options)?
        .ok_or_else(|| WebError("no 2D context".into()))?
        .dyn_into()
        .map_err(|_| WebError("no 2D context".into()))
}

/// A readout: human text plus the raw number in `data-value`, written only when it changed.
pub struct Readout {
    element: Element,
    shown: String,
    /// The raw number in `data-value` (its bits; NaN when none).
    value: u64,
}

impl Readout {
    pub fn new(id: &str) -> WebResult<Readout> {
        Ok(Readout::of(by_id(id)?))
    }

    /// A readout on an element the caller already holds (e.g. one it built).
    pub fn of(element: Element) -> Readout {
        Readout {
            element,
            shown: String::new(),
            value: f64::NAN.to_bits(),
        }
    }

    /// Shows `text`, with `value` as the raw number (kept exact even while the rounded
    /// text stays the same: tests and scripts read it).
    pub fn set(&mut self, text: &str, value: f64) {
        if self.shown != text {
            self.element.set_text_content(Some(text));
            self.shown = text.to_string();
        }
        if self.value != value.to_bits() {
            let _ = self.element.set_attribute("data-value", &value.to_string());
            self.value = value.to_bits();
        }
    }

    /// The element the readout writes into.
    pub fn element(&self) -> &Element {
        &self.element
    }

    /// Shows a dash and no raw value (nothing to report).
    pub fn clear(&mut self) {
        if self.shown != "–" {
            self.element.set_text_content(Some("–"));
            let _ = self.element.remove_attribute("data-value");
            self.shown = "–".to_string();
            self.value = f64::NAN.to_bits();
        }
    }
}

/// Sets inline style properties through the CSSOM (`element.style`), not a `style`
/// attribute, so the page's CSP needs no `style-src-attr 'unsafe-inline'`. Elements without
/// a style (not HTML or SVG) are left alone.
pub fn set_style(element: &Element, properties: &[(&str, &str)]) {
    let style = if let Some(html) = element.dyn_ref::<web_sys::HtmlElement>() {
        html.style()
    } else if let Some(svg) = element.dyn_ref::<web_sys::SvgElement>() {
        svg.style()
    } else {
        return;
    };
    for (name, value) in properties {
        let _ = style.set_property(name, value);
    }
}

/// Sizes each canvas's backing store to its CSS box × device pixel ratio, so lines and text
/// are sharp on any screen. Every size is read before any is written, so the page is laid
/// out once (a write between two reads made the engine lay the whole page out again for the
/// second read, some 35 ms at start-up).
pub fn fit_canvases(canvases: &[&HtmlCanvasElement], ratio: f64) {
    let sizes: Vec<(u32, u32)> = canvases
        .iter()
        .map(|canvas| {
            let rect = canvas.get_bounding_client_rect();
            (
                (rect.width() * ratio).round() as u32,
                (rect.height() * ratio).round() as u32,
            )
        })
        .collect();
    for (canvas, &(w, h)) in canvases.iter().zip(&sizes) {
        if w > 0 && h > 0 && (canvas.width() != w || canvas.height() != h) {
            canvas.set_width(w);
            canvas.set_height(h);
        }
    }
}

/// Shows a split's loss and accuracy (percent) in two readouts, or dashes when the split is
/// empty or the problem has no accuracy.
pub fn show_metrics(loss: &mut Readout, accuracy: &mut Readout, metrics: &crate::core::loss::Metrics) {
    if metrics.count == 0 {
        loss.clear();
        accuracy.clear();
        return;
    }
    let v = f64::from(metrics.loss);
    loss.set(&format_number(v), v);
    match metrics.accuracy {
        Some(a) => {
            let percent = f64::from(a) * 100.0;
            accuracy.set(&format!("{percent:.1}%"), percent);
        }
        None => accuracy.clear(),
    }
}

/// `value` (finite, not 0) in scientific notation with `digits` decimals, as `{:.digits$e}`
/// writes it (`1.23e-4`). Written out here so the page does not carry the standard
/// library's exponent formatting for these three readouts.
pub fn scientific(value: f64, digits: usize) -> String {
    let mut exponent = value.abs().log10().floor() as i32;
    let mut mantissa = format!("{:.digits$}", value / 10f64.powi(exponent));
    // Rounding can carry into a new digit (9.996 at two decimals reads 10.00).
    if mantissa.trim_start_matches('-').starts_with("10") {
        exponent += 1;
        mantissa = format!("{:.digits$}", value / 10f64.powi(exponent));
    }
    format!("{mantissa}e{exponent}")
}

/// Formats a loss-like number with four significant digits, readable at any magnitude.
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-3..1e5).contains(&magnitude) {
        scientific(value, 3)
    } else {
        let digits = if magnitude >= 1.0 {
            (3 - magnitude.log10().floor() as i32).max(0) as usize
        } else {
            4
        };
        format!("{value:.digits$}")
    }
}

/// Adds an event listener that lives as long as the page.
pub fn listen<E: JsCast + 'static>(target: &web_sys::EventTarget, event: &str, mut handler: impl FnMut(E) + 'static) {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        if let Ok(e) = e.dyn_into::<E>() {
            handler(e);
        }
    });
    if target
        .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
        .is_ok()
    {
        closure.forget();
    }
}

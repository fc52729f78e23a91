//! Pictures and video for slides: a PNG snapshot of any panel and a video recording of the
//! training, both made with the browser's own APIs (canvas, MediaRecorder, Blob downloads).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Blob, BlobEvent, BlobPropertyBag, CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlImageElement,
    MediaRecorder, MediaRecorderOptions, Url,
};

use super::dom::{WebError, WebResult};
use super::draw::offscreen_canvas;
use super::files::download_blob;

/// Size of the recorded video: 720p fits every projector and video tool.
const VIDEO_WIDTH: u32 = 1280;
const VIDEO_HEIGHT: u32 = 720;
const VIDEO_FPS: f64 = 30.0;

/// Draws `source` into the box (x, y, w, h), keeping its aspect ratio, centred.
fn draw_fitted(context: &CanvasRenderingContext2d, source: &HtmlCanvasElement, x: f64, y: f64, w: f64, h: f64) {
    let (sw, sh) = (f64::from(source.width()), f64::from(source.height()));
    if sw <= 0.0 || sh <= 0.0 {
        return;
    }
    let scale = (w / sw).min(h / sh);
    let (dw, dh) = (sw * scale, sh * scale);
    let _ = context.draw_image_with_html_canvas_element_and_dw_and_dh(
        source,
        x + (w - dw) / 2.0,
        y + (h - dh) / 2.0,
        dw,
        dh,
    );
}

/// The containers a recording can be saved in, best first: (MediaRecorder type, file
/// extension). Chromium and Firefox record WebM; Safari records MP4 with H.264 (WebM only
/// from Safari 18.4 on), so without the MP4 rows its Record button could only refuse.
const VIDEO_FORMATS: [(&str, &str); 5] = [
    ("video/webm;codecs=vp9", "webm"),
    ("video/webm;codecs=vp8", "webm"),
    ("video/webm", "webm"),
    ("video/mp4;codecs=avc1", "mp4"),
    ("video/mp4", "mp4"),
];

/// The event `window` gets when a stopped recording has been handed over: its `detail` is
/// the video's size in bytes, 0 when the browser recorded nothing (then nothing is
/// downloaded; `src/web/mod.rs` has the page say so).
pub const RECORDED_EVENT: &str = "nnlab-recorded";

/// A container this browser can record, or `None` (no MediaRecorder, or none of
/// [`VIDEO_FORMATS`]).
#[derive(Clone, Copy, Debug)]
pub struct VideoFormat {
    mime: &'static str,
    extension: &'static str,
}

impl VideoFormat {
    pub fn supported() -> Option<VideoFormat> {
        // An old browser has no MediaRecorder at all; calling into it would throw.
        let global = js_sys::global();
        if !js_sys::Reflect::has(&global, &"MediaRecorder".into()).unwrap_or(false) {
            return None;
        }
        VIDEO_FORMATS
            .into_iter()
            .find(|(mime, _)| MediaRecorder::is_type_supported(mime))
            .map(|(mime, extension)| VideoFormat { mime, extension })
    }

    /// The file name for `stem`: `nnlab-training` → `nnlab-training.webm` or `.mp4`.
    pub fn file_name(self, stem: &str) -> String {
        format!("{stem}.{}", self.extension)
    }

    /// `webm` or `mp4`.
    pub fn extension(self) -> &'static str {
        self.extension
    }

    /// The container's type without codecs, for the saved file.
    fn container(self) -> &'static str {
        self.mime.split(';').next().unwrap_or(self.mime)
    }
}

/// A running recording: a 1280×720 canvas composed every frame from the page's canvases,
/// captured by a MediaRecorder. Stopping it downloads the video.
pub struct Recorder {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    recorder: MediaRecorder,
    stream: web_sys::MediaStream,
    format: VideoFormat,
}

impl Recorder {
    /// Starts recording in `format`, to be saved as `filename`. Fails with the browser's
    /// reason if it refuses.
    pub fn start(format: VideoFormat, filename: &str) -> WebResult<Recorder> {
        let (canvas, context) = offscreen_canvas(VIDEO_WIDTH, VIDEO_HEIGHT)?;
        context.set_fill_style_str("#ffffff");
        context.fill_rect(0.0, 0.0, f64::from(VIDEO_WIDTH), f64::from(VIDEO_HEIGHT));
        let stream = canvas.capture_stream_with_frame_request_rate(VIDEO_FPS)?;
        let options = MediaRecorderOptions::new();
        options.set_mime_type(format.mime);
        options.set_video_bits_per_second(4_000_000);
        let recorder = MediaRecorder::new_with_media_stream_and_media_recorder_options(&stream, &options)?;
        let chunks: Rc<RefCell<Vec<Blob>>> = Rc::new(RefCell::new(Vec::new()));
        let collect = chunks.clone();
        let on_data = Closure::<dyn FnMut(BlobEvent)>::new(move |event: BlobEvent| {
            if let Some(blob) = event.data() {
                collect.borrow_mut().push(blob);
            }
        });
        recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
        // The recorder owns the handler from here on (freed with it by the JS collector).
        let _ = on_data.into_js_value();
        let name = filename.to_string();
        let on_stop = Closure::once_into_js(move |_: JsValue| {
            let parts = js_sys::Array::new();
            let mut bytes = 0.0;
            for blob in chunks.borrow().iter() {
                bytes += blob.size();
                parts.push(blob);
            }
            // A browser that claimed the type but recorded nothing (WebKitGTK 2.50 on Debian,
            // for a canvas's stream) hands over empty chunks: no empty file then.
            if bytes > 0.0 {
                let options = BlobPropertyBag::new();
                options.set_type(format.container());
                if let Ok(video) = Blob::new_with_blob_sequence_and_options(&parts, &options) {
                    let _ = download_blob(&name, &video);
                }
            }
            // A plain Event with an own `detail` (read as a CustomEvent's is, in mod.rs).
            if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new(RECORDED_EVENT)) {
                let _ = js_sys::Reflect::set(&event, &"detail".into(), &JsValue::from_f64(bytes));
                let _ = window.dispatch_event(&event);
            }
        });
        recorder.set_onstop(Some(on_stop.unchecked_ref()));
        // One chunk a second, so a long recording never holds one huge buffer.
        recorder.start_with_time_slice(1000)?;
        Ok(Recorder {
            canvas,
            context,
            recorder,
            stream,
            format,
        })
    }

    /// The container being recorded.
    pub fn format(&self) -> VideoFormat {
        self.format
    }

    /// Composes one video frame: a title line, the boundary on the left and up to two
    /// charts stacked on the right.
    pub fn compose(&self, title: &str, boundary: &HtmlCanvasElement, charts: &[&HtmlCanvasElement]) {
        let c = &self.context;
        let (w, h) = (f64::from(VIDEO_WIDTH), f64::from(VIDEO_HEIGHT));
        c.set_fill_style_str("#ffffff");
        c.fill_rect(0.0, 0.0, w, h);
        c.set_fill_style_str("#1d232a");
        c.set_font("600 26px system-ui, 'Noto Sans CJK SC', sans-serif");
        let _ = c.fill_text(title, 24.0, 42.0);
        let top = 64.0;
        let side = h - top - 16.0;
        draw_fitted(c, boundary, 16.0, top, side, side);
        let right = 16.0 + side + 16.0;
        let slot = (side - 16.0) / charts.len().max(1) as f64;
        for (i, chart) in charts.iter().enumerate() {
            draw_fitted(c, chart, right, top + i as f64 * (slot + 16.0), w - right - 16.0, slot);
        }
    }

    /// Stops recording; the browser then hands over the last chunk and the download starts.
    pub fn stop(self) {
        let _ = self.recorder.stop();
        let tracks = self.stream.get_tracks();
        for track in tracks.iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
        let _ = &self.canvas;
    }
}

/// Saves a PNG of `panel` as it looks: white background, its title, then every canvas and
/// SVG inside it at their places on screen, at the screen's pixel density.
pub fn snapshot_panel(panel: &Element, filename: &str, ratio: f64) -> WebResult<()> {
    let rect = panel.get_bounding_client_rect();
    let (width, height) = ((rect.width() * ratio).round(), (rect.height() * ratio).round());
    if width < 1.0 || height < 1.0 {
        return Err(WebError("the panel is not visible".into()));
    }
    let (canvas, context) = offscreen_canvas(width as u32, height as u32)?;
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, width, height);
    context.scale(ratio, ratio)?;
    if let Some(title) = panel.query_selector("h2")? {
        let place = title.get_bounding_client_rect();
        context.set_fill_style_str("#56616c");
        context.set_font("600 12px system-ui, 'Noto Sans CJK SC', sans-serif");
        let text = title.text_content().unwrap_or_default();
        let _ = context.fill_text(&text, place.left() - rect.left(), place.bottom() - rect.top() - 3.0);
    }
    // SVGs (the network's links) load as images first, so they sit behind the canvases.
    let svgs = panel.query_selector_all("svg.network-links")?;
    let mut pending = Vec::new();
    for i in 0..svgs.length() {
        let Some(svg) = svgs.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let place = svg.get_bounding_client_rect();
        let markup = with_link_style(&web_sys::XmlSerializer::new()?.serialize_to_string(&svg)?);
        pending.push((
            markup,
            place.left() - rect.left(),
            place.top() - rect.top(),
            place.width(),
            place.height(),
        ));
    }
    let canvases = panel.query_selector_all("canvas")?;
    let mut pictures = Vec::new();
    for i in 0..canvases.length() {
        let Some(source) = canvases.item(i).and_then(|n| n.dyn_into::<HtmlCanvasElement>().ok()) else {
            continue;
        };
        let place = source.get_bounding_client_rect();
        if place.width() > 0.0 && place.height() > 0.0 {
            pictures.push((
                source,
                place.left() - rect.left(),
                place.top() - rect.top(),
                place.width(),
                place.height(),
            ));
        }
    }
    let name = filename.to_string();
    let finish = move |context: &CanvasRenderingContext2d, canvas: &HtmlCanvasElement| {
        for (source, x, y, w, h) in &pictures {
            let _ = context.draw_image_with_html_canvas_element_and_dw_and_dh(source, *x, *y, *w, *h);
        }
        let _ = super::files::download_canvas_png(canvas, &name);
    };
    draw_svgs(context, canvas, pending, Box::new(finish));
    Ok(())
}

/// The page styles the links through its stylesheet, which an SVG drawn as an image does
/// not see: put the few rules that matter inside it.
fn with_link_style(markup: &str) -> String {
    const STYLE: &str = "<style>path{fill:none;stroke-linecap:round}.link-hit{stroke:none}</style>";
    match markup.find('>') {
        Some(end) => format!("{}{STYLE}{}", &markup[..=end], &markup[end + 1..]),
        None => markup.to_string(),
    }
}

type Finish = Box<dyn FnOnce(&CanvasRenderingContext2d, &HtmlCanvasElement)>;

/// Draws each SVG (markup, x, y, w, h) through an image, one after another, then `finish`.
fn draw_svgs(
    context: CanvasRenderingContext2d,
    canvas: HtmlCanvasElement,
    mut pending: Vec<(String, f64, f64, f64, f64)>,
    finish: Finish,
) {
    let Some((markup, x, y, w, h)) = pending.pop() else {
        finish(&context, &canvas);
        return;
    };
    let image = match HtmlImageElement::new() {
        Ok(image) => image,
        Err(_) => return finish(&context, &canvas),
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(&markup));
    let options = BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let url = Blob::new_with_str_sequence_and_options(&parts, &options)
        .and_then(|blob| Url::create_object_url_with_blob(&blob));
    let Ok(url) = url else {
        return finish(&context, &canvas);
    };
    let loaded = image.clone();
    let release = url.clone();
    // Either way (loaded or failed) the rest of the picture is still drawn.
    let next: Rc<RefCell<Option<(CanvasRenderingContext2d, HtmlCanvasElement, Finish)>>> =
        Rc::new(RefCell::new(Some((context, canvas, finish))));
    let on_error_next = next.clone();
    let pending_error = pending.clone();
    let on_load = Closure::once_into_js(move |_: JsValue| {
        let _ = Url::revoke_object_url(&release);
        if let Some((context, canvas, finish)) = next.borrow_mut().take() {
            let _ = context.draw_image_with_html_image_element_and_dw_and_dh(&loaded, x, y, w, h);
            draw_svgs(context, canvas, pending, finish);
        }
    });
    let on_error = Closure::once_into_js(move |_: JsValue| {
        if let Some((context, canvas, finish)) = on_error_next.borrow_mut().take() {
            draw_svgs(context, canvas, pending_error, finish);
        }
    });
    image.set_onload(Some(on_load.unchecked_ref()));
    image.set_onerror(Some(on_error.unchecked_ref()));
    image.set_src(&url);
}

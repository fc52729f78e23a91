//! The browser adapter: boots the app, wires the page's events to [`app::App`] and runs
//! the animation loop. All math lives in `crate::core`.

// Everything here runs in front of a user: a failed lookup is handled, never unwrapped
// (CI's `-D warnings` turns these into errors).
#![warn(clippy::unwrap_used, clippy::expect_used)]

mod app;
mod bench;
mod boundary;
mod challenge;
mod chart;
mod compare;
mod controls;
mod dom;
mod draw;
mod features_view;
mod files;
mod inspector;
mod lessons;
mod media;
mod network_view;
mod panels;
mod share;
mod storage;
mod text;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Element, Event, EventTarget, HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent, MouseEvent,
    PointerEvent,
};

use crate::core::keys::PageQuery;
use crate::core::Lang;
use app::App;
use dom::{by_id, document, listen, window, WebResult};

type Shared = Rc<RefCell<App>>;

/// Entry point, run by the page's loader once the wasm is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    mark("nnlab-start");
    install_panic_hook();
    // www/boot.js (or the single-file page) has put the texts here before starting us.
    let texts = window()
        .ok()
        .and_then(|w| js_sys::Reflect::get(&w, &"nnlabTexts".into()).ok())
        .and_then(|t| t.as_string());
    if !texts.is_some_and(crate::core::text::load) {
        show_fatal("nnlab: texts.txt, beside the page, could not be read.");
        return;
    }
    // The single-file page carries the lessons' prose inline; the served page fetches it.
    if let Some(prose) = window()
        .ok()
        .and_then(|w| js_sys::Reflect::get(&w, &"nnlabLessons".into()).ok())
        .and_then(|t| t.as_string())
    {
        crate::core::lesson::load(prose);
    }
    if let Err(e) = boot() {
        show_fatal(&e.to_string());
    }
}

/// Chains a hook after console_error_panic_hook's (the console keeps the message) that
/// shows `#panic-overlay` with the panic's message and location. A panic aborts the wasm
/// instance, so the overlay's buttons are wired in boot.js, not here.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let _ = show_panic(&info.to_string());
    }));
}

fn show_panic(details: &str) -> Option<()> {
    let doc = document().ok()?;
    let code = doc.document_element()?.get_attribute("lang").unwrap_or_default();
    let lang = if code == "zh-CN" { Lang::Zh } else { Lang::En };
    let overlay = doc.get_element_by_id("panic-overlay")?;
    let nodes = overlay.query_selector_all("[data-text]").ok()?;
    for node in (0..nodes.length()).filter_map(|i| nodes.item(i)?.dyn_into::<Element>().ok()) {
        let key = node.get_attribute("data-text").unwrap_or_default();
        node.set_text_content(Some(text::text(lang, &key)));
    }
    doc.get_element_by_id("panic-details")?.set_text_content(Some(details));
    let copy = doc.get_element_by_id("panic-copy")?;
    let _ = copy.set_attribute("data-copied", text::text(lang, "panic-copied"));
    let _ = overlay.remove_attribute("hidden");
    let _ = doc
        .get_element_by_id("panic-reload")?
        .dyn_into::<HtmlElement>()
        .ok()?
        .focus();
    Some(())
}

/// Shows a start-up failure in `#status` (the page cannot work without its elements).
fn show_fatal(message: &str) {
    if let Ok(status) = by_id::<Element>("status") {
        let _ = status.set_attribute("data-state", "error");
        status.set_text_content(Some(message));
    }
}

/// A User Timing mark (the start-up's steps, for scripts/bench.mjs and DevTools).
fn mark(name: &str) {
    if let Some(performance) = window().ok().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// An event's `detail` (a CustomEvent's from boot.js, or the own property media.rs sets on a
/// plain Event); undefined when it has none.
fn event_detail(event: &Event) -> JsValue {
    js_sys::Reflect::get(event, &"detail".into()).unwrap_or(JsValue::UNDEFINED)
}

/// The page's language: `?lang=` if given, else the browser's.
fn page_lang(query: &PageQuery) -> Lang {
    query
        .lang
        .or_else(|| {
            window()
                .ok()
                .and_then(|w| w.navigator().language())
                .and_then(|l| Lang::from_code(&l))
        })
        .unwrap_or_default()
}

fn boot() -> WebResult<()> {
    // The query is read once, here: the run's config and every page key.
    let query = PageQuery::parse(&window()?.location().search()?);
    let lang = page_lang(&query);
    let app = Rc::new(RefCell::new(App::new(&query, lang)?));
    wire(&app)?;
    mark("nnlab-app-built");
    if let Ok(mut app) = app.try_borrow_mut() {
        app.storage.off = query.bench;
        if !query.bench {
            app.restore_saved_run();
        }
    }
    if let Ok(mut app) = app.try_borrow_mut() {
        app.render();
        app.first_boundary_ms = Some(bench::now_ms());
        // The same moment as a User Timing mark, for scripts/bench.mjs's throttled load.
        mark("nnlab-first-boundary");
        if query.bench {
            app.start_bench()?;
        }
    }
    // Test hook: `?panic-test=1` panics on the first animation frame, so the browser tests
    // can check the panic overlay. Nothing else reads it.
    start_loop(app, query.panic_test)?;
    Ok(())
}

/// Runs `action` on the app unless it is busy (an event raised while it draws).
fn with(app: &Shared, action: impl FnOnce(&mut App)) {
    if let Ok(mut app) = app.try_borrow_mut() {
        action(&mut app);
    }
}

fn on<E: JsCast + 'static>(
    app: &Shared,
    target: &EventTarget,
    event: &str,
    mut action: impl FnMut(&mut App, E) + 'static,
) {
    let app = app.clone();
    listen::<E>(target, event, move |e| with(&app, |a| action(a, e)));
}

fn element(id: &str) -> WebResult<EventTarget> {
    by_id::<EventTarget>(id)
}

/// The element an event happened on.
fn event_element(event: &Event) -> Option<Element> {
    event.target().and_then(|t| t.dyn_into::<Element>().ok())
}

/// Connects every control to the app.
fn wire(app: &Shared) -> WebResult<()> {
    on::<Event>(app, &element("play")?, "click", |a, _| a.toggle_play());
    on::<Event>(app, &element("step")?, "click", |a, _| a.step());
    on::<Event>(app, &element("reset")?, "click", |a, _| a.reset());
    on::<Event>(app, &element("regenerate")?, "click", |a, _| a.regenerate());
    on::<Event>(app, &element("add-layer")?, "click", |a, _| a.add_layer());
    on::<Event>(app, &element("remove-layer")?, "click", |a, _| a.remove_layer());

    // Selects whose value is a config key's value.
    for (id, key) in controls::selects() {
        let select: HtmlSelectElement = by_id(id)?;
        let source = select.clone();
        on::<Event>(app, &select.into(), "change", move |a, _| {
            if key == "activation" {
                a.set_activation_everywhere(&source.value());
            } else {
                a.set_key(key, &source.value(), None);
            }
        });
    }
    // Typed numbers apply on change (Enter or leaving the field).
    for (id, key) in controls::number_fields() {
        let input: HtmlInputElement = by_id(id)?;
        let source = input.clone();
        on::<Event>(app, &input.into(), "change", move |a, _| {
            a.set_key(key, &source.value(), Some(id))
        });
    }
    // Sliders apply when released; their number follows while dragging.
    for (id, key, _) in controls::sliders() {
        let input: HtmlInputElement = by_id(id)?;
        let source = input.clone();
        on::<Event>(app, &input.clone().into(), "change", move |a, _| {
            a.set_key(key, &source.value(), None)
        });
        let shown = document()?.query_selector(&format!("output[data-show=\"{id}\"]"))?;
        let source = input.clone();
        listen::<Event>(&input.into(), "input", move |_| {
            if let Some(shown) = &shown {
                let suffix = if key == "points" { "" } else { "%" };
                shown.set_text_content(Some(&format!("{}{suffix}", source.value())));
            }
        });
    }
    let lang: HtmlSelectElement = by_id("lang")?;
    let source = lang.clone();
    on::<Event>(app, &lang.into(), "change", move |a, _| a.set_lang(&source.value()));
    let speed: HtmlSelectElement = by_id("speed")?;
    let source = speed.clone();
    on::<Event>(app, &speed.into(), "change", move |a, _| a.set_speed(&source.value()));
    for (id, setter) in [
        ("show-test", App::set_show_test as fn(&mut App, bool)),
        ("discretize", App::set_discretize),
        ("log-scale", App::set_log_scale),
        ("stop-restore", App::set_stop_restore),
    ] {
        let input: HtmlInputElement = by_id(id)?;
        let source = input.clone();
        on::<Event>(app, &input.into(), "change", move |a, _| setter(a, source.checked()));
    }
    for id in ["stop-epoch", "stop-patience"] {
        let input: HtmlInputElement = by_id(id)?;
        let source = input.clone();
        on::<Event>(app, &input.into(), "change", move |a, _| {
            a.set_stop(id, &source.value())
        });
    }

    // Feature toggles (delegated: one listener for the whole list).
    on::<Event>(app, &element("feature-list")?, "change", |a, _| a.features_toggled());
    // The point-class buttons.
    on::<Event>(app, &element("point-class")?, "click", |a, e| {
        if let Some(button) = event_element(&e).and_then(|t| t.closest("button[data-class]").ok().flatten()) {
            if let Some(value) = button.get_attribute("data-class") {
                a.set_point_class(&value);
            }
        }
    });

    on::<Event>(app, &element("record")?, "click", |a, _| a.toggle_recording());
    on::<Event>(app, &element("open-lessons")?, "click", |a, _| a.toggle_lessons());
    on::<Event>(app, &element("lesson-prev")?, "click", |a, _| a.lesson_step(-1));
    on::<Event>(app, &element("lesson-next")?, "click", |a, _| a.lesson_step(1));
    on::<Event>(app, &element("lesson-setup")?, "click", |a, _| a.restart_lesson());
    on::<Event>(app, &element("lesson-close")?, "click", |a, _| a.toggle_lessons());
    let lesson_select: HtmlSelectElement = by_id("lesson-select")?;
    let source = lesson_select.clone();
    on::<Event>(app, &lesson_select.into(), "change", move |a, _| {
        a.open_lesson(&source.value())
    });
    on::<Event>(app, &element("projector")?, "click", |a, _| {
        let on = !a.view.projector;
        a.set_projector(on);
    });
    // Every panel's snapshot button and the settings drawer's (one delegated listener). The
    // drawer (projector mode, phones, tablets) shows while its button's aria-expanded is true.
    let doc: EventTarget = document()?.into();
    on::<Event>(app, &doc, "click", |a, e| {
        let target = event_element(&e);
        let within = |selector: &str| target.as_ref().and_then(|t| t.closest(selector).ok().flatten());
        if within("#settings-toggle").is_some() {
            set_drawer(!drawer_open());
        }
        let panel = within("button.snapshot").and_then(|b| b.closest(".panel").ok().flatten());
        if let Some(panel) = panel {
            a.snapshot(&panel);
        }
    });

    wire_boundary(app)?;
    wire_inspector(app)?;
    compare::wire(app)?;
    wire_network(app)?;
    wire_files(app)?;
    share::wire(app)?;
    wire_keyboard(app)?;

    on::<Event>(app, &element("notice")?, "click", |a, e| {
        let target = event_element(&e);
        let within = |selector: &str| {
            target
                .as_ref()
                .is_some_and(|t| t.closest(selector).ok().flatten().is_some())
        };
        if within(".notice-close") {
            a.dismiss_notice();
        } else if within("[data-action=\"start-fresh\"]") {
            a.start_fresh();
        }
    });
    let win: EventTarget = window()?.into();
    on::<Event>(app, &win, "resize", |a, _| a.fit_canvases());
    // www/boot.js fetches the lessons' prose once the app runs and hands it over in this
    // event's detail ("" when it could not be had); the single-file page has it inline.
    on::<Event>(app, &win, "nnlab-lessons", |a, e| {
        a.lessons_arrived(event_detail(&e).as_string().filter(|t| !t.is_empty()));
    });
    on::<Event>(app, &win, media::RECORDED_EVENT, |a, e| {
        a.recording_saved(event_detail(&e).as_f64().unwrap_or(0.0));
    });
    // A printout shows the panels below the fold too.
    on::<Event>(app, &win, "beforeprint", |a, _| a.before_print());
    on::<Event>(app, &win, "afterprint", |a, _| a.after_print());
    // The run goes to storage when the tab is hidden or closed (a phone may never close it).
    on::<Event>(app, &win, "pagehide", |a, _| a.save_run());
    on::<Event>(app, &doc, "visibilitychange", |a, _| {
        if document().is_ok_and(|d| d.hidden()) {
            a.save_run();
        }
    });
    Ok(())
}

fn wire_boundary(app: &Shared) -> WebResult<()> {
    wire_boundary_canvas(app, "boundary", false)
}

/// Connects a boundary canvas (A's, or compare mode's `#boundary-b` when `b`): both runs
/// share their data, so a point added or removed on either goes into both.
pub(super) fn wire_boundary_canvas(app: &Shared, id: &str, b: bool) -> WebResult<()> {
    let canvas = element(id)?;
    for event in [
        "click",
        "contextmenu",
        "pointerdown",
        "pointermove",
        "pointerup",
        "pointercancel",
    ] {
        on::<MouseEvent>(app, &canvas, event, move |a, e| boundary_event(a, e, b));
    }
    Ok(())
}

/// A click adds a point (the other class with shift); a right click, or a touch held still
/// (`App::boundary_pointer`), removes the nearest one.
fn boundary_event(a: &mut App, e: MouseEvent, b: bool) {
    let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
    let kind = e.type_();
    let touch = kind.starts_with('p') && e.unchecked_ref::<PointerEvent>().pointer_type() == "touch";
    match kind.as_str() {
        "contextmenu" => {
            e.prevent_default();
            // A touch browser's long-press menu: the long press itself removes the point.
            if !a.pressing() {
                a.click_on(b, x, y, false, true);
            }
        }
        "click" => {
            if !a.boundary_pointer(b, "click", touch, x, y) {
                a.click_on(b, x, y, e.shift_key(), false);
            }
        }
        kind => {
            a.boundary_pointer(b, kind, touch, x, y);
        }
    }
}

fn wire_inspector(app: &Shared) -> WebResult<()> {
    on::<Event>(app, &element("inspect")?, "click", |a, _| a.toggle_inspect());
    on::<Event>(app, &element("inspector")?, "click", |a, e| {
        let action = event_element(&e)
            .and_then(|t| t.closest("[data-inspect]").ok().flatten())
            .and_then(|b| b.get_attribute("data-inspect"));
        match action.as_deref() {
            Some("prev") => a.inspect_step(-1),
            Some("next") => a.inspect_step(1),
            Some("close") => a.toggle_inspect(),
            _ => {}
        }
    });
    Ok(())
}

fn wire_network(app: &Shared) -> WebResult<()> {
    let network = element("network")?;
    // Buttons and selects inside the diagram are rebuilt as the shape changes, so one
    // delegated listener serves them all.
    on::<Event>(app, &network, "click", |a, e| {
        let Some(target) = event_element(&e) else { return };
        let layer_of = |selector: &str| {
            target
                .closest(selector)
                .ok()
                .flatten()
                .and_then(|b| b.get_attribute("data-layer"))
                .and_then(|l| l.parse::<usize>().ok())
        };
        if let Some(layer) = layer_of(".add-neuron") {
            a.add_neuron(layer);
        } else if let Some(layer) = layer_of(".remove-neuron") {
            a.remove_neuron(layer);
        } else if let Some(param) = a.parameter_at(&target) {
            if let Some(value) = a.parameter_value(param) {
                open_editor(param, value, &e, a.lang);
            }
        }
    });
    on::<Event>(app, &network, "change", |a, e| {
        let target = event_element(&e);
        if let Some(input) = target.clone().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
            if input.class_list().contains("layer-dropout") {
                if let Some(layer) = input.get_attribute("data-layer").and_then(|l| l.parse().ok()) {
                    a.set_layer_dropout(layer, &input.value());
                }
            }
            return;
        }
        let Some(select) = target.and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) else {
            return;
        };
        if select.class_list().contains("layer-activation") {
            if let Some(layer) = select.get_attribute("data-layer").and_then(|l| l.parse().ok()) {
                a.set_layer_activation(layer, &select.value());
            }
        }
        if select.class_list().contains("layer-norm") {
            if let Some(layer) = select.get_attribute("data-layer").and_then(|l| l.parse().ok()) {
                a.set_layer_norm(layer, &select.value());
            }
        }
    });
    on::<MouseEvent>(app, &network, "mousemove", |a, e| {
        let target = event_element(&e);
        a.hover(target.as_ref(), f64::from(e.client_x()), f64::from(e.client_y()));
    });
    on::<MouseEvent>(app, &network, "mouseleave", |a, _| a.hover(None, 0.0, 0.0));

    // The value editor: Enter sets, Escape closes.
    let editor: Element = by_id("editor")?;
    let input: HtmlInputElement = editor
        .query_selector("input")?
        .and_then(|i| i.dyn_into().ok())
        .ok_or_else(|| dom::WebError("#editor has no input".into()))?;
    let source = input.clone();
    let editor_element = editor.clone();
    on::<KeyboardEvent>(app, &input.into(), "keydown", move |a, e| match e.key().as_str() {
        "Enter" => {
            let Some(param) = editor_param(&editor_element) else {
                return;
            };
            match a.set_parameter(param, &source.value()) {
                Ok(()) => {
                    let _ = editor_element.set_attribute("hidden", "");
                }
                Err(message) => {
                    if let Ok(Some(error)) = editor_element.query_selector(".field-error") {
                        error.set_text_content(Some(&message));
                    }
                }
            }
        }
        "Escape" => {
            let _ = editor_element.set_attribute("hidden", "");
        }
        _ => {}
    });
    Ok(())
}

/// Opens the editor next to the clicked link or bias, holding which parameter it edits.
fn open_editor(param: network_view::ParamRef, value: f32, event: &Event, lang: Lang) {
    let Ok(editor) = by_id::<HtmlElement>("editor") else {
        return;
    };
    let (kind, layer, row, column) = match param {
        network_view::ParamRef::Weight { layer, row, column } => ("weight", layer, row, Some(column)),
        network_view::ParamRef::Bias { layer, row } => ("bias", layer, row, None),
    };
    let _ = editor.set_attribute("data-kind", kind);
    let _ = editor.set_attribute("data-layer", &layer.to_string());
    let _ = editor.set_attribute("data-row", &row.to_string());
    match column {
        Some(c) => {
            let _ = editor.set_attribute("data-column", &c.to_string());
        }
        None => {
            let _ = editor.remove_attribute("data-column");
        }
    }
    if let Ok(Some(title)) = editor.query_selector(".editor-title") {
        title.set_text_content(Some(text::text(lang, kind)));
    }
    if let Ok(Some(error)) = editor.query_selector(".field-error") {
        error.set_text_content(None);
    }
    if let Some(mouse) = event.dyn_ref::<MouseEvent>() {
        let style = editor.style();
        let _ = style.set_property("left", &format!("{}px", mouse.client_x() + 8));
        let _ = style.set_property("top", &format!("{}px", mouse.client_y() + 8));
    }
    let _ = editor.remove_attribute("hidden");
    if let Ok(Some(input)) = editor.query_selector("input") {
        if let Ok(input) = input.dyn_into::<HtmlInputElement>() {
            input.set_value(&format!("{value:.4}"));
            let _ = input.focus();
            input.select();
        }
    }
}

fn editor_param(editor: &Element) -> Option<network_view::ParamRef> {
    let get = |name: &str| editor.get_attribute(name).and_then(|v| v.parse::<usize>().ok());
    let (layer, row) = (get("data-layer")?, get("data-row")?);
    match editor.get_attribute("data-kind").as_deref() {
        Some("weight") => Some(network_view::ParamRef::Weight {
            layer,
            row,
            column: get("data-column")?,
        }),
        Some("bias") => Some(network_view::ParamRef::Bias { layer, row }),
        _ => None,
    }
}

fn wire_files(app: &Shared) -> WebResult<()> {
    on::<Event>(app, &element("save-model")?, "click", |a, _| a.save_model());
    on::<Event>(app, &element("export-loss")?, "click", |a, _| a.export_loss());
    on::<Event>(app, &element("export-png")?, "click", |a, _| a.export_png());
    // www/boot.js fetches the template when #export-python is pressed and hands it over in
    // this event's detail ("" when it could not be had).
    on::<Event>(app, &element("export-python")?, "nnlab-template", |a, e| {
        a.export_python(event_detail(&e).as_string().filter(|t| !t.is_empty()));
    });
    let shared = app.clone();
    on::<Event>(app, &element("copy-link")?, "click", move |a, _| {
        let link = a.link();
        let shared = shared.clone();
        let shown = link.clone();
        files::copy_text(&link, move |copied| {
            with(&shared, |a| {
                let lang = a.lang;
                if copied {
                    a.show_notice(text::text(lang, "link-copied"));
                } else {
                    a.show_notice(&format!("{} {shown}", text::text(lang, "copy-this")));
                }
            });
        });
    });
    for (id, load, limit) in [
        (
            "load-model",
            App::load_model_file as fn(&mut App, &str, Result<String, files::FileRefusal>),
            crate::core::model::MAX_MODEL_BYTES,
        ),
        (
            "import-points",
            App::import_points_file,
            crate::core::data_csv::MAX_CSV_BYTES,
        ),
    ] {
        let input: HtmlInputElement = by_id(id)?;
        let source = input.clone();
        let shared = app.clone();
        listen::<Event>(&input.into(), "change", move |_| {
            let shared = shared.clone();
            files::read_chosen_file(&source, limit, move |name, contents| {
                with(&shared, |a| load(a, &name, contents));
            });
        });
    }
    Ok(())
}

/// Space plays or pauses, → trains one epoch, R resets, unless the user is typing in a field;
/// while inspecting, ←/→ step through the inspector and Escape closes it.
fn wire_keyboard(app: &Shared) -> WebResult<()> {
    let doc: EventTarget = document()?.into();
    on::<KeyboardEvent>(app, &doc, "keydown", |a, e| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() || a.share_key(&e) {
            return;
        }
        if e.key() == "Escape" && drawer_open() {
            set_drawer(false);
            if let Ok(button) = by_id::<HtmlElement>("settings-toggle") {
                let _ = button.focus();
            }
            return;
        }
        let typing = event_element(&e).is_some_and(|t| {
            matches!(
                t.tag_name().as_str(),
                "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "SUMMARY"
            ) || t.has_attribute("contenteditable")
        });
        // The inspector's ←/→ also work right after pressing one of its buttons.
        let on_button = event_element(&e).is_some_and(|t| t.tag_name() == "BUTTON");
        if a.inspecting() && (!typing || on_button) {
            match e.key().as_str() {
                "ArrowRight" | "ArrowLeft" => {
                    e.prevent_default();
                    return a.inspect_step(if e.key() == "ArrowLeft" { -1 } else { 1 });
                }
                "Escape" => return a.toggle_inspect(),
                _ => {}
            }
        }
        if typing {
            return;
        }
        match e.key().as_str() {
            " " => {
                e.prevent_default();
                a.toggle_play();
            }
            "ArrowRight" => {
                e.prevent_default();
                a.step();
            }
            "r" | "R" => a.reset(),
            _ => {}
        }
    });
    Ok(())
}

/// Whether the settings drawer is shown (its button is hidden where the settings are not in a drawer).
fn drawer_open() -> bool {
    by_id::<HtmlElement>("settings-toggle")
        .is_ok_and(|b| b.offset_width() > 0 && b.get_attribute("aria-expanded").as_deref() == Some("true"))
}

fn set_drawer(open: bool) {
    if let Ok(button) = by_id::<Element>("settings-toggle") {
        let _ = button.set_attribute("aria-expanded", if open { "true" } else { "false" });
    }
}

/// Runs `App::frame` on every animation frame for the life of the page.
/// (`panic_test`: the `?panic-test=1` test hook, a deliberate panic on the first frame.)
fn start_loop(app: Shared, panic_test: bool) -> WebResult<()> {
    type FrameCallback = Closure<dyn FnMut(f64)>;
    let slot: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
    let next = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |_time: f64| {
        if panic_test {
            panic!("panic-test: deliberate panic on the first animation frame (?panic-test=1)");
        }
        with(&app, App::frame);
        if let (Ok(w), Some(callback)) = (window(), next.borrow().as_ref()) {
            let _ = w.request_animation_frame(callback.as_ref().unchecked_ref());
        }
    }));
    if let Some(callback) = slot.borrow().as_ref() {
        window()?.request_animation_frame(callback.as_ref().unchecked_ref())?;
    }
    Ok(())
}

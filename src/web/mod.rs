//! The browser adapter: boots the app, wires the page's events to [`app::App`] and runs
//! the animation loop. All math lives in `crate::core`.

mod app;
mod dom;
mod draw;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::config::Config;
use crate::core::Lang;
use app::App;
use dom::{by_id, listen, window, WebResult};

/// Entry point, run by the page's loader once the wasm is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    if let Err(e) = boot() {
        show_fatal(&e.to_string());
    }
}

/// Shows a start-up failure in `#status` (the page cannot work without its elements).
fn show_fatal(message: &str) {
    if let Ok(status) = by_id::<web_sys::Element>("status") {
        let _ = status.set_attribute("data-state", "error");
        status.set_text_content(Some(message));
    }
}

/// The page's language: `?lang=` if given, else the browser's.
fn page_lang(query: &str) -> Lang {
    crate::core::config::query_pairs(query)
        .iter()
        .rev()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::from_code(v))
        .or_else(|| {
            window()
                .ok()
                .and_then(|w| w.navigator().language())
                .and_then(|l| Lang::from_code(&l))
        })
        .unwrap_or_default()
}

fn boot() -> WebResult<()> {
    let query = window()?.location().search()?;
    let lang = page_lang(&query);
    let (config, _rejected) = Config::from_query(&query);
    let app = Rc::new(RefCell::new(App::new(config, lang)?));
    wire(&app)?;
    app.borrow_mut().render();
    start_loop(app)?;
    Ok(())
}

/// Connects the controls to the app.
fn wire(app: &Rc<RefCell<App>>) -> WebResult<()> {
    let on_click = |id: &str, action: fn(&mut App)| -> WebResult<()> {
        let target: web_sys::EventTarget = by_id(id)?;
        let app = app.clone();
        listen::<web_sys::Event>(&target, "click", move |_| {
            if let Ok(mut app) = app.try_borrow_mut() {
                action(&mut app);
            }
        });
        Ok(())
    };
    on_click("play", App::toggle_play)?;
    on_click("step", App::step)?;
    on_click("reset", App::reset)?;
    let win: web_sys::EventTarget = window()?.into();
    let resize_app = app.clone();
    listen::<web_sys::Event>(&win, "resize", move |_| {
        if let Ok(mut app) = resize_app.try_borrow_mut() {
            app.fit_canvases();
        }
    });
    Ok(())
}

/// Runs `App::frame` on every animation frame for the life of the page.
fn start_loop(app: Rc<RefCell<App>>) -> WebResult<()> {
    type FrameCallback = Closure<dyn FnMut(f64)>;
    let slot: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
    let next = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |_time: f64| {
        if let Ok(mut app) = app.try_borrow_mut() {
            app.frame();
        }
        if let (Ok(w), Some(callback)) = (window(), next.borrow().as_ref()) {
            let _ = w.request_animation_frame(callback.as_ref().unchecked_ref());
        }
    }));
    if let Some(callback) = slot.borrow().as_ref() {
        window()?.request_animation_frame(callback.as_ref().unchecked_ref())?;
    }
    Ok(())
}

//! Files in and out of the page through the browser's own APIs: Blob downloads, file
//! inputs and the clipboard. Nothing is fetched from the network.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, HtmlInputElement, Url};

use super::dom::{document, window, WebError, WebResult};

/// Offers `contents` as a download named `filename`.
pub fn download_text(filename: &str, mime: &str, contents: &str) -> WebResult<()> {
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    download_blob(filename, &blob)
}

pub fn download_blob(filename: &str, blob: &Blob) -> WebResult<()> {
    let url = Url::create_object_url_with_blob(blob)?;
    let anchor: HtmlAnchorElement = document()?
        .create_element("a")?
        .dyn_into()
        .map_err(|_| WebError("cannot create a link".into()))?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    // The click has started the download; the object URL can go.
    let _ = Url::revoke_object_url(&url);
    Ok(())
}

/// Offers the canvas's current picture as a PNG download.
pub fn download_canvas_png(canvas: &HtmlCanvasElement, filename: &str) -> WebResult<()> {
    let name = filename.to_string();
    let callback = Closure::once_into_js(move |blob: JsValue| {
        if let Ok(blob) = blob.dyn_into::<Blob>() {
            let _ = download_blob(&name, &blob);
        }
    });
    canvas.to_blob(callback.unchecked_ref())?;
    Ok(())
}

/// Why a chosen file was not read.
pub enum FileRefusal {
    /// Larger than the limit: its size in bytes (not read at all).
    TooLarge(usize),
    /// The browser could not read it.
    Unreadable,
}

/// Reads the file chosen in `input` as text and hands (file name, text or refusal) to
/// `done`; clears the input so choosing the same file again fires again. Files over
/// `max_bytes` are refused by their size, before a byte is read.
pub fn read_chosen_file(
    input: &HtmlInputElement,
    max_bytes: usize,
    done: impl FnOnce(String, Result<String, FileRefusal>) + 'static,
) {
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    input.set_value("");
    let name = file.name();
    if file.size() > max_bytes as f64 {
        done(name, Err(FileRefusal::TooLarge(file.size() as usize)));
        return;
    }
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let on_error = done.clone();
    let ok_name = name.clone();
    let ok: js_sys::Function = Closure::once_into_js(move |text: JsValue| {
        if let Some(done) = done.borrow_mut().take() {
            match text.as_string() {
                Some(text) => done(ok_name, Ok(text)),
                None => done(ok_name, Err(FileRefusal::Unreadable)),
            }
        }
    })
    .unchecked_into();
    let failed: js_sys::Function = Closure::once_into_js(move |_: JsValue| {
        if let Some(done) = on_error.borrow_mut().take() {
            done(name, Err(FileRefusal::Unreadable));
        }
    })
    .unchecked_into();
    then(&file.text(), &ok, &failed);
}

/// Copies `text` to the clipboard; `done(true)` on success, `done(false)` when the browser
/// refuses (the caller then shows the text for copying by hand).
pub fn copy_text(text: &str, done: impl FnOnce(bool) + 'static) {
    let Ok(window) = window() else {
        done(false);
        return;
    };
    let clipboard = window.navigator().clipboard();
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let on_error = done.clone();
    let ok: js_sys::Function = Closure::once_into_js(move |_: JsValue| {
        if let Some(done) = done.borrow_mut().take() {
            done(true);
        }
    })
    .unchecked_into();
    let failed: js_sys::Function = Closure::once_into_js(move |_: JsValue| {
        if let Some(done) = on_error.borrow_mut().take() {
            done(false);
        }
    })
    .unchecked_into();
    then(&clipboard.write_text(text), &ok, &failed);
}

/// `promise.then(ok, failed)` with plain JS functions (each frees itself when called).
fn then(promise: &JsValue, ok: &js_sys::Function, failed: &js_sys::Function) {
    if let Ok(then) = js_sys::Reflect::get(promise, &JsValue::from_str("then")) {
        if let Some(then) = then.dyn_ref::<js_sys::Function>() {
            let _ = then.call2(promise, ok, failed);
        }
    }
}

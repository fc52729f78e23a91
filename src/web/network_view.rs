//! TEMPORARY stand-in while the network diagram is being written (replaced by helper-4's file).
use super::dom::WebResult;
use crate::core::introspect::GridOutputs;
use crate::core::trainer::Trainer;
use crate::core::Lang;

pub struct NetworkView;
#[derive(Clone, Copy, Debug)]
pub enum ParamRef {
    Weight { layer: usize, row: usize, column: usize },
    Bias { layer: usize, row: usize },
}
pub struct NetworkLabels;
impl NetworkLabels {
    pub fn for_lang(_lang: Lang) -> NetworkLabels {
        NetworkLabels
    }
}
impl NetworkView {
    pub fn new(_c: web_sys::Element, _t: web_sys::Element) -> WebResult<NetworkView> {
        Ok(NetworkView)
    }
    pub fn render(&mut self, _t: &Trainer, _g: &GridOutputs, _l: &NetworkLabels) {}
    pub fn parameter_at(&self, _t: &web_sys::Element) -> Option<ParamRef> {
        None
    }
    pub fn hover(&self, _t: &Trainer, _e: Option<&web_sys::Element>, _x: f64, _y: f64) {}
}

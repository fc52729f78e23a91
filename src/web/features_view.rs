//! The input features: one toggle per feature with a thumbnail of what it looks like.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement, HtmlInputElement};

use super::dom::{by_id, context_2d, document, WebError, WebResult};
use super::draw::{DivergingScale, Heatmap};
use crate::core::choice::Choice;
use crate::core::feature::Feature;
use crate::core::introspect::grid_point;
use crate::core::Float;

const THUMB: usize = 24;

pub struct FeaturesView {
    toggles: Vec<(Feature, HtmlInputElement)>,
}

impl FeaturesView {
    /// Builds the toggles inside `#feature-list` and paints each feature's thumbnail once
    /// (a feature's picture over the plane never changes).
    pub fn new() -> WebResult<FeaturesView> {
        let list: Element = by_id("feature-list")?;
        let doc = document()?;
        let scale = DivergingScale::new(0.9);
        let mut heatmap = Heatmap::new(THUMB)?;
        let mut toggles = Vec::new();
        for &feature in Feature::ALL {
            let label = doc.create_element("label")?;
            label.set_attribute("class", "feature")?;
            let input: HtmlInputElement = doc
                .create_element("input")?
                .dyn_into()
                .map_err(|_| WebError("cannot create an input".into()))?;
            input.set_type("checkbox");
            input.set_attribute("data-feature", feature.name())?;
            let canvas: HtmlCanvasElement = doc
                .create_element("canvas")?
                .dyn_into()
                .map_err(|_| WebError("cannot create a canvas".into()))?;
            canvas.set_width(THUMB as u32 * 2);
            canvas.set_height(THUMB as u32 * 2);
            canvas.set_attribute("class", "feature-thumb")?;
            canvas.set_attribute("aria-hidden", "true")?;
            let values: Vec<Float> = (0..THUMB * THUMB)
                .map(|i| {
                    let (x, y) = grid_point(THUMB, i % THUMB, i / THUMB);
                    feature.value(x, y)
                })
                .collect();
            let max = values.iter().fold(0.0 as Float, |m, v| m.max(v.abs())).max(1e-6);
            heatmap.paint(|i| scale.colour(values[i] / max));
            heatmap.blit(
                &context_2d(&canvas)?,
                0.0,
                0.0,
                f64::from(canvas.width()),
                f64::from(canvas.height()),
            );
            let name = doc.create_element("span")?;
            name.set_attribute("class", "feature-name")?;
            name.set_text_content(Some(feature.info().formula));
            label.append_child(&input)?;
            label.append_child(&canvas)?;
            label.append_child(&name)?;
            list.append_child(&label)?;
            toggles.push((feature, input));
        }
        Ok(FeaturesView { toggles })
    }

    /// Ticks exactly the features in use.
    pub fn sync(&self, features: &[Feature]) {
        for (feature, input) in &self.toggles {
            let on = features.contains(feature);
            if input.checked() != on {
                input.set_checked(on);
            }
        }
    }

    /// The features ticked now, in the engine's order.
    pub fn selected(&self) -> Vec<Feature> {
        self.toggles
            .iter()
            .filter(|(_, i)| i.checked())
            .map(|(f, _)| *f)
            .collect()
    }
}

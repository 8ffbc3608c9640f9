//! A workbook's sheet as CSV text, for the worker (`static/worker.js` imports this module the
//! first time a workbook is chosen; a CSV never loads it). The reading itself is
//! `rollcall_shared::workbook`, the CLI's too.

use rollcall_shared::preview::SheetChoice;
use wasm_bindgen::prelude::*;

/// One sheet read: its CSV bytes, and the workbook's sheets with the one read (JSON).
#[wasm_bindgen]
pub struct Sheet {
    csv: Vec<u8>,
    choice: String,
}

#[wasm_bindgen]
impl Sheet {
    /// The CSV bytes (taken: a second call gives nothing).
    pub fn take_csv(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.csv)
    }

    /// `SheetChoice` as JSON.
    pub fn choice(&self) -> String {
        self.choice.clone()
    }
}

/// The sheet named `sheet` (the first when empty), as the workbook shows its cells.
#[wasm_bindgen]
pub fn sheet_csv(bytes: &[u8], sheet: &str) -> Result<Sheet, JsValue> {
    let t = rollcall_shared::workbook::to_csv(bytes, Some(sheet))
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    let choice = SheetChoice {
        sheets: t.sheets,
        sheet: t.sheet,
    };
    let choice = serde_json::to_string(&choice).map_err(|e| JsValue::from_str(&e.to_string()))?;
    Ok(Sheet { csv: t.csv, choice })
}

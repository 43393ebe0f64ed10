//! Browser entry point: hydrates the islands of the server-rendered page. Nothing else
//! lives here.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::hydrate_islands();
}

//! Static files, compiled into the binary. Names carry a version (htmx) or a content hash
//! (our CSS) so browsers may cache them for good.

/// htmx 2.0.x, vendored from the npm package `htmx.org` (0BSD licence).
pub const HTMX: &str = "htmx-2.0.11.min.js";
const HTMX_BODY: &[u8] = include_bytes!("../static/htmx-2.0.11.min.js");

const CSS_BODY: &[u8] = include_bytes!("../static/app.css");
/// `app.<hash>.css`, so that a changed stylesheet gets a new name.
pub const CSS: &str = const_format_css_name();

const fn const_format_css_name() -> &'static str {
    // The name is computed at compile time from the file's content hash (FNV-1a, 32 bits).
    match std::str::from_utf8(&CSS_NAME_BYTES) {
        Ok(s) => s,
        Err(_) => "app.css",
    }
}

const CSS_NAME_BYTES: [u8; 16] = {
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < CSS_BODY.len() {
        h ^= CSS_BODY[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    let hex = b"0123456789abcdef";
    let mut out = *b"app.00000000.css";
    let mut k = 0;
    while k < 8 {
        out[4 + k] = hex[((h >> (28 - 4 * k)) & 0xf) as usize];
        k += 1;
    }
    out
};

/// The body and content type of the static file `name`, if there is one.
pub fn get(name: &str) -> Option<(&'static [u8], &'static str)> {
    if name == HTMX {
        Some((HTMX_BODY, "text/javascript; charset=utf-8"))
    } else if name == CSS {
        Some((CSS_BODY, "text/css; charset=utf-8"))
    } else {
        None
    }
}

//! The import engine on arbitrary bytes: read + map + validate, whole and cut in two.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollcall_shared::{open, validate_bytes, ImportOptions, Pipeline};

fuzz_target!(|data: &[u8]| {
    let opts = ImportOptions::default();
    let _ = validate_bytes(data, &opts);
    let cut = data.first().map_or(0, |b| usize::from(*b)).min(data.len());
    let (a, b) = data.split_at(cut);
    if let Ok(o) = open(a, b.is_empty(), &opts) {
        let mut p = Pipeline::new(&o, &opts);
        p.feed(a);
        p.feed(b);
        let _ = p.finish();
    }
});

//! The change-request decoder and the roster snapshot codec on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollcall_shared::plan::codec;
use rollcall_shared::wire::ChangeRequest;

fuzz_target!(|data: &[u8]| {
    if let Ok(req) = ChangeRequest::from_json(data) {
        // What parses is valid by construction: it survives a round trip.
        assert_eq!(ChangeRequest::from_json(&req.to_json()).ok(), Some(req));
    }
    let _ = codec::decode(data);
});

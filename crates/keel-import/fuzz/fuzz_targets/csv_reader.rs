//! Arbitrary bytes through `Reader::open` and full iteration, for every source and
//! entity: any input must end in records or errors, never a panic.
//!
//! Run: cargo +nightly fuzz run csv_reader -- -max_total_time=60
#![no_main]

use keel_import::{Entity, Options, Reader, Source};
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;

fuzz_target!(|data: &[u8]| {
    for source in Source::ALL {
        for entity in Entity::ALL {
            let opts = Options::new(source, entity);
            let Ok(reader) = Reader::open(Cursor::new(data.to_vec()), &opts) else {
                continue;
            };
            for item in reader {
                if let Err(error) = item {
                    // Display must not panic either.
                    let _ = error.to_string();
                }
            }
        }
    }
});

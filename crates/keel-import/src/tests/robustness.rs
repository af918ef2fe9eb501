//! Stable-toolchain stand-in for the cargo-fuzz target: arbitrary input through every
//! source and entity must give records or errors, never a panic.

use crate::{Entity, Options, Reader, Source};
use proptest::prelude::*;
use std::io::Cursor;

fn read_everything(bytes: &[u8]) {
    for source in Source::ALL {
        for entity in Entity::ALL {
            let opts = Options::new(source, entity);
            if let Ok(reader) = Reader::open(Cursor::new(bytes.to_vec()), &opts) {
                for item in reader {
                    if let Err(error) = item {
                        let _ = error.to_string();
                    }
                }
            }
        }
    }
}

/// Headers the dialects know, so that random rows reach the value parsers.
const HEADER: &str = "Deal Name,Amount,Closing Date,Probability (%),Subject,Name,\
First Name,Last Name,Email,Deal owner,IsWon,Employees,Call Start Time,金额,名称,主题,日期\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        read_everything(&bytes);
    }

    #[test]
    fn csv_like_rows_never_panic(body in "[-a-z0-9 ,;\t\"\r\n¥$€万元年月日:./()%@+Z]{0,300}") {
        read_everything(format!("{HEADER}{body}").as_bytes());
    }
}

//! The scenario parser on arbitrary text: no panic, and every error names the file with a
//! line and column.
#![no_main]

use libfuzzer_sys::fuzz_target;

const FILE: &str = "dir/fuzzed.toml";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = fetchguard::scenario::parse_str(FILE, text) {
        let (Some(l), Some(c)) = (e.line, e.column) else {
            panic!("error without line:column: {e}");
        };
        assert!(
            e.to_string().starts_with(&format!("{FILE}:{l}:{c}: ")),
            "{e}"
        );
        assert!(
            l >= 1 && l <= text.matches('\n').count() + 1,
            "line {l}: {e}"
        );
        assert!(c >= 1);
    }
});

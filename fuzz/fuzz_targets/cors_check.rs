//! The CORS check on arbitrary ACAO / ACAC bytes: no panic, and it passes exactly when
//! the rules say it should.
#![no_main]

use fetchguard::Origin;
use fetchguard::cors::cors_check;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let origins = [
        "https://app.example",
        "http://localhost:8080",
        "https://xn--bcher-kva.example",
    ];
    let origin = match usize::from(flags >> 2) % 4 {
        3 => Origin::new_opaque(),
        i => Origin::parse(origins[i]).unwrap(),
    };
    let include = flags & 1 == 1;
    // ACAO, then after the first NUL the ACAC (absent when bit 1 is clear).
    let mut parts = rest.splitn(2, |&b| b == 0);
    let acao = parts.next();
    let acac = if flags & 2 == 2 { parts.next() } else { None };
    let ok = cors_check(acao, acac, &origin, include).is_ok();
    let want = match acao {
        None => false,
        Some(b"*") => !include,
        Some(v) => v == origin.serialize().as_bytes() && (!include || acac == Some(b"true")),
    };
    assert_eq!(ok, want, "acao {acao:?} acac {acac:?} include {include}");
});

//! The cookie jar storing a `Set-Cookie` line (first-party, as a top-level visit would).
#![no_main]

use fetchguard::CookieJar;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the URL the cookie comes from; the rest is the header value.
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let urls = [
        "https://app.example/a/b",
        "http://localhost:8080/",
        "https://sub.api.example/",
        "https://127.0.0.1/",
    ];
    let url = url::Url::parse(urls[usize::from(pick) % urls.len()]).unwrap();
    let line = String::from_utf8_lossy(rest);
    let mut jar = CookieJar::new();
    if jar.set(&url, &line).is_ok() {
        // Whatever was stored can be listed and saved without failing.
        let _ = jar.cookies();
        let mut out = Vec::new();
        jar.save_json(&mut out).expect("save");
        let back = CookieJar::load_json(&out[..]).expect("reload what was saved");
        assert_eq!(back.len(), jar.len());
    }
});

//! The values the generator draws from: each list mixes the ordinary with the malformed
//! and the edge cases Chromium is known to treat specially.

pub(super) const POLICIES: &[&str] = &[
    "",
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
];

/// Hosts the servers are drawn from: the page's own host, a same-site one, cross-site ones.
pub(super) const HOSTS: &[&str] = &[
    "app.example",
    "api.example",
    "sub.app.example",
    "other.test",
];
pub(super) const PATHS: &[&str] = &["/a", "/b", "/c", "/r/*", "/data"];

pub(super) const ACAO: &[&str] = &[
    "{{origin}}",
    "{{origin}}",
    "*",
    "https://app.example",
    "http://app.example",
    "https://evil.example",
    "null",
    "https://app.example, https://app.example",
    " {{origin}} ",
    "{{origin}}/",
    "",
];
pub(super) const ACAC: &[&str] = &["true", "true", "TRUE", "false", " true"];
pub(super) const ACAM: &[&str] = &[
    "PUT",
    "*",
    "GET, POST, PUT, DELETE",
    "put",
    "PATCH, patch",
    "{{method}}",
    "bad token,",
    "PUT,",
    "CUSTOM",
];
pub(super) const ACAH: &[&str] = &[
    "*",
    "x-custom",
    "X-Custom, Content-Type",
    "{{header:access-control-request-headers}}",
    "authorization",
    "Authorization, *",
    "bad header(",
    "",
];
pub(super) const ACEH: &[&str] = &[
    "*",
    "x-secret",
    "X-Secret, Content-Length",
    "set-cookie",
    "",
];
pub(super) const MAX_AGE: &[&str] = &["600", "0", "-1", "abc", "86400"];
pub(super) const SET_COOKIE: &[&str] = &[
    "sid=1; SameSite=None; Secure",
    "a=2",
    "b=3; SameSite=Lax",
    "c=4; SameSite=Strict",
    "d=5; SameSite=None",
    "e=6; Secure; Partitioned; SameSite=None; Path=/",
    "f=7; Max-Age=0",
    "g=8; Max-Age=3600; Path=/",
    "h=9; Path=/b",
    "sid=2; Secure",
];
/// Seed cookies: the first five need no https.
pub(super) const SEED_COOKIE: &[&str] = &[
    "a=1",
    "b=2; SameSite=Lax",
    "c=3; SameSite=Strict",
    "g=4; Max-Age=3600; Path=/",
    "h=5; Path=/b",
    "sid=6; SameSite=None; Secure",
    "s=7; Secure",
];
pub(super) const METHODS: &[&str] = &[
    "GET",
    "GET",
    "POST",
    "POST",
    "PUT",
    "DELETE",
    "HEAD",
    "OPTIONS",
    "patch",
    "post",
    "put",
    "delete",
    "CUSTOM",
    "CONNECT",
    "TRACE",
    "track",
    "BAD METHOD",
];
pub(super) const REQ_HEADERS: &[(&str, &str)] = &[
    ("Accept", "application/json"),
    ("Accept-Language", "fr"),
    ("Content-Language", "en"),
    ("Content-Type", "text/plain"),
    ("Content-Type", "application/json"),
    ("Content-Type", "application/x-www-form-urlencoded"),
    ("Range", "bytes=0-10"),
    ("X-Custom", "1"),
    ("X-Other", "two"),
    ("Authorization", "Bearer t"),
    ("Accept", "a\"b"),
    ("Cookie", "x=1"),
    ("Host", "evil.example"),
    ("Origin", "https://evil.example"),
    ("Referer", "https://evil.example/"),
    ("Sec-Foo", "1"),
    ("Proxy-Foo", "1"),
    ("X-HTTP-Method-Override", "CONNECT"),
    ("Content-Length", "5"),
    ("Accept-Charset", "utf-8"),
    ("Connection", "close"),
    // Conditional requests set by script: the HTTP cache leaves them to the server.
    ("If-None-Match", "\"v1\""),
    ("Cache-Control", "no-cache"),
];

/// Headers of the page's own document that change what its fetches may do (or, for
/// `Cross-Origin-Opener-Policy`, must not).
pub(super) const PAGE_HEADERS: &[(&str, &str)] = &[
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Cross-Origin-Embedder-Policy", "credentialless"),
    ("Cross-Origin-Embedder-Policy", "credentialless"),
    ("Cross-Origin-Embedder-Policy", "unsafe-none"),
    ("Cross-Origin-Embedder-Policy-Report-Only", "require-corp"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Referrer-Policy", "no-referrer"),
    ("Referrer-Policy", "origin, unsafe-url"),
    ("Referrer-Policy", "bogus"),
];

/// `Cross-Origin-Resource-Policy` values, the malformed included.
pub(super) const CORP: &[&str] = &[
    "same-origin",
    "same-site",
    "cross-origin",
    "Same-Origin",
    "bogus",
];

/// `Cache-Control` on a cacheable route.
pub(super) const CACHE_CONTROL: &[&str] = &[
    "max-age=60",
    "max-age=60",
    "max-age=1",
    "max-age=0",
    "no-store",
    "no-cache",
    "private, max-age=60",
    "public, max-age=60, immutable",
    "s-maxage=60",
    "max-age=60, must-revalidate",
];

/// `Vary` on a cacheable route.
pub(super) const VARY: &[&str] = &[
    "Origin",
    "Accept",
    "*",
    "X-Custom",
    "Origin, Accept",
    "Cookie",
];

/// The validators the generator uses (one each, so a conditional route can match them).
pub(super) const ETAG: &str = "\"v1\"";
pub(super) const LAST_MODIFIED: &str = "Wed, 01 Jan 2020 00:00:00 GMT";

/// `Expires`: one far ahead, one long past, one invalid (stale).
pub(super) const EXPIRES: &[&str] = &[
    "Thu, 01 Jan 2099 00:00:00 GMT",
    "Thu, 01 Jan 1998 00:00:00 GMT",
    "0",
];

/// `RequestInit.cache` values.
pub(super) const CACHE_MODES: &[&str] = &[
    "default",
    "no-store",
    "reload",
    "no-cache",
    "force-cache",
    "force-cache",
    "only-if-cached",
];

/// Local Network Access: address spaces, permissions, `targetAddressSpace` values.
pub(super) const SPACES: &[&str] = &["public", "local", "loopback"];
/// No `allow`: the oracle cannot grant a Local Network Access permission (headless
/// Chromium 156 does not honour the profile's `allow` exception, see
/// `oracle::chromium::write_prefs`), so only the denials are observable.
pub(super) const PERMISSIONS: &[&str] = &["block", "ask"];
pub(super) const TARGET_SPACES: &[&str] = &["local", "loopback", "public", "unknown"];

//! Request headers whose presence Chromium decides by its own rules rather than the Fetch
//! Standard's: `Origin` on requests outside CORS, and `Content-Length` on bodiless
//! requests. Pure functions; `fetch::network` calls each from one line.

use crate::origin::Origin;
use crate::policy::referrer::ReferrerPolicy;

/// The `Origin` header of a request that is neither a preflight nor CORS-tainted
/// (<https://fetch.spec.whatwg.org/#append-a-request-origin-header>), given the request's
/// serialized origin (`"null"` when opaque or tainted by a redirect): none for GET and
/// HEAD, the origin otherwise.
///
/// CHROMIUM: the referrer policy never turns it into `null`, unlike the Standard's step
/// for `no-cors` and `same-origin` modes. Observed (examples/origin-header-policies.toml,
/// a POST under each of the eight policies, from an https and an http page, to the same
/// origin, another origin, another port, an http URL downgraded from https
/// (`http://localhost`), an https URL upgraded from http): always the page's origin.
///
/// ```
/// use fetchguard::policy::wire_headers::non_cors_origin_header;
/// assert_eq!(non_cors_origin_header("GET", "https://a.example".into()), None);
/// assert_eq!(
///     non_cors_origin_header("POST", "https://a.example".into()).as_deref(),
///     Some("https://a.example")
/// );
/// ```
pub fn non_cors_origin_header(method: &str, serialized_origin: String) -> Option<String> {
    if method == "GET" || method == "HEAD" {
        None
    } else {
        Some(serialized_origin)
    }
}

/// The Standard's `Origin` for a request outside CORS mode whose method is neither GET nor
/// HEAD (<https://fetch.spec.whatwg.org/#append-a-request-origin-header>, the
/// referrer-policy switch): `null` under `no-referrer`; under `no-referrer-when-downgrade`,
/// `strict-origin` and `strict-origin-when-cross-origin` when an https origin sends to a
/// URL that is not https; under `same-origin` when the URL is another origin; otherwise
/// `serialized` unchanged. Followed by Firefox and WebKit (observed,
/// examples/origin-header-no-cors-*.toml); not by Chromium ([`non_cors_origin_header`]).
///
/// ```
/// use fetchguard::policy::referrer::ReferrerPolicy;
/// use fetchguard::policy::wire_headers::origin_under_referrer_policy;
/// use fetchguard::Origin;
/// let app = Origin::parse("https://app.example").unwrap();
/// let api = url::Url::parse("https://api.example/x").unwrap();
/// let o = |p| origin_under_referrer_policy(p, &app, &api, app.serialize());
/// assert_eq!(o(ReferrerPolicy::NoReferrer), "null");
/// assert_eq!(o(ReferrerPolicy::SameOrigin), "null");
/// assert_eq!(o(ReferrerPolicy::UnsafeUrl), "https://app.example");
/// ```
pub fn origin_under_referrer_policy(
    policy: ReferrerPolicy,
    origin: &Origin,
    url: &url::Url,
    serialized: String,
) -> String {
    use ReferrerPolicy as P;
    let null = match policy {
        P::NoReferrer => true,
        P::NoReferrerWhenDowngrade | P::StrictOrigin | P::StrictOriginWhenCrossOrigin => {
            matches!(origin, Origin::Tuple { scheme, .. } if scheme == "https")
                && url.scheme() != "https"
        }
        P::SameOrigin => !origin.is_same_origin_url(url),
        P::Origin | P::OriginWhenCrossOrigin | P::UnsafeUrl => false,
    };
    if null { "null".to_string() } else { serialized }
}

/// True when a request with this method and no body carries `Content-Length: 0`.
///
/// CHROMIUM: POST and PUT only (observed, examples/bodiless-content-length.toml, over
/// HTTP/1.1 and HTTP/2: PATCH, DELETE, OPTIONS, a preflight and a custom method carry
/// none, nor do GET and HEAD).
///
/// ```
/// use fetchguard::policy::wire_headers::empty_body_content_length;
/// assert!(empty_body_content_length("PUT", true));
/// assert!(!empty_body_content_length("PATCH", true));
/// assert!(!empty_body_content_length("POST", false));
/// ```
pub fn empty_body_content_length(method: &str, body_is_empty: bool) -> bool {
    body_is_empty && matches!(method, "POST" | "PUT")
}

//! The CORS check: does a response's `Access-Control-Allow-Origin` /
//! `Access-Control-Allow-Credentials` pair share it with the requesting origin?
//!
//! Follows Chromium's `network::cors::CheckAccess`
//! (services/network/public/cpp/cors/cors.cc), which refines the standard's yes/no answer
//! into the specific [`CorsError`] a console line names.
use crate::errors::CorsError;
use crate::origin::Origin;

use super::lossy;

/// The CORS check. <https://fetch.spec.whatwg.org/#cors-check>
///
/// `acao` is the whole `Access-Control-Allow-Origin` value (several header lines joined
/// with `", "` by the caller), `acac` likewise for `Access-Control-Allow-Credentials`,
/// both as raw bytes; `credentials_include` is true when the request's credentials mode
/// is `include`. Rules, in Chromium's order:
///
/// 1. ACAO exactly `*`: allowed without credentials (ACAC is not looked at), else
///    [`CorsError::WildcardOriginNotAllowed`].
/// 2. No ACAO: [`CorsError::MissingAllowOriginHeader`].
/// 3. ACAO not byte-for-byte the serialized origin (`null` matches an opaque origin; no
///    trimming, no case folding): [`CorsError::MultipleAllowOriginValues`] if it holds a
///    space or a comma, else [`CorsError::AllowOriginMismatch`] for `null`, else
///    [`CorsError::InvalidAllowOriginValue`] when it does not parse as a URL, else
///    [`CorsError::AllowOriginMismatch`].
/// 4. With credentials, ACAC must be exactly `true`, else
///    [`CorsError::InvalidAllowCredentials`] quoting the value (empty when absent).
///
/// ```
/// use fetchguard::{CorsError, Origin};
/// use fetchguard::cors::cors_check;
/// let app = Origin::parse("https://app.example").unwrap();
/// assert_eq!(cors_check(Some(b"*"), None, &app, false), Ok(()));
/// assert_eq!(
///     cors_check(Some(b"https://app.example"), Some(b"true"), &app, true),
///     Ok(())
/// );
/// assert_eq!(
///     cors_check(None, None, &app, false),
///     Err(CorsError::MissingAllowOriginHeader)
/// );
/// assert_eq!(
///     cors_check(Some(b"https://app.example"), Some(b"TRUE"), &app, true),
///     Err(CorsError::InvalidAllowCredentials("TRUE".into()))
/// );
/// ```
pub fn cors_check(
    acao: Option<&[u8]>,
    acac: Option<&[u8]>,
    origin: &Origin,
    credentials_include: bool,
) -> Result<(), CorsError> {
    cors_check_serialized(acao, acac, &origin.serialize(), credentials_include)
}

/// [`cors_check`] against an origin already serialized (`null` for an opaque one).
pub(crate) fn cors_check_serialized(
    acao: Option<&[u8]>,
    acac: Option<&[u8]>,
    origin: &str,
    credentials_include: bool,
) -> Result<(), CorsError> {
    match acao {
        Some(b"*") => {
            // CHROMIUM: a wildcard passes without credentials before ACAC is read; with
            // credentials it fails. Chromium skips the wildcard failure for non-HTTP(S)
            // response URLs (a data: URL hack); callers run this check only on HTTP(S)
            // responses, so it always applies here (cors.cc, CheckAccess).
            if credentials_include {
                return Err(CorsError::WildcardOriginNotAllowed);
            }
            return Ok(());
        }
        None => return Err(CorsError::MissingAllowOriginHeader),
        Some(value) if value != origin.as_bytes() => {
            return Err(classify_mismatch(value));
        }
        Some(_) => {}
    }
    if credentials_include && acac != Some(b"true") {
        return Err(CorsError::InvalidAllowCredentials(
            acac.map(lossy).unwrap_or_default(),
        ));
    }
    Ok(())
}

/// Which error a non-matching ACAO value reports: Chromium's diagnostic refinement of a
/// mismatch (cors.cc, CheckAccess).
fn classify_mismatch(value: &[u8]) -> CorsError {
    let text = lossy(value);
    if value.iter().any(|&b| b == b' ' || b == b',') {
        return CorsError::MultipleAllowOriginValues(text);
    }
    // CHROMIUM: `null` is checked before URL validity because GURL rejects it (cors.cc).
    if value == b"null" {
        return CorsError::AllowOriginMismatch(text);
    }
    // CHROMIUM: Chromium asks `GURL(value).is_valid()`. The WHATWG URL parser (`url`
    // crate) is the closest equivalent; the two can disagree on exotic inputs (GURL's
    // host canonicalization and IDNA rules differ in corner cases, and non-UTF-8 bytes
    // are judged here after lossy decoding), which only changes which of
    // InvalidAllowOriginValue / AllowOriginMismatch is reported, never pass vs fail.
    if url::Url::parse(&text).is_err() {
        return CorsError::InvalidAllowOriginValue(text);
    }
    CorsError::AllowOriginMismatch(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CorsError::*;

    fn app() -> Origin {
        Origin::parse("https://app.example").unwrap()
    }

    #[test]
    fn table() {
        let app = app();
        let port = Origin::parse("http://app.example:8080").unwrap();
        type Case<'a> = (
            Option<&'a [u8]>,
            Option<&'a [u8]>,
            &'a Origin,
            bool,
            Result<(), CorsError>,
        );
        let cases: &[Case] = &[
            // Wildcard.
            (Some(b"*"), None, &app, false, Ok(())),
            (Some(b"*"), Some(b"false"), &app, false, Ok(())),
            (
                Some(b"*"),
                Some(b"true"),
                &app,
                true,
                Err(WildcardOriginNotAllowed),
            ),
            (Some(b"*"), None, &app, true, Err(WildcardOriginNotAllowed)),
            // Missing.
            (None, None, &app, false, Err(MissingAllowOriginHeader)),
            (
                None,
                Some(b"true"),
                &app,
                true,
                Err(MissingAllowOriginHeader),
            ),
            // Exact match.
            (Some(b"https://app.example"), None, &app, false, Ok(())),
            (Some(b"http://app.example:8080"), None, &port, false, Ok(())),
            // Byte-for-byte: no trailing slash, no case folding, no trimming.
            (
                Some(b"https://app.example/"),
                None,
                &app,
                false,
                Err(AllowOriginMismatch("https://app.example/".into())),
            ),
            (
                Some(b"https://APP.example"),
                None,
                &app,
                false,
                Err(AllowOriginMismatch("https://APP.example".into())),
            ),
            (
                Some(b"https://app.example:443"),
                None,
                &app,
                false,
                Err(AllowOriginMismatch("https://app.example:443".into())),
            ),
            (
                Some(b" https://app.example"),
                None,
                &app,
                false,
                Err(MultipleAllowOriginValues(" https://app.example".into())),
            ),
            // Several values (two header lines joined by the caller).
            (
                Some(b"https://app.example, https://b.example"),
                None,
                &app,
                false,
                Err(MultipleAllowOriginValues(
                    "https://app.example, https://b.example".into(),
                )),
            ),
            (
                Some(b"https://app.example,https://b.example"),
                None,
                &app,
                false,
                Err(MultipleAllowOriginValues(
                    "https://app.example,https://b.example".into(),
                )),
            ),
            (
                Some(b"*, *"),
                None,
                &app,
                false,
                Err(MultipleAllowOriginValues("*, *".into())),
            ),
            // `null` against a tuple origin.
            (
                Some(b"null"),
                None,
                &app,
                false,
                Err(AllowOriginMismatch("null".into())),
            ),
            // Not a URL.
            (
                Some(b"app.example"),
                None,
                &app,
                false,
                Err(InvalidAllowOriginValue("app.example".into())),
            ),
            (
                Some(b""),
                None,
                &app,
                false,
                Err(InvalidAllowOriginValue("".into())),
            ),
            (
                Some(b"https://"),
                None,
                &app,
                false,
                Err(InvalidAllowOriginValue("https://".into())),
            ),
            (
                Some(b"NULL"),
                None,
                &app,
                false,
                Err(InvalidAllowOriginValue("NULL".into())),
            ),
            // A valid URL that is another origin.
            (
                Some(b"https://other.example"),
                None,
                &app,
                false,
                Err(AllowOriginMismatch("https://other.example".into())),
            ),
            // Credentials.
            (
                Some(b"https://app.example"),
                Some(b"true"),
                &app,
                true,
                Ok(()),
            ),
            (
                Some(b"https://app.example"),
                None,
                &app,
                true,
                Err(InvalidAllowCredentials("".into())),
            ),
            (
                Some(b"https://app.example"),
                Some(b"True"),
                &app,
                true,
                Err(InvalidAllowCredentials("True".into())),
            ),
            (
                Some(b"https://app.example"),
                Some(b"true, true"),
                &app,
                true,
                Err(InvalidAllowCredentials("true, true".into())),
            ),
            (
                Some(b"https://app.example"),
                Some(b""),
                &app,
                true,
                Err(InvalidAllowCredentials("".into())),
            ),
            // ACAC is ignored without credentials.
            (
                Some(b"https://app.example"),
                Some(b"nope"),
                &app,
                false,
                Ok(()),
            ),
            // Origin check comes before the credentials check.
            (
                Some(b"https://other.example"),
                None,
                &app,
                true,
                Err(AllowOriginMismatch("https://other.example".into())),
            ),
        ];
        for (i, (acao, acac, origin, creds, want)) in cases.iter().enumerate() {
            assert_eq!(
                &cors_check(*acao, *acac, origin, *creds),
                want,
                "case {i}: acao {:?} acac {:?} creds {creds}",
                acao.map(lossy),
                acac.map(lossy)
            );
        }
    }

    #[test]
    fn null_matches_opaque_origins() {
        let opaque = Origin::new_opaque();
        assert_eq!(cors_check(Some(b"null"), None, &opaque, false), Ok(()));
        assert_eq!(
            cors_check(Some(b"null"), Some(b"true"), &opaque, true),
            Ok(())
        );
        assert_eq!(
            cors_check(Some(b"https://app.example"), None, &opaque, false),
            Err(AllowOriginMismatch("https://app.example".into()))
        );
    }

    #[test]
    fn non_utf8_values_are_quoted_lossily() {
        let app = app();
        assert_eq!(
            cors_check(Some(b"https://app.example/\xff"), None, &app, false),
            Err(AllowOriginMismatch("https://app.example/\u{fffd}".into()))
        );
        assert_eq!(
            cors_check(Some(b"https://app.example"), Some(b"tru\xe9"), &app, true),
            Err(InvalidAllowCredentials("tru\u{fffd}".into()))
        );
    }
}

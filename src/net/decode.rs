//! Content codings: the browser asks for `gzip, deflate, br, zstd` and decodes what comes
//! back, so script reads the decoded body (the headers keep `Content-Encoding`).

use std::io::Read;

use bytes::Bytes;
use http::HeaderMap;

use crate::errors::NetError;
use crate::profile::Profile;

/// `Accept-Encoding` on a request with `Range`: no coding, so byte offsets mean the
/// representation's bytes.
pub(crate) const RANGE_ACCEPT_ENCODING: &str = "identity";

/// Which `Accept-Encoding` the profile's browser sends to `url`.
///
/// A request with a `Range` header asks for `identity` (a byte range of a coded body would
/// be useless); otherwise the profile's list for potentially trustworthy URLs
/// ([`Profile::is_trustworthy_for_network`]) or its list for other URLs.
/// CHROMIUM (observed, examples/accept-encoding.toml, docs/chromium-observations.md cases
/// 20 and 20h): brotli and zstd to https, `http://localhost`, `http://127.0.0.1`,
/// `http://*.localhost`; only `gzip, deflate` to other http URLs. WEBKIT (observed, the
/// same file): brotli to https only, never zstd.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AcceptEncoding {
    /// [`RANGE_ACCEPT_ENCODING`].
    Identity,
    /// [`Profile::accept_encoding_secure`].
    Secure,
    /// [`Profile::accept_encoding_insecure`].
    Insecure,
}

pub(crate) fn accept_encoding_choice(
    profile: &Profile,
    url: &url::Url,
    has_range: bool,
) -> AcceptEncoding {
    if has_range {
        AcceptEncoding::Identity
    } else if profile.is_trustworthy_for_network(url) {
        AcceptEncoding::Secure
    } else {
        AcceptEncoding::Insecure
    }
}

/// The value [`accept_encoding_choice`] picks.
#[cfg(test)]
fn accept_encoding<'p>(profile: &'p Profile, url: &url::Url, has_range: bool) -> &'p str {
    match accept_encoding_choice(profile, url, has_range) {
        AcceptEncoding::Identity => RANGE_ACCEPT_ENCODING,
        AcceptEncoding::Secure => &profile.accept_encoding_secure,
        AcceptEncoding::Insecure => &profile.accept_encoding_insecure,
    }
}

/// Undoes the response's `Content-Encoding` (last coding first). Unknown codings are left
/// as they are; a body a known coding cannot decode, or one that decodes past
/// `max_bytes`, is a network error (Chromium's `ERR_CONTENT_DECODING_FAILED`).
pub(crate) fn decode_body(
    headers: &HeaderMap,
    body: Bytes,
    max_bytes: usize,
) -> Result<Bytes, NetError> {
    if body.is_empty() {
        return Ok(body);
    }
    let codings: Vec<String> = headers
        .get_all(http::header::CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    let mut body = body;
    for coding in codings.iter().rev() {
        let fail = |e: std::io::Error| {
            NetError::Protocol(format!("content decoding ({coding}) failed: {e}"))
        };
        let data: &[u8] = &body;
        let reader: Box<dyn Read + '_> =
            match coding.as_str() {
                "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(data)),
                "deflate" => {
                    // Servers send zlib-wrapped or raw deflate; a zlib header starts 0x78.
                    if data.first() == Some(&0x78) {
                        Box::new(flate2::read::ZlibDecoder::new(data))
                    } else {
                        Box::new(flate2::read::DeflateDecoder::new(data))
                    }
                }
                "br" => Box::new(brotli_decompressor::Decompressor::new(data, 4096)),
                "zstd" => Box::new(ruzstd::decoding::StreamingDecoder::new(data).map_err(|e| {
                    NetError::Protocol(format!("content decoding (zstd) failed: {e}"))
                })?),
                _ => return Ok(body),
            };
        let mut out = Vec::new();
        reader
            .take(max_bytes as u64 + 1)
            .read_to_end(&mut out)
            .map_err(fail)?;
        if out.len() > max_bytes {
            return Err(NetError::Protocol(format!(
                "decoded body larger than {max_bytes} bytes"
            )));
        }
        body = Bytes::from(out);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn headers(enc: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::CONTENT_ENCODING, enc.parse().unwrap());
        h
    }

    #[test]
    fn gzip_and_deflate_decode() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"hello gzip").unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(
            &decode_body(&headers("gzip"), gz.into(), 1 << 20).unwrap()[..],
            b"hello gzip"
        );
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"hello deflate").unwrap();
        let z = z.finish().unwrap();
        assert_eq!(
            &decode_body(&headers("deflate"), z.into(), 1 << 20).unwrap()[..],
            b"hello deflate"
        );
    }

    #[test]
    fn failures_and_limits_are_network_errors_and_unknown_codings_pass() {
        assert!(decode_body(&headers("gzip"), Bytes::from_static(b"not gzip"), 1 << 20).is_err());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&[b'a'; 10_000]).unwrap();
        let gz = gz.finish().unwrap();
        assert!(
            decode_body(&headers("gzip"), gz.into(), 100).is_err(),
            "a bomb stops at the limit"
        );
        let raw = Bytes::from_static(b"as is");
        assert_eq!(
            decode_body(&headers("x-custom"), raw.clone(), 10).unwrap(),
            raw
        );
        assert_eq!(
            decode_body(&HeaderMap::new(), raw.clone(), 10).unwrap(),
            raw
        );
    }

    #[test]
    fn accept_encoding_depends_on_trustworthiness_and_range() {
        let u = |s| url::Url::parse(s).unwrap();
        let c = Profile::chromium();
        let w = Profile::webkit();
        assert_eq!(
            accept_encoding(&c, &u("https://a.example/"), false),
            "gzip, deflate, br, zstd"
        );
        assert_eq!(
            accept_encoding(&w, &u("https://a.example/"), false),
            "gzip, deflate, br"
        );
        for local in [
            "http://localhost/",
            "http://127.0.0.1:8/",
            "http://a.localhost/",
        ] {
            assert_eq!(
                accept_encoding(&c, &u(local), false),
                "gzip, deflate, br, zstd"
            );
            assert_eq!(accept_encoding(&w, &u(local), false), "gzip, deflate");
        }
        for p in [&c, &w] {
            assert_eq!(
                accept_encoding(p, &u("http://a.example/"), false),
                "gzip, deflate"
            );
            assert_eq!(
                accept_encoding(p, &u("https://a.example/"), true),
                "identity"
            );
            assert_eq!(
                accept_encoding(p, &u("http://a.example/"), true),
                "identity"
            );
        }
    }
}

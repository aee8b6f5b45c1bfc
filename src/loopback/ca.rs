//! A certificate authority made for one run, and server certificates it issues.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, PublicKeyData};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A throw-away certificate authority: a Browser that trusts [`TestCa::root_der`] accepts
/// the certificates it issues. Every certificate it issues carries the same leaf key, so
/// one SubjectPublicKeyInfo hash ([`TestCa::leaf_spki_sha256_base64`]) names them all, as
/// Chromium's `--ignore-certificate-errors-spki-list` wants.
///
/// ```
/// use fetchguard::loopback::TestCa;
/// let ca = TestCa::new().unwrap();
/// let (chain, _key) = ca.issue(&["api.example"]).unwrap();
/// assert_eq!(chain.len(), 1);
/// assert!(!ca.root_der().is_empty());
/// ```
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    root_der: Vec<u8>,
    leaf_key: KeyPair,
    /// TLS acceptors already made, by host: a host served again (the same origin in the
    /// next scenario of a batch) reuses its certificate instead of signing a new one.
    acceptors: Mutex<HashMap<String, tokio_rustls::TlsAcceptor>>,
    /// Certificates issued so far: each one's serial number is derived from it.
    issued: std::sync::atomic::AtomicU64,
}

impl TestCa {
    /// The process's CA, made on first use and shared by every caller after it (the
    /// scenarios of a batch): one key pair and one self-signature per process instead of
    /// one per scenario. A CA that could not be made is an error for every caller.
    ///
    /// ```
    /// use fetchguard::loopback::TestCa;
    /// let a = TestCa::shared().unwrap();
    /// let b = TestCa::shared().unwrap();
    /// assert!(std::ptr::eq(a, b));
    /// ```
    pub fn shared() -> Result<&'static TestCa, String> {
        static SHARED: OnceLock<Result<TestCa, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| TestCa::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A new CA with a fresh key.
    pub fn new() -> Result<Self, rcgen::Error> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "fetchguard test CA");
        let key = KeyPair::generate()?;
        let cert = params.self_signed(&key)?;
        Ok(TestCa {
            root_der: cert.der().to_vec(),
            issuer: Issuer::new(params, key),
            leaf_key: KeyPair::generate()?,
            acceptors: Mutex::default(),
            issued: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// The CA certificate, DER.
    pub fn root_der(&self) -> &[u8] {
        &self.root_der
    }

    /// A server certificate for these host names (or IP literals) and its private key.
    pub fn issue(
        &self,
        hosts: &[&str],
    ) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), rcgen::Error> {
        let names: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
        let mut params = CertificateParams::new(names)?;
        // A serial number of its own per certificate. By default rcgen derives it from the
        // public key, and every leaf here has the same key: Firefox (NSS) refuses a second
        // certificate with the same issuer and serial number, and every connection to a
        // second host failed.
        params.serial_number = Some(self.next_serial());
        let cert = params.signed_by(&self.leaf_key, &self.issuer)?;
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.leaf_key.serialize_der()));
        Ok((vec![cert.der().clone()], key_der))
    }

    /// A serial number no other certificate of this CA has. rcgen's default derives the
    /// serial from the subject key, and every leaf here has the same key: NSS (Firefox)
    /// then rejects the second certificate it sees with one issuer and serial
    /// (`SEC_ERROR_REUSED_ISSUER_AND_SERIAL`). The CA certificate is hashed in, so that
    /// runs (whose CAs share a name) do not repeat serials either.
    fn next_serial(&self) -> rcgen::SerialNumber {
        let n = self
            .issued
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut seed = self.root_der.clone();
        seed.extend_from_slice(&n.to_be_bytes());
        let mut serial = sha256(&seed)[..16].to_vec();
        serial[0] &= 0x7f; // positive, at most 16 bytes
        serial[0] |= 0x01; // and no leading zero byte
        rcgen::SerialNumber::from_slice(&serial)
    }

    /// The base64 of the SHA-256 of the leaf key's SubjectPublicKeyInfo (DER): the form
    /// Chromium's `--ignore-certificate-errors-spki-list` takes. Every certificate from
    /// [`TestCa::issue`] has this key.
    ///
    /// ```
    /// use fetchguard::loopback::TestCa;
    /// let ca = TestCa::new().unwrap();
    /// let pin = ca.leaf_spki_sha256_base64();
    /// assert_eq!(pin.len(), 44); // 32 bytes
    /// assert!(pin.ends_with('='));
    /// ```
    pub fn leaf_spki_sha256_base64(&self) -> String {
        base64(&sha256(&self.leaf_key.subject_public_key_info()))
    }

    /// A TLS acceptor for a server at `host` (HTTP/2 and HTTP/1.1 by ALPN), with a
    /// certificate this CA issues; made once per host and CA, then cloned (the
    /// certificate never changes: same CA, same leaf key, same name).
    pub fn tls_acceptor(&self, host: &str) -> std::io::Result<tokio_rustls::TlsAcceptor> {
        let host = host.trim_matches(|c| c == '[' || c == ']');
        let mut made = self.acceptors.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(acceptor) = made.get(host) {
            return Ok(acceptor.clone());
        }
        let (chain, key) = self
            .issue(&[host])
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let acceptor = tls_acceptor_for(chain, key)?;
        made.insert(host.to_string(), acceptor.clone());
        Ok(acceptor)
    }
}

/// A TLS server configuration (ring, safe defaults, ALPN h2 then http/1.1) for one
/// certificate chain: the test servers' and the oracle proxy's.
pub(crate) fn tls_acceptor_for(
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(cfg)))
}

/// SHA-256, from the TLS stack's own hash provider.
fn sha256(data: &[u8]) -> Vec<u8> {
    rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256
        .tls13()
        .map(|s| s.common.hash_provider.hash(data).as_ref().to_vec())
        .unwrap_or_default()
}

/// Standard base64 (RFC 4648 section 4) with padding.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_certificate_has_its_own_serial_number() {
        let ca = TestCa::new().unwrap();
        let (a, _) = ca.issue(&["a.example"]).unwrap();
        let (b, _) = ca.issue(&["b.example"]).unwrap();
        let (a2, _) = ca.issue(&["a.example"]).unwrap();
        // The DER's serial: the first INTEGER after the version inside tbsCertificate.
        let serial = |der: &[u8]| {
            let i = der
                .windows(3)
                .position(|w| w == [0xa0, 0x03, 0x02])
                .unwrap()
                + 5;
            assert_eq!(der[i], 0x02, "an INTEGER");
            der[i + 2..i + 2 + der[i + 1] as usize].to_vec()
        };
        let (sa, sb, sa2) = (serial(&a[0]), serial(&b[0]), serial(&a2[0]));
        assert_eq!(sa.len(), 16);
        assert_ne!(sa, sb);
        assert_ne!(sa, sa2);
        assert_ne!(sb, sa2);
    }

    #[test]
    fn base64_and_sha256_match_known_vectors() {
        // RFC 4648 section 10.
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
        // FIPS 180-2 "abc".
        assert_eq!(
            base64(&sha256(b"abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn acceptors_are_made_once_per_host() {
        let ca = TestCa::new().unwrap();
        ca.tls_acceptor("a.example").unwrap();
        ca.tls_acceptor("[::1]").unwrap();
        ca.tls_acceptor("a.example").unwrap();
        ca.tls_acceptor("::1").unwrap();
        let made = ca.acceptors.lock().unwrap();
        let mut hosts: Vec<&str> = made.keys().map(String::as_str).collect();
        hosts.sort();
        assert_eq!(hosts, ["::1", "a.example"]);
    }

    #[test]
    fn every_issued_certificate_has_the_pinned_key() {
        let ca = TestCa::new().unwrap();
        let (a, _) = ca.issue(&["a.example"]).unwrap();
        let (b, _) = ca.issue(&["b.example"]).unwrap();
        let spki = ca.leaf_key.subject_public_key_info();
        for cert in [&a[0], &b[0]] {
            let der: &[u8] = cert.as_ref();
            assert!(der.windows(spki.len()).any(|w| w == spki.as_slice()));
        }
    }
}

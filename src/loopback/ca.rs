//! A certificate authority made for one run, and server certificates it issues.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A throw-away certificate authority: a Browser that trusts [`TestCa::root_der`] accepts
/// the certificates it issues.
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
}

impl TestCa {
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
        let params = CertificateParams::new(names)?;
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        Ok((vec![cert.der().clone()], key_der))
    }

    /// A TLS acceptor for a server at `host` (HTTP/2 and HTTP/1.1 by ALPN), with a
    /// certificate this CA issues.
    pub fn tls_acceptor(&self, host: &str) -> std::io::Result<tokio_rustls::TlsAcceptor> {
        let host = host.trim_matches(|c| c == '[' || c == ']');
        let (chain, key) = self
            .issue(&[host])
            .map_err(|e| std::io::Error::other(e.to_string()))?;
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
}

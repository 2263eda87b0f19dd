//! TLS for PostgreSQL connections through rustls, with libpq's `sslmode` meanings:
//! `disable` (plain), `prefer` (the default: encrypted when the server offers it, unverified),
//! `require` (encrypted, unverified), `verify-ca` (the server's certificate must chain to the CA
//! file `sslrootcert=PATH`) and `verify-full` (that, and it must name the host).

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, Error, SignatureScheme};
use std::path::PathBuf;
use std::sync::Arc;

/// How a connection is secured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa(PathBuf),
    VerifyFull(PathBuf),
}

/// Takes `sslmode` and `sslrootcert` out of a URL's query: the URL for the driver (with the
/// `sslmode` it understands) and the mode. `Err` says what is wrong, without the URL.
pub fn split(url: &str) -> Result<(String, Mode), String> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    let (mut mode, mut root) = (None, None);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslmode", value)) => mode = Some(value.to_string()),
            Some(("sslrootcert", value)) => root = Some(PathBuf::from(value)),
            _ => kept.push(pair),
        }
    }
    let needs_root = |name: &str| {
        root.clone().ok_or_else(|| {
            format!("sslmode={name} needs the CA certificate file: add sslrootcert=PATH")
        })
    };
    let mode = match mode.as_deref().unwrap_or("prefer") {
        "disable" => Mode::Disable,
        "allow" | "prefer" => Mode::Prefer,
        "require" => Mode::Require,
        "verify-ca" => Mode::VerifyCa(needs_root("verify-ca")?),
        "verify-full" => Mode::VerifyFull(needs_root("verify-full")?),
        other => {
            return Err(format!(
                "unknown sslmode `{other}` (disable, prefer, require, verify-ca, verify-full)"
            ));
        }
    };
    let driver_mode = match mode {
        Mode::Disable => "disable",
        Mode::Prefer => "prefer",
        _ => "require",
    };
    kept.push(match driver_mode {
        "disable" => "sslmode=disable",
        "prefer" => "sslmode=prefer",
        _ => "sslmode=require",
    });
    Ok((format!("{base}?{}", kept.join("&")), mode))
}

/// The rustls configuration for a mode other than `Disable`.
pub fn client_config(mode: &Mode) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let roots = |path: &PathBuf| -> Result<rustls::RootCertStore, String> {
        let shown = path.display();
        let pem = std::fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let mut store = rustls::RootCertStore::empty();
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            let cert = cert.map_err(|e| format!("{shown}: not a PEM certificate: {e}"))?;
            store
                .add(cert)
                .map_err(|e| format!("{shown}: unusable certificate: {e}"))?;
        }
        if store.is_empty() {
            return Err(format!("{shown} holds no certificate"));
        }
        Ok(store)
    };
    let chain = match mode {
        Mode::VerifyFull(path) => {
            return Ok(builder
                .with_root_certificates(roots(path)?)
                .with_no_client_auth());
        }
        Mode::VerifyCa(path) => Some(
            rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots(path)?),
                Arc::clone(&provider),
            )
            .build()
            .map_err(|e| e.to_string())?,
        ),
        Mode::Disable | Mode::Prefer | Mode::Require => None,
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Lenient {
            chain,
            algorithms: provider.signature_verification_algorithms,
        }))
        .with_no_client_auth())
}

/// Less than `verify-full`: with `chain` (`verify-ca`) the certificate must chain to the CA file
/// but need not name the host; without (`require`, `prefer`) it is not checked, as libpq does
/// without a CA. The handshake signature is checked either way.
#[derive(Debug)]
struct Lenient {
    chain: Option<Arc<rustls::client::WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_and_root_certificate_are_taken_out_of_the_url() {
        assert_eq!(
            split("postgres://u@h/db"),
            Ok(("postgres://u@h/db?sslmode=prefer".into(), Mode::Prefer))
        );
        assert_eq!(
            split("postgres://u@h/db?options=-cx&sslmode=verify-full&sslrootcert=/ca.pem"),
            Ok((
                "postgres://u@h/db?options=-cx&sslmode=require".into(),
                Mode::VerifyFull("/ca.pem".into())
            ))
        );
        assert!(
            split("postgres://u@h/db?sslmode=verify-full")
                .unwrap_err()
                .contains("sslrootcert")
        );
        assert!(split("postgres://u@h/db?sslmode=sometimes").is_err());
        assert_eq!(
            split("postgres://u@h/db?sslmode=disable").map(|s| s.1),
            Ok(Mode::Disable)
        );
    }
}

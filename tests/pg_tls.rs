//! TLS to the real PostgreSQL server (`XINFANG_TEST_PG`), with libpq's `sslmode` meanings:
//! plain, encrypted, and verified against a CA file with and without the host name. Skipped
//! without a server or when the server has TLS off — except under `CI=true`, where both are
//! failures.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use xinfang::store::postgres::connect;

/// The server's URL and the certificate it presents (its own CA, as a self-signed server's is).
fn server() -> Option<(String, String)> {
    let url = std::env::var("XINFANG_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let skip = |why: String| {
        assert!(!ci, "required when CI=true: {why}");
        eprintln!("skipped: {why}");
        None
    };
    let mut client = match postgres::Client::connect(&url, postgres::NoTls) {
        Ok(client) => client,
        Err(e) => return skip(format!("no PostgreSQL at {url} ({e})")),
    };
    let row = client
        .query_one(
            "SELECT current_setting('ssl'), current_setting('ssl_cert_file')",
            &[],
        )
        .expect("settings");
    let (ssl, cert): (String, String) = (row.get(0), row.get(1));
    if ssl != "on" {
        return skip(format!("the server at {url} has TLS off"));
    }
    Some((url, cert))
}

fn with(url: &str, query: &str) -> String {
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}{query}")
}

fn encrypted(url: &str) -> bool {
    let mut connection = connect(url).expect("connect");
    connection
        .client
        .query_one(
            "SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
            &[],
        )
        .expect("pg_stat_ssl")
        .get(0)
}

#[test]
fn sslmode_disable_require_and_verification_behave_as_libpq_does() {
    let Some((url, cert)) = server() else { return };
    assert!(!encrypted(&with(&url, "sslmode=disable")));
    assert!(encrypted(&with(&url, "sslmode=require")));
    assert!(
        encrypted(&url),
        "prefer (the default) encrypts when the server offers it"
    );
    // The certificate names its host; verify-ca does not look at the name.
    let host_named = url.replace("127.0.0.1", "localhost");
    let verify = |mode: &str, url: &str| with(url, &format!("sslmode={mode}&sslrootcert={cert}"));
    let cert_text = std::fs::read_to_string(&cert).unwrap_or_default();
    if cert_text.contains("BEGIN CERTIFICATE") && url.contains("127.0.0.1") {
        assert!(encrypted(&verify("verify-ca", &url)));
        assert!(encrypted(&verify("verify-full", &host_named)));
        // Asked for by address, the certificate (for localhost) does not match: refused.
        let err = connect(&verify("verify-full", &url))
            .err()
            .map(|e| e.to_string());
        let err = err.expect("a name mismatch is refused");
        assert!(err.contains("postgres://postgres@127.0.0.1"), "{err}");
        // A CA the server's certificate does not chain to: refused by verify-ca too.
        let other_ca = std::fs::read_dir("/etc/ssl/certs")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.extension().is_some_and(|x| x == "pem")
                    && p.to_string_lossy() != cert
                    && !p.to_string_lossy().contains("snakeoil")
            });
        match other_ca {
            Some(other) => {
                let wrong = with(
                    &url,
                    &format!("sslmode=verify-ca&sslrootcert={}", other.display()),
                );
                assert!(connect(&wrong).is_err(), "verify-ca accepted a foreign CA");
            }
            None => eprintln!("skipped the foreign-CA case: no other CA in /etc/ssl/certs"),
        }
    } else {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "CI=true: the verification half needs the server's certificate ({cert}) readable and \
             a 127.0.0.1 URL"
        );
        eprintln!("skipped the verification half: {cert} unreadable or not a 127.0.0.1 URL");
    }
    // A CA file that is not there, or holds no certificate, is named.
    let err = connect(&with(
        &url,
        "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
    ))
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(err.contains("/nonexistent/ca.pem"), "{err}");
    let empty = tempfile::NamedTempFile::new().expect("temp");
    let err = connect(&with(
        &url,
        &format!("sslmode=verify-full&sslrootcert={}", empty.path().display()),
    ))
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(err.contains("holds no certificate"), "{err}");
}

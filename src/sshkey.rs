//! Console users' public keys, as written in an OpenSSH `authorized_keys` line
//! (`ssh-ed25519 AAAA… comment`): parsed, checked and fingerprinted (`SHA256:…`, as `ssh-keygen
//! -l` prints it). `xinfang serve` knows a user by the key they log in with; the store keeps each
//! key with its owner. Ed25519 and ECDSA keys are accepted; RSA and DSA are refused.

use russh::keys::{Algorithm, HashAlg, PublicKey};

/// A checked public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedKey {
    /// `SHA256:…`, as `ssh-keygen -lf` prints it.
    pub fingerprint: String,
    /// The key without its comment: `ssh-ed25519 AAAA…`.
    pub key: String,
    /// The comment after the key (`li.na@laptop`), made printable; may be empty.
    pub comment: String,
}

/// The fingerprint of a key, as `ssh-keygen -l` prints it.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Whether keys of this algorithm are accepted.
pub fn accepted(algorithm: &Algorithm) -> bool {
    matches!(algorithm, Algorithm::Ed25519 | Algorithm::Ecdsa { .. })
}

/// Parses one `authorized_keys`-style line (options before the key are not accepted).
pub fn parse(line: &str) -> Result<ParsedKey, String> {
    let line = line.trim();
    if line.is_empty() {
        return Err("the key is empty".into());
    }
    if line.contains("PRIVATE KEY") {
        return Err("this is a private key: give the public key (the .pub file)".into());
    }
    let mut words = line.split_whitespace();
    let (Some(kind), Some(data)) = (words.next(), words.next()) else {
        return Err("not a public key: expected `ssh-ed25519 AAAA… comment`".into());
    };
    let comment: Vec<&str> = words.collect();
    let key = PublicKey::from_openssh(&format!("{kind} {data}")).map_err(|e| {
        format!(
            "not a public key (`{}…`): {e}",
            crate::text::sanitise(&kind.chars().take(24).collect::<String>())
        )
    })?;
    if !accepted(&key.algorithm()) {
        return Err(format!(
            "{} keys are not accepted: use an Ed25519 key (`ssh-keygen -t ed25519`) or ECDSA",
            key.algorithm().as_str()
        ));
    }
    let key_text = key
        .to_openssh()
        .map_err(|e| format!("the key cannot be written back: {e}"))?;
    Ok(ParsedKey {
        fingerprint: fingerprint(&key),
        key: key_text
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" "),
        comment: crate::text::sanitise(&comment.join(" ")).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LI: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl li.na@laptop";

    #[test]
    fn a_key_line_gives_its_fingerprint_and_comment() {
        let key = parse(LI).expect("key");
        assert!(
            key.fingerprint.starts_with("SHA256:"),
            "{}",
            key.fingerprint
        );
        assert_eq!(key.comment, "li.na@laptop");
        assert!(key.key.starts_with("ssh-ed25519 AAAAC3"));
        assert!(!key.key.contains("li.na"));
        // The same key with another comment is the same key.
        let again = parse(&LI.replace("li.na@laptop", "other")).expect("key");
        assert_eq!(again.fingerprint, key.fingerprint);
    }

    #[test]
    fn bad_keys_are_refused_with_a_reason() {
        for (line, says) in [
            ("", "empty"),
            ("ssh-ed25519", "not a public key"),
            ("ssh-ed25519 AAAAnot-base64!!", "not a public key"),
            ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
        ] {
            let error = parse(line).expect_err(line);
            assert!(error.contains(says), "{line}: {error}");
        }
    }
}

//! Access tokens (short-lived JWTs), refresh tokens and one-time codes.
//!
//! Access tokens use one pinned algorithm (HS256) with a key id for rotation, a small
//! explicit leeway, and checked issuer and audience. Refresh tokens and service-client
//! secrets are random 256-bit values stored only as SHA-256 hashes. SMS codes are stored as
//! keyed hashes (HMAC-SHA256), since six digits alone are trivially brute-forced offline.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The issuer written into and required of every access token.
pub const ISSUER: &str = "efiling";
/// The audience of access tokens for this API.
pub const AUDIENCE: &str = "efiling-api";
/// Clock skew tolerated when checking expiry, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;

/// Keys and lifetimes of tokens.
#[derive(Clone)]
pub struct TokenKeys {
    key_id: String,
    secret: Vec<u8>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub access_ttl_seconds: i64,
    pub refresh_ttl_seconds: i64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The account id.
    pub sub: Uuid,
    /// The session (family) id.
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
}

/// Why an access token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

impl TokenKeys {
    /// Keys from a secret of at least 32 bytes.
    pub fn new(
        key_id: &str,
        secret: &[u8],
        access_ttl_seconds: i64,
        refresh_ttl_seconds: i64,
    ) -> anyhow::Result<TokenKeys> {
        if secret.len() < 32 {
            anyhow::bail!("the token secret must be at least 32 bytes");
        }
        Ok(TokenKeys {
            key_id: key_id.to_owned(),
            secret: secret.to_vec(),
            encoding: EncodingKey::from_secret(secret)?,
            decoding: DecodingKey::from_secret(secret)?,
            access_ttl_seconds,
            refresh_ttl_seconds,
        })
    }

    /// Keys with a fresh random secret (development and tests: tokens die with the process).
    pub fn random(access_ttl_seconds: i64, refresh_ttl_seconds: i64) -> TokenKeys {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        match TokenKeys::new("dev", &secret, access_ttl_seconds, refresh_ttl_seconds) {
            Ok(keys) => keys,
            Err(_) => unreachable!("a 32-byte secret is long enough"),
        }
    }

    /// Signs an access token for `account` in session `session`.
    pub fn issue_access(
        &self,
        account: Uuid,
        session: Uuid,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        let claims = AccessClaims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: account,
            sid: session,
            iat: now.timestamp(),
            exp: now.timestamp() + self.access_ttl_seconds,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.key_id.clone());
        Ok(jsonwebtoken::encode(&header, &claims, &self.encoding)?)
    }

    /// Checks signature, algorithm, key id, issuer, audience and expiry.
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != Algorithm::HS256 || header.kid.as_deref() != Some(self.key_id.as_str()) {
            return Err(TokenError::Invalid);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }

    /// Keyed hash of a one-time code, bound to what it is for.
    pub fn code_hash(&self, purpose: &str, code_id: Uuid, code: &str) -> Vec<u8> {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(code_id.as_bytes());
        mac.update(b"\0");
        mac.update(code.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

/// A new random secret token (refresh tokens, client secrets): 256 bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a secret token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A six-digit one-time code, uniformly random.
pub fn random_code() -> String {
    format!("{:06}", rand::random_range(0..1_000_000u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new("k1", &[7u8; 32], 900, 86_400).unwrap()
    }

    #[test]
    fn an_issued_token_verifies_with_its_claims() {
        let keys = keys();
        let (account, session) = (Uuid::new_v4(), Uuid::new_v4());
        let token = keys.issue_access(account, session, Utc::now()).unwrap();
        let claims = keys.verify_access(&token).unwrap();
        assert_eq!((claims.sub, claims.sid), (account, session));
        assert_eq!(claims.exp - claims.iat, 900);
    }

    #[test]
    fn expired_tokens_are_refused_after_the_leeway() {
        let keys = keys();
        let long_ago = Utc::now() - chrono::Duration::seconds(900 + LEEWAY_SECONDS as i64 + 5);
        let token = keys
            .issue_access(Uuid::new_v4(), Uuid::new_v4(), long_ago)
            .unwrap();
        assert_eq!(keys.verify_access(&token), Err(TokenError::Expired));
        let within = Utc::now() - chrono::Duration::seconds(900 + 5);
        let token = keys
            .issue_access(Uuid::new_v4(), Uuid::new_v4(), within)
            .unwrap();
        assert!(keys.verify_access(&token).is_ok(), "within the leeway");
    }

    #[test]
    fn tokens_of_another_key_algorithm_or_audience_are_refused() {
        let token = keys()
            .issue_access(Uuid::new_v4(), Uuid::new_v4(), Utc::now())
            .unwrap();
        let other = TokenKeys::new("k1", &[8u8; 32], 900, 1).unwrap();
        assert_eq!(other.verify_access(&token), Err(TokenError::Invalid));
        let rotated = TokenKeys::new("k2", &[7u8; 32], 900, 1).unwrap();
        assert_eq!(rotated.verify_access(&token), Err(TokenError::Invalid));

        // An unsigned token ("alg": "none") with the same claims.
        let parts: Vec<&str> = token.split('.').collect();
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","kid":"k1"}"#);
        let forged = format!("{none_header}.{}.", parts[1]);
        assert_eq!(keys().verify_access(&forged), Err(TokenError::Invalid));

        let claims = AccessClaims {
            iss: ISSUER.into(),
            aud: "someone-else".into(),
            sub: Uuid::new_v4(),
            sid: Uuid::new_v4(),
            iat: Utc::now().timestamp(),
            exp: Utc::now().timestamp() + 60,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k1".into());
        let foreign = jsonwebtoken::encode(
            &header,
            &claims,
            &EncodingKey::from_secret(&[7u8; 32]).unwrap(),
        )
        .unwrap();
        assert_eq!(keys().verify_access(&foreign), Err(TokenError::Invalid));
        assert_eq!(keys().verify_access("garbage"), Err(TokenError::Invalid));
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
        let code = random_code();
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn code_hashes_depend_on_purpose_id_and_code() {
        let keys = keys();
        let id = Uuid::new_v4();
        let hash = keys.code_hash("password_reset", id, "123456");
        assert_eq!(hash, keys.code_hash("password_reset", id, "123456"));
        assert_ne!(hash, keys.code_hash("phone_change", id, "123456"));
        assert_ne!(
            hash,
            keys.code_hash("password_reset", Uuid::new_v4(), "123456")
        );
        assert_ne!(hash, keys.code_hash("password_reset", id, "123457"));
    }
}

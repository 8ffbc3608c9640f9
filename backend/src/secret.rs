//! Random secrets and how they are kept: 256 random bits, stored only as their SHA-256 (a
//! plain hash is right for values no one chose and no one can guess).

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Tokens are random (256 bits), so a plain SHA-256 is the right hash for looking them up.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new secret: `prefix` and 256 random bits in hex.
pub fn new_token(prefix: &str) -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    format!("{prefix}{}", hex::encode(b))
}

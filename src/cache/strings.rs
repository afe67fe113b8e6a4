//! Long strings read back from the post cache, validated as UTF-8 with SIMD.
//! A cached post holds its cleaned HTML and its text (tens of megabytes at 5k
//! posts), and the standard library's check of non-ASCII text was the largest
//! single cost of loading the cache on every build.

use serde::de::{Deserializer, Error, Visitor};

/// `deserialize_with` for a `String` field: asks for the bytes (bincode then
/// skips its own check) and validates them with `simdutf8`. Serialisation is
/// unchanged, so stored files are the same either way.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_byte_buf(Text)
}

struct Text;

impl Visitor<'_> for Text {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a UTF-8 string")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<String, E> {
        Ok(text.to_owned())
    }

    fn visit_string<E: Error>(self, text: String) -> Result<String, E> {
        Ok(text)
    }

    fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<String, E> {
        simdutf8::basic::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| E::custom("invalid UTF-8"))
    }

    fn visit_byte_buf<E: Error>(self, bytes: Vec<u8>) -> Result<String, E> {
        self.visit_bytes(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::CleanBody;

    #[test]
    fn bodies_round_trip_and_bad_utf8_is_refused() {
        let body = CleanBody {
            html: "<p>新闻 — news</p>".into(),
            ..CleanBody::default()
        };
        let bytes = bincode::serialize(&body).unwrap();
        assert_eq!(bincode::deserialize::<CleanBody>(&bytes).unwrap(), body);
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(serde_json::from_str::<CleanBody>(&json).unwrap(), body);
        // The first byte of the html's text, after its 8-byte length.
        let mut bad = bytes.clone();
        bad[8] = 0xFF;
        assert!(bincode::deserialize::<CleanBody>(&bad).is_err());
    }
}

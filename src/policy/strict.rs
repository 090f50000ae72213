//! IAM rejects a policy document in which an object repeats a key
//! (`"Effect":"Deny","Effect":"Allow"`); a JSON parser keeps one of them silently, so a
//! document could be decided by a statement AWS would never have accepted. This walks the
//! text once and names the first repeated key.

use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};

/// The first repeated key, with where it is (`Statement[0].Effect`), or `None`.
pub fn duplicate_key(text: &str) -> Option<String> {
    let mut de = serde_json::Deserializer::from_str(text);
    match Walk(String::new()).deserialize(&mut de) {
        Err(e) if e.is_data() => Some(e.to_string()),
        // Invalid JSON is the parser's to report.
        _ => None,
    }
}

/// Visits a value at `.0` (the path so far).
struct Walk(String);

impl Walk {
    fn child(&self, step: &str) -> Walk {
        match (self.0.is_empty(), step.starts_with('[')) {
            (true, _) | (false, true) => Walk(format!("{}{step}", self.0)),
            (false, false) => Walk(format!("{}.{step}", self.0)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Walk {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq.next_element_seed(self.child(&format!("[{i}]")))?.is_some() {
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let at = self.child(&key);
            if !seen.insert(key.clone()) {
                let place = if self.0.is_empty() { "the document".to_string() } else { self.0.clone() };
                return Err(A::Error::custom(format!(
                    "{}: the key \"{key}\" appears twice in {place} (IAM rejects such documents)",
                    at.0
                )));
            }
            map.next_value_seed(at)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::duplicate_key;

    #[test]
    fn names_the_first_repeated_key_and_where_it_is() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Effect":"Allow"}]}"#;
        let found = duplicate_key(doc).unwrap_or_default();
        assert!(found.starts_with("Statement[0].Effect: the key \"Effect\" appears twice in Statement[0]"), "{found}");
        assert!(duplicate_key(r#"{"a":1,"a":2}"#).unwrap_or_default().contains("appears twice in the document"));
        let nested = r#"{"Statement":{"Condition":{"StringEquals":{"k":"1","k":"2"}}}}"#;
        assert!(duplicate_key(nested).unwrap_or_default().starts_with("Statement.Condition.StringEquals.k:"));
        assert_eq!(duplicate_key(r#"{"a":{"b":1},"c":[{"b":2},{"b":3}]}"#), None);
        assert_eq!(duplicate_key("not json"), None);
    }
}

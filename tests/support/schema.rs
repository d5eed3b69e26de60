//! A JSON Schema validator for the keywords `schema/record.schema.json`
//! uses (draft 2020-12's `type`, `const`, `enum`, `required`, `properties`,
//! `additionalProperties`, `items`, `oneOf`, `$ref` into `$defs`,
//! `minimum`, `maximum`): enough to check every command's records against
//! the schema without a dependency. A keyword it does not know is an
//! error, so the schema cannot promise what is not checked.

use serde_json::{Map, Value};

/// Keywords that only document.
const ANNOTATIONS: [&str; 4] = ["$schema", "$id", "title", "description"];

/// Checks `instance` against `schema` (whose `$defs` `$ref`s point into);
/// the error names the path of the first value that does not fit.
pub fn validate(schema: &Value, instance: &Value) -> Result<(), String> {
    check(schema, schema, instance, "$")
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    let Some(schema) = schema.as_object() else {
        return match schema {
            Value::Bool(true) => Ok(()),
            _ => Err(format!("{path}: the schema is not an object")),
        };
    };
    for (keyword, rule) in schema {
        match keyword.as_str() {
            k if ANNOTATIONS.contains(&k) || k == "$defs" => {}
            "$ref" => {
                let target = rule
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .and_then(|name| root.get("$defs")?.get(name))
                    .ok_or_else(|| format!("{path}: cannot resolve $ref {rule}"))?;
                check(root, target, value, path)?;
            }
            "type" => {
                let types: Vec<&str> = match rule {
                    Value::String(one) => vec![one.as_str()],
                    Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                    _ => return Err(format!("{path}: bad `type` {rule}")),
                };
                if !types.iter().any(|t| is_type(value, t)) {
                    return Err(format!("{path}: {value} is not of type {rule}"));
                }
            }
            "const" if value != rule => {
                return Err(format!("{path}: {value} is not {rule}"));
            }
            "const" => {}
            "enum" => {
                let allowed = rule.as_array().ok_or("`enum` is not a list")?;
                if !allowed.contains(value) {
                    return Err(format!("{path}: {value} is not one of {rule}"));
                }
            }
            "minimum" | "maximum" => {
                let (Some(x), Some(bound)) = (value.as_f64(), rule.as_f64()) else {
                    continue;
                };
                if (keyword == "minimum" && x < bound) || (keyword == "maximum" && x > bound) {
                    return Err(format!("{path}: {x} is outside its {keyword} {bound}"));
                }
            }
            "required" => {
                if let Some(object) = value.as_object() {
                    for name in rule.as_array().ok_or("`required` is not a list")? {
                        let name = name.as_str().unwrap_or_default();
                        if !object.contains_key(name) {
                            return Err(format!("{path}: `{name}` is missing"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(object) = value.as_object() {
                    let properties = rule.as_object().ok_or("`properties` is not an object")?;
                    for (name, property) in properties {
                        if let Some(field) = object.get(name) {
                            check(root, property, field, &format!("{path}.{name}"))?;
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Some(object) = value.as_object() {
                    let known = schema.get("properties").and_then(Value::as_object);
                    for (name, field) in object {
                        if known.is_some_and(|known: &Map<String, Value>| known.contains_key(name))
                        {
                            continue;
                        }
                        if *rule == Value::Bool(false) {
                            return Err(format!("{path}: `{name}` is not in the schema"));
                        }
                        check(root, rule, field, &format!("{path}.{name}"))?;
                    }
                }
            }
            "items" => {
                if let Some(items) = value.as_array() {
                    for (index, item) in items.iter().enumerate() {
                        check(root, rule, item, &format!("{path}[{index}]"))?;
                    }
                }
            }
            "oneOf" => {
                let options = rule.as_array().ok_or("`oneOf` is not a list")?;
                let fits: Vec<Result<(), String>> = options
                    .iter()
                    .map(|option| check(root, option, value, path))
                    .collect();
                match fits.iter().filter(|fit| fit.is_ok()).count() {
                    1 => {}
                    0 => {
                        let why: Vec<String> = fits.into_iter().filter_map(Result::err).collect();
                        return Err(format!("{path}: fits none of oneOf: {}", why.join("; ")));
                    }
                    n => return Err(format!("{path}: fits {n} of oneOf, not exactly one")),
                }
            }
            other => return Err(format!("{path}: the validator does not know `{other}`")),
        }
    }
    Ok(())
}

fn is_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_u64() || value.is_i64(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_validator_rejects_what_does_not_fit() {
        let schema = json!({
            "type": "object",
            "required": ["a"],
            "additionalProperties": false,
            "properties": {
                "a": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/n"}]},
                "b": {"type": "array", "items": {"enum": ["x", "y"]}}
            },
            "$defs": {"n": {"type": "integer", "minimum": 1}}
        });
        assert!(validate(&schema, &json!({"a": 3, "b": ["x"]})).is_ok());
        assert!(validate(&schema, &json!({"a": null})).is_ok());
        for bad in [
            json!({}),
            json!({"a": 0}),
            json!({"a": "3"}),
            json!({"a": 1, "b": ["z"]}),
            json!({"a": 1, "c": 1}),
        ] {
            assert!(validate(&schema, &bad).is_err(), "{bad}");
        }
        assert!(validate(&json!({"pattern": "x"}), &json!("x")).is_err());
    }
}

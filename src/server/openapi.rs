//! The OpenAPI document of the API (`/api/v1/openapi.json`), generated from the operations
//! themselves: each one's route, its input's schema (ids in the path, the rest in the query
//! string or a JSON body, as the server decodes them) and its output's schema, all derived
//! from the Rust types by utoipa.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use crate::backend::remote::API;
use crate::backend::{Listed, Operation, Route, ops};

/// The whole document.
pub fn document() -> Value {
    let mut doc = Document::default();
    ops::visit(&mut doc);
    doc.paths.insert(
        format!("{API}/health"),
        json!({"get": {
            "operationId": "health",
            "summary": "Whether the server is up (no session needed)",
            "security": [],
            "responses": {"200": {"description": "Up", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"status": {"type": "string"}, "version": {"type": "string"}},
                "required": ["status", "version"]
            }}}}}
        }}),
    );
    doc.paths.insert(
        format!("{API}/openapi.json"),
        json!({"get": {
            "operationId": "openapi",
            "summary": "This document (no session needed)",
            "security": [],
            "responses": {"200": {"description": "The OpenAPI document", "content": {"application/json": {"schema": {"type": "object"}}}}}
        }}),
    );
    doc.schemas.insert("Error".into(), error_schema());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "epicevents",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The CRM of Epic Events in team mode: one operation per command of the shell's grammar. Sessions come from POST /api/v1/login (the x-epicevents-token header of its answer) and go in `authorization: Bearer`."
        },
        "paths": doc.paths,
        "components": {
            "schemas": doc.schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
        },
        "security": [{"bearer": []}]
    })
}

#[derive(Default)]
struct Document {
    paths: BTreeMap<String, Value>,
    schemas: BTreeMap<String, Value>,
}

impl Document {
    /// Adds `schema` of the type named `name` and the types it refers to.
    fn collect<T: ToSchema>(&mut self) {
        let mut found = Vec::new();
        T::schemas(&mut found);
        for (name, schema) in found {
            self.schemas.insert(name, to_json(&schema));
        }
    }

    fn add(&mut self, path: &str, method: &str, operation: Value) {
        let entry = self
            .paths
            .entry(format!("{API}{path}"))
            .or_insert_with(|| json!({}));
        entry[method] = operation;
    }
}

impl ops::Visitor for Document {
    fn operation<O: Operation>(&mut self) {
        self.collect::<O>();
        self.collect::<O::Output>();
        let Route {
            method,
            path,
            name,
            summary,
        } = O::ROUTE;
        let input = to_json(&<O as utoipa::PartialSchema>::schema());
        let in_path = path_names(path);
        let (properties, required) = properties(&input);
        let mut parameters: Vec<Value> = in_path
            .iter()
            .map(|n| {
                json!({"name": n, "in": "path", "required": true,
                       "schema": {"type": "integer", "format": "int64"}})
            })
            .collect();
        let mut operation = json!({
            "operationId": name,
            "summary": summary,
            "responses": responses(to_json(&<O::Output as utoipa::PartialSchema>::schema())),
        });
        if method.reads_query() {
            parameters.extend(query_parameters(&properties, &required, &in_path));
        } else {
            let mut body = properties.clone();
            body.retain(|k, _| !in_path.contains(&k.as_str()));
            let body_required: Vec<&String> = required
                .iter()
                .filter(|k| !in_path.contains(&k.as_str()))
                .collect();
            operation["requestBody"] = json!({
                "required": true,
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": body,
                    "required": body_required,
                    "additionalProperties": false
                }}}
            });
        }
        operation["parameters"] = Value::Array(parameters);
        if O::PUBLIC {
            operation["security"] = json!([]);
        }
        self.add(path, &method.as_str().to_ascii_lowercase(), operation);
    }

    fn list<L: Listed>(&mut self) {
        self.collect::<L>();
        self.collect::<L::Item>();
        let row = json!({"$ref": format!("#/components/schemas/{}", L::Item::name())});
        let filter = to_json(&<L as utoipa::PartialSchema>::schema());
        let (properties, required) = properties(&filter);
        let filters = query_parameters(&properties, &required, &[]);
        let mut paged = filters.clone();
        paged.push(json!({"name": "limit", "in": "query", "required": false,
            "description": "How many rows, at most 1001 (25 when left out)",
            "schema": {"type": "integer", "minimum": 0, "maximum": crate::backend::MAX_PAGE_ROWS}}));
        paged.push(json!({"name": "offset", "in": "query", "required": false,
            "description": "How many rows to skip first",
            "schema": {"type": "integer", "minimum": 0}}));
        let page = json!({
            "type": "object",
            "properties": {
                "rows": {"type": "array", "items": row},
                "total": {"type": "integer", "minimum": 0, "description": "The rows counted: all of them when exact, at least this many otherwise"},
                "exact": {"type": "boolean"}
            },
            "required": ["rows", "total", "exact"]
        });
        self.add(
            L::PATH,
            "get",
            json!({
                "operationId": L::NAME,
                "summary": L::SUMMARY,
                "parameters": paged,
                "responses": responses(page),
            }),
        );
        self.add(
            &format!("{}/export", L::PATH),
            "get",
            json!({
                "operationId": format!("{}_export", L::NAME),
                "summary": format!("{}: every row, streamed", L::SUMMARY),
                "parameters": filters,
                "responses": {
                    "200": {"description": "One JSON object per line: {\"row\": …} for each row, then {\"end\": {\"rows\": n}}, or {\"error\": …} if the export failed midway",
                            "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                    "default": error_response(),
                },
            }),
        );
    }
}

fn to_json(schema: &impl Serialize) -> Value {
    serde_json::to_value(schema).unwrap_or(Value::Null)
}

/// The `{name}` parameters of a path template.
fn path_names(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// An object schema's properties and required names.
fn properties(schema: &Value) -> (Map<String, Value>, Vec<String>) {
    let properties = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let required = schema["required"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    (properties, required)
}

/// One query parameter per property but those in the path. A query string has no null: an
/// optional value is one left out.
fn query_parameters(
    properties: &Map<String, Value>,
    required: &[String],
    in_path: &[&str],
) -> Vec<Value> {
    properties
        .iter()
        .filter(|(name, _)| !in_path.contains(&name.as_str()))
        .map(|(name, schema)| {
            json!({
                "name": name,
                "in": "query",
                "required": required.contains(name),
                "schema": without_null(schema.clone()),
            })
        })
        .collect()
}

/// `{"type": ["integer", "null"]}` as `{"type": "integer"}`.
fn without_null(mut schema: Value) -> Value {
    if let Some(types) = schema["type"].as_array() {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        if kept.len() == 1 {
            schema["type"] = kept[0].clone();
        }
    }
    schema
}

fn responses(ok: Value) -> Value {
    json!({
        "200": {"description": "Done", "content": {"application/json": {"schema": ok}}},
        "default": error_response(),
    })
}

fn error_response() -> Value {
    json!({"description": "Refused or failed: one sentence and a stable kind",
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// The shape of [`crate::error::wire::Body`].
fn error_schema() -> Value {
    json!({
        "type": "object",
        "properties": {"error": {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "description": "invalid, missing, not_found, denied, refused, not_logged_in, session_expired, locked, session_ended, password_change_required, fault, bad_credentials, cancelled, usage or internal"},
                "message": {"type": "string", "description": "The sentence the shell prints"}
            },
            "required": ["kind", "message"]
        }},
        "required": ["error"]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation and list is in the document once, under its method, with a unique id.
    #[test]
    fn the_document_names_every_operation_once() {
        let doc = document();
        let mut ids = Vec::new();
        for (path, methods) in doc["paths"].as_object().unwrap() {
            assert!(path.starts_with(API), "{path}");
            for (method, operation) in methods.as_object().unwrap() {
                assert!(["get", "post", "patch", "delete"].contains(&method.as_str()));
                ids.push(operation["operationId"].as_str().unwrap().to_owned());
            }
        }
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "duplicate operation ids: {ids:?}");
        for id in [
            "login",
            "clients_list",
            "clients_list_export",
            "contracts_pay",
            "users_unlock",
            "users_reset_password",
            "complete",
            "health",
        ] {
            assert!(ids.iter().any(|i| i == id), "{id} is missing");
        }
        // Every $ref points at a schema of the document.
        let text = doc.to_string();
        for reference in text.split("\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(doc["components"]["schemas"].get(name).is_some(), "{name}");
        }
    }
}

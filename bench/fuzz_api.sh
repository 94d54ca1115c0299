#!/bin/sh
# Property-based fuzzing of the team API against its own OpenAPI document (schemathesis, from
# PyPI): no 5xx, every answer conforms to the document. Not in .ci/run: it needs PyPI's
# schemathesis and takes a minute or two. Figures in docs/security.md.
#
#     cargo build && pip install schemathesis && sh bench/fuzz_api.sh [max-examples]
set -eu
bin="$(dirname "$0")/../target/debug/epicevents"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
export EPICEVENTS_HOME="$work/home" EPICEVENTS_DB="$work/crm.db"
"$bin" demo >/dev/null
"$bin" serve --listen 127.0.0.1:18479 2>"$work/server.log" &
server=$!
sleep 1
token=$(curl -s -D - -o /dev/null -X POST -H 'content-type: application/json' \
  -d '{"email":"alice.manager@epic.com","password":"epicevents-demo"}' \
  http://127.0.0.1:18479/api/v1/login | tr -d '\r' | sed -n 's/^x-epicevents-token: //Ip')
# Logout, password and reset-password would end the fuzzer's own session.
schemathesis run http://127.0.0.1:18479/api/v1/openapi.json \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --max-examples "${1:-25}" \
  --exclude-operation-id logout --exclude-operation-id password \
  --exclude-operation-id users_reset_password

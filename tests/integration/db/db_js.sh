#!/bin/bash
# db_js.sh: the database from JavaScript: every type round trip (2^63-1,
# -2^63, 2^53+1, blobs and text with NUL bytes), TypeError for bad
# parameters, rows as plain objects (column order, repeated names,
# __proto__, 3000 rows, max_result_rows, max_result_size), db.queryJSON
# equal to JSON.stringify(db.query()) byte for byte, transaction(fn)
# rollback on throw, nested savepoints, batch atomicity, and a transaction
# left open at the end of a request rolled back and logged with the
# request id.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/db_lib.sh"
require_tool curl curl

write_db_app
start_server app.root="$T/app" app.request_timeout=3s server.workers=2 database.max_result_rows=5000 \
  database.max_result_size=1m

say "types"
assert_eq ok "$(db_get /types)" "/types"
say "rows: plain objects in column order, 3000 of them, max_result_rows and max_result_size"
assert_eq ok "$(db_get /rows)" "/rows"
say "db.queryJSON: JSON.stringify(db.query()) made by the broker"
assert_eq ok "$(db_get /json)" "/json"
say "transaction(fn): rollback on throw, commit on return"
assert_eq ok "$(db_get /tx-throw)" "/tx-throw"
say "nested transactions are savepoints"
assert_eq ok "$(db_get /nested)" "/nested"
say "batch: atomic all-or-nothing, plain one result each"
assert_eq ok "$(db_get /batch)" "/batch"

say "a transaction left open when the request ends is rolled back and logged"
status=$(http_status "$HTTP_URL/hang")
assert_eq 504 "$status" "/hang (runs past request_timeout inside a transaction)"
wait_log "transaction left open at the end of the request: rolled back" 5
rid=$(sed -n 's/.*\[\([0-9a-f]*\)\] transaction left open at the end of the request.*/\1/p' "$LOG" | tail -n 1)
[ -n "$rid" ] || fail "the log line carries no request id"
ok "logged with request id $rid"
assert_eq 0 "$(db_get '/count?k=hang')" "rows the hung transaction inserted"
# the writer is free again at once: a write does not wait for tx_timeout
t0=$(now_ms)
db_get '/insert?k=after-hang' >/dev/null
[ $(( $(now_ms) - t0 )) -lt 2000 ] || fail "a write after the rollback took $(( $(now_ms) - t0 )) ms"
ok "a write right after succeeds"
stats=$(db_get /stats)
assert_match "$stats" '"open_transactions":0' "broker stats"

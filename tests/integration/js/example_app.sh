#!/bin/bash
# example_app.sh: the example notes app, end to end through the broker into
# the SQLite file.
. "$(dirname "$0")/../lib.sh"
require_tool curl curl
require_tool sqlite3 sqlite3

start_server server.workers=2

say "the broker applied the example's migration"
wait_log "001_notes.sql"

say "POST /notes -> 201 with the new id"
text="hello from example_app.sh $$ 'quoted' \"double\" ü"
payload=$("$PYTHON" -c 'import json, sys; print(json.dumps({"body": sys.argv[1]}))' "$text")
body=$(curl -sS -D "$T/h1" --max-time 10 -H 'Content-Type: application/json' \
  --data-binary "$payload" "$HTTP_URL/notes")
assert_match "$(tr -d '\r' <"$T/h1")" '^HTTP/1\.[01] 201 ' "POST status line"
id=$("$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["id"])' <<<"$body") ||
  fail "POST answer is not {\"id\": n}: $body"
ok "new note id $id"

say "a second note, so the list has order to check"
body2=$(curl -sS --max-time 10 --data-binary '{"body":"second note"}' "$HTTP_URL/notes")
id2=$("$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["id"])' <<<"$body2")
[ "$id2" -gt "$id" ] || fail "second id $id2 is not greater than $id"
ok "second note id $id2"

say "GET /notes/ID returns the same body (from whichever worker answers)"
for i in 1 2 3 4; do
  got=$(curl -sS --max-time 10 "$HTTP_URL/notes/$id" |
    "$PYTHON" -c 'import json, sys; d = json.load(sys.stdin); print(d["id"], d["body"])')
  assert_eq "$id $text" "$got" "GET /notes/$id (try $i)"
done

say "GET /notes lists both, newest first"
got=$(curl -sS --max-time 10 "$HTTP_URL/notes" |
  "$PYTHON" -c 'import json, sys; print(" ".join(str(n["id"]) for n in json.load(sys.stdin)))')
assert_eq "$id2 $id" "$got" "ids listed by GET /notes"

say "GET /notes/ID of a missing note -> 404"
assert_eq 404 "$(http_status "$HTTP_URL/notes/987654")" "status"

say "bad JSON body -> 400; valid JSON without body -> 422"
assert_eq 400 "$(http_status --data-binary '{"body": ' "$HTTP_URL/notes")" "status for truncated JSON"
assert_eq 400 "$(http_status --data-binary 'not json at all' "$HTTP_URL/notes")" "status for non-JSON"
assert_eq 422 "$(http_status --data-binary '{"title":"x"}' "$HTTP_URL/notes")" "status without body"
got=$(curl -sS --max-time 10 "$HTTP_URL/notes" |
  "$PYTHON" -c 'import json, sys; print(len(json.load(sys.stdin)))')
assert_eq 2 "$got" "number of notes after the rejected posts"

say "stop the server; the rows are in the SQLite file"
stop_server
[ -f "$DB_PATH" ] || fail "no database file at $DB_PATH"
got=$(sqlite3 "$DB_PATH" "SELECT body FROM notes WHERE id = $id")
assert_eq "$text" "$got" "notes.body of row $id in $DB_PATH"
assert_eq 2 "$(sqlite3 "$DB_PATH" 'SELECT count(*) FROM notes')" "rows in notes"
assert_eq ok "$(sqlite3 "$DB_PATH" 'PRAGMA integrity_check')" "integrity_check"

say "restart on the same database: data kept, migration not applied twice"
: >"$LOG"
start_server server.workers=1
got=$(curl -sS --max-time 10 "$HTTP_URL/notes/$id" |
  "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["body"])')
assert_eq "$text" "$got" "note $id after restart"
grep -q 'applied migration' "$LOG" && fail "a migration was applied again on restart"
ok "no migration re-applied"

#!/bin/bash
# cluster_broker.sh: jsfpm itself on three hosts (network namespaces), its
# broker executing every request on the dqlite cluster (cluster mode,
# docs/cluster.md): the app's migrations are applied once; a write on
# host 1 is read on host 3; typed values cross exactly; a transaction
# rolls a savepoint back; a constraint error keeps its SQLite code; what
# dqlite cannot do safely is refused; in a group a failing statement and
# one with ON CONFLICT ROLLBACK fail alone; SIGKILL of the leader's node during
# a write load loses no acknowledged write and writes are served again; a
# host cut off from the others answers writes JSFPM_NO_QUORUM instead of
# hanging while the majority serves on, whether the cut host is a
# follower's or the leader's (then within 5 s of the cut, after an
# election), and no acknowledged write is lost.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/db_lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
require_tool curl curl

mkdir -p "$T/app/migrations"
cat >"$T/app/migrations/001_items.sql" <<'SQL'
-- two statements: applied as one transaction, once for the cluster
CREATE TABLE items (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v);
CREATE TABLE applied (host TEXT);
SQL
cat >"$T/app/migrations/002_mark.sql" <<'SQL'
INSERT INTO applied (host) VALUES ('migration 2');
SQL
cat >"$T/app/main.js" <<'JS'
var db = require('jsfpm/db');

function check(cond, what) { if (!cond) throw new Error('check failed: ' + what); }
function code(f) { try { f(); } catch (e) { return e.code + ': ' + e.message; } return 'no error'; }

var routes = {
  '/put': function (req) {
    return String(db.execute('INSERT INTO items (k, v) VALUES (?, ?)', [req.query.k, req.query.v]).lastInsertRowid);
  },
  '/get': function (req) {
    var r = db.get('SELECT v FROM items WHERE k = ?', [req.query.k]);
    return r ? String(r.v) : 'none';
  },
  '/count': function () { return String(db.get('SELECT count(*) AS n FROM items').n); },
  '/applied': function () { return String(db.get('SELECT count(*) AS n FROM applied').n); },
  '/types-write': function () {
    db.execute('INSERT INTO items (k, v) VALUES (?, CAST(? AS INTEGER))', ['big', '9223372036854775807']);
    db.execute('INSERT INTO items (k, v) VALUES (?, CAST(? AS INTEGER))', ['p53', '9007199254740993']);
    db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['blob', new Uint8Array([0, 1, 0, 255, 0])]);
    db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['null', null]);
    db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['float', 0.1]);
    db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['text', 'h\u00e9llo']);
    return 'ok';
  },
  '/types-read': function () {
    function v(k) { return db.get('SELECT v, typeof(v) AS t FROM items WHERE k = ?', [k]); }
    check(v('big').v === '9223372036854775807' && v('big').t === 'integer', '2^63-1: ' + v('big').v);
    check(v('p53').v === '9007199254740993', '2^53+1: ' + v('p53').v);
    var b = v('blob').v;
    check(b instanceof Uint8Array && b.length === 5 && b[0] === 0 && b[1] === 1 && b[3] === 255, 'blob');
    check(v('null').v === null && v('null').t === 'null', 'null');
    check(v('float').v === 0.1 && v('float').t === 'real', 'float');
    check(v('text').v === 'h\u00e9llo', 'text');
    check(db.queryJSON('SELECT v FROM items WHERE k = ?', ['big']) === '[{"v":"9223372036854775807"}]', 'queryJSON');
    var r = db.batch([{ sql: 'SELECT v FROM items WHERE k = ?', params: ['float'] },
                      { sql: 'SELECT count(*) AS n FROM items WHERE k = ?', params: ['none'] }]);
    check(r[0][0].v === 0.1 && r[1][0].n === 0, 'batch of reads: ' + JSON.stringify(r));
    return 'ok';
  },
  '/tx': function () {
    var id = db.transaction(function () {
      var r = db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['tx-outer', 1]);
      try {
        db.transaction(function () {
          db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['tx-inner', 2]);
          throw new Error('undo the inner part');
        });
      } catch (e) { check(/undo the inner/.test(e.message), 'the inner exception'); }
      check(db.get('SELECT count(*) AS n FROM items WHERE k = ?', ['tx-inner']).n === 0, 'inner undone');
      db.transaction(function () { db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['tx-kept', 3]); });
      return r.lastInsertRowid;
    });
    check(typeof id === 'number' && id > 0, 'the transaction returns its value');
    var err = code(function () {
      db.transaction(function () {
        db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['tx-rolled', 4]);
        throw new Error('roll back');
      });
    });
    check(/roll back/.test(err), 'the exception comes out: ' + err);
    return 'ok';
  },
  '/errors': function () {
    var out = [];
    out.push(code(function () { db.execute('INSERT INTO items (k, v) VALUES (?, ?)', ['tx-outer', 0]); }));
    out.push(code(function () { db.exec('CREATE TABLE d (at DATETIME)'); }));
    out.push(code(function () { db.query('PRAGMA journal_mode = delete'); }));
    out.push(code(function () { db.exec('INSERT INTO items (k) VALUES (\'s1\'); INSERT INTO items (k) VALUES (\'tx-outer\')'); }));
    out.push(String(db.get('SELECT count(*) AS n FROM items WHERE k = ?', ['s1']).n));
    out.push(code(function () { db.query('WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 6000) SELECT i FROM c'); }));
    return out.join('\n');
  },
  '/group': function () {
    // One group (a batch whose statements stand alone): a read first (the
    // transaction starts without the write lock: the first write goes as
    // a query), then writes sent in one request each with their savepoint,
    // one of them ending in a comment, a duplicate that fails alone, and an
    // ON CONFLICT ROLLBACK that ends the whole transaction (the rest runs
    // again without it).
    var r = db.batch([{ sql: 'SELECT count(*) AS n FROM items WHERE k = ?', params: ['g1'] },
                      { sql: 'INSERT INTO items (k, v) VALUES (?, ?) -- a comment last', params: ['g1', 1] },
                      { sql: 'INSERT INTO items (k, v) VALUES (?, ?)', params: ['g1', 2] },
                      { sql: 'INSERT OR ROLLBACK INTO items (k, v) VALUES (?, ?)', params: ['g1', 3] },
                      { sql: 'UPDATE items SET v = v + 10 WHERE k IN (?, ?)', params: ['g1', 'g2'] },
                      { sql: "INSERT INTO items (k, v) VALUES ('g2', 5); -- the end" },
                      { sql: 'INSERT INTO items (k, v) VALUES (?, ?) RETURNING k', params: ['g3', 6] }]);
    function id(k) { return db.get('SELECT id FROM items WHERE k = ?', [k]).id; }
    check(r[0].length === 1 && r[0][0].n === 0, 'the read: ' + JSON.stringify(r[0]));
    check(r[1].changes === 1 && r[1].lastInsertRowid === id('g1'), 'the first insert: ' + JSON.stringify(r[1]));
    check(r[2].code === 'SQLITE_CONSTRAINT_UNIQUE', 'the duplicate: ' + r[2].code);
    check(r[3].code === 'SQLITE_CONSTRAINT_UNIQUE', 'ON CONFLICT ROLLBACK: ' + r[3].code);
    check(r[4].changes === 1, 'the update: ' + JSON.stringify(r[4]));
    check(r[5].changes === 1 && r[5].lastInsertRowid === id('g2'), 'the last insert: ' + JSON.stringify(r[5]));
    check(r[6].length === 1 && r[6][0].k === 'g3', 'RETURNING: ' + JSON.stringify(r[6]));
    var v = db.query("SELECT k, v FROM items WHERE k LIKE 'g_' ORDER BY k").map(function (x) { return x.k + '=' + x.v; });
    return v.join(' ');
  },
  '/hold': function (req) {
    // Holds the cluster's write lock for ms milliseconds.
    db.transaction(function () {
      db.execute('INSERT INTO items (k, v) VALUES (?, 1)', [req.query.k]);
      var end = Date.now() + Number(req.query.ms);
      while (Date.now() < end) {}
    });
    return 'committed';
  },
  '/open': function () { return String(db.stats().open_transactions); },
  '/keys': function (req) {
    return db.query('SELECT k FROM items WHERE k LIKE ? ORDER BY k', [req.query.p + '%']).map(function (r) { return r.k; }).join('\n');
  },
  '/load': function (req) {
    try {
      db.execute('INSERT INTO items (k, v) VALUES (?, 1)', [req.query.k]);
      return 'acked';
    } catch (e) { return e.code + (req.query.why ? ': ' + e.message : ''); }
  }
};
JS
db_app_serve >>"$T/app/main.js"

cluster_setup 3
say "jsfpm on three hosts, each with its node; the migrations are applied once"
for i in 1 2 3; do cluster_start_host "$i" database.write_wait=3s database.tx_timeout=20s database.max_result_rows=5000; done
cluster_wait_voters 3
for i in 1 2 3; do cluster_wait_ready "$i"; done
ok "three hosts serve"
assert_eq 1 "$(host_get 2 /applied)" "rows of migration 2 (applied by one host only)"
applied=0
for n in $(grep -h 'serving the dqlite cluster' "$T"/host[123].log | sed 's/.*(\([0-9]*\) migration.*/\1/'); do
  applied=$((applied + n))
done
assert_eq 2 "$applied" "migrations applied, all hosts together"
for i in 1 2 3; do
  [ ! -e "$T/host$i/app.db" ] || fail "host $i's broker created a local database file"
done
ok "no host has a local database file"

say "a write on host 1 is read on host 3"
host_get 1 '/put?k=a&v=hello' >/dev/null
assert_eq hello "$(host_get 3 '/get?k=a')" "the value on host 3"

say "typed values cross exactly"
assert_eq ok "$(host_get 1 /types-write)" "written on host 1"
assert_eq ok "$(host_get 3 /types-read)" "read on host 3"

say "a transaction with a savepoint rolled back"
assert_eq ok "$(host_get 2 /tx)" "transaction"
assert_eq "none 1 3 none" "$(echo $(host_get 3 '/get?k=tx-inner') $(host_get 3 '/get?k=tx-outer') \
  $(host_get 3 '/get?k=tx-kept') $(host_get 3 '/get?k=tx-rolled'))" "rows after it"

say "errors: SQLite's codes, and what the cluster refuses"
out=$(host_get 2 /errors)
echo "$out" | sed 's/^/   /'
assert_contains "$(echo "$out" | sed -n 1p)" "SQLITE_CONSTRAINT_UNIQUE: UNIQUE constraint failed: items.k"
assert_contains "$(echo "$out" | sed -n 2p)" "SQLITE_AUTH: columns declared BOOLEAN, DATETIME"
assert_contains "$(echo "$out" | sed -n 3p)" "SQLITE_AUTH: this PRAGMA is not allowed"
assert_contains "$(echo "$out" | sed -n 4p)" "SQLITE_CONSTRAINT_UNIQUE"
assert_eq 0 "$(echo "$out" | sed -n 5p)" "rows of the failed script (all or nothing)"
assert_contains "$(echo "$out" | sed -n 6p)" "JSFPM_RESULT_TOO_LARGE: the result has more than max_result_rows (5000)"

say "a group: a read, failing statements fail alone, ON CONFLICT ROLLBACK, a trailing comment, RETURNING"
assert_eq "g1=11 g2=5 g3=6" "$(host_get 3 /group)" "the rows after the group"

say "another host's transaction holds the cluster's write lock longer than write_wait: JSFPM_BUSY"
host_get 1 '/hold?k=held&ms=6000' >"$T/hold.out" 2>&1 &
hold_pid=$!
wait_until "[ \"\$(host_get 1 /open)\" = 1 ]" 10 || fail "the holding transaction did not start"
# A read does not wait for the write lock (its group takes none).
assert_eq none "$(host_get 2 '/get?k=held')" "a read on host 2 meanwhile (the held row is not committed)"
t0=$(now_ms)
out=$(host_get 2 '/load?k=blocked&why=1')
assert_match "$out" "^JSFPM_BUSY: .*another host's transaction held the cluster's write lock" "a write on host 2 meanwhile"
ok "answered in $(( $(now_ms) - t0 )) ms (write_wait 3 s)"
wait "$hold_pid" || fail "the holding request failed"
assert_eq committed "$(cat "$T/hold.out")" "the holding transaction"
assert_eq "1 none" "$(echo $(host_get 3 '/get?k=held') $(host_get 3 '/get?k=blocked'))" "rows after it"

say "SIGKILL of the leader's node during a write load: no acknowledged write lost"
# load_one HOST PREFIX N: write PREFIXN through HOST's jsfpm, its line
# "key outcome" (acked, or the error code) in $T/PREFIX.out.
load_one() { echo "$2$3 $(host_get "$1" "/load?k=$2$3" 2>&1 | tr -d '\n')" >>"$T/$2.out"; }
# load_run HOST PREFIX N: N sequential writes.
load_run() {
  local n
  for n in $(seq 1 "$3"); do load_one "$1" "$2" "$n"; done
}
# load_until HOST PREFIX END_MS: sequential writes until END_MS (now_ms);
# $T/PREFIX.first gets the time the first one was acknowledged.
load_until() {
  local n=0
  while [ "$(now_ms)" -lt "$3" ]; do
    n=$((n + 1))
    load_one "$1" "$2" "$n"
    [ -e "$T/$2.first" ] || ! tail -n 1 "$T/$2.out" | grep -q ' acked$' || now_ms >"$T/$2.first"
  done
}
# acked_present HOST PREFIX...: every write of the PREFIX loads that was
# acknowledged is present, read through HOST.
acked_present() {
  local host=$1 p
  shift
  for p in "$@"; do
    host_get "$host" "/keys?p=$p" | sort >"$T/present"
    grep ' acked$' "$T/$p.out" | cut -d' ' -f1 | sort >"$T/acked"
    assert_eq 0 "$(comm -23 "$T/acked" "$T/present" | wc -l)" "acknowledged writes of '$p' missing"
    ok "'$p': $(wc -l <"$T/acked") acknowledged writes, all present"
  done
}
# notrun_absent HOST PREFIX: no write of $T/PREFIX.out answered
# JSFPM_NO_QUORUM (not run) is present, read through HOST.
notrun_absent() {
  grep ' JSFPM_NO_QUORUM$' "$T/$2.out" | cut -d' ' -f1 | sort >"$T/notrun"
  host_get "$1" "/keys?p=$2" | sort >"$T/present"
  assert_eq 0 "$(comm -12 "$T/notrun" "$T/present" | wc -l)" "writes of '$2' answered JSFPM_NO_QUORUM (not run) that are present"
}
# expected_outcomes FILE...: every write of the load files was acknowledged
# or ended JSFPM_COMMIT_UNKNOWN or JSFPM_NO_QUORUM.
expected_outcomes() {
  local unexpected
  unexpected=$(cut -d' ' -f2 "$@" | grep -v -x -e acked -e JSFPM_COMMIT_UNKNOWN -e JSFPM_NO_QUORUM | sort -u)
  [ -z "$unexpected" ] || fail "unexpected outcomes: $unexpected"
}
# all_serve_again KEY: each host acknowledges a write (KEY1, KEY2, KEY3)
# within 30 s; run once a cut link is back up.
all_serve_again() {
  local i t0
  t0=$(now_ms)
  for i in 1 2 3; do
    wait_until "[ \"\$(host_get $i '/load?k=$1$i')\" = acked ]" 30 || fail "host $i did not serve writes again"
  done
  ok "the three hosts serve writes again, $(( $(now_ms) - t0 )) ms after the link is back"
}
old=$(leader_id)
: >"$T/kill.out"
load_run "$old" kill 300 &
load_pid=$!
wait_until "[ \$(grep -c ' acked$' '$T/kill.out') -ge 60 ]" 60 || fail "the load made no progress: $(tail -n 3 "$T/kill.out")"
host_node_kill "$old"
ok "killed node $old (the leader; its host's jsfpm takes the load) after $(grep -c ' acked$' "$T/kill.out") acknowledged writes"
wait "$load_pid" || fail "the load failed"
assert_eq 300 "$(wc -l <"$T/kill.out")" "writes answered"
echo "   outcomes: $(cut -d' ' -f2 "$T/kill.out" | sort | uniq -c | tr -s ' ' | paste -sd,)"
tail -n 1 "$T/kill.out" | grep -q ' acked$' || fail "writes were not served again: $(tail -n 3 "$T/kill.out")"
expected_outcomes "$T/kill.out"
new=$(leader_id)
acked_present "$new" kill
notrun_absent "$new" kill
# The operator's record of the failover: the broker logs the loss and, on
# finding the new leader, how long it went without one.
assert_contains "$(cat "$T/host$old.log")" "cluster: lost the leader $(node_address "$old")"
found=$(grep -o "cluster: leader $(node_address "$new") found [0-9]* ms after $(node_address "$old") was lost.*" \
  "$T/host$old.log" | head -n 1)
[ -n "$found" ] || fail "host $old's broker did not log finding the new leader: $(grep cluster: "$T/host$old.log" | tail -n 5)"
ok "host $old's broker logged: $found"

say "a follower's host cut off: it answers writes JSFPM_NO_QUORUM, the majority serves on"
cluster_wait_voters 3
# A follower's host: its broker's connection goes to the leader, across the
# cut.  Meanwhile the majority (the leader's host) must serve every write,
# also past the leader's demotion of the cut voter (its role management
# polls the cut node; on dqlite's blocking connect the majority stopped
# answering about 3 s after the cut: docs/cluster.md, "Known dqlite
# issues").
old=$(leader_id)
cut=1
while [ "$cut" = "$old" ]; do cut=$((cut + 1)); done
: >"$T/fcut.out"
link_down "$cut"
t0=$(now_ms)
load_until "$old" fcut $((t0 + 6000)) &
load_pid=$!
assert_eq JSFPM_NO_QUORUM "$(host_get "$cut" '/load?k=cut')" "a write on the cut-off host $cut"
ok "answered in $(( $(now_ms) - t0 )) ms (write_wait 3 s)"
wait "$load_pid" || fail "the majority's load failed"
echo "   majority (host $old): $(cut -d' ' -f2 "$T/fcut.out" | sort | uniq -c | tr -s ' ' | paste -sd,)"
assert_eq "" "$(grep -v ' acked$' "$T/fcut.out")" "writes on the majority's host $old not served during the cut"
link_up "$cut"
all_serve_again back
assert_eq none "$(host_get 2 '/get?k=cut')" "the cut-off host's refused write"

say "the leader's host cut off: the other two elect a leader and serve, the old leader answers JSFPM_NO_QUORUM"
cluster_wait_voters 3
cut=$(leader_id)
maj=1
while [ "$maj" = "$cut" ]; do maj=$((maj + 1)); done
: >"$T/lcut.out"
link_down "$cut"
t0=$(now_ms)
load_until "$maj" lcut $((t0 + 6000)) &
load_pid=$!
# A write in flight on the old leader may reach its COMMIT before the
# leader steps down (JSFPM_COMMIT_UNKNOWN); the next ones find no leader.
: >"$T/minority.out"
wait_until "load_one $cut minority \$(( \$(wc -l < '$T/minority.out') + 1 )); tail -n 1 '$T/minority.out' | grep -q ' JSFPM_NO_QUORUM\$'" 20 ||
  fail "the cut-off old leader (host $cut) did not answer JSFPM_NO_QUORUM: $(cat "$T/minority.out")"
ok "host $cut (the old leader): $(cut -d' ' -f2 "$T/minority.out" | paste -sd,), $(( $(now_ms) - t0 )) ms after the cut"
wait "$load_pid" || fail "the majority's load failed"
echo "   majority (host $maj): $(cut -d' ' -f2 "$T/lcut.out" | sort | uniq -c | tr -s ' ' | paste -sd,)"
[ -e "$T/lcut.first" ] || fail "no write on the majority's host $maj was served during the cut: $(tail -n 3 "$T/lcut.out")"
served_ms=$(( $(cat "$T/lcut.first") - t0 ))
[ "$served_ms" -le "$RESUME_LIMIT_MS" ] || fail "the majority served its first write $served_ms ms after the leader's cut"
tail -n 1 "$T/lcut.out" | grep -q ' acked$' || fail "the majority did not keep serving: $(tail -n 3 "$T/lcut.out")"
ok "the majority served writes $served_ms ms after the cut"
expected_outcomes "$T/lcut.out" "$T/minority.out"
link_up "$cut"
all_serve_again again
acked_present "$cut" fcut lcut minority
notrun_absent "$maj" minority
say "a graceful stop: the broker stops its cluster threads cleanly"
stop_group "${MASTER_PID[2]}" TERM 20 1
! grep -h -i -e 'Sanitizer' -e 'runtime error' "$T/host2.out" "$T/host2.log" ||
  fail "host 2's jsfpm reported a sanitizer error"
grep -q 'broker.*stopping on signal 15' "$T/host2.log" || fail "host 2's broker did not log its stop: $(tail -n 5 "$T/host2.log")"
ok "host 2 stopped; no sanitizer report"

#!/bin/bash
# js_random.sh: Math.random differs between workers (issue 12, item 8).
# Four workers started together each hand out 500 values of Math.random
# (four concurrent requests, each holding its worker for a moment so that
# every worker takes one); the 2,000 values must have no repeats.
#
# Regression test: Duktape seeds each heap from the time in milliseconds
# and the heap's address, which workers forked together share, so they drew
# the same sequence and apps' "random" keys collided.
. "$(dirname "$0")/js_lib.sh"

mkdir -p "$T/app"
cat >"$T/app/main.js" <<'JS'
module.exports = {
  fetch: function (req, ctx) {
    // Hold this worker for a moment, so the concurrent requests spread over
    // all the workers (a busy worker accepts nothing).
    var until = Date.now() + 300;
    while (Date.now() < until) {}
    var values = [];
    for (var i = 0; i < 500; i++) values.push(Math.random());
    return Response.json(values);
  }
};
JS
start_server server.workers=4 app.root="$T/app"

# Each generation (the start, then two reloads) forks its four workers
# together; the seeds used to collide often, not always, so three tries.
for gen in 1 2 3; do
  if [ "$gen" -gt 1 ]; then
    kill -HUP "$SERVER_PID"
    wait_until '[ "$(grep -c "reload complete" "$LOG")" -ge '$((gen - 1))' ]' 15 || fail "reload $((gen - 1)) did not complete"
  fi
  say "generation $gen: 4 workers x 500 values of Math.random, no repeats"
  python3 - "$HTTP_ADDR" "$T/seen" >"$T/random.out" <<'PY' || fail "$(cat "$T/random.out")"
import http.client, json, os, sys, threading
host, port = sys.argv[1].rsplit(':', 1)
seen_file = sys.argv[2]
# Workers of earlier generations (still finishing) do not count.
old = set(open(seen_file).read().split()) if os.path.exists(seen_file) else set()
values, workers, lock = [], {}, threading.Lock()

def one():
    c = http.client.HTTPConnection(host, int(port), timeout=20)
    c.request('GET', '/random', headers={'Connection': 'close'})
    r = c.getresponse()
    body = r.read()
    assert r.status == 200, (r.status, body)
    # The request id starts with a per-process random prefix: it tells the
    # workers apart.
    worker = r.getheader('X-Request-Id')[:8]
    if worker in old:
        return
    with lock:
        values.extend(json.loads(body))
        workers[worker] = workers.get(worker, 0) + 1

# Four at a time until all four workers answered (usually the first round).
for rounds in range(1, 6):
    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    if len(workers) == 4:
        break
with open(seen_file, 'a') as f:
    f.write(' '.join(workers) + ' ')
print('rounds: %d, requests per worker: %s' % (rounds, sorted(workers.values())))
print('values: %d, distinct: %d' % (len(values), len(set(values))))
if len(workers) != 4:
    sys.exit('only %d of 4 workers answered' % len(workers))
if len(set(values)) != len(values):
    sys.exit('%d of %d values repeat' % (len(values) - len(set(values)), len(values)))
PY
  cat "$T/random.out"
  ok "no value repeats across the workers of generation $gen"
done

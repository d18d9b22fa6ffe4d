# ops_lib.sh: helpers for the operations tests (issue 5), sourced after lib.sh.

# make_app DIR BODY_PREFIX: a tiny app whose responses start with
# BODY_PREFIX.  Routes:
#   /busy/N   spins for N ms of CPU (JavaScript has no sleep), then answers
#   /status/N answers with HTTP status N
#   /db       answers "BODY_PREFIX db 42" from a query through the broker
#   anything else answers "BODY_PREFIX PATH"
make_app() {
  mkdir -p "$1"
  cat >"$1/main.js" <<JS
var PREFIX = '$2';
module.exports = {
  fetch: function (req, ctx) {
    var m = /^\/busy\/(\d+)$/.exec(req.path);
    if (m) {
      var until = Date.now() + parseInt(m[1], 10);
      while (Date.now() < until) {}
      return new Response(PREFIX + ' busy done\n');
    }
    if (req.path === '/db') return new Response(PREFIX + ' db ' + require('jsfpm/db').get('SELECT 41 + 1 AS x').x + '\n');
    m = /^\/status\/(\d+)$/.exec(req.path);
    if (m) return new Response(PREFIX + ' status\n', { status: parseInt(m[1], 10) });
    return new Response(PREFIX + ' ' + req.path + '\n');
  }
};
JS
}

# status_url [QUERY]: the master's status page URL.
status_url() { echo "http://$STATUS_ADDR/status${1:+?$1}"; }

# status_field KEY: one top-level field of the JSON status.
status_field() {
  curl -sS --max-time 5 "$(status_url json)" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# start_ops_server [section.key=value ...]: start_server with an app in
# $T/app and a status listener on a free port (STATUS_ADDR).
start_ops_server() {
  [ -f "$T/app/main.js" ] || make_app "$T/app" v1
  STATUS_ADDR=127.0.0.1:$(free_port)
  start_server app.root="$T/app" server.status_listen="$STATUS_ADDR" "$@"
}

# http_loop N PATH OUTFILE [CLIENTS]: N HTTP requests from CLIENTS (default
# 1) concurrent clients, each request on a new connection; writes "status
# body" per response to OUTFILE in completion order.  Stops early, after
# the requests under way, once OUTFILE.stop exists.  Exit status 1 if any
# request failed at the connection level (its line then says ERROR).
http_loop() {
  python3 - "$HTTP_ADDR" "$1" "$2" "$3" "${4:-1}" <<'PY'
import http.client, os, sys, threading
addr, n, path, out, clients = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
host, port = addr.rsplit(':', 1)
lock = threading.Lock()
state = {'left': n, 'failed': 0}
f = open(out, 'w')

def client():
    while True:
        with lock:
            if state['left'] == 0 or os.path.exists(out + '.stop'):
                return
            state['left'] -= 1
        try:
            c = http.client.HTTPConnection(host, int(port), timeout=10)
            c.request('GET', path, headers={'Connection': 'close'})
            r = c.getresponse()
            line = '%d %s\n' % (r.status, r.read().decode().strip())
            c.close()
        except Exception as e:
            line = 'ERROR %r\n' % (e,)
        with lock:
            if line.startswith('ERROR'):
                state['failed'] += 1
            f.write(line)
            f.flush()

threads = [threading.Thread(target=client) for _ in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
f.close()
sys.exit(1 if state['failed'] else 0)
PY
}

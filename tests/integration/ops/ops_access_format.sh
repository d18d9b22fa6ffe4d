#!/bin/bash
# [server] access.format (issue 17): php-fpm's placeholders in the access
# log, at both doors; a wrong placeholder is a configuration error with file
# and line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops_lib.sh"
require_tool curl curl

# One field per "|": php-fpm's placeholders and jsfpm's %i and %b.
FORMAT='%m|%r|%Q%q|%s|%b|%l|%{milli}dms|%C|%{kilo}M|%i|%R|%u|%p|%{HTTP_USER_AGENT}e|%{REQUEST_URI}e|%{Content-Type}o|%{%Y}t'
start_ops_server server.workers=1 server.access_log="$T/access.log" server.access.format="$FORMAT" \
  app.request_id_header=X-Request-Id

say "HTTP door: every placeholder"
curl -sS -o /dev/null -A 'probe/1.0 "quoted"' -H 'X-Request-Id: fmt-http-1' -d 'seventeen bytes!!' \
  "$HTTP_URL/form?a=1&b=2" || fail "request failed"
wait_until "grep -q fmt-http-1 '$T/access.log'" 5 || fail "no access line"
line=$(grep fmt-http-1 "$T/access.log")
echo "$line"
IFS='|' read -r m r q s b l d c mem id ra u p ua uri ct year <<<"$line"
assert_eq POST "$m" "%m"
assert_eq /form "$r" "%r"
assert_eq '?a=1&b=2' "$q" "%Q%q"
assert_eq 200 "$s" "%s"
assert_eq "$(printf 'v1 /form\n' | wc -c)" "$b" "%b (body bytes)"
assert_eq 17 "$l" "%l (request body bytes)"
assert_match "$d" '^[0-9]+ms$' "%{milli}d"
assert_match "$c" '^[0-9]+\.[0-9][0-9]$' "%C (CPU %)"
assert_match "$mem" '^[1-9][0-9]*$' "%{kilo}M (heap peak, KiB)"
assert_eq fmt-http-1 "$id" "%i"
assert_eq 127.0.0.1 "$ra" "%R"
assert_eq - "$u" "%u (no remote user)"
assert_eq "$(worker_pids)" "$p" "%p (the worker)"
assert_eq 'probe/1.0 "quoted"' "$ua" "%{HTTP_USER_AGENT}e"
assert_eq '/form?a=1&b=2' "$uri" "%{REQUEST_URI}e"
assert_eq 'text/plain;charset=UTF-8' "$ct" "%{Content-Type}o"
assert_eq "$(date +%Y)" "$year" "%{%Y}t"

say "FastCGI door: params as nginx sends them"
fcgi --method GET --uri '/fcgi?x=y' --param HTTP_USER_AGENT=nginx-probe --param REMOTE_ADDR=192.0.2.7 \
  --param REMOTE_USER=alice --param HTTP_X_REQUEST_ID=fmt-fcgi-1 >/dev/null || fail "FastCGI request failed"
wait_until "grep -q fmt-fcgi-1 '$T/access.log'" 5 || fail "no access line"
line=$(grep fmt-fcgi-1 "$T/access.log")
echo "$line"
IFS='|' read -r m r q s b l d c mem id ra u p ua uri ct year <<<"$line"
assert_eq "GET /fcgi ?x=y 200" "$m $r $q $s" "method, path, query, status"
assert_eq "192.0.2.7 alice nginx-probe" "$ra $u $ua" "%R %u %{HTTP_USER_AGENT}e"

say "values are escaped"
fcgi --method GET --uri '/esc' --param HTTP_USER_AGENT="$(printf 'a\nb\033[2K')" \
  --param HTTP_X_REQUEST_ID=fmt-esc-1 >/dev/null || fail "FastCGI request failed"
wait_until "grep -q fmt-esc-1 '$T/access.log'" 5 || fail "no access line"
assert_eq 3 "$(wc -l <"$T/access.log")" "access log lines for three requests (a newline in a value starts none)"
assert_contains "$(grep fmt-esc-1 "$T/access.log")" '|a\nb\x1b[2K|' "user agent, escaped"
stop_server

say "a wrong placeholder is refused with file and line"
write_config "$T/bad.conf" server.access_log="$T/access.log" server.access.format='%m %x'
ERR=$("$JSFPM" -t -c "$T/bad.conf" 2>&1) && fail "accepted %x"
line_no=$(grep -n '^access.format' "$T/bad.conf" | cut -d: -f1)
assert_contains "$ERR" "$T/bad.conf:$line_no: " "error names file and line"
assert_contains "$ERR" "unknown placeholder %x" "error names the placeholder"

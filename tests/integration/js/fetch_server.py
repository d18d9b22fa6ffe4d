#!/usr/bin/env python3
"""fetch_server.py: the loopback HTTP(S) server js_fetch.sh sends fetch()es to.

  fetch_server.py PORTFILE [--tls CERT KEY]

Binds 127.0.0.1 on a free port, writes the port to PORTFILE and serves, one
thread per connection, until killed:
  /echo              JSON: method, path, headers (lower-case names), body
  /slow?ms=N         answers after N milliseconds
  /big?n=N           N bytes of "x"
  /redirect?to=URL&status=S   a redirect (302 by default)
  /gzip              a gzip-encoded "compressed body"
Each request is logged to stdout as "METHOD PATH".
"""
import gzip
import http.server
import json
import socketserver
import ssl
import sys
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, ctype='text/plain', headers=()):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        print(self.command, self.path, flush=True)
        if url.path == '/echo':
            out = {'method': self.command, 'path': self.path,
                   'headers': {k.lower(): v for k, v in self.headers.items()}, 'body': body.decode('utf-8', 'replace')}
            self.reply(200, json.dumps(out).encode(), 'application/json')
        elif url.path == '/slow':
            time.sleep(int(q.get('ms', '1000')) / 1000)
            self.reply(200, b'slow done')
        elif url.path == '/big':
            self.reply(200, b'x' * int(q.get('n', '1000')))
        elif url.path == '/redirect':
            self.reply(int(q.get('status', '302')), b'', headers=[('Location', q['to'])])
        elif url.path == '/gzip':
            self.reply(200, gzip.compress(b'compressed body'), headers=[('Content-Encoding', 'gzip')])
        else:
            self.reply(404, b'not found')

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    server = Server(('127.0.0.1', 0), Handler)
    if len(sys.argv) > 2 and sys.argv[2] == '--tls':
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    with open(sys.argv[1] + '.tmp', 'w') as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(sys.argv[1] + '.tmp', sys.argv[1])
    server.serve_forever()


if __name__ == '__main__':
    main()

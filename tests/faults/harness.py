"""harness.py: a jsfpm server under test and raw requests to it, shared by
the fault-injection suite (faults.py) and the soak test (tests/soak/).

Server(jsfpm, workdir, app_root, db_path, workers, extra) writes a config
into WORKDIR and starts, stops and inspects the master; http_request and
fcgi_request send one request on a new connection and return
(status, body), status being "closed" when the connection ended without
a complete answer.
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import fcgi_client as fc  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Server:
    def __init__(self, jsfpm, workdir, app_root, db_path, workers=3, extra="", busy_timeout="5s"):
        self.jsfpm = jsfpm
        self.dir = workdir
        self.conf = os.path.join(workdir, "jsfpm.conf")
        self.log = os.path.join(workdir, "error.log")
        self.sock = os.path.join(workdir, "jsfpm.sock")
        self.db = db_path
        self.http_port = free_port()
        self.proc = None
        with open(self.conf, "w") as f:
            f.write("""[server]
listen = {sock}
http_listen = 127.0.0.1:{port}
workers = {workers}
runtime_dir = {w}/run
pid_file = {w}/jsfpm.pid
error_log = {log}
log_level = info
respawn_delay = 50ms
process_control_timeout = 5s
{extra}
[app]
root = {app}
main = main.js
request_timeout = 10s
[database]
path = {db}
busy_timeout = {busy_timeout}
""".format(sock=self.sock, port=self.http_port, workers=workers, w=workdir, log=self.log,
           app=app_root, db=db_path, extra=extra, busy_timeout=busy_timeout))

    def log_text(self):
        """The error log, then what the processes wrote to stderr (where
        the sanitizers report)."""
        text = ""
        for path in (self.log, os.path.join(self.dir, "server.out")):
            try:
                with open(path, errors="replace") as f:
                    text += f.read()
            except FileNotFoundError:
                pass
        return text

    def start(self, timeout_s=20, env=None):
        """Starts the master (with ENV added to the environment) and waits
        for its "ready:" line."""
        before = self.log_text().count("ready:")
        env = dict(os.environ, JSFPM_ALLOW_ROOT="1", **(env or {}))
        out = open(os.path.join(self.dir, "server.out"), "ab")
        self.proc = subprocess.Popen([self.jsfpm, "-c", self.conf], stdout=out, stderr=out,
                                     stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            if self.log_text().count("ready:") > before:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        print(self.log_text()[-3000:], file=sys.stderr)
        sys.exit("FAIL: the server did not become ready")

    @property
    def pid(self):
        return self.proc.pid

    def kill(self, sig):
        """Sends SIG to the master only."""
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, wait_s=15):
        """Sends SIG to the master, waits for the whole process group."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(wait_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.killpg(self.proc.pid, signal.SIGKILL)

    def children(self):
        """Live children of the master (broker and workers)."""
        pids = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    st = f.read()
            except OSError:
                continue
            fields = st[st.rindex(")") + 2:].split()
            if fields[0] != "Z" and int(fields[1]) == self.proc.pid:
                pids.append(int(d))
        return pids

    def broker_pid(self):
        pid = None
        for line in self.log_text().splitlines():
            if "broker started, pid " in line:
                pid = int(line.split("broker started, pid ")[1].split()[0].rstrip(",)"))
        return pid


def _read_all(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def http_request(port, method, path, body=b"", headers=(), abort_early=None, timeout=15):
    """One HTTP/1.1 request.  ABORT_EARLY (a random.Random) makes it send all
    or part of the request and hang up; it then returns (None, b"")."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        head = "%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n" % (
            method, path, len(body))
        req = (head + "".join(h + "\r\n" for h in headers) + "\r\n").encode() + body
        if abort_early:
            s.sendall(req[:abort_early.randrange(1, len(req))] if abort_early.random() < 0.5 else req)
            return None, b""
        s.sendall(req)
        data = _read_all(s)
        if not data.startswith(b"HTTP/1."):
            return "closed", data
        return int(data[9:12]), data.split(b"\r\n\r\n", 1)[-1]
    finally:
        s.close()


def fcgi_request(sock, method, path, body=b"", params=(), abort_early=None, timeout=15):
    """One FastCGI request as nginx sends it; see http_request."""
    script, _, query = path.partition("?")
    pairs = [("REQUEST_METHOD", method), ("REQUEST_URI", path), ("SCRIPT_NAME", script),
             ("QUERY_STRING", query), ("CONTENT_LENGTH", str(len(body))),
             ("REMOTE_ADDR", "127.0.0.1")] + list(params)
    req = (fc.record(fc.FCGI_BEGIN_REQUEST, 1, struct.pack(">HB5x", 1, 0))
           + fc.stream(fc.FCGI_PARAMS, 1, fc.encode_pairs(pairs))
           + (fc.stream(fc.FCGI_STDIN, 1, body) if body else fc.record(fc.FCGI_STDIN, 1)))
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(sock)
        if abort_early:
            s.sendall(req[:abort_early.randrange(1, len(req))] if abort_early.random() < 0.5 else req)
            return None, b""
        s.sendall(req)
        data = _read_all(s)
        out, i, ended = b"", 0, False
        while i + 8 <= len(data):
            _, typ, _, clen, plen = struct.unpack(">BBHHBx", data[i:i + 8])
            if typ == fc.FCGI_STDOUT:
                out += data[i + 8:i + 8 + clen]
            elif typ == fc.FCGI_END_REQUEST:
                ended = True
            i += 8 + clen + plen
        if not ended:
            return "closed", out
        head, _, rest = out.partition(b"\r\n\r\n")
        st = 200
        for line in head.split(b"\r\n"):
            if line.startswith(b"Status: "):
                st = int(line[8:11])
        return st, rest
    finally:
        s.close()

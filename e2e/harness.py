"""What the end-to-end scripts share: a `callscope serve` process on a temporary database, a free
port, authenticated requests, and the closing lines CI reads."""
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

INGEST_KEY = "e2e-ingest-key"
API_TOKEN = "e2e-api-token"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`callscope serve` with known credentials; `extra` flags are appended (e.g. --session-timeout)."""

    def __init__(self, binary, db, port, extra=(), log=None, host="127.0.0.1"):
        self.binary, self.db, self.port, self.extra, self.log, self.proc = binary, db, port, list(extra), log, None
        self.host = host

    def start(self, timeout=30):
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--host", self.host, "--port", str(self.port), "--database", self.db,
             "--ingest-key", INGEST_KEY, "--api-token", API_TOKEN] + self.extra,
            stdout=self.log or subprocess.DEVNULL, stderr=self.log or subprocess.PIPE)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else "(see the log)"
                raise RuntimeError(f"server exited with {self.proc.returncode}: {err}")
            try:
                urllib.request.urlopen(f"http://{self.host}:{self.port}/health", timeout=1).read()
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def stop(self):
        """SIGTERM: a graceful shutdown."""
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def running(self):
        return self.proc is not None and self.proc.poll() is None


def _json_request(port, path, body, token, method, headers):
    data = None if body is None else json.dumps(body).encode()
    all_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    all_headers.update(headers or {})
    return urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=all_headers)


def request(port, path, body=None, token=INGEST_KEY, method=None, headers=None):
    """JSON in, JSON out; raises urllib.error.HTTPError on a non-2xx answer."""
    with urllib.request.urlopen(_json_request(port, path, body, token, method, headers), timeout=10) as r:
        return json.loads(r.read() or b"null")


def answer(port, path, body=None, token=INGEST_KEY, method=None, headers=None):
    """Like `request`, but returns (status, JSON body) for every answer, 4xx and 5xx included."""
    try:
        with urllib.request.urlopen(_json_request(port, path, body, token, method, headers), timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def finish(failures, summary):
    """Prints the summary, any failures and the closing line CI reads; exits 1 on failure."""
    print(summary)
    if failures:
        print("\n".join(failures))
        print("0 passed, 1 failed")
        sys.exit(1)
    print("1 passed, 0 failed")

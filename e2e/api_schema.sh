#!/usr/bin/env bash
# The API against its own OpenAPI document (/api/openapi.json): schemathesis runs every phase
# (examples, coverage, fuzzing, stateful) with every check against `callscope serve` on a fresh
# database and a free loopback port. The database is seeded with two sessions (one ongoing with
# alice and bob present and carol gone, a stream, an event, an error, a service and a note; one
# ended), and half of the generated session, participant and stream IDs are the seeded ones, so
# that responses with real data are checked against their schemas too. Any failure schemathesis
# reports fails the suite; the last line is "1 passed, 0 failed" or "0 passed, 1 failed".
#
# Usage: e2e/api_schema.sh PATH_TO_CALLSCOPE_BINARY
#
# Knobs (environment): API_SCHEMA_MAX_EXAMPLES (cases per operation and phase, default 80),
# API_SCHEMA_SEED (default 20251202), API_SCHEMA_WORKERS (default 1), API_SCHEMA_ARGS (more
# `st run` options, e.g. "--continue-on-failure" to see every failure of an operation, or
# "--exclude-checks unsupported_method"), API_SCHEMA_DROPPED_LOG (a file that gets each ingest
# refusal the hooks below drop).
set -uo pipefail

SCHEMATHESIS_VERSION=4.32.5
MAX_EXAMPLES="${API_SCHEMA_MAX_EXAMPLES:-80}"
SEED="${API_SCHEMA_SEED:-20251202}"
# One worker: hypothesis describes strategies by parsing source with `ast`, which CPython 3.11
# does not do safely from two threads at once ("AST constructor recursion depth mismatch").
WORKERS="${API_SCHEMA_WORKERS:-1}"
INGEST_KEY=e2e-ingest-key
API_TOKEN=e2e-api-token

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 PATH_TO_CALLSCOPE_BINARY" >&2
  echo "0 passed, 1 failed"
  exit 2
fi
binary="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"

fail() {
  echo "$1"
  echo "0 passed, 1 failed"
  exit 1
}

if ! python3 -c "import schemathesis, sys; sys.exit(schemathesis.__version__ != '$SCHEMATHESIS_VERSION')" 2>/dev/null; then
  python3 -m pip install -q "schemathesis==$SCHEMATHESIS_VERSION" || fail "could not install schemathesis $SCHEMATHESIS_VERSION"
fi

workdir="$(mktemp -d "${TMPDIR:-/tmp}/callscope-api-schema.XXXXXX")"
server_pid=""
schemathesis_pid=""
cleanup() {
  if [ -n "$schemathesis_pid" ] && kill -0 "$schemathesis_pid" 2>/dev/null; then
    kill -TERM "$schemathesis_pid" 2>/dev/null
    wait "$schemathesis_pid" 2>/dev/null
  fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'echo "interrupted"; echo "0 passed, 1 failed"; exit 130' INT
trap 'echo "interrupted"; echo "0 passed, 1 failed"; exit 143' TERM

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"

# A participant is present for the whole run: the session time-out is longer than the run.
"$binary" serve --port "$port" --database "$workdir/api-schema.sqlite" \
  --ingest-key "$INGEST_KEY" --api-token "$API_TOKEN" --session-timeout 3600 \
  >"$workdir/server.log" 2>&1 &
server_pid=$!

python3 - "$base" "$server_pid" <<'PY' || { tail -n 20 "$workdir/server.log"; fail "the server did not start"; }
import os, sys, time, urllib.request
base, pid = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 30
while time.time() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("server exited")
    try:
        urllib.request.urlopen(base + "/health", timeout=1).read()
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit("server did not answer /health")
PY

# Seed data (client times are the current time: ingest refuses a ts more than a day off the server's clock).
python3 - "$base" "$INGEST_KEY" "$API_TOKEN" "$workdir/seeded.env" <<'PY' || { tail -n 20 "$workdir/server.log"; fail "seeding failed"; }
import json, sys, time, urllib.request
base, ingest_key, api_token, env_file = sys.argv[1:5]
now = int(time.time() * 1000)
MEETING, ENDED = "e2e-standup", "e2e-retro"


def call(path, token, body=None):
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                 method="GET" if body is None else "POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def post(path, body, token):
    return call(path, token, body)


def join(pid, seq, ts, meeting=MEETING):
    return {"type": "join", "meetingId": meeting, "participantId": pid, "seq": seq, "ts": ts, "name": pid.capitalize(),
            "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0", "platform": "desktop", "device": "Desktop",
            "os": "Linux", "browser": "Chrome 131", "sdk": {"name": "e2e", "version": "1.0.0"}, "setupMs": 840}


def stats(pid, remote, seq, ts, tick):
    return {"type": "stats", "meetingId": MEETING, "participantId": pid, "seq": seq, "ts": ts, "pc": "pc-1",
            "remoteParticipantId": remote,
            "report": [{"id": "IT01V1", "type": "inbound-rtp", "kind": "video", "timestamp": ts, "ssrc": 1, "mid": "1",
                        "bytesReceived": 125000 * tick, "packetsReceived": 120 * tick, "packetsLost": tick,
                        "jitter": 0.012, "framesDecoded": 30 * tick, "frameWidth": 640, "frameHeight": 480,
                        "transportId": "T01"},
                       {"id": "T01", "type": "transport", "timestamp": ts, "selectedCandidatePairId": "CP1"},
                       {"id": "CP1", "type": "candidate-pair", "timestamp": ts, "state": "succeeded", "nominated": True,
                        "currentRoundTripTime": 0.05}]}


t = now - 60_000
batch = [join("alice", 0, t), join("bob", 0, t + 100), join("carol", 0, t + 200),
         {"type": "event", "meetingId": MEETING, "participantId": "alice", "seq": 1, "ts": t + 900, "name": "connected",
          "data": {"setupMs": 850}}]
batch += [stats("alice", "bob", 2 + i, t + 2_000 * (i + 1), i + 1) for i in range(5)]
batch += [{"type": "error", "meetingId": MEETING, "participantId": "bob", "seq": 1, "ts": t + 3_000,
           "code": "getusermedia-denied", "message": "Permission denied", "severity": "error", "source": "sdk"},
          {"type": "leave", "meetingId": MEETING, "participantId": "carol", "seq": 1, "ts": t + 20_000, "reason": "left"},
          join("dave", 0, t, meeting=ENDED),
          {"type": "leave", "meetingId": ENDED, "participantId": "dave", "seq": 1, "ts": t + 30_000, "reason": "left"}]
answer = post("/ingest/v1", batch, ingest_key)
sessions = {a["meetingId"]: a["sessionId"] for a in answer["acks"]}
if answer.get("stored") != len(batch) or len(sessions) != 2:
    sys.exit(f"unexpected ingest answer: {answer}")
post(f"/api/v1/sessions/{sessions[MEETING]}/services", {"service": "recording", "action": "started", "ts": t + 5_000},
     api_token)
post(f"/api/v1/sessions/{sessions[MEETING]}/notes", {"text": "seeded by e2e/api_schema.sh"}, api_token)
streams = call(f"/api/v1/sessions/{sessions[MEETING]}/streams", api_token)["items"]
if not streams:
    sys.exit("no stream was derived from the seeded stats")
with open(env_file, "w") as f:
    f.write(f"ONGOING_SESSION={sessions[MEETING]}\nENDED_SESSION={sessions[ENDED]}\nSTREAM_ID={streams[0]['streamId']}\n")
print(f"seeded sessions {sessions[MEETING]} (ongoing) and {sessions[ENDED]} (ended), stream {streams[0]['streamId']}")
PY
# shellcheck disable=SC1091
. "$workdir/seeded.env"

# schemathesis' configuration: the API token for the API, the ingest key for ingest (so that
# ingest really stores what it is sent, and a refusal is the server's validation, not the
# token's 403); half of the session, participant and stream IDs drawn from the seeded ones (the
# rest generated, mostly unknown: 404); 413 counted as a refusal (body size limits are not JSON
# Schema).
cat >"$workdir/schemathesis.toml" <<TOML
headers = { Authorization = "Bearer $API_TOKEN" }

[dictionaries.sessions]
values = ["$ONGOING_SESSION", "$ENDED_SESSION"]

[dictionaries.participants]
values = ["alice", "bob", "carol", "dave"]

[dictionaries.streams]
values = [$STREAM_ID]

[parameters]
"path.sessionId" = { dictionary = "sessions", probability = 0.5 }
"path.participantId" = { dictionary = "participants", probability = 0.5 }
"path.streamId" = { dictionary = "streams", probability = 0.5 }

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "413", "429", "5xx"]

[[operations]]
include-name = "POST /ingest/v1"
headers = { Authorization = "Bearer $INGEST_KEY" }

# Any bytes are a schema-valid dump body, and nearly all are no dump: a 422 there is right.
[[operations]]
include-name = "POST /api/v1/imports"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "404", "413", "422"]
TOML

# Hooks for POST /ingest/v1, whose protocol has rules JSON Schema cannot state:
# - `ts` must be within a day of the server's clock, and a stats message's top-level `timestamp`
#   within a day of `ts`: every schema-valid `ts` (and `timestamp`) becomes the current time;
# - a seq already stored for the participant is acknowledged as a duplicate without being looked
#   at again, and a seq more than 1,000,000 above the participant's highest is refused: every
#   schema-valid `seq` becomes the participant's next one in this run.
#   Values the schema refuses stay as generated, so that refusing them is still checked.
# - a schema-valid batch may still be refused (400) by a rule that depends on the server's state
#   or on UTF-8 byte counts: a delta needs the pc's previous report, IDs are at most 128 bytes and
#   strings 4096 bytes (the document's maxLength counts characters), `data` at most 16 KiB as
#   JSON, an SSRC label's key is an integer, a report at most 1000 stats. Such a refusal of
#   schema-valid data is dropped only when the request really breaks that rule (schemathesis
#   counts them as "dropped by filter_failure"); every other refusal fails the run.
cat >"$workdir/api_schema_hooks.py" <<'HOOKS'
import json
import os
import re
import time

import schemathesis

MAX_SAFE_INTEGER = 2**53 - 1
ID_BYTES, STRING_BYTES, DATA_BYTES = 128, 4096, 16 * 1024
MAX_STATS = 1000
ID_MEMBERS = {"meetingId", "participantId", "sessionId", "pc", "remoteParticipantId"}
FIELD = re.compile(r"^(?:\[(\d+)\]\.?)?(.*)$")


def _is_ingest(case):
    return case.operation.method.upper() == "POST" and case.operation.path == "/ingest/v1"


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _utf8(value):
    return len(value.encode("utf-8", "surrogatepass"))


_next_seq = {}


def _fresh_seq(message):
    """The next seq of the message's participant in this run: contiguous, never a duplicate."""
    key = json.dumps([message.get("meetingId"), message.get("participantId")], default=str)
    _next_seq[key] = _next_seq.get(key, 1000) + 1
    return _next_seq[key]


@schemathesis.hook
def before_call(context, case, kwargs):
    if not _is_ingest(case):
        return
    now = int(time.time() * 1000)
    for message in case.body if isinstance(case.body, list) else [case.body]:
        if not isinstance(message, dict):
            continue
        ts = message.get("ts")
        if _number(ts) and 0 <= ts <= MAX_SAFE_INTEGER:
            message["ts"] = now
            if _number(message.get("timestamp")):
                message["timestamp"] = now
        seq = message.get("seq")
        if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq <= MAX_SAFE_INTEGER:
            message["seq"] = _fresh_seq(message)


def _walk(value, path):
    """The value at a dotted path with [i] indexes (`sdk.name`, `userAgentData.brands[2].brand`)."""
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("[") and isinstance(value, list):
            index = int(part[1:-1])
            value = value[index] if index < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _breaks_unstated_rule(body, error):
    code, field = error.get("code"), error.get("field") or ""
    if code == "full_report_required":
        return True
    match = FIELD.match(field)
    index, member = match.group(1), match.group(2)
    messages = body if isinstance(body, list) else [body]
    message = messages[int(index)] if index is not None and int(index) < len(messages) else (
        body if not isinstance(body, list) else None)
    if not isinstance(message, dict) or code != "invalid_field":
        return False
    if member == "delta" or member.startswith("delta."):
        return True
    if member == "data":
        data = message.get("data")
        return _utf8(json.dumps(data, ensure_ascii=False, separators=(",", ":"))) > DATA_BYTES * 0.9
    if member == "report":
        report = message.get("report")
        return isinstance(report, list) and len(report) > MAX_STATS
    if member.startswith("labels.ssrc."):
        key = member[len("labels.ssrc."):]
        return not (key.isdigit() and int(key) <= 4294967295)
    value = _walk(message, member)
    if isinstance(value, str):
        limit = ID_BYTES if member.split(".")[-1] in ID_MEMBERS else STRING_BYTES
        return _utf8(value) > limit
    return False


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if failure.code != "ST202" or not _is_ingest(case) or response.status_code != 400:
        return True
    try:
        error = response.json()["error"]
    except Exception:
        return True
    if not _breaks_unstated_rule(case.body, error):
        return True
    if os.environ.get("API_SCHEMA_DROPPED_LOG"):
        with open(os.environ["API_SCHEMA_DROPPED_LOG"], "a") as log:
            log.write(json.dumps({"error": error, "body": case.body}, default=str) + "\n")
    return False
HOOKS

cd "$workdir"
echo "schemathesis $SCHEMATHESIS_VERSION: $MAX_EXAMPLES examples per operation, seed $SEED, every check"
# In the background, so that a signal to this script is handled at once (`wait` is interruptible).
PYTHONPATH="$workdir${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=api_schema_hooks \
python3 -m schemathesis.cli --config-file "$workdir/schemathesis.toml" run "$base/api/openapi.json" \
  --checks all \
  --max-examples "$MAX_EXAMPLES" \
  --seed "$SEED" \
  --workers "$WORKERS" \
  --generation-database none \
  --request-timeout 10 \
  --no-color \
  ${API_SCHEMA_ARGS:-} &
schemathesis_pid=$!
status=0
wait "$schemathesis_pid" || status=$?
schemathesis_pid=""

if ! kill -0 "$server_pid" 2>/dev/null; then
  tail -n 40 "$workdir/server.log"
  fail "the server died during the run"
fi
if [ "$status" -ne 0 ]; then
  fail "schemathesis found failures (exit status $status)"
fi
echo "1 passed, 0 failed"

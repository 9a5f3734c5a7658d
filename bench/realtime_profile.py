"""Where a sent message's server time goes: py-spy samples of the server's gevent worker, sorted into
the parts of the `send` path (bench/realtime_load.py --profile).

py-spy samples the stack of whatever greenlet runs on the worker's one thread, so a sample belongs to
the code that used the CPU at that moment (cProfile would charge a greenlet's waits to whoever was
switched out). Idle samples (the hub waiting in epoll) are not recorded. Each sample is put in the
first bucket that one of its frames, read from the outside in, belongs to; what the `send` handler
does with no bucket of its own is "handler, other". Per message: samples / sampling rate / messages.
"""
import re
import signal
import subprocess
import time
import sys
from collections import Counter
from pathlib import Path

PY_SPY = Path(sys.executable).parent / "py-spy"
SAMPLING_HZ = 250
_FRAME = re.compile(r"^(?P<func>.*) \((?P<path>.*?)(?::\d+)?\)$")

# (bucket, predicate(func, path)); the first frame from the outside that matches one decides.
HANDLER_BUCKETS = [
    ("session check", lambda f, p: f in ("_socket_user", "socket_user") and "rooms/" in p),
    ("rate limit", lambda f, p: f == "allow" and p.endswith("rooms/ratelimit.py")),
    ("validation", lambda f, p: f in ("_check_payload", "_only", "_clean", "_integer", "_check_links")),
    ("permission checks", lambda f, p: p.endswith("community/policy.py")),
    ("mentions", lambda f, p: f in ("notify_mentions", "_notify_mentions")),
    ("live matches", lambda f, p: f in ("question_matches", "_question_matches")),
    ("presence", lambda f, p: p.endswith("rooms/presence.py")),
    ("Markdown rendering", lambda f, p: f == "body_html"),
    ("broadcast (emit)", lambda f, p: f == "emit" and ("flask_socketio" in p or "socketio" in p)),
    ("database writes", lambda f, p: f in ("commit", "flush") and "sqlalchemy" in p),
    ("database reads", lambda f, p: "sqlalchemy" in p),
]
ORDER = [name for name, _ in HANDLER_BUCKETS] + [
    "handler, other", "after the ack (background)", "Socket.IO dispatch (context, session)",
    "websocket writes (fan-out)", "websocket reads, Engine.IO", "other"]
# The parts the issue names first, then the rest.


def worker_pid(master_pid: int) -> int:
    """gunicorn's one worker: the master's child."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    if not children:
        raise RuntimeError("the gunicorn master has no worker")
    return int(children[0])


class Recording:
    """py-spy recording a process in the background until `buckets()`: from the first send until the
    last delivery (the caller waits for the receivers to fall quiet), so a backlog is counted too."""

    def __init__(self, pid: int, out: Path):
        self.out = out
        self.process = subprocess.Popen(
            [str(PY_SPY), "record", "--pid", str(pid), "--rate", str(SAMPLING_HZ), "--format", "raw",
             "--nonblocking", "--output", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)  # attached before the first send

    def buckets(self) -> Counter:
        self.process.send_signal(signal.SIGINT)  # py-spy writes what it has and exits
        _out, err = self.process.communicate(timeout=120)
        if self.process.returncode != 0 or not self.out.exists():
            raise RuntimeError(f"py-spy failed: {err.strip()}")
        counts = Counter()
        for line in self.out.read_text().splitlines():
            stack, _sep, count = line.rpartition(" ")
            if stack and count.isdigit():
                counts[classify(stack.split(";"))] += int(count)
        return counts


def _frames(stack: list[str]) -> list[tuple[str, str]]:
    frames = []
    for text in stack:
        match = _FRAME.match(text)
        # py-spy names methods and closures by their qualified name ("SocketIO.emit",
        # "handler.<locals>.register.<locals>.wrapper"): the buckets go by the last part.
        frames.append((match["func"].rsplit(".", 1)[-1], match["path"]) if match else (text, ""))
    return frames


def classify(stack: list[str]) -> str:
    frames = _frames(stack)
    for index, (func, path) in enumerate(frames):
        if func == "_after_send_work" and "rooms/" in path:
            return "after the ack (background)"
        if func == "wrapper" and path.endswith("rooms/events.py") or func == "on_send" and "bare_broadcast" in path:
            for inner_func, inner_path in frames[index + 1:]:
                for name, matches in HANDLER_BUCKETS:
                    if matches(inner_func, inner_path):
                        return name
            return "handler, other"
    paths = " ".join(path for _func, path in frames)
    funcs = {func for func, _path in frames}
    if "flask_socketio" in paths or "_trigger_event" in funcs:
        return "Socket.IO dispatch (context, session)"
    if "writer" in funcs and "engineio" in paths:
        return "websocket writes (fan-out)"
    if "engineio" in paths or "socketio" in paths or "simple_websocket" in paths or "wsproto" in paths:
        return "websocket reads, Engine.IO"
    return "other"


def per_message_table(results: list[tuple[str, float, Counter, int]]) -> str:
    """results: (setup, rate, bucket counts, messages sent) -> ms of server CPU per message, per bucket."""
    heads = [f"{setup} @{rate:g}/s" for setup, rate, _c, _n in results]
    width = max(14, *(len(head) for head in heads))
    lines = [f"{'ms of worker CPU per message':<40} | " + " | ".join(f"{h:>{width}}" for h in heads)]
    used = [name for name in ORDER if any(counts.get(name) for _s, _r, counts, _n in results)]
    handler = set(ORDER[:ORDER.index("handler, other") + 1])
    for name in used + ["the send handler (the parts above)", "total"]:
        cells = []
        for _setup, _rate, counts, sent in results:
            if name == "total":
                samples = sum(counts.values())
            elif name.startswith("the send handler"):
                samples = sum(count for bucket, count in counts.items() if bucket in handler)
            else:
                samples = counts.get(name, 0)
            cells.append(f"{samples / SAMPLING_HZ * 1000 / max(sent, 1):>{width}.3f}")
        lines.append(f"{name:<40} | " + " | ".join(cells))
    return "\n".join(lines)

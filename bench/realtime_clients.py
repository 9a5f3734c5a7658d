"""The load generator of bench/realtime_load.py: Socket.IO clients that speak Engine.IO/Socket.IO
frames directly over wsproto on asyncio (python-socketio's client costs too much CPU per delivery),
many connections per process. Receivers run in child processes commanded through a pipe; senders
run in the calling process.
"""
import asyncio
import json
import multiprocessing
import time
import uuid

from wsproto import ConnectionType, WSConnection
from wsproto.events import (AcceptConnection, CloseConnection, Ping, RejectConnection, Request,
                            TextMessage)

ROOM_ID = 1  # the first topic room `flask rooms ensure-topics` creates
SENDERS = 4
RECEIVER_PROCESSES = 2
CONNECT_BATCH = 50
TIMEOUT = 15.0
QUIET = 1.0          # seconds without frames that count as "the server has sent everything"
QUIET_LIMIT = 60.0   # never wait longer than this for quiet


class SocketIOConnection:
    """One Socket.IO client over a raw websocket: handshake, acked calls, pings, event callback."""

    def __init__(self, port: int, on_event=None):
        self.port, self.on_event = port, on_event
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.pending: dict[int, asyncio.Future] = {}
        self.next_ack = 0
        self.connected: asyncio.Future | None = None
        self.reader_task = None
        self.writer = None
        self.last_frame = time.monotonic()

    async def open(self, auth: dict | None) -> None:
        reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        loop = asyncio.get_running_loop()
        self.connected = loop.create_future()
        self.writer.write(self.ws.send(Request(host=f"127.0.0.1:{self.port}",
                                               target="/socket.io/?EIO=4&transport=websocket")))
        self.reader_task = asyncio.create_task(self._read(reader, auth))
        await asyncio.wait_for(self.connected, TIMEOUT)

    async def call(self, event: str, payload: dict, timeout: float = TIMEOUT) -> dict:
        self.next_ack += 1
        ack_id = self.next_ack
        future = asyncio.get_running_loop().create_future()
        self.pending[ack_id] = future
        self._send_text(f"42{ack_id}" + json.dumps([event, payload]))
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self.pending.pop(ack_id, None)

    def close(self) -> None:
        if self.reader_task:
            self.reader_task.cancel()
        if self.writer:
            self.writer.close()

    def _send_text(self, text: str) -> None:
        self.writer.write(self.ws.send(TextMessage(data=text)))

    async def _read(self, reader, auth) -> None:
        parts = []
        try:
            while data := await reader.read(65536):
                self.ws.receive_data(data)
                for event in self.ws.events():
                    if isinstance(event, TextMessage):
                        parts.append(event.data)
                        if event.message_finished:
                            self._frame("".join(parts), auth)
                            parts = []
                    elif isinstance(event, Ping):
                        self.writer.write(self.ws.send(event.response()))
                    elif isinstance(event, (CloseConnection, RejectConnection)):
                        return
                    elif isinstance(event, AcceptConnection):
                        pass
        except (ConnectionError, OSError):
            pass
        finally:
            if not self.connected.done():
                self.connected.set_exception(ConnectionError("closed during the handshake"))

    def _frame(self, text: str, auth) -> None:
        self.last_frame = time.monotonic()
        kind = text[:2]
        if kind == "42":
            if self.on_event:
                self.on_event(text)
        elif text == "2":  # Engine.IO ping: answer or the server drops us
            self._send_text("3")
        elif kind == "43":
            digits = len(text) - len(text[2:].lstrip("0123456789"))
            future = self.pending.get(int(text[2:digits]))
            if future and not future.done():
                future.set_result(json.loads(text[digits:])[0])
        elif text[0] == "0":  # Engine.IO open: now the Socket.IO connect
            self._send_text("40" + (json.dumps(auth) if auth else ""))
        elif kind == "40":
            self.connected.done() or self.connected.set_result(True)
        elif kind == "44":
            self.connected.done() or self.connected.set_exception(ConnectionError(text))


def parse_body(body: str):
    """'bench <tag> <seq> <sent unix time>' -> (tag, seq, sent) or None."""
    parts = body.split(" ")
    if len(parts) != 4 or parts[0] != "bench":
        return None
    return parts[1], int(parts[2]), float(parts[3])


# ---- receivers: child processes, many sockets each, commanded through a pipe ----

def receiver_process(ports: list[int], token: str | None, count: int, pipe) -> None:
    asyncio.run(_receiver_main(ports, token, count, pipe))


async def _receiver_main(ports, token, count, pipe) -> None:
    received: dict[str, tuple[list, dict]] = {}

    def on_event(text: str) -> None:
        now = time.time()
        if not text.startswith('42["message",'):
            return  # presence and the like
        parsed = parse_body(json.loads(text[2:])[1]["body"])
        if parsed:
            latencies, per_seq = received.setdefault(parsed[0], ([], {}))
            latencies.append(now - parsed[2])
            per_seq[parsed[1]] = per_seq.get(parsed[1], 0) + 1

    connections, failures = [], 0
    auth = {"token": token} if token else None

    async def connect(index: int):
        connection = SocketIOConnection(ports[index % len(ports)], on_event)
        await connection.open(auth)
        ack = await connection.call("join", {"room_id": ROOM_ID}, timeout=60)
        if not ack.get("ok"):
            raise ConnectionError(str(ack))
        return connection

    for start in range(0, count, CONNECT_BATCH):
        for result in await asyncio.gather(*(connect(i) for i in range(start, min(count, start + CONNECT_BATCH))),
                                           return_exceptions=True):
            if isinstance(result, BaseException):
                failures += 1
            else:
                connections.append(result)
    loop = asyncio.get_running_loop()
    pipe.send(("ready", len(connections), failures))
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command[0] == "quiet":
            deadline = time.monotonic() + QUIET_LIMIT
            while time.monotonic() < deadline:
                newest = max((c.last_frame for c in connections), default=0)
                if time.monotonic() - newest >= QUIET:
                    break
                await asyncio.sleep(0.2)
            pipe.send(("quiet",))
        elif command[0] == "report":
            latencies, per_seq = received.pop(command[1], ([], {}))
            pipe.send(("report", latencies, per_seq))
        else:  # stop
            for connection in connections:
                connection.close()
            pipe.send(("stopped",))
            return


class Receivers:
    """RECEIVER_PROCESSES child processes holding `count` sockets in the room, spread over `ports`."""

    def __init__(self, ports: list[int], token: str | None, count: int):
        self.pipes, self.processes = [], []
        context = multiprocessing.get_context("spawn")
        for index in range(RECEIVER_PROCESSES):
            share = count // RECEIVER_PROCESSES + (index < count % RECEIVER_PROCESSES)
            parent, child = context.Pipe()
            # Rotate the ports so the two processes together split the sockets evenly.
            process = context.Process(target=receiver_process, args=(ports[index:] + ports[:index], token, share, child),
                                      daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)
        answers = self._ask_all(None, timeout=max(300, count * 0.3))  # 5,000 joins on a busy machine take minutes
        self.connected = sum(a[1] for a in answers)
        self.failures = sum(a[2] for a in answers)

    def _ask_all(self, command, timeout: float = QUIET_LIMIT + 30):
        if command:
            for pipe in self.pipes:
                pipe.send(command)
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise TimeoutError(f"a receiver process did not answer {command}")
            answers.append(pipe.recv())
        return answers

    def wait_quiet(self) -> None:
        self._ask_all(("quiet",))

    def report(self, tag: str) -> tuple[list[float], dict[int, int]]:
        latencies, per_seq = [], {}
        for _, part_latencies, part_seq in self._ask_all(("report", tag)):
            latencies += part_latencies
            for seq, n in part_seq.items():
                per_seq[seq] = per_seq.get(seq, 0) + n
        return latencies, per_seq

    def stop(self) -> None:
        try:
            self._ask_all(("stop",), timeout=10)
        except (TimeoutError, OSError, EOFError):
            pass
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()


# ---- senders: in this process ----

async def send_step(ports: list[int], token: str | None, tag: str, rate: float, seconds: float) -> dict:
    """SENDERS sockets send `rate` messages/s together for `seconds`; returns the acked sequence
    numbers, their message ids and the ids the room had before."""
    auth = {"token": token} if token else None
    senders = [SocketIOConnection(ports[i % len(ports)]) for i in range(SENDERS)]
    for sender in senders:
        await sender.open(auth)
    last_id = (await senders[0].call("join", {"room_id": ROOM_ID})).get("last_id", 0)
    for sender in senders[1:]:
        await sender.call("join", {"room_id": ROOM_ID})
    total = int(rate * seconds)
    acked: dict[int, int] = {}

    async def send_one(seq: int) -> None:
        body = f"bench {tag} {seq} {time.time():.6f}"
        try:
            ack = await senders[seq % SENDERS].call(
                "send", {"room_id": ROOM_ID, "body": body, "client_id": str(uuid.uuid4())})
        except asyncio.TimeoutError:
            return
        if ack.get("ok"):
            acked[seq] = ack["id"]

    start = time.monotonic()
    tasks = []
    for seq in range(total):  # on a fixed schedule, never waiting for acks
        delay = start + seq / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send_one(seq)))
    await asyncio.gather(*tasks)
    stored = await count_stored(senders[0], tag, last_id) if token else None
    for sender in senders:
        sender.close()
    return {"sent": total, "acked": acked, "stored": stored}


async def count_stored(sender: SocketIOConnection, tag: str, after_id: int) -> int:
    """Messages of this step found again by `sync` (bounded: at most 1,000 pages)."""
    stored = 0
    for _ in range(1000):
        ack = await sender.call("sync", {"room_id": ROOM_ID, "after_id": after_id})
        stored += sum(1 for m in ack["messages"] if (parse_body(m["body"]) or ("",))[0] == tag)
        if not ack.get("has_more"):
            break
        after_id = ack["messages"][-1]["id"]
    return stored


# ---- churn: sockets that go away during a join or while messages arrive ----

async def churn(ports: list[int], token: str | None, count: int, seconds: float = 6.0) -> None:
    """`count` sockets come and go, CONNECT_BATCH at a time, while a sender sends: half close their
    connection right after sending `join` (before the ack), half after joining, while messages are on
    their way to them; every other one without a websocket close frame (the TCP connection reset)."""
    import random

    auth = {"token": token} if token else None

    async def one(index: int) -> None:
        connection = SocketIOConnection(ports[index % len(ports)])
        try:
            await connection.open(auth)
            if index % 2:
                connection._send_text("421" + json.dumps(["join", {"room_id": ROOM_ID}]))
                await asyncio.sleep(random.uniform(0, 0.01))
            else:
                await connection.call("join", {"room_id": ROOM_ID})
                await asyncio.sleep(random.uniform(0, 1))
        except (ConnectionError, OSError, asyncio.TimeoutError):
            pass
        finally:
            if index % 4 < 2 and connection.writer is not None:
                connection.writer.transport.abort()
            connection.close()

    sending = asyncio.create_task(send_step(ports, token, uuid.uuid4().hex[:8], 10, seconds))
    await asyncio.sleep(1)  # the senders are in and sending
    for start in range(0, count, CONNECT_BATCH):
        await asyncio.gather(*(one(index) for index in range(start, min(count, start + CONNECT_BATCH))))
    try:
        await sending
    except (ConnectionError, OSError, asyncio.TimeoutError):
        pass  # the log is what counts here, not the deliveries

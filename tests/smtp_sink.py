"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepted: for tests and benchmarks.

`refuse` = [(code, text), ...] answers the next DATA commands with these codes first (451: try later,
550: never); `delay` holds each answer back; `on_data(sink, envelope)` runs before the answer, e.g.
to kill the client at an exact moment (what it accepts is then not stored: the client never heard 250).
"""
import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPSink:
    def __init__(self, delay: float = 0.0, keep_messages: bool = True):
        self.delay = delay
        self.keep_messages = keep_messages
        self.messages = []
        self.count = 0
        self.refuse: list[tuple[int, str]] = []
        self.on_data = None
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if self.refuse:
                code, text = self.refuse.pop(0)
                return f"{code} {text}"
        if self.on_data is not None and self.on_data(self, envelope) is False:
            return "451 4.3.0 the client went away"
        with self.lock:
            self.count += 1
            if self.keep_messages:
                self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 2.0.0 OK"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [message["Message-ID"] for message in self.messages]

    def start(self) -> "SMTPSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def config(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False}

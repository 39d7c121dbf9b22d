"""An SMTP sink on 127.0.0.1 (aiosmtpd in a thread) for tests and benches: counts messages per
recipient and connections, answers chosen recipients with chosen codes, and can hold a message
(no answer to its DATA) until released."""

import asyncio
from collections import Counter
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """Handler and controller in one; `with Sink() as sink:` serves on sink.port."""

    def __init__(self, keep_messages: bool = False):
        self.received: Counter = Counter()  # recipient → messages whose DATA arrived
        self.subjects: Counter = Counter()  # (recipient, subject) → messages
        self.sessions: set[int] = set()
        self.replies: dict[str, str] = {}  # recipient → RCPT reply ("451 …", "550 …")
        self.hold_after: int | None = None  # hold every message once this many have arrived
        self.holding = threading.Event()  # set while a message is held
        self.release = threading.Event()
        self.keep_messages = keep_messages
        self.messages: list[bytes] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def total(self) -> int:
        return sum(self.received.values())

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if reply := self.replies.get(address):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        subject = ""
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"subject:"):
                subject = line[8:].strip().decode("ascii", "replace")
                break
        with self.lock:
            self.sessions.add(id(session))
            for recipient in envelope.rcpt_tos:
                self.received[recipient] += 1
                self.subjects[(recipient, subject)] += 1
            if self.keep_messages:
                self.messages.append(envelope.content)
            hold = self.hold_after is not None and self.total > self.hold_after
        if hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        return "250 OK"

    def __enter__(self) -> "Sink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.controller.stop()

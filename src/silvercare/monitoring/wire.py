"""MQTT 3.1.1 on a raw socket, for the two places where paho-mqtt is the bottleneck
(ADR 0011): the benchmarks' and the simulator's publisher (``RawPublisher``) and the ingest's
bulk lane (``Subscriber``).

paho-mqtt calls back once per message from its network thread, builds an ``MQTTMessage``
for each and sends each PUBACK with its own write; a do-nothing paho subscriber already uses
a whole core at about 10,000 messages/s. The bulk lane needs none of that: it reads what the
socket holds, parses every complete PUBLISH in one pass (``parse``), hands the batch to the
ingest and sends all its PUBACKs in one write after the commit. Only what the ingest uses is
here: CONNECT (persistent session, user and password, TLS), SUBSCRIBE at QoS 1, PUBLISH at
QoS 0 and 1 in both directions, PUBACK, PINGREQ. The urgent lane and the tests keep paho."""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterable
from typing import NamedTuple

CONNECT, CONNACK, PUBLISH, PUBACK, SUBSCRIBE, SUBACK, PINGREQ, PINGRESP, DISCONNECT = (
    1,
    2,
    3,
    4,
    8,
    9,
    12,
    13,
    14,
)
_PUBACK = struct.Struct("!BBH")


def remaining_length(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def utf8(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("!H", len(raw)) + raw


def publish_packet(topic: str, payload: bytes, packet_id: int, qos: int = 1) -> bytes:
    """A PUBLISH packet (QoS 0 or 1)."""
    body = utf8(topic) + (struct.pack("!H", packet_id) if qos else b"") + payload
    return bytes([0x30 | qos << 1]) + remaining_length(len(body)) + body


def packets_for(items: list[tuple[str, bytes]], first_id: int = 1) -> list[bytes]:
    """QoS 1 PUBLISH packets with packet ids cycling through 1…65535."""
    return [
        publish_packet(topic, payload, (first_id + i - 1) % 65535 + 1)
        for i, (topic, payload) in enumerate(items)
    ]


def connect_packet(
    client_id: str, *, username: str = "", password: str = "", clean: bool, keepalive: int
) -> bytes:
    flags = (0x02 if clean else 0) | (0x80 if username else 0) | (0x40 if password else 0)
    body = utf8("MQTT") + bytes([4, flags]) + struct.pack("!H", keepalive) + utf8(client_id)
    if username:
        body += utf8(username)
    if password:
        body += utf8(password)
    return b"\x10" + remaining_length(len(body)) + body


class Publish(NamedTuple):
    topic: str
    payload: bytes
    packet_id: int  # 0 at QoS 0
    qos: int


class Packet(NamedTuple):
    """A packet other than PUBLISH: its type and body."""

    type: int
    body: bytes


class ProtocolError(ConnectionError):
    """The broker sent something this client cannot read: the connection is dropped."""


def parse(buffer: bytearray) -> tuple[list[Publish], list[Packet]]:
    """Every complete packet at the start of ``buffer``, which is consumed up to the first
    incomplete one: (the PUBLISH packets, the others)."""
    publishes: list[Publish] = []
    others: list[Packet] = []
    size = len(buffer)
    at = 0
    while at + 2 <= size:
        first = buffer[at]
        # Remaining length: 1 to 4 bytes of 7 bits, least significant first.
        length = 0
        shift = 0
        p = at + 1
        while True:
            if p >= size:
                del buffer[:at]
                return publishes, others
            byte = buffer[p]
            length |= (byte & 0x7F) << shift
            p += 1
            if not byte & 0x80:
                break
            shift += 7
            if shift > 21:
                raise ProtocolError("malformed remaining length")
        end = p + length
        if end > size:
            break
        kind = first >> 4
        if kind == PUBLISH:
            qos = (first >> 1) & 3
            if qos > 1 or length < 2:
                raise ProtocolError("PUBLISH at QoS 2 or too short")
            topic_end = p + 2 + (buffer[p] << 8 | buffer[p + 1])
            body = topic_end + 2 * qos
            if body > end:
                raise ProtocolError("PUBLISH shorter than its topic")
            packet_id = buffer[topic_end] << 8 | buffer[topic_end + 1] if qos else 0
            try:
                topic = buffer[p + 2 : topic_end].decode()
            except UnicodeDecodeError as exc:
                raise ProtocolError("topic is not UTF-8") from exc
            publishes.append(Publish(topic, bytes(buffer[body:end]), packet_id, qos))
        else:
            others.append(Packet(kind, bytes(buffer[p:end])))
        at = end
    del buffer[:at]
    return publishes, others


def puback_packets(packet_ids: Iterable[int]) -> bytes:
    return b"".join(_PUBACK.pack(0x40, 2, pid) for pid in packet_ids)


class Subscriber:
    """One MQTT connection of the bulk lane. Not thread-safe: one thread connects, receives,
    acknowledges and publishes. Every method raises ``ConnectionError`` (``OSError``) when
    the connection is lost; the caller reconnects with ``connect`` (a persistent session
    gets back what it had not acknowledged). ``generation`` counts connections, so that a
    packet id received before a reconnect is never acknowledged on the next connection."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        client_id: str,
        username: str = "",
        password: str = "",
        tls: bool = False,
        clean_session: bool = False,
        keepalive: int = 30,
    ) -> None:
        self.host, self.port = host, port
        self.client_id = client_id
        self.username, self.password = username, password
        self.tls = tls
        self.clean_session = clean_session
        self.keepalive = keepalive
        self.sock: socket.socket | None = None
        self.generation = 0
        self.session_present = False
        self._buffer = bytearray()
        self._pending: list[Publish] = []
        self._next_id = 0
        self._last_sent = 0.0
        self._last_received = 0.0

    # --- the connection --------------------------------------------------------------------

    def connect(self, filters: list[str], timeout: float = 10.0) -> None:
        """Connect and subscribe to ``filters`` at QoS 1; raises ``ConnectionError`` when
        the broker refuses either."""
        self.close()
        raw = socket.create_connection((self.host, self.port), timeout=timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls:
            raw = ssl.create_default_context().wrap_socket(raw, server_hostname=self.host)
        self.sock = raw
        self._last_received = time.monotonic()
        self._buffer.clear()
        self._pending = []
        self.generation += 1
        self._send(
            connect_packet(
                self.client_id,
                username=self.username,
                password=self.password,
                clean=self.clean_session,
                keepalive=self.keepalive,
            )
        )
        connack = self._expect(CONNACK, timeout)
        if len(connack) != 2 or connack[1] != 0:
            code = connack[1] if len(connack) == 2 else -1
            self.close()
            raise ConnectionRefusedError(f"MQTT connection refused (return code {code})")
        self.session_present = bool(connack[0] & 1)
        body = struct.pack("!H", self._packet_id()) + b"".join(utf8(f) + b"\x01" for f in filters)
        self._send(bytes([SUBSCRIBE << 4 | 2]) + remaining_length(len(body)) + body)
        granted = self._expect(SUBACK, timeout)[2:]
        if len(granted) != len(filters) or any(code & 0x80 for code in granted):
            self.close()
            raise ConnectionRefusedError(f"MQTT subscription refused ({granted.hex()})")
        raw.settimeout(None)

    def _expect(self, kind: int, timeout: float) -> bytes:
        """Read until a packet of ``kind`` arrives (PUBLISH packets before it are kept)."""
        deadline = time.monotonic() + timeout
        while True:
            for packet in self._read(max(0.0, deadline - time.monotonic())):
                if packet.type == kind:
                    return packet.body
            if time.monotonic() >= deadline:
                self.close()
                raise TimeoutError(f"no answer of type {kind} from the broker")

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def disconnect(self) -> None:
        """A clean DISCONNECT (the session stays on the broker when it is persistent)."""
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self._send(bytes([DISCONNECT << 4, 0]))
            self.close()

    @property
    def connected(self) -> bool:
        return self.sock is not None

    # --- receiving ---------------------------------------------------------------------------

    def receive(self, timeout: float) -> list[Publish]:
        """The messages that arrive within ``timeout`` seconds (returns as soon as any has):
        every complete one in the socket's buffer, in order."""
        if not self._pending:
            self._read(timeout)
        out, self._pending = self._pending, []
        self._ping_if_idle()
        return out

    def _read(self, timeout: float) -> list[Packet]:
        sock = self._sock()
        if not (sock.pending() if isinstance(sock, ssl.SSLSocket) else False):
            ready, _w, _x = select.select([sock], [], [], timeout)
            if not ready:
                return []
        data = sock.recv(262_144)
        if not data:
            self.close()
            raise ConnectionResetError("the broker closed the connection")
        self._last_received = time.monotonic()
        self._buffer += data
        publishes, others = parse(self._buffer)
        self._pending += publishes
        return others  # PUBACKs of our publishes, PINGRESP, CONNACK and SUBACK

    # --- sending ------------------------------------------------------------------------------

    def ack(self, packet_ids: Iterable[int]) -> None:
        """PUBACK for each id, in one write."""
        data = puback_packets(pid for pid in packet_ids if pid)
        if data:
            self._send(data)

    def publish(self, topic: str, payload: str | bytes, qos: int = 1) -> None:
        """Publish without waiting for the broker's PUBACK (it is read and dropped)."""
        body = payload.encode() if isinstance(payload, str) else payload
        self._send(publish_packet(topic, body, self._packet_id() if qos else 0, qos))

    def _packet_id(self) -> int:
        self._next_id = self._next_id % 65535 + 1
        return self._next_id

    def _ping_if_idle(self) -> None:
        """PINGREQ when nothing was sent for half the keep-alive; a broker silent for 1.5
        keep-alives (no PINGRESP either) is taken for gone, as MQTT says."""
        now = time.monotonic()
        if now - self._last_received > self.keepalive * 1.5:
            self.close()
            raise TimeoutError("no word from the broker within 1.5 keep-alive periods")
        if now - self._last_sent > self.keepalive / 2:
            self._send(bytes([PINGREQ << 4, 0]))

    def _send(self, data: bytes) -> None:
        self._sock().sendall(data)
        self._last_sent = time.monotonic()

    def _sock(self) -> socket.socket:
        if self.sock is None:
            raise ConnectionResetError("not connected")
        return self.sock


class RawPublisher:
    """One MQTT connection that publishes at QoS 1 without waiting for each PUBACK (at most
    ``window`` unacknowledged). ``acked`` counts the PUBACKs received."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        client_id: str,
        username: str = "",
        password: str = "",
        window: int = 20_000,
    ) -> None:
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(
            connect_packet(
                client_id, username=username, password=password, clean=True, keepalive=60
            )
        )
        connack = self._read_exact(4)
        if connack[0] != 0x20 or connack[3] != 0:
            raise ConnectionError(f"MQTT connection refused (code {connack[3]})")
        self.window = window
        self.sent = 0
        self.acked = 0
        self._room = threading.Condition()
        self._reader = threading.Thread(target=self._read_acks, daemon=True)
        self._reader.start()

    def _read_exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("broker closed the connection")
            data += chunk
        return data

    def _read_acks(self) -> None:
        buffer = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                buffer += chunk
                whole = len(buffer) // 4 * 4  # PUBACKs are 4 bytes: 0x40 0x02 id id
                if whole:
                    with self._room:
                        self.acked += whole // 4
                        self._room.notify_all()
                    buffer = buffer[whole:]
        except OSError:
            return

    def publish_many(self, packets: list[bytes], chunk: int = 500) -> None:
        for start in range(0, len(packets), chunk):
            part = packets[start : start + chunk]
            with self._room:
                while self.sent + len(part) - self.acked > self.window:
                    self._room.wait(1.0)
            self.sock.sendall(b"".join(part))
            self.sent += len(part)

    def wait_acked(self, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._room:
            while self.acked < self.sent and time.monotonic() < deadline:
                self._room.wait(0.5)
        return self.acked >= self.sent

    def close(self) -> None:
        try:
            self.sock.sendall(b"\xe0\x00")  # DISCONNECT
        finally:
            self.sock.close()

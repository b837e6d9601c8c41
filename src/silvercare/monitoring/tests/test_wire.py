"""The bulk lane's MQTT packet reader: whatever way TCP cuts the stream, every packet is
read once, whole and in order; what cannot be MQTT drops the connection."""

from __future__ import annotations

import pytest

from silvercare.monitoring import wire


def _stream() -> tuple[bytes, list[wire.Publish]]:
    sent = [
        wire.Publish("silvercare/v1/W-1/hr", b'{"bpm":70}', 1, 1),
        wire.Publish("silvercare/v1/W-1/accel", b"x" * 300, 2, 1),  # 2-byte length
        wire.Publish("silvercare/v1/W-2/hr", b"y" * 17_000, 65535, 1),  # 3-byte length
        wire.Publish("silvercare/v1/W-2/steps", b"{}", 0, 0),  # QoS 0: no packet id
        wire.Publish("silvercare/v1/设备/hr", b"", 7, 1),  # UTF-8 topic, empty payload
    ]
    data = b"".join(wire.publish_packet(p.topic, p.payload, p.packet_id, p.qos) for p in sent)
    return data, sent


def test_every_cut_of_the_stream_reads_the_same_packets() -> None:
    data, sent = _stream()
    pingresp = bytes([wire.PINGRESP << 4, 0])
    data += pingresp
    cuts = [*range(0, 80), *range(len(data) - 40, len(data) + 1), len(data) // 2]
    for cut in cuts:
        buffer = bytearray()
        got: list[wire.Publish] = []
        other: list[wire.Packet] = []
        for piece in (data[:cut], data[cut:]):
            buffer += piece
            publishes, others = wire.parse(buffer)
            got += publishes
            other += others
        assert got == sent, cut
        assert other == [wire.Packet(wire.PINGRESP, b"")]
        assert buffer == bytearray()


def test_one_byte_at_a_time() -> None:
    data, sent = _stream()
    buffer = bytearray()
    got: list[wire.Publish] = []
    for byte in data:
        buffer.append(byte)
        got += wire.parse(buffer)[0]
    assert got == sent


def test_acknowledgements_go_in_one_write() -> None:
    assert wire.puback_packets([1, 258]) == b"\x40\x02\x00\x01\x40\x02\x01\x02"


@pytest.mark.parametrize(
    "data",
    [
        b"\x34\x05\x00\x01a\x00\x01",  # PUBLISH at QoS 2
        b"\x32\xff\xff\xff\xff\x01",  # remaining length longer than four bytes
        b"\x32\x03\x00\x05a",  # topic longer than the packet
        b"\x32\x06\x00\x02\xff\xfe\x00\x01",  # topic not UTF-8
    ],
)
def test_what_is_not_mqtt_is_refused(data: bytes) -> None:
    with pytest.raises(wire.ProtocolError):
        wire.parse(bytearray(data))


def test_a_broker_that_goes_silent_is_taken_for_gone() -> None:
    """A broker that accepts the session and then answers nothing (not even PINGRESP) is
    dropped after 1.5 keep-alive periods, so the worker reconnects instead of waiting."""
    import socket
    import threading
    import time

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def broker() -> None:
        conn, _ = server.accept()
        conn.recv(1024)  # CONNECT
        conn.sendall(b"\x20\x02\x00\x00")  # CONNACK, accepted
        subscribe = conn.recv(1024)
        conn.sendall(b"\x90\x03" + subscribe[2:4] + b"\x01")  # SUBACK, QoS 1
        time.sleep(5)  # then silence
        conn.close()

    threading.Thread(target=broker, daemon=True).start()
    client = wire.Subscriber("127.0.0.1", port, client_id="t", keepalive=1)
    client.connect(["silvercare/v1/+/+"])
    started = time.monotonic()

    def listen() -> None:
        while time.monotonic() - started < 10:
            assert client.receive(0.1) == []

    with pytest.raises(TimeoutError):
        listen()
    assert time.monotonic() - started > 1.4  # not before 1.5 keep-alives
    assert not client.connected
    server.close()

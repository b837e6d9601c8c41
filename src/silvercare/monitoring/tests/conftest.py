"""Fixtures of the monitoring tests: an elder of community A1 who consents to monitoring,
with a watch bound to them, registered through the services."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def elder(worker: Any) -> Any:
    from silvercare.audit.services import AuditContext
    from silvercare.common import testing
    from silvercare.elders.services import consent_record

    person = testing.make_elder(worker, name="陈淑芬")
    consent_record(
        ctx=AuditContext(actor=worker, via="test"),
        elder=person,
        purpose="monitoring",
        granted=True,
    )
    return person


@pytest.fixture
def watch(worker: Any, elder: Any) -> Any:
    """(device, secret) of a watch bound to the consenting elder."""
    from silvercare.audit.services import AuditContext
    from silvercare.common import testing
    from silvercare.monitoring.services import device_bind, device_register

    ctx = AuditContext(actor=worker, via="test")
    issued = device_register(
        ctx=ctx, serial="W-0001", type="watch", region_code=testing.COMMUNITY_A1, placement="wrist"
    )
    device_bind(ctx=ctx, device=issued.device, elder=elder)
    return issued.device, issued.secret


# --- A real Mosquitto for the end-to-end tests --------------------------------------------

MOSQUITTO = "/usr/sbin/mosquitto"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Broker:
    """A Mosquitto on 127.0.0.1:<port> configured as docs/devices.md says, reading the
    password and ACL files written by ``silvercare mqtt-passwd`` from the registry."""

    def __init__(self, directory: Any) -> None:
        self.dir = directory
        self.port = _free_port()
        self.process: Any = None

    def write_files(self) -> None:
        import os

        from django.core.management import call_command

        os.environ["MQTT_INGEST_PASSWORD"] = "ingest-pw"
        try:
            call_command(
                "mqtt_passwd",
                str(self.dir / "passwd"),
                "--acl",
                str(self.dir / "acl"),
                "--ingest-user",
                "ingest",
                stdout=open(os.devnull, "w"),  # noqa: SIM115
            )
        finally:
            del os.environ["MQTT_INGEST_PASSWORD"]

    def start(self) -> None:
        import getpass
        import socket
        import subprocess
        import time

        self.write_files()
        conf = self.dir / "mosquitto.conf"
        conf.write_text(
            "\n".join(
                [
                    f"listener {self.port} 127.0.0.1",
                    "allow_anonymous false",
                    f"password_file {self.dir / 'passwd'}",
                    f"acl_file {self.dir / 'acl'}",
                    f"user {getpass.getuser()}",
                    "persistence true",
                    f"persistence_location {self.dir}/",
                    "max_inflight_messages 1000",
                    "max_queued_messages 0",
                    "max_queued_bytes 268435456",
                    "max_packet_size 20000",
                    "log_dest stderr",
                    "log_type error",
                    "log_type warning",
                    "",
                ]
            )
        )
        self.log = open(self.dir / "mosquitto.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603  # a fixed binary and our own config
            [MOSQUITTO, "-c", str(conf)], stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start: " + (self.dir / "mosquitto.log").read_text())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.process is not None:
            self.log.close()


@pytest.fixture
def broker(tmp_path: Any) -> Any:
    """Not started: the test registers its devices first, then calls ``broker.start()``."""
    import os

    if not os.access(MOSQUITTO, os.X_OK):
        pytest.skip(f"{MOSQUITTO} missing: install Debian's mosquitto for end-to-end tests")
    made = Broker(tmp_path)
    yield made
    made.stop()

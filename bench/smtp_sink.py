"""An SMTP sink in a process of its own, for the outbox benchmark.

It accepts every message on a loopback port and appends one line per message
to a file: the time it accepted it, the recipients, the ``X-Outbox-Key`` and
the ``Message-ID`` headers, separated by tabs. It reads the headers only (the
tests' recording server parses every part, which costs more than the send),
and runs apart so that the benchmark's own process does not share its CPU.

    python bench/smtp_sink.py --port 2525 --record received.tsv

It prints "ready" once it listens, and stops on SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import threading
import time
from email.parser import BytesHeaderParser


class RecordingSink:
    def __init__(self, path: str):
        self.out = open(path, "a", buffering=1)  # noqa: SIM115 - closed in main()
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):
        headers = self.parser.parsebytes(envelope.content)
        fields = [
            f"{time.time():.6f}",
            ",".join(address.lower() for address in envelope.rcpt_tos),
            str(headers.get("X-Outbox-Key", "")),
            str(headers.get("Message-ID", "")),
        ]
        self.out.write("\t".join(fields) + "\n")
        return "250 2.0.0 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    args = parser.parse_args()

    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = RecordingSink(args.record)
    controller = Controller(sink, hostname="127.0.0.1", port=args.port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    controller.start()
    print("ready", flush=True)
    while not stop.wait(0.5):
        pass
    controller.stop()
    sink.out.close()


if __name__ == "__main__":
    main()

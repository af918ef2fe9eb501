# A real SMTP server for keel's tests (Debian's python3-aiosmtpd). It listens on a free port
# of 127.0.0.1, prints "ready PORT", and stores each message it accepts as its own file in
# FOLDER (written aside and renamed, so a reader never sees half a message). An optional
# DELAY in seconds holds each message before it is accepted: a slow server, to stop keel in
# the middle of a delivery. Each file starts with the message decoded (headers, then each text
# part) so tests can read Chinese text, then "----- raw -----" and the message as received.
import asyncio
import email
from email import policy
import os
import sys
import time

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, folder, delay):
        self.folder = folder
        self.delay = delay
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.count += 1
        name = "%020d-%06d" % (time.time_ns(), self.count)
        tmp = os.path.join(self.folder, name + ".tmp")
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=policy.default)
        lines = ["From: %s" % msg["From"], "To: %s" % msg["To"], "Subject: %s" % msg["Subject"], ""]
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                lines.append("== %s" % part.get_content_type())
                lines.append(part.get_content())
        text = "\n".join(lines) + "\n----- raw -----\n" + raw.decode("utf-8", "replace")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.rename(tmp, os.path.join(self.folder, name + ".eml"))
        return "250 Message accepted for delivery"


def main():
    folder = sys.argv[1]
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    sink = Sink(folder, delay)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(sink, enable_SMTPUTF8=True), "127.0.0.1", 0)
    )
    print("ready %d" % server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


main()

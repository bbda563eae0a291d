"""Drives headless Chromium over the DevTools protocol (a websocket written by hand: Python's
standard library has none) through the review page as a reviewer does: opens it with the
reviewer's password, checks that the DOM shows the session and its photo, types a reason and
presses Reject, and after the page reloads checks that the session is gone and the other one
remains. Saves a screenshot before and after.

usage: browser.py CHROMIUM URL USER PASSWORD REJECT_SESSION KEEP_SESSION OUT_DIR
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class DevTools:
    """One page's DevTools websocket: send a command, wait for its answer, collect events."""

    def __init__(self, ws_url):
        host_port, path = ws_url[len("ws://"):].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.next_id = 0
        self.events = []

    def _exact(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("the browser closed the DevTools socket")
            data += chunk
        return data

    def _send(self, text):
        payload = text.encode()
        header = bytes([0x81])  # FIN, text
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)  # a client masks every frame
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _receive(self):
        message = b""
        while True:
            first, second = self._exact(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._exact(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(length)
            if first & 0x0F in (0x0, 0x1, 0x2):
                message += payload
                if first & 0x80:
                    return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event, seconds=20):
        deadline = time.time() + seconds
        while time.time() < deadline:
            for index, message in enumerate(self.events):
                if message.get("method") == event:
                    del self.events[: index + 1]
                    return message
            self.events.append(self._receive())
        raise TimeoutError(event)

    def evaluate(self, expression):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")


def check(condition, what):
    print(("ok: " if condition else "FAILED: ") + what)
    if not condition:
        sys.exit(1)


def main():
    chromium, url, user, password, reject, keep, out = sys.argv[1:8]
    profile = tempfile.mkdtemp(prefix="review-chromium-")
    browser = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1200,1400",
                                "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
                break
            time.sleep(0.1)
        port = open(port_file).read().split("\n")[0]
        pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = DevTools([p for p in pages if p["type"] == "page"][0]["webSocketDebuggerUrl"])
        page.call("Page.enable")
        page.call("Network.enable")
        credentials = base64.b64encode(f"{user}:{password}".encode()).decode()
        page.call("Network.setExtraHTTPHeaders", headers={"Authorization": "Basic " + credentials})
        page.call("Emulation.setDeviceMetricsOverride", width=1200, height=1400, deviceScaleFactor=1, mobile=False)

        page.call("Page.navigate", url=url)
        page.wait_for("Page.loadEventFired")
        check(page.evaluate(f"!!document.getElementById('session-{reject}')"), "the page lists the session to reject")
        check(page.evaluate(f"!!document.getElementById('session-{keep}')"), "the page lists the other session")
        check(page.evaluate(f"document.querySelector('#session-{reject} img').naturalWidth") == 480,
              "its photo loaded (480 px wide) through the reviewer's sign-in")
        check("match" in page.evaluate(f"document.querySelector('#session-{reject} .identity').textContent"),
              "the identity check is shown")
        check("背景均匀" in page.evaluate(f"document.querySelector('#session-{reject} .clauses').textContent"),
              "the warning clause of the check report is shown")
        shot = page.call("Page.captureScreenshot", format="png")
        open(os.path.join(out, "review-before.png"), "wb").write(base64.b64decode(shot["data"]))

        page.evaluate(f"document.getElementById('reason-{reject}').value = '头发遮住眉毛 hair covers the eyebrows'")
        page.evaluate(f"document.querySelector('#session-{reject} form.reject button').click()")
        page.wait_for("Page.loadEventFired")
        check(page.evaluate("location.pathname") == "/review", "after the decision the browser is back on the list")
        check(not page.evaluate(f"!!document.getElementById('session-{reject}')"), "the rejected session is gone from the list")
        check(page.evaluate(f"!!document.getElementById('session-{keep}')"), "the other session is still listed")
        shot = page.call("Page.captureScreenshot", format="png")
        open(os.path.join(out, "review-after.png"), "wb").write(base64.b64decode(shot["data"]))
    finally:
        browser.terminate()
        browser.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()

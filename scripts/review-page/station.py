"""Uploads one session to a kiosk-server as a station does: the photo, then its record, each
request signed as docs/sync-api.md says (written here from the document, not from the Swift
code, so the browser test's data does not pass through the code under test).

usage: station.py SERVER_URL STATION_ID SECRET_FILE STUDENT_NUMBER PHOTO.jpg  -> prints the session id
       station.py --roster SERVER_URL STATION_ID SECRET_FILE STUDENT_NUMBER -> prints the student's roster row (JSON)
"""
import hashlib
import hmac
import json
import sys
import time
import urllib.request
import uuid


def signed(server, station, secret, method, path, body=b""):
    now = str(int(time.time()))
    body_hash = hashlib.sha256(body).hexdigest()
    canonical = "\n".join([method, path, station, now, body_hash]).encode()
    mac = hmac.new(bytes.fromhex(secret), canonical, hashlib.sha256).hexdigest()
    request = urllib.request.Request(server + path, data=body if body else None, method=method, headers={
        "X-Kiosk-Station": station, "X-Kiosk-Time": now, "X-Kiosk-Content-SHA256": body_hash,
        "Authorization": "Kiosk-HMAC-SHA256 " + mac})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, answer.read()


def upload(server, station, secret, student, photo_path):
    photo = open(photo_path, "rb").read()
    sha = hashlib.sha256(photo).hexdigest()
    status, _ = signed(server, station, secret, "PUT", "/v1/photos/" + sha, photo)
    assert status in (200, 201), status
    session = str(uuid.uuid4())
    report = {"spec": "diploma", "verdict": "warn", "results": [
        {"id": "backdrop-uniformity", "clause": "背景均匀 even backdrop", "value": 7.5, "unit": "ΔE", "limit": "≤ 6",
         "verdict": "warn", "hint": {"chinese": "请整理背景布", "english": "smooth the backdrop"}},
        {"id": "eyes-open", "clause": "双眼睁开 eyes open", "value": 0.31, "unit": "", "limit": "≥ 0.2", "verdict": "pass"}]}
    record = {"id": session.upper(), "receiptCode": "R-" + student[-4:], "studentNumber": student, "batch": "2025",
              "collectionCode": "CC-" + student, "startedAt": "2025-10-09T08:30:00Z", "acceptedAt": "2025-10-09T08:31:30Z",
              "photos": [{"kind": "spec", "sha256": sha, "size": len(photo)}], "checkReport": json.dumps(report, ensure_ascii=False),
              "fee": {"yuan": 20, "basis": "in-window", "method": "cash", "paidAt": "2025-10-09T08:32:00Z", "confirmedBy": "op1"},
              "identityCheck": {"verdict": "match", "distance": 0.387, "threshold": 0.6}}
    status, _ = signed(server, station, secret, "PUT", "/v1/records/" + session, json.dumps(record).encode())
    assert status in (200, 201), status
    print(session)


def roster(server, station, secret, student):
    _, body = signed(server, station, secret, "GET", "/v1/roster?cursor=0&limit=1000")
    print(json.dumps([row for row in json.loads(body)["items"] if row["studentNumber"] == student][0], ensure_ascii=False))


if __name__ == "__main__":
    args = sys.argv[1:]

    def secret_of(path):
        """The secret from `station add --secret-file`: a credentials file (STATION_SECRET=…) or the bare hex."""
        text = open(path).read()
        lines = [line.split("=", 1)[1] for line in text.splitlines() if line.startswith("STATION_SECRET=")]
        return (lines[0] if lines else text).strip()

    if args[0] == "--roster":
        roster(args[1], args[2], secret_of(args[3]), args[4])
    else:
        upload(args[0], args[1], secret_of(args[2]), args[3], args[4])

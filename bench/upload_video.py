#!/usr/bin/env python3
"""Uploads a video for the byte-range scenario, through the public API.

As an administrator: an organisation, a public course with a run, and a
file of SIZE bytes (an MP4 header, then pseudo-random bytes) sent as a
resumable upload in 8 MiB chunks; then a learner, enrolled in the run, who
is the one reading the video (so each request goes through the policy with
the learner's roles, as in a real course). The same bytes are written to
OUT for nginx to serve.

Prints one JSON line: {"content": path, "learner_cookie": ..., "sha256": ...,
"upload_seconds": ...}.

Usage: bench/upload_video.py PORT ADMIN_EMAIL ADMIN_PASSWORD SIZE OUT
"""
import hashlib
import http.client
import json
import random
import sys
import time

CHUNK = 8 << 20


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookie = ""
        self.csrf = ""

    def call(self, method, path, body=None, expect=(200, 201, 204), raw=None, headers=None):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        if method != "GET":
            h["X-CSRF-Token"] = self.csrf
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=h)
        res = self.conn.getresponse()
        text = res.read().decode()
        if res.status not in expect:
            sys.exit(f"upload_video: {method} {path} answered {res.status}: {text[:300]}")
        for name, value in res.getheaders():
            if name.lower() == "set-cookie" and "session" in value.split("=", 1)[0].lower():
                self.cookie = value.split(";", 1)[0]
        return json.loads(text) if text else None

    def login(self, email, password):
        self.csrf = self.call("POST", "/api/v1/auth/login", {"email": email, "password": password})["csrf_token"]


def video_bytes(size):
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2\x00\x00\x00\x10mdat"
    rng = random.Random(11)
    return head + rng.randbytes(size - len(head))


def main():
    port, email, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    size, out = int(sys.argv[4]), sys.argv[5]
    data = video_bytes(size)
    with open(out, "wb") as f:
        f.write(data)

    admin = Client(port)
    admin.login(email, password)
    org = admin.call("POST", "/api/v1/orgs", {"slug": "bench-video", "name": "Bench Video", "kind": "school"})
    course = admin.call("POST", f"/api/v1/orgs/{org['id']}/courses",
                        {"form": "mooc", "slug": "video-course", "title": "Video course", "summary": "Range benchmark"})
    run = admin.call("POST", f"/api/v1/courses/{course['id']}/runs", {"title": "Open run"})

    started = time.monotonic()
    upload = admin.call("POST", f"/api/v1/courses/{course['id']}/uploads", {"name": "lecture.mp4", "size": size})
    path = f"/api/v1/courses/{course['id']}/uploads/{upload['id']}"
    done = None
    for at in range(0, size, CHUNK):
        piece = data[at:at + CHUNK]
        done = admin.call("PUT", path, raw=piece, headers={
            "Content-Type": "application/octet-stream",
            "Content-Range": f"bytes {at}-{at + len(piece) - 1}/{size}",
        })
    seconds = time.monotonic() - started
    if done.get("sha256") != hashlib.sha256(data).hexdigest():
        sys.exit(f"upload_video: the recorded file is not the uploaded one: {done}")

    learner_email = "bench.viewer@bench.example"
    learner_password = "Bench-viewer-password-" + str(random.Random(5).randrange(10**9))
    admin.call("POST", "/api/v1/admin/users",
               {"email": learner_email, "display_name": "Bench Viewer", "password": learner_password})
    learner = Client(port)
    learner.login(learner_email, learner_password)
    learner.call("POST", f"/api/v1/runs/{run['id']}/enrolment", {})

    print(json.dumps({
        "content": done["content_url"],
        "learner_cookie": learner.cookie,
        "sha256": done["sha256"],
        "upload_seconds": round(seconds, 2),
    }))


if __name__ == "__main__":
    main()

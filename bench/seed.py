#!/usr/bin/env python3
"""Seeds a running Trivium server for the catalog and outline scenarios.

Everything goes through the public API, as an administrator would do it:
an organisation, COURSES courses in the four forms (two in three public,
with words drawn from a small vocabulary so that a one-word search matches a
realistic share of them), and one course with MODULES modules of UNITS units
(one text block each), published, with a run in which a learner is enrolled.

Prints one JSON line: {"search": path, "outline": path, "lesson": path, "learner_cookie": ...}.

Usage: bench/seed.py PORT ADMIN_EMAIL ADMIN_PASSWORD COURSES MODULES UNITS
"""
import http.client
import json
import random
import sys
import time

WORDS = ("data energy safety leadership python statistics climate design ethics finance "
         "marketing health history writing security cloud networks biology chemistry law").split()


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.csrf = ""

    def call(self, method, path, body=None, expect=(200, 201, 204)):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        res = self.conn.getresponse()
        text = res.read().decode()
        if res.status not in expect:
            sys.exit(f"seed: {method} {path} answered {res.status}: {text[:300]}")
        for name, value in res.getheaders():
            if name.lower() == "set-cookie" and "session" in value.split("=", 1)[0].lower():
                self.cookie = value.split(";", 1)[0]
        return json.loads(text) if text else None

    def login(self, email, password):
        out = self.call("POST", "/api/v1/auth/login", {"email": email, "password": password})
        self.csrf = out["csrf_token"]


def main():
    port, email, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    courses, modules, units = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    rng = random.Random(7)
    admin = Client(port)
    admin.login(email, password)
    org = admin.call("POST", "/api/v1/orgs", {"slug": "bench-catalog", "name": "Bench University", "kind": "school"})

    started = time.monotonic()
    forms = ["mooc", "mooc", "cooc_external", "cooc_internal", "spoc", "mooc"]
    for i in range(courses):
        topic = rng.sample(WORDS, 3)
        admin.call("POST", f"/api/v1/orgs/{org['id']}/courses", {
            "form": forms[i % len(forms)],
            "slug": f"course-{i}",
            "title": f"{topic[0].capitalize()} and {topic[1]} {i}",
            "summary": f"An introduction to {topic[0]}, {topic[1]} and {topic[2]} for working people.",
            "description": f"# {topic[0].capitalize()}\n\nWeekly lessons on {topic[1]} with exercises on {topic[2]}.",
            "skills": topic,
            "language": rng.choice(["en", "en", "fr", "de"]),
        })
    seeded = time.monotonic() - started

    course = admin.call("POST", f"/api/v1/orgs/{org['id']}/courses", {
        "form": "mooc", "slug": "outline-course", "title": "A long course", "summary": "Outline benchmark"})
    base = f"/api/v1/courses/{course['id']}"
    # The lesson a learner opens: a page of Markdown such as a course has
    # (headings, paragraphs, a list, a table, code, math), about 4 KB.
    lesson_md = "\n\n".join(
        [f"## Part {i + 1}\n\nThe *sample mean* estimates the population mean; with $n$ draws its standard "
         f"error is $\\sigma/\\sqrt{{n}}$. See [the notes](https://example.org/notes/{i}) and compare:\n\n"
         f"- unbiased estimators\n- **consistency**\n- `numpy.mean(x)`\n\n| n | error |\n|---|---|\n| 10 | 0.32 |\n"
         f"| 100 | 0.10 |" for i in range(8)])
    lesson_block = None
    for m in range(modules):
        module = admin.call("POST", f"{base}/modules", {"title": f"Week {m + 1}"})
        for u in range(units):
            unit = admin.call("POST", f"{base}/modules/{module['id']}/units", {"title": f"Lesson {m + 1}.{u + 1}"})
            text = lesson_md if (m, u) == (0, 0) else f"Lesson {m + 1}.{u + 1}"
            block = admin.call("POST", f"{base}/units/{unit['id']}/blocks",
                               {"type": "text", "title": "Reading", "settings": {"markdown": text}})
            lesson_block = lesson_block or block["id"]
    admin.call("POST", f"{base}/publish", {})
    run = admin.call("POST", f"{base}/runs", {"title": "Open run"})

    learner_email = "bench.learner@bench.example"
    learner_password = "Bench-learner-password-" + str(rng.randrange(10**9))
    admin.call("POST", "/api/v1/admin/users",
               {"email": learner_email, "display_name": "Bench Learner", "password": learner_password})
    learner = Client(port)
    learner.login(learner_email, learner_password)
    learner.call("POST", f"/api/v1/runs/{run['id']}/enrolment", {})

    print(json.dumps({
        "search": "/api/v1/courses?q=data",
        "outline": f"/api/v1/runs/{run['id']}/outline",
        "lesson": f"/api/v1/runs/{run['id']}/blocks/{lesson_block}",
        "learner_cookie": learner.cookie,
        "courses_per_second": round(courses / seeded) if seeded > 0 else 0,
    }))


if __name__ == "__main__":
    main()

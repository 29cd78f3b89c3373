#!/usr/bin/env python3
"""Brings api/openapi.json in line with the router.

Runs `trivium routes` and, for every route, keeps the hand-written operation
if there is one (updating its x-trivium-action), or adds a skeleton with the
path parameters, a JSON request body where the route takes one, and the
problem responses every route can give. Operations no longer routed are
removed. Review the diff and fill in schemas where the skeleton is thin.

Usage: scripts/openapi-sync.py [path/to/trivium]
"""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "api", "openapi.json")


def routes(binary):
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, TRIVIUM_DATA_DIR=d, TRIVIUM_TEST_HOOKS="1", TRIVIUM_LOG_LEVEL="warn")
        out = subprocess.run([binary, "routes"], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def skeleton(route):
    op = {
        "summary": route["summary"] or route["action"],
        "operationId": re.sub(r"[^A-Za-z0-9]+", "_", route["method"].lower() + route["path"]).strip("_"),
        "x-trivium-action": route["action"],
        "responses": {
            "default": {"description": "A problem (RFC 9457)",
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        },
    }
    ok = "204" if route["method"] in ("DELETE",) else ("201" if route["method"] == "POST" else "200")
    op["responses"][ok] = {"description": "Success"}
    if ok != "204":
        op["responses"][ok]["content"] = {"application/json": {"schema": {"type": "object"}}}
    params = re.findall(r"\{(\w+)\}", route["path"])
    if params:
        op["parameters"] = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params]
    if route["body"]:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
    return op


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "debug", "trivium")
    with open(DOC) as f:
        doc = json.load(f)
    paths = doc.setdefault("paths", {})
    wanted = set()
    for r in routes(binary):
        if r["path"] == "/*":
            continue  # the web app's fallback (src/webapp): its pages are not API
        m = r["method"].lower()
        wanted.add((r["path"], m))
        item = paths.setdefault(r["path"], {})
        if m in item:
            item[m]["x-trivium-action"] = r["action"]
        else:
            item[m] = skeleton(r)
    for path in list(paths):
        for m in list(paths[path]):
            if m != "parameters" and (path, m) not in wanted:
                del paths[path][m]
        if not [k for k in paths[path] if k != "parameters"]:
            del paths[path]
    doc["paths"] = dict(sorted(paths.items()))
    with open(DOC, "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Fails when a module includes what it has not declared.

A module (src/<m>/) may include core/*, its own files, and the public header
(<dep>/<dep>.h, or <dep>/model.h) of each module it declares in
CMakeLists.txt (`trivium_module(<m> DEPS trivium_<dep> ...)`); its tests may
also use a declared module's test support (<dep>/testing.h). core includes
only core. Prints every violation; exit status 1 if there is any.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def declared_deps():
    text = open(os.path.join(ROOT, "CMakeLists.txt")).read()
    deps = {}
    for m, rest in re.findall(r"trivium_module\((\w+)([^)]*)\)", text):
        if m == "name":
            continue
        deps[m] = set(re.findall(r"trivium_(\w+)", rest.split("LIBS")[0]))
    return deps


def main():
    deps = declared_deps()
    bad = []
    for module in sorted(os.listdir(os.path.join(ROOT, "src"))):
        folder = os.path.join(ROOT, "src", module)
        if not os.path.isdir(folder) or module == "app":
            continue
        allowed = deps.get(module, set())
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".h", ".cpp")):
                continue
            for n, line in enumerate(open(os.path.join(folder, name)), 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                inc = m.group(1)
                owner = inc.split("/")[0] if "/" in inc else module
                if owner in ("core", module):
                    continue
                if module == "core" or owner not in allowed:
                    bad.append(f"src/{module}/{name}:{n}: includes {inc} but {module} does not declare {owner}")
                elif inc not in (f"{owner}/{owner}.h", f"{owner}/model.h") and not (
                        name.endswith("_test.cpp") and inc == f"{owner}/testing.h"):
                    bad.append(f"src/{module}/{name}:{n}: includes {inc}, which is private to {owner}")
    for b in bad:
        print(b)
    print(f"module boundaries: {len(bad)} violation(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

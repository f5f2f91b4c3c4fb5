"""The OpenAPI document and kysod's route table agree: every route is documented with its
method and access rule, every documented operation is routed, the served document is the
file in the repository, and every $ref resolves."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import KYSOD, Client, Kysod  # noqa: E402

SRC = os.environ.get("KYSO_SOURCE") or os.path.join(os.path.dirname(__file__), "../..")
fails = 0
checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", what)


doc = json.load(open(os.path.join(SRC, "src/server/openapi.json")))
routes = json.loads(subprocess.run([KYSOD, "--routes"], check=True, capture_output=True,
                                   text=True).stdout)
routed = {(r["method"].lower(), r["path"]): r["access"] for r in routes}
documented = {}
for path, ops in doc["paths"].items():
    for method, op in ops.items():
        documented[(method, path)] = op.get("x-kyso-access")
        check(op.get("operationId"), f"{method} {path} has an operationId")
        check("responses" in op and op["responses"], f"{method} {path} has responses")
        for code, r in op["responses"].items():
            if code.startswith("4") or code.startswith("5"):
                ref = r.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
                check(ref == "#/components/schemas/Error", f"{method} {path} {code} is the Error object")
for key, access in routed.items():
    check(key in documented, f"route {key} is documented")
    check(documented.get(key) == access, f"route {key}: access {access} vs documented {documented.get(key)}")
for key in documented:
    check(key in routed, f"documented {key} is routed")
levels = set(doc["x-kyso-access-levels"])
check(set(routed.values()) <= levels, "every access level is described")


def refs(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == "$ref":
                yield v
            else:
                yield from refs(v)
    elif isinstance(o, list):
        for v in o:
            yield from refs(v)


for ref in refs(doc):
    node = doc
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    check(node is not None, "ref resolves: " + ref)

work = tempfile.mkdtemp(prefix="kysod-openapi-")
k = Kysod("sqlite:" + work + "/k.db", work)
try:
    st, served, r = Client(k.port).req("GET", "/api/v1/openapi.json")
    check(st == 200 and served == doc, "the served document is src/server/openapi.json")
finally:
    k.stop()
print(f"{checks - fails} passed, {fails} failed ({len(routed)} routes)")
sys.exit(1 if fails else 0)

"""A stub of the Lambda APIs moto 5.2.5 lacks, served beside moto on the same port (test
code only): the web functions API (`lambda-web`, 2025-03-07: ListWebFunctions,
ListWebFunctionEndpoints, GetWebFunctionRevision, GetResourcePolicy) and Lambda's
GetResourcePolicy (2026-07-09) for full JSON resource policies.

It answers the REST-JSON shapes the AWS SDKs expect, pages listings two items at a time,
and reads moto's own state for functions whose policy was written with AddPermission.
Tests load its data with `POST /stub-api/web-functions` and `POST /stub-api/resource-policies`
(JSON bodies, see seed.py). `LAMBDASCOPE_STUB_WEB=off` turns it off: the paths then answer a
bare 404, as moto alone does.
"""
import io
import json
import os
import urllib.parse

PAGE = 2
WEB = {}  # name -> {"arn", "endpoints": [...], "revisions": {id: {...}}, "policy": str|None}
POLICIES = {}  # Lambda function/version/alias ARN -> full JSON policy text
STAMP = "2026-11-20T10:00:00Z"


# Accounts whose roles trust no one: sts:AssumeRole into them is denied, as AWS denies a
# role whose trust policy does not name the caller (moto itself does not check trust).
UNTRUSTING = ("999999999999",)


def refuse_sts(environ):
    """An AccessDenied answer for AssumeRole into an untrusting account, else None. The
    request body is read and put back for moto."""
    if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO", "") not in ("", "/"):
        return None
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    text = urllib.parse.unquote(body.decode("utf-8", "replace"))
    if "Action=AssumeRole" not in text or not any(f"::{a}:" in text for a in UNTRUSTING):
        return None
    xml = ("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized "
           "to perform: sts:AssumeRole</Message></Error><RequestId>1</RequestId></ErrorResponse>").encode()

    def reply(start_response):
        start_response("403 Forbidden", [("Content-Type", "text/xml"), ("Content-Length", str(len(xml)))])
        return [xml]
    return reply


def enabled():
    return os.environ.get("LAMBDASCOPE_STUB_WEB", "on") != "off"


def handles(path):
    return path.startswith(("/2025-03-07/", "/2026-07-09/resource-policy/", "/stub-api/"))


def _reply(start_response, status, body, error=None):
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    if error:
        headers.append(("x-amzn-ErrorType", error))
    start_response(status, headers)
    return [body.encode()]


def _json(start_response, value):
    return _reply(start_response, "200 OK", json.dumps(value))


def _not_found(start_response, message):
    return _reply(start_response, "404 Not Found", json.dumps({"message": message}), "ResourceNotFoundException")


def _page(items, body, key):
    start = int(body.get("nextToken") or 0)
    out = {key: items[start:start + PAGE]}
    if start + PAGE < len(items):
        out["nextToken"] = str(start + PAGE)
    return out


def _moto_policy(arn):
    """The AddPermission policy moto holds for a function ARN (qualified or not), if any."""
    from moto.awslambda.models import lambda_backends

    parts = arn.split(":")
    if len(parts) < 7:
        return None
    account, region, name = parts[4], parts[3], parts[6]
    qualifier = parts[7] if len(parts) > 7 else None
    try:
        policy = json.loads(lambda_backends[account][region].get_policy(name, qualifier))["Policy"]
    except Exception:  # noqa: BLE001  (no function, or no policy: both "not found")
        return None
    return policy if json.loads(policy).get("Statement") else None


def _caller_place(environ):
    """(account, region) of a signed request: the region from its SigV4 scope, the account
    as moto maps the access key (assumed-role keys act in their own account)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    try:
        key, _date, region = auth.split("Credential=")[1].split("/")[:3]
    except (IndexError, ValueError):
        return None, None
    from moto.iam.models import get_account_id_from

    return get_account_id_from(key), region


def _here(arn, place):
    account, region = place
    parts = arn.split(":")
    return account is None or (parts[3] == region and parts[4] == account)


def call(environ, start_response):
    path = environ.get("PATH_INFO", "")
    place = _caller_place(environ)
    if not enabled() and not path.startswith("/stub-api/"):
        start_response("404 NOT FOUND", [("Content-Type", "text/html")])
        return [b"<html><title>404 Not Found</title></html>"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    body = json.loads(raw or b"{}")
    method = environ.get("REQUEST_METHOD")
    if path == "/stub-api/web-functions" and method == "POST":
        for w in body:
            WEB[w["name"]] = w
        return _json(start_response, {"loaded": len(body)})
    if path == "/stub-api/resource-policies" and method == "POST":
        POLICIES.update(body)
        return _json(start_response, {"loaded": len(body)})
    if path.startswith("/2026-07-09/resource-policy/"):
        arn = urllib.parse.unquote(path[len("/2026-07-09/resource-policy/"):])
        policy = POLICIES.get(arn) or _moto_policy(arn)
        if policy is None:
            return _not_found(start_response, "The resource you requested does not exist.")
        return _json(start_response, {"Policy": policy, "RevisionId": "stub-1"})
    if path == "/2025-03-07/web-functions" and method == "POST":
        items = [{"functionName": n, "functionArn": w["arn"], "state": "Active", "stateReason": "",
                  "createdAt": STAMP, "updatedAt": STAMP} for n, w in sorted(WEB.items()) if _here(w["arn"], place)]
        return _json(start_response, _page(items, body, "functions"))
    if path.startswith("/2025-03-07/resource-policy/"):
        arn = urllib.parse.unquote(path[len("/2025-03-07/resource-policy/"):])
        w = next((w for w in WEB.values() if w["arn"] == arn), None)
        if w is None or not w.get("policy"):
            return _not_found(start_response, "No policy is attached to the resource.")
        return _json(start_response, {"Policy": w["policy"], "RevisionId": "stub-1"})
    parts = path.split("/")  # ['', '2025-03-07', 'web-functions', NAME, ...]
    if len(parts) >= 5 and parts[2] == "web-functions":
        w = WEB.get(urllib.parse.unquote(parts[3]))
        if w is None or not _here(w["arn"], place):
            return _not_found(start_response, f"Web function not found: {parts[3]}")
        if parts[4] == "list-endpoints" and method == "POST":
            items = [{"endpointArn": f"{w['arn']}/endpoint/{e['name']}", "endpointName": e["name"],
                      "endpointType": "HomeRegion", "domainName": f"{e['name']}.web.example",
                      "authType": e["authType"], "autoDeploymentMode": "Disabled",
                      "revisionWeights": [{"revisionId": r, "weight": n} for r, n in e["weights"].items()],
                      "regions": ["us-east-1"], "state": "Active", "stateReason": "",
                      "createdAt": STAMP, "updatedAt": STAMP} for e in w["endpoints"]]
            return _json(start_response, _page(items, body, "endpoints"))
        if parts[4] == "revisions" and len(parts) == 6 and method == "GET":
            r = w["revisions"].get(parts[5])
            if r is None:
                return _not_found(start_response, f"Revision not found: {parts[5]}")
            return _json(start_response, {
                "functionArn": w["arn"], "revisionArn": f"{w['arn']}/revision/{parts[5]}", "revisionId": parts[5],
                "state": "Active", "stateReason": "", "createdAt": STAMP,
                "serviceConfig": {"executionRoleArn": r["role"], "timeoutSeconds": 30,
                                  "maxConcurrencyPerEnvironment": 10,
                                  "environmentVariables": r.get("env", {})}})
    return _reply(start_response, "400 Bad Request", json.dumps({"message": f"stub: no answer for {method} {path}"}),
                  "ValidationException")

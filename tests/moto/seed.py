"""Seeds a moto server with a test account and prints a manifest of what it created.

Test code only: all writes happen here, never in lambdascope. Usage:
    python seed.py ENDPOINT [--with-users] [--enforce] [--bulk N] [--other-account] [--org] [--guardrails]
--with-users also creates an auditor (AWSLambda_ReadOnlyAccess) and a user with no
permissions, with access keys; --enforce then turns on moto's IAM enforcement; --bulk N
adds N more functions with a mix of versions, aliases, per-scope policies and URLs.
"""
import io
import json
import sys
import urllib.request
import zipfile

import boto3

ACCOUNT = "123456789012"
REGION = "us-east-1"
SECRET = "sk_live_do-not-leak-7f3a9c"


def clients(endpoint):
    kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test")
    return boto3.client("iam", **kw), boto3.client("lambda", **kw), boto3.client("sqs", **kw)


def code():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


TRUST = doc({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def seed_iam(iam, m):
    data = iam.create_policy(PolicyName="data-access", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}))["Policy"]["Arn"]
    for v in ("dynamodb:Query", "dynamodb:*"):
        iam.create_policy_version(PolicyArn=data, SetAsDefault=True, PolicyDocument=doc(
            {"Effect": "Allow", "Action": v, "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/app"}))
    boundary = iam.create_policy(PolicyName="boundary", PolicyDocument=doc(
        {"Effect": "Allow", "Action": ["s3:*", "logs:*", "sqs:*"], "Resource": "*"}))["Policy"]["Arn"]
    roles = {}
    for name in ("exec-a", "exec-b", "exec-gone"):
        kw = {"PermissionsBoundary": boundary} if name == "exec-b" else {}
        roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, **kw)["Role"]["Arn"]
    iam.put_role_policy(RoleName="exec-a", PolicyName="reports", PolicyDocument=doc(
        {"Sid": "Reports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::reports/*"}))
    iam.attach_role_policy(RoleName="exec-a", PolicyArn=BASIC)
    iam.attach_role_policy(RoleName="exec-a", PolicyArn=data)
    iam.put_role_policy(RoleName="exec-b", PolicyName="queues", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}, {"Effect": "Deny", "Action": "sqs:DeleteQueue", "Resource": "*"}))
    m["roles"] = {
        roles["exec-a"]: {"inline": ["reports"], "attached": sorted([BASIC, data]), "boundary": None},
        roles["exec-b"]: {"inline": ["queues"], "attached": [], "boundary": boundary},
    }
    m["managed_policies"] = {data: "v3", boundary: "v1", BASIC: None}
    m["deleted_role"] = roles["exec-gone"]
    return roles


def seed_lambda(lam, sqs, roles, m):
    fns = {}

    def create(name, role, env=None):
        f = lam.create_function(FunctionName=name, Runtime="python3.12", Role=roles[role], Handler="index.handler",
                                Code={"ZipFile": code()}, Description=f"{name} function",
                                Environment={"Variables": env or {"LOG_LEVEL": "info"}})
        fns[name] = {"arn": f["FunctionArn"], "role": roles[role], "versions": [], "aliases": {}, "scopes": {}}
        return f["FunctionArn"]

    api = create("api", "exec-a", {"API_KEY": SECRET, "LOG_LEVEL": "debug"})
    lam.publish_version(FunctionName="api")
    # Lambda publishes a new version only when something changed.
    lam.update_function_configuration(FunctionName="api", Description="api function, release 2")
    lam.publish_version(FunctionName="api")
    fns["api"]["versions"] = ["1", "2"]
    lam.create_alias(FunctionName="api", Name="live", FunctionVersion="2")
    fns["api"]["aliases"] = {"live": "2"}
    lam.add_permission(FunctionName="api", StatementId="S3Uploads", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::uploads", SourceAccount=ACCOUNT)
    lam.add_permission(FunctionName="api", Qualifier="live", StatementId="Partner", Action="lambda:InvokeFunction",
                       Principal="111122223333")
    lam.add_permission(FunctionName="api", Qualifier="1", StatementId="Nightly", Action="lambda:InvokeFunction",
                       Principal="events.amazonaws.com", SourceArn=f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly")
    lam.add_permission(FunctionName="api", StatementId="PublicUrl", Action="lambda:InvokeFunctionUrl",
                       Principal="*", FunctionUrlAuthType="NONE")
    lam.create_function_url_config(FunctionName="api", AuthType="NONE")
    fns["api"]["scopes"] = {"": ["PublicUrl", "S3Uploads"], "1": ["Nightly"], "live": ["Partner"]}
    fns["api"]["url"] = {"qualifier": None, "auth_type": "NONE"}

    create("worker", "exec-b")
    lam.publish_version(FunctionName="worker")
    fns["worker"]["versions"] = ["1"]
    mappings = []
    for queue, target, enabled, batch in (("jobs", "worker:1", True, 5), ("retries", "worker", False, 10)):
        url = sqs.create_queue(QueueName=queue)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        fn_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{target}"
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=fn_arn, BatchSize=batch, Enabled=enabled)
        mappings.append({"source": arn, "function": fn_arn, "enabled": enabled, "batch": batch})
    m["mappings"] = mappings

    create("orphan", "exec-gone")
    for i in range(6):
        create(f"shared-{i}", "exec-a")
    m["functions"] = fns


def seed_bulk(lam, roles, m, count):
    """N functions shaped like a real account's: some published, some aliased, some with
    grants on a scope, a few with URLs."""
    fns = m["functions"]
    for i in range(count):
        name = f"bulk-{i:04d}"
        role = "exec-a" if i % 4 else "exec-b"
        f = lam.create_function(FunctionName=name, Runtime="python3.12", Role=roles[role], Handler="index.handler",
                                Code={"ZipFile": code()}, Description=f"bulk function {i}")
        entry = {"arn": f["FunctionArn"], "role": roles[role], "versions": [], "aliases": {}, "scopes": {}}
        if i % 3 == 0:
            lam.publish_version(FunctionName=name)
            entry["versions"] = ["1"]
        if i % 6 == 0:
            lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
            entry["aliases"] = {"live": "1"}
            lam.add_permission(FunctionName=name, Qualifier="live", StatementId="Partner",
                               Action="lambda:InvokeFunction", Principal="111122223333")
            entry["scopes"]["live"] = ["Partner"]
        if i % 2 == 0:
            lam.add_permission(FunctionName=name, StatementId="Events", Action="lambda:InvokeFunction",
                               Principal="events.amazonaws.com",
                               SourceArn=f"arn:aws:events:{REGION}:{ACCOUNT}:rule/r{i}")
            entry["scopes"][""] = ["Events"]
        if i % 7 == 0:
            lam.add_permission(FunctionName=name, StatementId="PublicUrl", Action="lambda:InvokeFunctionUrl",
                               Principal="*", FunctionUrlAuthType="NONE")
            lam.create_function_url_config(FunctionName=name, AuthType="NONE")
            entry["scopes"][""] = sorted(entry["scopes"].get("", []) + ["PublicUrl"])
            entry["url"] = {"qualifier": None, "auth_type": "NONE"}
        fns[name] = entry


def stub(endpoint, path, value):
    """Loads data into the stub of the APIs moto lacks (tests/moto/stub.py)."""
    req = urllib.request.Request(f"{endpoint}/stub-api/{path}", data=json.dumps(value).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


def seed_ways(endpoint, lam, roles, m):
    """Layers with policies (moto), a full JSON resource policy with a Deny and three web
    functions (the stub), enough of each to page through."""
    layers = {}
    for v, principal in ((1, "111122223333"), (2, "*")):
        out = lam.publish_layer_version(LayerName="common", Content={"ZipFile": code()},
                                        CompatibleRuntimes=["python3.12"], Description=f"common v{v}")
        lam.add_layer_version_permission(LayerName="common", VersionNumber=out["Version"], StatementId=f"use-{v}",
                                         Action="lambda:GetLayerVersion", Principal=principal)
        layers[out["LayerVersionArn"]] = principal
    m["layers"] = layers
    arn = lam.create_function(FunctionName="vpc-only", Runtime="python3.12", Role=roles["exec-a"],
                              Handler="index.handler", Code={"ZipFile": code()})["FunctionArn"]
    stub(endpoint, "resource-policies", {arn: doc(
        {"Sid": "AnyCaller", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": arn},
        {"Sid": "DenyOutsideVpc", "Effect": "Deny", "Principal": "*", "Action": "lambda:*", "Resource": arn,
         "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-0a1b2c3d"}}})})
    m["functions"]["vpc-only"] = {"arn": arn, "role": roles["exec-a"], "versions": [], "aliases": {},
                                  "scopes": {"": ["AnyCaller", "DenyOutsideVpc"]}}
    web_arn = lambda name: f"arn:aws:lambda:{REGION}:{ACCOUNT}:web-function/{name}"
    admin = f"{web_arn('shop')}/endpoint/admin"
    web = [
        {"name": "shop", "arn": web_arn("shop"),
         "endpoints": [{"name": "public", "authType": "ApplicationManaged", "weights": {"1": 100}},
                       {"name": "admin", "authType": "IamAuth", "weights": {"1": 50, "2": 50}}],
         "revisions": {"1": {"role": roles["exec-a"], "env": {"SESSION_SECRET": SECRET}}, "2": {"role": roles["exec-b"]}},
         "policy": doc({"Sid": "PartnerAdmin", "Effect": "Allow", "Principal": {"AWS": "111122223333"},
                        "Action": "lambda:InvokeWebFunctionEndpoint", "Resource": admin})},
        {"name": "intranet", "arn": web_arn("intranet"),
         "endpoints": [{"name": "app", "authType": "IamAuth", "weights": {"1": 100}}],
         "revisions": {"1": {"role": roles["exec-a"]}}, "policy": None},
        {"name": "batch-web", "arn": web_arn("batch-web"),
         "endpoints": [{"name": f"e{i}", "authType": "IamAuth", "weights": {"1": 100}} for i in range(1, 4)],
         "revisions": {"1": {"role": roles["exec-b"]}}, "policy": None},
    ]
    stub(endpoint, "web-functions", web)
    m["web_functions"] = {w["name"]: {"endpoints": {e["name"]: e["authType"] for e in w["endpoints"]},
                                      "roles": sorted({r["role"] for r in w["revisions"].values()})} for w in web}


def seed_other_account(endpoint, m, account="111122223333"):
    """A second account (the one the api:live grant names) and a second region: moto acts
    in another account for credentials from sts:AssumeRole into it."""
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test",
                       aws_secret_access_key="test")
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/reader", RoleSessionName="seed")["Credentials"]
    kw = dict(endpoint_url=endpoint, aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
              aws_session_token=c["SessionToken"])
    iam, lam = boto3.client("iam", region_name=REGION, **kw), boto3.client("lambda", region_name=REGION, **kw)
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}))
    roles = {}
    for name, statement in (("caller-yes", {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}),
                            ("caller-no", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})):
        roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=doc(statement))
    lam.create_function(FunctionName="partner-fn", Runtime="python3.12", Role=roles["caller-no"],
                        Handler="index.handler", Code={"ZipFile": code()})
    # The seeded account's second region.
    west = boto3.client("lambda", endpoint_url=endpoint, region_name="eu-west-1", aws_access_key_id="test",
                        aws_secret_access_key="test")
    exec_a = f"arn:aws:iam::{ACCOUNT}:role/exec-a"
    west.create_function(FunctionName="west-fn", Runtime="python3.12", Role=exec_a, Handler="index.handler",
                         Code={"ZipFile": code()})
    m["other"] = {"account": account, "roles": roles, "function": "partner-fn", "west_function": "west-fn"}


def seed_org(endpoint, m):
    """An organisation with one member account besides the seeded (management) one."""
    org = boto3.client("organizations", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test",
                       aws_secret_access_key="test")
    org.create_organization(FeatureSet="ALL")
    status = org.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]
    m["org_member"] = status["AccountId"]


def in_account(endpoint, account, role="OrganizationAccountAccessRole"):
    """Clients acting in another account (moto acts in the account of assumed credentials)."""
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test",
                       aws_secret_access_key="test")
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="seed")["Credentials"]
    kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id=c["AccessKeyId"],
              aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
    return boto3.client("iam", **kw), boto3.client("lambda", **kw)


def seed_guardrails(endpoint, m):
    """A three-account organisation (issue 18): the seeded account manages it; `app` sits in
    OU Workloads, whose SCP denies lambda:InvokeFunction unless the caller is tagged
    team=payments; `lab` sits in OU Sandbox with an allow-list SCP (lambda and s3 only, no
    sts) instead of FullAWSAccess; an RCP at the root denies sts:AssumeRole from outside the
    organisation. Roles, users and same-named groups in both member accounts, a trust-only
    edge, cross-account grants and a chain that the allow-list breaks."""
    org = boto3.client("organizations", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test",
                       aws_secret_access_key="test")
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = org.list_roots()["Roots"][0]["Id"]
    for kind in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
        org.enable_policy_type(RootId=root, PolicyType=kind)
    ous, accounts = {}, {}
    for name in ("Workloads", "Sandbox"):
        ous[name] = org.create_organizational_unit(ParentId=root, Name=name)["OrganizationalUnit"]["Id"]
    for name, ou in (("app", "Workloads"), ("lab", "Sandbox")):
        status = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        accounts[name] = status["AccountId"]
        org.move_account(AccountId=accounts[name], SourceParentId=root, DestinationParentId=ous[ou])

    def policy(name, kind, statements, target):
        pid = org.create_policy(Name=name, Type=kind, Description=name, Content=doc(*statements))["Policy"]
        pid = pid["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=pid, TargetId=target)
        return pid

    teams = policy("TeamsOnly", "SERVICE_CONTROL_POLICY", [
        {"Sid": "TeamsOnly", "Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "payments"}}}], ous["Workloads"])
    policy("LabAllowList", "SERVICE_CONTROL_POLICY", [
        {"Sid": "LambdaAndS3", "Effect": "Allow", "Action": ["lambda:*", "s3:*"], "Resource": "*"}], accounts["lab"])
    full = [p["Id"] for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"] if p["AwsManaged"]][0]
    org.detach_policy(PolicyId=full, TargetId=accounts["lab"])
    rcp = policy("OrgOnlyAssume", "RESOURCE_CONTROL_POLICY", [
        {"Sid": "OrgOnly", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*",
         "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org_id},
                       "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}], root)

    app, lab = accounts["app"], accounts["lab"]
    invoke_all = {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}

    def trust(*arns):
        return doc({"Sid": "Trust", "Effect": "Allow", "Principal": {"AWS": list(arns)}, "Action": "sts:AssumeRole"})

    iam, lam = in_account(endpoint, app)
    iam.create_role(RoleName="app-exec", AssumeRolePolicyDocument=TRUST)
    tags = [{"Key": "team", "Value": "payments"}]
    iam.create_role(RoleName="payer", AssumeRolePolicyDocument=TRUST, Tags=tags)
    iam.put_role_policy(RoleName="payer", PolicyName="p", PolicyDocument=doc(invoke_all))
    iam.create_role(RoleName="stranger", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="stranger", PolicyName="p", PolicyDocument=doc(invoke_all))
    # A trust-only edge: deployer has no sts:AssumeRole allow, admin's trust names it.
    iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=TRUST)
    iam.create_role(RoleName="admin", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{app}:role/deployer"), Tags=tags)
    iam.put_role_policy(RoleName="admin", PolicyName="p", PolicyDocument=doc(invoke_all))
    iam.create_group(GroupName="ops")
    iam.create_user(UserName="dev", Tags=tags)
    iam.add_user_to_group(GroupName="ops", UserName="dev")
    fn = lam.create_function(FunctionName="app-fn", Runtime="python3.12", Role=f"arn:aws:iam::{app}:role/app-exec",
                             Handler="index.handler", Code={"ZipFile": code()})["FunctionArn"]
    lam.add_permission(FunctionName="app-fn", StatementId="LabCaller", Action="lambda:InvokeFunction",
                       Principal=f"arn:aws:iam::{lab}:role/lab-caller")

    iam, lam = in_account(endpoint, lab)
    # Same group name as app's: its policy must not reach app's user dev.
    iam.create_group(GroupName="ops")
    iam.put_group_policy(GroupName="ops", PolicyName="p", PolicyDocument=doc(invoke_all))
    iam.create_role(RoleName="lab-caller", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{lab}:role/lab-hopper"))
    iam.put_role_policy(RoleName="lab-caller", PolicyName="p", PolicyDocument=doc(invoke_all))
    # lab's allow-list has no sts: hopper may not assume lab-caller, whatever its policies say.
    iam.create_role(RoleName="lab-hopper", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="lab-hopper", PolicyName="p", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}))
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test",
                       aws_secret_access_key="test")
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{app}:role/OrganizationAccountAccessRole",
                        RoleSessionName="member")["Credentials"]
    member = {"key": c["AccessKeyId"], "secret": c["SecretAccessKey"], "token": c["SessionToken"]}
    m["guardrails"] = {"member_credentials": member, "org": org_id, "root": root, "ous": ous, "accounts": accounts, "function": fn,
                       "teams_scp": teams, "rcp": rcp, "full_access": full}


def seed_users(iam, m):
    users = {}
    for name, policy in (("auditor", "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess"), ("nobody", None)):
        iam.create_user(UserName=name)
        if policy:
            iam.attach_user_policy(UserName=name, PolicyArn=policy)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        users[name] = {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    m["users"] = users


def main():
    endpoint = sys.argv[1]
    iam, lam, sqs = clients(endpoint)
    m = {"account": ACCOUNT, "region": REGION, "secret": SECRET}
    roles = seed_iam(iam, m)
    seed_lambda(lam, sqs, roles, m)
    if "--bulk" in sys.argv:
        seed_bulk(lam, roles, m, int(sys.argv[sys.argv.index("--bulk") + 1]))
    seed_ways(endpoint, lam, roles, m)
    if "--other-account" in sys.argv:
        seed_other_account(endpoint, m)
    if "--org" in sys.argv:
        seed_org(endpoint, m)
    if "--guardrails" in sys.argv:
        seed_guardrails(endpoint, m)
    iam.delete_role(RoleName="exec-gone")
    if "--with-users" in sys.argv:
        seed_users(iam, m)
    if "--enforce" in sys.argv:
        req = urllib.request.Request(f"{endpoint}/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req).read()
    print(json.dumps(m))


if __name__ == "__main__":
    main()

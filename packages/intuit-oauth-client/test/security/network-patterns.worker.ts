// Worker of network-patterns.test.ts: runs one named case (a reader of network input on a
// pathological 256 KiB input) and reports how long it took. It runs in a worker so the test can
// terminate a case that backtracks for minutes instead of waiting for it. It says `ready` once loaded.
import { parentPort } from "node:worker_threads";
import { parseFault } from "../../src/api/fault.js";
import { parseWebhook } from "../../src/api/webhooks.js";
import { readConsentPage } from "../../../intuit-oauth-client-cli/src/demo.js";
import { redactText } from "../../src/common/redact.js";
import { parseRetryAfter } from "../../src/common/retry.js";
import { basicCredentials } from "../../../intuit-oauth-client-emulator/src/client-auth.js";
import { parseOAuthHeader } from "../../../intuit-oauth-client-emulator/src/oauth1.js";
import { parseQuery, runQuery } from "../../../intuit-oauth-client-emulator/src/qbo-query.js";
import { validateCallback } from "../../src/oauth/callback.js";
import { toNumber } from "../../src/oauth/token-set.js";

const N = 256 * 1024;
const fill = (unit: string, size = N) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const quiet = (fn: () => unknown) => () => {
  try {
    fn();
  } catch {
    // Refusing the input is fine; only the time it takes matters here.
  }
};

/** Each case: a reader that sees network input, on an input made to make a backtracking pattern slow. */
export const CASES: Record<string, () => void> = {
  "parseFault: unclosed <Fault> tags": quiet(() => parseFault(fill("<Fault>"))),
  "parseFault: unclosed <Error> tags in a Fault": quiet(() =>
    parseFault(`<Fault>${fill("<Error>")}</Fault>`),
  ),
  "parseFault: a run of <": quiet(() => parseFault(`<Fault ${fill("<")}>`)),
  "parseFault: a tag name that never ends": quiet(() => parseFault(`<${fill("a")}`)),
  "parseFault: unclosed CDATA in a Message": quiet(() =>
    parseFault(`<Fault><Error><Message>${fill("<![CDATA[")}</Message></Error></Fault>`),
  ),
  "parseFault: unclosed comments": quiet(() => parseFault(fill("<!--<Fault>"))),
  "parseFault: references that never end": quiet(() =>
    parseFault(`<Fault><Error><Message>${fill("&#x")}</Message></Error></Fault>`),
  ),
  "parseFault: attributes that never close": quiet(() => parseFault(`<Fault${fill(' type="')}>`)),
  "parseFault: JSON that never ends": quiet(() => parseFault(`{"Fault":"${fill("eyJ")}`)),
  "redactText: an eyJ run without dots": quiet(() => redactText(fill("eyJ"))),
  "redactText: eyJ runs with one dot each": quiet(() => redactText(fill("eyJabcd."))),
  "redactText: a JSON secret of escapes": quiet(() => redactText(`{"access_token":"${fill("\\a")}`)),
  "redactText: JSON secret keys without values": quiet(() => redactText(fill('"token"    '))),
  "redactText: form keys": quiet(() => redactText(fill(" code="))),
  "redactText: Bearer and spaces": quiet(() => redactText(`Bearer${fill(" ")}!`)),
  "redactText: known secrets": quiet(() => redactText(fill("ab"), ["abab", "aaaa"])),
  "parseRetryAfter: digits then junk": quiet(() => parseRetryAfter(`${fill("1")}x`)),
  "parseRetryAfter: spaces around digits": quiet(() => parseRetryAfter(`${fill(" 1")}x`)),
  "parseWebhook: a CloudEvents type segment": quiet(() =>
    parseWebhook(JSON.stringify([{ specversion: "1.0", id: "1", type: `qbo.${fill("a_")}!.created.v1` }])),
  ),
  "validateCallback: a long realmId": quiet(() =>
    validateCallback(`?state=s&code=c&realmId=${fill("1")}x`, "s"),
  ),
  "toNumber: expires_in of digits and dots": quiet(() => toNumber(`${fill("1")}.`, "expires_in")),
  "toNumber: expires_in of spaces": quiet(() => toNumber(`${fill(" ")}1 x`, "expires_in")),
  "CLI consent page: <form> tags that never close": quiet(() => readConsentPage(fill("<form "))),
  "CLI consent page: option values that never close": quiet(() =>
    readConsentPage(`name="pending" value="p" <form action="a">${fill('<option value="')}`),
  ),
  "emulator OAuth 1.0a header: a parameter name that never ends": quiet(() =>
    parseOAuthHeader(`OAuth ${fill("a")}`),
  ),
  "emulator Basic credentials: junk at the end": quiet(() => basicCredentials(`Basic ${fill("A")}!`)),
  "emulator LIKE: many wildcards on a long value": quiet(() =>
    runQuery(parseQuery(`select * from Customer where DisplayName like '${"%a".repeat(64)}%b'`), [
      { DisplayName: fill("a", 16 * 1024) },
    ]),
  ),
};

parentPort?.postMessage({ ready: true });
parentPort?.on("message", (name: string) => {
  const run = CASES[name];
  const start = performance.now();
  run?.();
  parentPort?.postMessage({ name, ms: performance.now() - start, known: run !== undefined });
});

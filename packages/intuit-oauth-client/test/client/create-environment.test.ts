// Issue 16 item 12: a mistyped environment name gets the same clear message from AuthClient.create
// as from the constructor, not "Discovery URL is not an absolute URL"; nothing is fetched.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AuthClient, ConfigurationError } from "../../src/index.js";

const options = { clientId: "id", clientSecret: "secret", redirectUri: "https://app.example.com/cb" };

for (const environment of ["sandbx", "prodution", "staging"]) {
  test(`create({ environment: "${environment}" }) says it is not sandbox or production`, async () => {
    let fetched = 0;
    const err = await AuthClient.create({
      ...options,
      environment,
      fetch: async () => {
        fetched++;
        return new Response("{}");
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConfigurationError, String(err));
    assert.match(err.message, new RegExp(`environment "${environment}" is not sandbox or production`));
    assert.doesNotMatch(err.message, /absolute URL/);
    assert.equal(fetched, 0);
    assert.throws(() => new AuthClient({ ...options, environment }), { message: err.message });
  });
}

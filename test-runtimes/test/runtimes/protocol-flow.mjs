// The connect flow through `intuit-oauth-client/protocol` (the stateless functions), run INSIDE Node,
// Bun, Deno or workerd with the protocol module the runtime loaded. Plain JavaScript with web
// globals only, like flow.mjs; it reports each step as a plain object and never prints a secret.
import { describeError } from "./flow.mjs";

async function rejection(fn) {
  try {
    await fn();
    return { threw: false };
  } catch (err) {
    return { threw: true, ...describeError(err) };
  }
}

/**
 * Runs every step against the emulator and calls `emit(line)` after each. A step that throws is
 * emitted as `{ step, error }` and stops the flow.
 *
 * @param {Record<string, any>} p  the protocol module's namespace, as the runtime resolved it
 * @param {import("./flow.mjs").FlowConfig} flow
 * @param {(line: Record<string, unknown>) => void} emit
 */
export async function runProtocolFlow(p, flow, emit) {
  let step = "start";
  const report = (result) => emit({ step, ...result });
  try {
    step = "protocol-discovery";
    const endpoints = await p.discoverEndpoints(flow.discoveryUrl, new p.HttpClient());
    const config = p.createOAuthConfig({
      clientId: flow.clientId,
      clientSecret: flow.clientSecret,
      redirectUri: flow.redirectUri,
      environment: endpoints,
    });
    report({ exports: Object.keys(p).length, tokenEndpoint: config.endpoints.tokenEndpoint });

    step = "protocol-callback";
    const request = p.createAuthorizationRequest(config, [p.Scopes.Accounting, p.Scopes.OpenId], {
      nonce: true,
    });
    const consent = await fetch(request.url, { redirect: "manual" });
    await consent.body?.cancel();
    const location = consent.headers.get("location") ?? "";
    const params = p.validateCallback(location, request.state);
    const { token, claims } = await p.exchangeCallback(config, params, { nonce: request.nonce });
    report({
      realmId: token.realmId,
      realmIdVerified: token.realmIdVerified,
      claimsRealm: claims?.realmid,
    });

    step = "protocol-code-reused";
    report({
      again: await rejection(() => p.exchangeCallback(config, params)),
      byCode: await rejection(() => p.exchangeCode(config, params.code)),
    });

    step = "protocol-id-token";
    const verified = await p.verifyClientIdToken(config, token.idToken, { nonce: request.nonce });
    const [h, b, s] = token.idToken.split(".");
    const forged = `${h}.${b}.${s[10] === "A" ? s.slice(0, 10) + "B" : s.slice(0, 10) + "A"}${s.slice(11)}`;
    const tampered = await rejection(() => p.verifyClientIdToken(config, forged));
    report({ realmid: verified.realmid, tampered });

    step = "protocol-userinfo";
    const info = await p.fetchUserInfo(config, token.accessToken, { expectedSubject: verified.sub });
    report({ sameSubject: info.sub === verified.sub });

    step = "protocol-realm";
    await p.proveRealm(config, token.accessToken, token.realmId);
    const otherRealm = await rejection(() => p.proveRealm(config, token.accessToken, "1"));
    report({ proven: true, otherRealm });

    step = "protocol-refresh";
    const refreshed = await p.refreshGrant(config, token.refreshToken, {
      realmId: token.realmId,
      idToken: token.idToken,
    });
    report({
      accessTokenReplaced: refreshed.token.accessToken !== token.accessToken,
      realmId: refreshed.token.realmId,
    });

    step = "protocol-revoke";
    const revoked = await p.revokeToken(config, refreshed.token.refreshToken);
    const afterRevoke = await rejection(() => p.refreshGrant(config, refreshed.token.refreshToken));
    report({ revoked, afterRevoke });

    step = "protocol-done";
    report({});
  } catch (err) {
    emit({ step, error: describeError(err) });
  }
}

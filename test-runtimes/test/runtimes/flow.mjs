// The whole connect flow, run INSIDE Bun, Deno or workerd with the library module the runtime loaded.
// Plain JavaScript with web globals only (no Node API, no imports), so all three run this one file;
// it reports each step as a plain object and never prints a token, code or secret.

/**
 * @typedef {object} FlowConfig
 * @property {string} discoveryUrl  the emulator's discovery document (issuer: Intuit's)
 * @property {string} adminUrl      the emulator's origin, for /__admin (admin: true)
 * @property {string} clientId
 * @property {string} clientSecret
 * @property {string} redirectUri
 * @property {{ body: string, signature: string, verifierToken: string }} webhook  signed by the Node test
 */

/** What a thrown value says about itself: class name, stable code and reason, never a stack. */
export function describeError(err) {
  if (!err || typeof err !== "object") return { name: typeof err, message: String(err) };
  return {
    name: err.constructor?.name ?? "Object",
    code: err.code,
    reason: err.reason,
    statusCode: err.statusCode,
    message: String(err.message ?? "").slice(0, 300),
  };
}

/** `text` with the character at `i` changed, so a signature or token no longer matches. */
function flip(text, i) {
  return `${text.slice(0, i)}${text[i] === "A" ? "B" : "A"}${text.slice(i + 1)}`;
}

async function rejection(promiseOrFn) {
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
    return { threw: false };
  } catch (err) {
    return { threw: true, ...describeError(err) };
  }
}

/**
 * Runs every step against the emulator and calls `emit(step, result)` after each. A step that throws
 * is emitted as `{ step, error }` and stops the flow.
 *
 * @param {Record<string, any>} lib  the library's module namespace, as the runtime resolved it
 * @param {FlowConfig} config
 * @param {(line: Record<string, unknown>) => void} emit
 */
export async function runFlow(lib, config, emit) {
  const { AuthClient, Scopes, TokenManager, MemoryTokenStore, quickbooks } = lib;
  let step = "start";
  const report = (result) => emit({ step, ...result });
  try {
    step = "runtime";
    report({
      hasProcess: typeof globalThis.process !== "undefined",
      hasBuffer: typeof globalThis.Buffer !== "undefined",
      version: lib.VERSION,
      exports: Object.keys(lib).length,
      fileTokenStore: typeof lib.FileTokenStore,
    });

    step = "discovery";
    const authClient = await AuthClient.create({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      redirectUri: config.redirectUri,
      environment: config.discoveryUrl,
    });
    report({
      environment: authClient.environment,
      issuer: authClient.endpoints.issuer,
      tokenEndpoint: authClient.endpoints.tokenEndpoint,
    });

    step = "authorization-url";
    const scopes = [Scopes.Accounting, Scopes.OpenId, Scopes.Email, Scopes.Profile];
    const request = authClient.createAuthorizationRequest(scopes, { nonce: true });
    const url = new URL(request.url);
    report({
      origin: url.origin,
      pathname: url.pathname,
      clientId: url.searchParams.get("client_id"),
      redirectUri: url.searchParams.get("redirect_uri"),
      scope: url.searchParams.get("scope"),
      stateInUrl: url.searchParams.get("state") === request.state,
      stateLength: request.state.length,
      nonceInUrl: url.searchParams.get("nonce") === request.nonce,
    });

    step = "consent";
    const consent = await fetch(request.url, { redirect: "manual" });
    await consent.body?.cancel();
    const location = consent.headers.get("location") ?? "";
    const callback = new URL(location);
    report({
      status: consent.status,
      callbackTarget: `${callback.origin}${callback.pathname}`,
      hasCode: callback.searchParams.has("code"),
      stateEchoed: callback.searchParams.get("state") === request.state,
      realmId: callback.searchParams.get("realmId"),
    });

    step = "callback-wrong-state";
    report(
      await rejection(() =>
        authClient.handleCallback(location, { expectedState: `${request.state}x`, updateClient: false }),
      ),
    );

    step = "callback";
    const token = await authClient.handleCallback(location, {
      expectedState: request.state,
      nonce: request.nonce,
      updateClient: false,
    });
    const realmId = token.realmId;
    report({
      realmId,
      realmIdVerified: token.realmIdVerified,
      tokenType: token.tokenType,
      hasAccessToken: typeof token.accessToken === "string" && token.accessToken.length > 20,
      hasRefreshToken: typeof token.refreshToken === "string" && token.refreshToken.length > 20,
      hasIdToken: typeof token.idToken === "string" && token.idToken.split(".").length === 3,
      expiresIn: token.expiresIn,
      accessTokenExpiresInS: Math.round((token.accessTokenExpiresAt - Date.now()) / 1000),
    });

    step = "callback-replayed";
    report(
      await rejection(() =>
        authClient.handleCallback(location, { expectedState: request.state, updateClient: false }),
      ),
    );

    step = "id-token";
    const claims = await authClient.validateIdToken(token.idToken);
    const [h, p, s] = token.idToken.split(".");
    const tampered = await rejection(() => authClient.validateIdToken(`${h}.${p}.${flip(s, 10)}`));
    report({
      iss: claims.iss,
      aud: claims.aud,
      realmid: claims.realmid,
      sub: claims.sub,
      tampered,
    });

    step = "userinfo";
    const info = await authClient.getUserInfo(token.accessToken);
    report({ sub: info.sub, email: info.email, givenName: info.givenName, familyName: info.familyName });

    step = "api";
    const tokens = new TokenManager({ authClient, store: new MemoryTokenStore() });
    await tokens.save(realmId, token);
    const qb = quickbooks(tokens, realmId);
    const first = await qb.get(`companyinfo/${realmId}`);
    report({ companyName: first.CompanyInfo.CompanyName });

    step = "api-after-401";
    // Intuit revokes access tokens early now and then; the emulator can do it on demand.
    const expire = await fetch(`${config.adminUrl}/__admin/expire-access-tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ realmId }),
    });
    await expire.body?.cancel();
    const before = (await tokens.get(realmId)).token;
    // send() rather than get(): the answer's status and intuit_tid too.
    const second = await qb.send({ path: `companyinfo/${realmId}` });
    const after = (await tokens.get(realmId)).token;
    report({
      expireStatus: expire.status,
      status: second.status,
      companyName: second.body.CompanyInfo.CompanyName,
      intuitTid: typeof second.intuitTid === "string" && second.intuitTid.length > 0,
      accessTokenReplaced: after.accessToken !== before.accessToken,
    });

    step = "refresh";
    const refreshed = await tokens.refresh(realmId);
    report({
      accessTokenReplaced: refreshed.accessToken !== after.accessToken,
      refreshTokenRotated: refreshed.refreshToken !== after.refreshToken,
      realmId: refreshed.realmId,
      stored: (await tokens.get(realmId)).token.accessToken === refreshed.accessToken,
    });

    step = "revoke";
    const revoked = await authClient.revoke(refreshed.refreshToken, { updateClient: false });
    const refreshAfterRevoke = await rejection(() =>
      authClient.refresh(refreshed.refreshToken, { updateClient: false }),
    );
    report({ revoked, refreshAfterRevoke });

    step = "webhook";
    const { body, signature, verifierToken } = config.webhook;
    const events = lib.handleWebhook(body, signature, verifierToken);
    report({
      valid: lib.verifyWebhookSignature(body, signature, verifierToken),
      validBytes: lib.verifyWebhookSignature(new TextEncoder().encode(body), signature, verifierToken),
      tamperedBody: lib.verifyWebhookSignature(`${body} `, signature, verifierToken),
      wrongToken: lib.verifyWebhookSignature(body, signature, `${verifierToken}x`),
      events,
      rejected: await rejection(() => lib.handleWebhook(body, flip(signature, 0), verifierToken)),
    });

    step = "done";
    report({});
  } catch (err) {
    emit({ step, error: describeError(err) });
  }
}

// The example web app: "Connect to QuickBooks", the OAuth callback, and a dashboard that calls the
// QuickBooks API and userinfo. createApp returns an Express app; server.ts decides where it listens.
// Read it top to bottom: connect -> callback -> dashboard -> actions -> error pages.
import express, { type NextFunction, type Request, type Response } from "express";
import {
  AuthClientError,
  AuthorizationResponseError,
  CallbackError,
  RealmMismatchError,
  ReauthorizationRequiredError,
  Scopes,
  TokenNotFoundError,
  UnverifiedRealmError,
  type AuthClient,
  type ScopeLike,
  type TokenManager,
  quickbooks,
} from "../../src/index.js";
import { SignedCookies } from "./cookies.js";
import { dashboardPage, errorPage, homePage } from "./pages.js";

export interface AppOptions {
  authClient: AuthClient;
  /** A TokenManager on a persistent store (server.ts uses a FileTokenStore). */
  tokens: TokenManager;
  /** Signs the cookies: at least 32 random bytes, the same across restarts and instances. */
  cookieSecret: string | Buffer;
  /** Default: accounting, plus OpenID profile and email for the user's name. */
  scopes?: readonly ScopeLike[];
}

/** What the browser keeps between /connect and /callback (signed, ten minutes). */
interface PendingConnect {
  state: string;
  nonce?: string | undefined;
}

const PENDING_COOKIE = "qbo_connect";
const REALM_COOKIE = "qbo_realm";
const TEN_MINUTES = 10 * 60 * 1000;
const THIRTY_DAYS = 30 * 24 * 60 * 60 * 1000;

/** An Express app for one AuthClient and TokenManager. */
export function createApp(options: AppOptions): express.Express {
  const { authClient, tokens } = options;
  const scopes = options.scopes ?? [Scopes.Accounting, Scopes.OpenId, Scopes.Profile, Scopes.Email];
  const cookies = new SignedCookies(options.cookieSecret, {
    secure: new URL(authClient.redirectUri).protocol === "https:",
  });
  // Which company this browser connected. A real app would keep it on its own user account; a
  // signed cookie keeps the example free of a user database.
  const connectedRealm = (req: Request) => cookies.get<string>(req, REALM_COOKIE);

  const app = express();
  app.disable("x-powered-by");

  // CSRF defence for the POST buttons, in two layers:
  // 1. the realm cookie is SameSite=Lax, so a form on another site posts without it and acts on nothing;
  // 2. browsers send `Origin` with every form POST, so we refuse any POST whose Origin is not us.
  // Behind a proxy, set Express's "trust proxy" so req.protocol and req.host are the public ones.
  app.use((req, res, next) => {
    if (req.method !== "POST") return next();
    if (req.get("origin") === `${req.protocol}://${req.get("host")}`) return next();
    res.status(403).type("html").send(errorPage("Request refused", "This form was not sent from this site."));
  });

  // Home: the Connect button, or the dashboard when this browser has connected a company.
  app.get("/", async (req, res) => {
    const realmId = connectedRealm(req);
    if (!realmId) return void res.type("html").send(homePage());
    res.type("html").send(await dashboard(realmId));
  });

  // Step 1: send the user to Intuit. The state (and the OpenID nonce) go in a signed cookie so the
  // callback can check that it answers a request this browser started.
  app.get("/connect", (_req, res) => {
    const request = authClient.createAuthorizationRequest(scopes, { nonce: true });
    const pending: PendingConnect = { state: request.state, nonce: request.nonce };
    cookies.set(res, PENDING_COOKIE, pending, TEN_MINUTES);
    res.redirect(302, request.url);
  });

  // Step 2: Intuit sends the user back with ?code&state&realmId (or ?error=access_denied).
  app.get("/callback", async (req, res) => {
    const pending = cookies.get<PendingConnect>(req, PENDING_COOKIE);
    cookies.clear(res, PENDING_COOKIE); // one use only, whatever happens next
    const token = await authClient.handleCallback(req.originalUrl, {
      // The state this browser's own /connect kept. "" (no cookie) fails as "no_expected_state".
      expectedState: pending?.state ?? "",
      nonce: pending?.nonce,
      // The callback's realmId is only a URL parameter the user can edit. The ID token's realmid
      // proves it (openid scope); without one, a CompanyInfo call with the new token does.
      verifyRealm: true,
      // One AuthClient serves every user, so tokens must not be kept on it.
      updateClient: false,
    });
    const realmId = token.realmId;
    if (!realmId) throw new CallbackError("malformed", "Intuit did not say which company was connected");
    // save() refuses a realm that was not proven, so a tampered callback cannot overwrite a grant.
    await tokens.save(realmId, token); // the TokenManager refreshes and persists from now on
    cookies.set(res, REALM_COOKIE, realmId, THIRTY_DAYS);
    res.redirect(303, "/");
  });

  // The dashboard: CompanyInfo through the API helper, the user's name and email through userinfo.
  // Both ask the TokenManager for the access token, which refreshes it first if it is about to expire.
  async function dashboard(realmId: string, notice?: string): Promise<string> {
    const [companyInfo, user, info] = await Promise.all([
      quickbooks(tokens, realmId).get<{ CompanyInfo: { CompanyName: string } }>(
        `companyinfo/${encodeURIComponent(realmId)}`,
      ),
      userInfo(realmId),
      tokens.get(realmId),
    ]);
    return dashboardPage({
      realmId,
      companyName: companyInfo.CompanyInfo.CompanyName,
      userName: [user.givenName, user.familyName].filter(Boolean).join(" "),
      userEmail: user.email ?? "",
      accessTokenExpiresAt: info?.token.accessTokenExpiresAt ?? 0,
      refreshTokenExpiresAt: info?.token.refreshTokenExpiresAt ?? 0,
      notice,
    });
  }

  // userinfo is not a QuickBooks API call, so the API helper's "refresh once on 401" does not cover
  // it: an access token revoked early (the user disconnected the app at Intuit) needs the same here.
  async function userInfo(realmId: string) {
    const accessToken = await tokens.getAccessToken(realmId);
    try {
      return await authClient.getUserInfo(accessToken);
    } catch (err) {
      if (!(err instanceof AuthClientError && err.statusCode === 401)) throw err;
      // rejectedAccessToken: if the API call already refreshed for this token, reuse its result.
      const fresh = await tokens.refresh(realmId, { rejectedAccessToken: accessToken });
      return authClient.getUserInfo(fresh.accessToken);
    }
  }

  // The buttons. Each needs a connected company; without one, back to the home page.
  const withRealm =
    (action: (realmId: string, req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const realmId = connectedRealm(req);
      if (!realmId) return res.redirect(303, "/");
      await action(realmId, req, res);
    };

  // Refresh now (normally the TokenManager does this on its own, five minutes before expiry).
  app.post(
    "/refresh",
    withRealm(async (realmId, _req, res) => {
      const token = await tokens.refresh(realmId);
      const until = new Date(token.accessTokenExpiresAt).toISOString();
      res
        .type("html")
        .send(await dashboard(realmId, `Tokens refreshed: the new access token is valid until ${until}.`));
    }),
  );

  app.post(
    "/call-api",
    withRealm(async (realmId, _req, res) => {
      res
        .type("html")
        .send(await dashboard(realmId, `Called the QuickBooks API at ${new Date().toISOString()}.`));
    }),
  );

  // Disconnect: revoke the grant at Intuit (which also deletes our copy), then forget the realm.
  app.post(
    "/disconnect",
    withRealm(async (realmId, _req, res) => {
      await tokens.revoke(realmId);
      cookies.clear(res, REALM_COOKIE);
      res.type("html").send(homePage("Disconnected: the tokens were revoked at Intuit and deleted here."));
    }),
  );

  // Friendly error pages. Express 5 sends errors thrown by async handlers here.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const send = (status: number, html: string) => res.status(status).type("html").send(html);
    if (err instanceof AuthorizationResponseError && err.accessDenied)
      return send(
        200,
        errorPage(
          "Not connected",
          "You cancelled on the QuickBooks page, so access was denied.",
          "Try again",
        ),
      );
    if (err instanceof AuthorizationResponseError)
      return send(
        400,
        errorPage("Not connected", `QuickBooks refused the connection (${err.error}).`, "Try again"),
      );
    if (
      err instanceof CallbackError ||
      err instanceof UnverifiedRealmError ||
      err instanceof RealmMismatchError
    )
      return send(
        400,
        errorPage(
          "Could not connect",
          "The sign-in link expired or was tampered with. Please start again.",
          "Connect to QuickBooks",
        ),
      );
    if (err instanceof ReauthorizationRequiredError)
      return send(
        200,
        errorPage(
          "Reconnection needed",
          "QuickBooks no longer accepts this app's access to the company (it was disconnected or expired). Please connect again.",
          "Reconnect",
        ),
      );
    if (err instanceof TokenNotFoundError) {
      // The cookie names a company whose tokens are gone (deleted elsewhere): start over.
      cookies.clear(res, REALM_COOKIE);
      return res.redirect(303, "/");
    }
    // Library errors carry a stable `code` and never a token or secret, so they are safe to log.
    console.error(err);
    send(500, errorPage("Something went wrong", "The request failed. Please try again in a moment."));
  });

  return app;
}

// The example web app: "Connect to QuickBooks", the OAuth callback, a dashboard that calls the
// QuickBooks API and userinfo, and the Launch, Reconnect and Disconnect pages Intuit's developer
// portal asks for. createApp returns an Express app; server.ts decides where it listens.
// Read it top to bottom: host and origin checks -> connect -> callback -> dashboard -> buttons ->
// error pages. It never puts a token in a page, a cookie or a log line.
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
} from "../../packages/intuit-oauth-client/src/index.js";
import { watchConnections } from "./connection-alerts.js";
import { SignedCookies } from "./cookies.js";
import {
  dashboardPage,
  disconnectedPage,
  errorPage,
  homePage,
  notFoundPage,
  reconnectPage,
  type ApiCall,
} from "./pages.js";
import { sameHostAs } from "./same-host.js";
import { Sessions } from "./sessions.js";

export interface AppOptions {
  authClient: AuthClient;
  /** A TokenManager on a persistent store (server.ts uses a FileTokenStore). */
  tokens: TokenManager;
  /** Signs the cookies: at least 32 random bytes, the same across restarts and instances. */
  cookieSecret: string | Buffer;
  /** Default: accounting, plus OpenID profile and email for the user's name. */
  scopes?: readonly ScopeLike[];
  /** Where the TokenManager's alerts are reported (a real app emails the customer). Default: console.log. */
  log?: (line: string) => void;
}

/** What the browser keeps between /connect and the callback (signed, ten minutes). */
interface PendingConnect {
  state: string;
  nonce?: string | undefined;
  /** Started from the Reconnect URL: the callback then says "Reconnected". */
  reconnect?: boolean | undefined;
}

const PENDING_COOKIE = "qbo_connect";
const SESSION_COOKIE = "qbo_session";
const NOTICE_COOKIE = "qbo_notice";
const ONE_MINUTE = 60 * 1000;
const TEN_MINUTES = 10 * ONE_MINUTE;
const THIRTY_DAYS = 30 * 24 * 60 * ONE_MINUTE;
const DAY_MS = 24 * 60 * ONE_MINUTE;
/** What the home page says to a browser whose session a disconnect or a newer connect ended. */
const SESSION_ENDED =
  "Not connected: this browser's connection ended, because the company was disconnected or " +
  "connected again in another session. Connect again to continue.";
/** The dashboard warns this many days before the five-year limit (TokenManager's first default warning). */
const HARD_EXPIRY_WARNING_DAYS = 30;

/** An Express app for one AuthClient and TokenManager. */
export function createApp(options: AppOptions): express.Express {
  const { authClient, tokens } = options;
  const scopes = options.scopes ?? [Scopes.Accounting, Scopes.OpenId, Scopes.Profile, Scopes.Email];
  // One AuthClient serves every user: a single-user one would fall back to its own last state and
  // keep each user's tokens on itself. A loopback redirect URI (the emulator) makes one by default.
  if (authClient.singleUser)
    throw new Error("The web app serves many users: create its AuthClient with singleUser: false");
  const redirectUri = new URL(authClient.redirectUri);
  if (redirectUri.pathname === "/")
    throw new Error("The redirect URI needs a path of its own, such as /callback: / is the home page");
  const cookies = new SignedCookies(options.cookieSecret, { secure: redirectUri.protocol === "https:" });
  const alerts = watchConnections(tokens, options.log ?? ((line) => console.log(line)));
  // Which company this browser connected: its cookie holds a session id (signed, so a changed one
  // is refused), and the session here says which company and grant. A reconnect or disconnect of
  // the company ends its older sessions. A real app would keep this on its own user accounts.
  const sessions = new Sessions({ lifetimeMs: THIRTY_DAYS });
  const sessionId = (req: Request) => cookies.get<string>(req, SESSION_COOKIE);
  const connectedRealm = (req: Request) => {
    const id = sessionId(req);
    return id === undefined ? undefined : sessions.get(id)?.realmId;
  };
  const endSession = (req: Request, res: Response) => {
    const id = sessionId(req);
    if (id !== undefined) sessions.end(id);
    cookies.clear(res, SESSION_COOKIE);
  };
  // The result of a button, shown once by the page the button redirects to (post/redirect/get).
  const setNotice = (res: Response, text: string) => cookies.set(res, NOTICE_COOKIE, text, ONE_MINUTE);
  const takeNotice = (req: Request, res: Response) => {
    const text = cookies.get<string>(req, NOTICE_COOKIE);
    if (text !== undefined) cookies.clear(res, NOTICE_COOKIE);
    return text;
  };

  const app = express();
  app.disable("x-powered-by");

  // Cookies belong to a host: ones set on 127.0.0.1 are not sent to localhost. Intuit always comes
  // back to the redirect URI's host, so a sign-in started on another host could never finish.
  app.use(sameHostAs(redirectUri));

  // CSRF defence for the POST buttons, in two layers:
  // 1. the session cookie is SameSite=Lax, so a form on another site posts without it and acts on nothing;
  // 2. browsers send `Origin` with every form POST, so we refuse any POST whose Origin is not us.
  // Behind a proxy, set Express's "trust proxy" so req.protocol and req.host are the public ones.
  app.use((req, res, next) => {
    if (req.method !== "POST") return next();
    if (req.get("origin") === `${req.protocol}://${req.get("host")}`) return next();
    res.status(403).type("html").send(errorPage("Request refused", "This form was not sent from this site."));
  });

  // Home: the Connect button, or the dashboard when this browser has connected a company.
  app.get("/", async (req, res) => {
    let notice = takeNotice(req, res);
    const realmId = connectedRealm(req);
    if (realmId) return void res.type("html").send(await dashboard(realmId, notice));
    if (sessionId(req) !== undefined) {
      // Our own cookie, but its session ended: say why the company is gone.
      endSession(req, res);
      notice ??= SESSION_ENDED;
    }
    res.type("html").send(homePage(notice));
  });

  // Step 1: send the user to Intuit. The state (and the OpenID nonce) go in a signed cookie so the
  // callback can check that it answers a request this browser started.
  function startConnect(res: Response, reconnect: boolean): void {
    const request = authClient.createAuthorizationRequest(scopes, { nonce: true });
    const pending: PendingConnect = { state: request.state, nonce: request.nonce, reconnect };
    cookies.set(res, PENDING_COOKIE, pending, TEN_MINUTES);
    res.redirect(302, request.url);
  }
  app.get("/connect", (_req, res) => startConnect(res, false));

  // The three URLs to register in Intuit's developer portal (see README.md). They are links from
  // Intuit, so they are GETs that change nothing here: nothing in their query is trusted.
  // Reconnect URL: a fresh connect, which gives the company a new grant and a new five-year limit.
  app.get("/reconnect", (_req, res) => startConnect(res, true));
  // Launch URL: QuickBooks' "Launch" button. Connected browsers see the dashboard, others connect.
  app.get("/launch", (req, res) => res.redirect(303, connectedRealm(req) ? "/" : "/connect"));
  // Disconnect URL: where QuickBooks sends the user after they disconnected the app there. The
  // grant is revoked already; the TokenManager marks it on its next refresh (invalid_grant).
  app.get("/disconnected", (_req, res) => res.type("html").send(disconnectedPage()));

  // Step 2: Intuit sends the user back with ?code&state&realmId (or ?error=access_denied).
  // Served at the redirect URI's own path, matched literally (a ":" or "*" in it is not a pattern).
  const callbackPath = new RegExp(`^${redirectUri.pathname.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  app.get(callbackPath, async (req, res) => {
    const pending = cookies.get<PendingConnect>(req, PENDING_COOKIE);
    cookies.clear(res, PENDING_COOKIE); // one use only, whatever happens next
    if (!pending) res.locals["noPendingConnect"] = true; // for the error page's explanation
    const token = await authClient.handleCallback(req.originalUrl, {
      // The state this browser's own /connect kept. "" (no cookie) fails as "no_expected_state".
      expectedState: pending?.state ?? "",
      nonce: pending?.nonce,
      // The callback's realmId is only a URL parameter the user can edit. The ID token's realmid
      // proves it (openid scope); without one, a CompanyInfo call with the new token does.
      verifyRealm: true,
    });
    const realmId = token.realmId;
    if (!realmId) throw new CallbackError("malformed", "Intuit did not say which company was connected");
    alerts.clear(realmId); // a new grant: earlier alerts are about the old one
    // A new grant: every older session for this company ends before it is saved, so none of them
    // ever acts on it. This browser's own earlier session ends too, whichever company it was for.
    const earlier = sessionId(req);
    if (earlier !== undefined) sessions.end(earlier);
    const session = sessions.startForNewGrant(realmId);
    // save() refuses a realm that was not proven, so a tampered callback cannot overwrite a grant.
    await tokens.save(realmId, token); // the TokenManager refreshes and persists from now on
    cookies.set(res, SESSION_COOKIE, session.id, THIRTY_DAYS);
    if (pending?.reconnect) setNotice(res, `Reconnected: QuickBooks accepts this app's access again.`);
    res.redirect(303, "/");
  });

  // The dashboard: CompanyInfo through the API helper, the user's name and email through userinfo,
  // and the grant's lifetimes. Both calls ask the TokenManager for the access token, which refreshes
  // it first if it is about to expire. Every view calls the API, so "Call API again" is a plain link.
  async function dashboard(realmId: string, notice?: string): Promise<string> {
    const stored = await tokens.get(realmId);
    if (!stored) throw new TokenNotFoundError(realmId);
    // The store says so (and reauthorizationRequired fired when it happened): no call can work.
    if (stored.status === "reauthorization-required")
      return reconnectPage(realmId, stored.reason ?? "invalid_grant");
    const [api, user] = await Promise.all([companyInfo(realmId), userInfo(realmId)]);
    const info = (await tokens.get(realmId)) ?? stored; // after a refresh the calls may have made
    const hardAt = info.token.refreshTokenHardExpiresAt;
    const hardExpiry =
      hardAt === undefined
        ? undefined
        : { at: hardAt, daysLeft: Math.max(0, Math.floor((hardAt - authClient.clock()) / DAY_MS)) };
    return dashboardPage({
      realmId,
      companyName: api.body.CompanyInfo.CompanyName,
      userName: [user.givenName, user.familyName].filter(Boolean).join(" "),
      userEmail: user.email ?? "",
      accessTokenExpiresAt: info.token.accessTokenExpiresAt,
      refreshTokenExpiresAt: info.token.refreshTokenExpiresAt,
      hardExpiry,
      hardExpiryRequested: authClient.includeRefreshTokenHardExpiresIn,
      // hardExpiryApproaching fired in this process, or (after a restart: it fires once per
      // threshold) the limit is as close as its first threshold.
      hardExpiryWarning:
        alerts.hardExpiryDaysLeft(realmId) !== undefined ||
        (hardExpiry !== undefined && hardExpiry.daysLeft <= HARD_EXPIRY_WARNING_DAYS),
      api,
      notice,
    });
  }

  async function companyInfo(realmId: string) {
    const path = `companyinfo/${encodeURIComponent(realmId)}`;
    const res = await quickbooks(tokens, realmId).send<{ CompanyInfo: { CompanyName: string } }>({ path });
    const call: ApiCall & { body: typeof res.body } = {
      request: `GET /v3/company/${realmId}/${path}`,
      status: res.status,
      intuitTid: res.intuitTid,
      at: authClient.clock(),
      body: res.body,
    };
    return call;
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

  // The buttons. Each needs a connected company; without one, back to the home page. Each answers
  // with a redirect (post/redirect/get), so reloading the page that follows does not post again.
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
      setNotice(res, `Tokens refreshed: the new access token is valid until ${until}.`);
      res.redirect(303, "/");
    }),
  );

  // Disconnect: revoke the grant at Intuit (which also deletes our copy), then end every session
  // for the company, this one included.
  app.post(
    "/disconnect",
    withRealm(async (realmId, req, res) => {
      await tokens.revoke(realmId);
      alerts.clear(realmId);
      sessions.endCompany(realmId);
      endSession(req, res);
      setNotice(res, "Disconnected: the tokens were revoked at Intuit and deleted here.");
      res.redirect(303, "/");
    }),
  );

  // No route matched: a page in the app's style rather than Express's bare "Cannot GET".
  app.use((req, res) => {
    res.status(404).type("html").send(notFoundPage(req.path));
  });

  // Friendly error pages. Express 5 sends errors thrown by async handlers here.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
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
    if (res.locals["noPendingConnect"] === true && err instanceof CallbackError)
      return send(
        400,
        errorPage(
          "Could not connect",
          `This browser has no sign-in in progress at ${redirectUri.origin}. A sign-in must start ` +
            "and end at the same address, within ten minutes: the sign-in link expired, or it was " +
            "started at another address. Please start again here.",
          "Connect to QuickBooks",
        ),
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
      // After a button, go to the dashboard, which says so: a reload then posts nothing.
      return req.method === "POST"
        ? res.redirect(303, "/")
        : send(200, reconnectPage(err.realmId, err.reason));
    if (err instanceof TokenNotFoundError) {
      // The session names a company whose tokens are gone (deleted elsewhere): start over.
      endSession(req, res);
      return res.redirect(303, "/");
    }
    // Library errors carry a stable `code` and never a token or secret, so they are safe to log.
    console.error(err);
    send(500, errorPage("Something went wrong", "The request failed. Please try again in a moment."));
  });

  return app;
}

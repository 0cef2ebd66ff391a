// One host for the app: a GET that arrives on another host than the redirect URI's is redirected
// there, because cookies belong to a host and Intuit always returns to the redirect URI's. It must
// never let the request choose where the redirect goes.
import type { RequestHandler } from "express";
import { LOOPBACK_HOSTS } from "./address.js";

/**
 * Redirects a GET that arrived on another host than the redirect URI's to the same path there. On
 * this machine (127.0.0.1 and localhost) the port the browser used is kept; otherwise the redirect
 * URI's origin is the public address.
 */
export function sameHostAs(redirectUri: URL): RequestHandler {
  return (req, res, next) => {
    const hostname = req.hostname as string | undefined;
    if ((req.method !== "GET" && req.method !== "HEAD") || !hostname || hostname === redirectUri.hostname)
      return next();
    // Only a path: "//evil.example/" or an absolute-form target must not choose the host.
    const path = /^\/(?!\/)/.test(req.originalUrl) ? req.originalUrl : "/";
    const local = LOOPBACK_HOSTS.has(hostname) && LOOPBACK_HOSTS.has(redirectUri.hostname);
    const port = req.host.slice(hostname.length); // ":3000", or "" for the scheme's default
    if (!/^(:\d{1,5})?$/.test(port)) return next(); // a Host like "127.0.0.1:1@evil.example"
    const origin = local ? `${redirectUri.protocol}//${redirectUri.hostname}${port}` : redirectUri.origin;
    res.redirect(307, `${origin}${path}`);
  };
}

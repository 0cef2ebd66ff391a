// Which JavaScript runtime this is, for the User-Agent: read from globals, never by importing a
// runtime's own modules, so it works (and is cheap) everywhere.

interface RuntimeGlobals {
  process?: { versions?: { node?: string; bun?: string }; platform?: string; arch?: string };
  Deno?: { version?: { deno?: string }; build?: { os?: string; arch?: string } };
  navigator?: { userAgent?: string };
}

/** For example `Node.js v20.20.2; linux x64`, `Bun 1.4.5; linux x64`, `Deno 2.9.6; linux x86_64`. */
export function runtimeDescription(): string {
  const g = globalThis as RuntimeGlobals;
  const p = g.process;
  if (p?.versions?.bun) return `Bun ${p.versions.bun}; ${p.platform ?? "?"} ${p.arch ?? "?"}`;
  if (g.Deno?.version?.deno)
    return `Deno ${g.Deno.version.deno}; ${g.Deno.build?.os ?? "?"} ${g.Deno.build?.arch ?? "?"}`;
  if (p?.versions?.node) return `Node.js v${p.versions.node}; ${p.platform ?? "?"} ${p.arch ?? "?"}`;
  const ua = g.navigator?.userAgent;
  return ua && /^[\x20-\x7e]{1,64}$/.test(ua) ? ua : "unknown runtime";
}

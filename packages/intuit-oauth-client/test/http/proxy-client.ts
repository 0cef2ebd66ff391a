// Child process of proxy.test.ts: sends GETs through the library's HttpClient (node:http transport)
// with the proxy variables and NODE_EXTRA_CA_CERTS its parent set, and prints what came back as
// JSON. Arguments: how many clients (each sends every URL in turn), then the URLs. Names ending in .test resolve to 127.0.0.1 here, in place of a hosts file, so no DNS query
// leaves the machine when a request goes direct.
import dns from "node:dns";
import { HttpClient } from "../../src/http/request.js";

type LookupCallback = (err: NodeJS.ErrnoException | null, address: unknown, family?: number) => void;
const systemLookup = dns.lookup;
(dns as { lookup: unknown }).lookup = (host: string, options: unknown, callback?: LookupCallback) => {
  const cb = (typeof options === "function" ? options : callback) as LookupCallback;
  const opts = (typeof options === "object" && options !== null ? options : {}) as { all?: boolean };
  if (!host.endsWith(".test")) return (systemLookup as (...a: unknown[]) => void)(host, options, callback);
  if (opts.all) cb(null, [{ address: "127.0.0.1", family: 4 }]);
  else cb(null, "127.0.0.1", 4);
};

const [clients, ...urls] = process.argv.slice(2);
const results: unknown[] = [];
for (let i = 0; i < Number(clients); i++) await sendAll(new HttpClient({ retry: false, timeoutMs: 10_000 }));
process.stdout.write(JSON.stringify(results));

async function sendAll(http: HttpClient): Promise<void> {
  for (const url of urls) {
    try {
      const res = await http.send({
        method: "GET",
        url,
        idempotent: true,
        headers: { authorization: "Bearer SECRET-ACCESS-TOKEN" },
      });
      results.push({ status: res.status, body: Buffer.from(res.body).toString("utf8") });
    } catch (err) {
      const e = err as { name?: string; message?: string; systemCode?: string };
      results.push({ error: e.name, message: e.message, systemCode: e.systemCode });
    }
  }
}

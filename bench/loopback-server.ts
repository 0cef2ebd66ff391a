// A purpose-built loopback token server for the benchmarks, run in its own process so it has its
// own core and is never the bottleneck. It speaks just enough HTTP/1.1 (keep-alive, Content-Length
// bodies, no pipelining) to answer the token endpoint and the JWKS with fixed bodies, and counts
// token requests and the peak number in flight. It also answers the QuickBooks API rows: a customer
// read, and queries paged with STARTPOSITION/MAXRESULTS over 50,000 customers (2,000 vendors, the
// quick size), every page built once and then sent from memory. The same server serves every contender.
import { createServer, type Socket } from "node:net";

const JWKS = process.env["BENCH_JWKS"] ?? '{"keys":[]}';
const TOKEN_BODY = JSON.stringify({
  access_token: "bench-access-token",
  refresh_token: "bench-refresh-token",
  token_type: "bearer",
  expires_in: 3600,
  x_refresh_token_expires_in: 8726400,
});

function response(status: string, body: string): Buffer {
  const b = Buffer.from(body);
  return Buffer.concat([
    Buffer.from(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n` +
        `Connection: keep-alive\r\nintuit_tid: bench\r\n\r\n`,
      "latin1",
    ),
    b,
  ]);
}

const TOKEN_RESPONSE = response("200 OK", TOKEN_BODY);
const JWKS_RESPONSE = response("200 OK", JWKS);
const NOT_FOUND = response("404 Not Found", '{"error":"not_found"}');
const HEADER_END = Buffer.from("\r\n\r\n");
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const CONNECTION_CLOSE = /\r\nconnection:[ \t]*close/i;

const stats = { token: 0, jwks: 0, api: 0, other: 0, inFlight: 0, peakInFlight: 0 };

const API_TIME = "2025-01-01T10:00:00.000-08:00";
const ROWS: Record<string, number> = { Customer: 50_000, Vendor: 2_000 };

function entity(name: string, id: number): Record<string, unknown> {
  return {
    Id: String(id),
    SyncToken: "0",
    DisplayName: `${name} ${id}`,
    GivenName: "Given",
    FamilyName: `Family ${id}`,
    PrimaryEmailAddr: { Address: `${name.toLowerCase()}.${id}@example.com` },
    BillAddr: {
      Id: String(id),
      Line1: `${id} Main Street`,
      City: "Mountain View",
      CountrySubDivisionCode: "CA",
      PostalCode: "94043",
    },
    Balance: (id % 1000) + 0.25,
    Active: true,
    domain: "QBO",
    sparse: false,
    MetaData: { CreateTime: "2024-01-15T02:04:07-08:00", LastUpdatedTime: "2024-06-01T09:30:00-07:00" },
  };
}

const READ_RESPONSE = response("200 OK", JSON.stringify({ Customer: entity("Customer", 1), time: API_TIME }));
const pages = new Map<string, Buffer>();

/** The answer to `query?query=select * from <Entity> STARTPOSITION n MAXRESULTS m`, built once. */
function queryPage(target: string): Buffer {
  const text = decodeURIComponent((/[?&]query=([^&]*)/.exec(target)?.[1] ?? "").replace(/\+/g, " "));
  const name = /from\s+(\w+)/i.exec(text)?.[1] ?? "Customer";
  const start = Number(/startposition\s+(\d+)/i.exec(text)?.[1] ?? 1);
  const max = Number(/maxresults\s+(\d+)/i.exec(text)?.[1] ?? 100);
  const key = `${name}:${start}:${max}`;
  let page = pages.get(key);
  if (!page) {
    const total = ROWS[name] ?? 0;
    const rows = [];
    for (let id = start; id < start + max && id <= total; id++) rows.push(entity(name, id));
    const qr = rows.length > 0 ? { [name]: rows, startPosition: start, maxResults: rows.length } : {};
    page = response("200 OK", JSON.stringify({ QueryResponse: qr, time: API_TIME }));
    pages.set(key, page);
  }
  return page;
}
let delayMs = 0;

function handle(socket: Socket, head: string, done: () => void): void {
  const space = head.indexOf(" ");
  const method = head.slice(0, space);
  const target = head.slice(space + 1, head.indexOf(" ", space + 1));
  const path = target.split("?")[0];
  const close = CONNECTION_CLOSE.test(head);
  const send = (buf: Buffer) => {
    if (close) socket.end(buf);
    else socket.write(buf);
    done();
  };
  if (method === "POST" && path === "/oauth2/v1/tokens/bearer") {
    stats.token++;
    stats.inFlight++;
    if (stats.inFlight > stats.peakInFlight) stats.peakInFlight = stats.inFlight;
    const finish = () => {
      stats.inFlight--;
      send(TOKEN_RESPONSE);
    };
    if (delayMs > 0) setTimeout(finish, delayMs);
    else finish();
  } else if (method === "GET" && path === "/op/v1/jwks") {
    stats.jwks++;
    send(JWKS_RESPONSE);
  } else if (method === "GET" && path?.startsWith("/v3/company/")) {
    stats.api++;
    send(path.endsWith("/query") ? queryPage(target) : READ_RESPONSE);
  } else if (path === "/__stats") {
    send(response("200 OK", JSON.stringify(stats)));
  } else if (path === "/__reset") {
    const d = new URLSearchParams(target.split("?")[1] ?? "").get("delayMs");
    delayMs = d ? Number(d) : 0;
    Object.assign(stats, { token: 0, jwks: 0, api: 0, other: 0, inFlight: 0, peakInFlight: 0 });
    send(response("200 OK", "{}"));
  } else {
    stats.other++;
    send(NOT_FOUND);
  }
}

const server = createServer({ noDelay: true }, (socket) => {
  let buf: Buffer = Buffer.alloc(0);
  let busy = false;
  const pump = () => {
    while (!busy) {
      const end = buf.indexOf(HEADER_END);
      if (end === -1) return;
      const head = buf.toString("latin1", 0, end);
      const length = Number(CONTENT_LENGTH.exec(head)?.[1] ?? 0);
      const total = end + 4 + length;
      if (buf.length < total) return;
      buf = buf.subarray(total);
      busy = true;
      handle(socket, head, () => {
        busy = false;
        // A later request already buffered on this socket is handled once this one is answered.
        if (buf.length > 0) setImmediate(pump);
      });
    }
  };
  socket.on("data", (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    pump();
  });
  socket.on("error", () => socket.destroy());
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (typeof address === "object" && address) process.stdout.write(`PORT ${address.port}\n`);
});
// The parent closes our stdin when it is done, or dies: either way, stop.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();

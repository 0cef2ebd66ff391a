// A purpose-built loopback token server for the benchmarks, run in its own process so it has its
// own core and is never the bottleneck. It speaks just enough HTTP/1.1 (keep-alive, Content-Length
// bodies, no pipelining) to answer the token endpoint and the JWKS with fixed bodies, and counts
// token requests and the peak number in flight. The same server serves every contender.
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

const stats = { token: 0, jwks: 0, other: 0, inFlight: 0, peakInFlight: 0 };
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
  } else if (path === "/__stats") {
    send(response("200 OK", JSON.stringify(stats)));
  } else if (path === "/__reset") {
    const d = new URLSearchParams(target.split("?")[1] ?? "").get("delayMs");
    delayMs = d ? Number(d) : 0;
    Object.assign(stats, { token: 0, jwks: 0, other: 0, inFlight: 0, peakInFlight: 0 });
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

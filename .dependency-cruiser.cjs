// The import rules of the packages (docs/architecture.md explains them). `npm run check` runs them.
// Inside the library (packages/intuit-oauth-client/src):
//   cli → index → api → tokens → client → oauth → crypto, http → state → common
// with the stores grouped by backend beside them (src/stores/<backend>), and the emulator importing
// nothing from the library.
const LIB = "packages/intuit-oauth-client/src/";
const layer = (name) => `^${LIB}${name}/`;
const only = (from, allowed, comment) => ({
  name: `${from.replace(/\//g, "-")}-imports-only-${allowed.map((a) => a.replace(/\//g, "-")).join("-")}`,
  comment,
  severity: "error",
  from: { path: layer(from) },
  to: {
    path: `^${LIB}`,
    pathNot: [layer(from), ...allowed.map(layer)],
  },
});
// The contracts a store implements, and the helpers store authors use, outside the store folders:
// the TokenStore contract and its kit (src/tokens/ except the manager), the StateStore and ApiLimits
// contracts (src/state/), and the API limits' vocabulary and shared half (the three api/ files below).
const CONTRACTS = [
  "^packages/intuit-oauth-client/src/state/",
  "^packages/intuit-oauth-client/src/tokens/(?!token-manager\\.ts$)",
  "^packages/intuit-oauth-client/src/api/(limits|metering|shared-limits|url)\\.ts$",
];
// What a store folder may import besides itself and the contracts.
const STORE_FLOOR = [
  "^packages/intuit-oauth-client/src/common/",
  "^packages/intuit-oauth-client/src/crypto/",
  "^packages/intuit-oauth-client/src/http/errors\\.ts$",
  "^packages/intuit-oauth-client/src/oauth/realm-id\\.ts$",
];
const storeFolder = (backend, extra = []) => ({
  name: `stores-${backend}-imports-only-contracts`,
  comment: `stores/${backend} holds one backend: it imports the contracts it implements, the floor, and nothing of another backend.`,
  severity: "error",
  from: { path: `^${LIB}stores/${backend}/` },
  to: {
    path: `^${LIB}`,
    pathNot: [`^${LIB}stores/${backend}/`, ...CONTRACTS, ...STORE_FLOOR, ...extra],
  },
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import circle means two modules are one concern, or a layer reaches back up.",
      severity: "error",
      from: { path: "^packages/intuit-oauth-client/src/" },
      to: { circular: true },
    },
    only("common", [], "common/ is the floor: errors, retry, sleep, bytes. It imports nothing else."),
    only("crypto", ["common"], "crypto/ builds on common/ only."),
    only("http", ["common"], "http/ knows the wire, not OAuth: it builds on common/ only."),
    only(
      "state",
      ["common"],
      "state/ holds the StateStore and ApiLimits contracts: it builds on common/ only.",
    ),
    only(
      "oauth",
      ["common", "crypto", "http", "state"],
      "The protocol layer sits on crypto/, http/, the state contracts and common/.",
    ),
    only("client", ["common", "crypto", "http", "oauth", "state"], "AuthClient is a facade over oauth/."),
    only(
      "tokens",
      ["common", "crypto", "http", "oauth", "client", "state", "stores/memory"],
      "The token manager depends on its own TokenClient interface and the ApiLimits contract, never on api/; its defaults come from stores/memory.",
    ),
    only(
      "api",
      ["common", "crypto", "http", "oauth", "client", "tokens", "state", "stores/memory"],
      "The API helper depends on its own QuickBooksTokens interface; nothing below imports it.",
    ),
    only(
      "testing",
      ["common", "crypto", "oauth", "tokens", "state"],
      "The shipped conformance suite needs the store contract only.",
    ),
    storeFolder("memory"),
    storeFolder("file"),
    storeFolder("redis", ["^packages/intuit-oauth-client/src/stores/lazy-connection\\.ts$"]),
    storeFolder("postgres", ["^packages/intuit-oauth-client/src/stores/lazy-connection\\.ts$"]),
    {
      name: "stores-shared-files-import-only-the-floor",
      comment: "What the store folders share (the lazy connection) knows no backend and no contract.",
      severity: "error",
      from: { path: "^packages/intuit-oauth-client/src/stores/[^/]+\\.ts$" },
      to: {
        path: "^packages/intuit-oauth-client/src/",
        pathNot: ["^packages/intuit-oauth-client/src/common/"],
      },
    },
    {
      name: "the-api-limits-contract-stays-low",
      comment:
        "stores/memory implements the API limits, and the token manager owns a MemoryApiLimits: so the limits' vocabulary imports nothing above oauth/.",
      severity: "error",
      from: { path: "^packages/intuit-oauth-client/src/api/(limits|metering|shared-limits|url)\\.ts$" },
      to: {
        path: "^packages/intuit-oauth-client/src/",
        pathNot: [
          "^packages/intuit-oauth-client/src/(common|crypto|http|oauth|state)/",
          "^packages/intuit-oauth-client/src/api/(limits|metering|shared-limits|url)\\.ts$",
        ],
      },
    },
    {
      name: "shared-stores-only-behind-their-faces",
      comment:
        "Redis and PostgreSQL load optional drivers: only their subpath faces (src/redis.ts, src/postgres.ts) reach them.",
      severity: "error",
      from: {
        path: "^packages/intuit-oauth-client/src/",
        // src/errors.ts names RedisPersistenceError in the error union: a type, from a file with no driver.
        pathNot: [
          "^packages/intuit-oauth-client/src/stores/(redis|postgres)/",
          "^packages/intuit-oauth-client/src/(redis|postgres)\\.ts$",
          "^packages/intuit-oauth-client/src/errors\\.ts$",
        ],
      },
      to: { path: "^packages/intuit-oauth-client/src/stores/(redis|postgres)/" },
    },
    {
      name: "each-face-its-own-backend",
      comment: "src/redis.ts re-exports stores/redis and src/postgres.ts stores/postgres, nothing else.",
      severity: "error",
      from: { path: "^packages/intuit-oauth-client/src/redis\\.ts$" },
      to: {
        path: "^packages/intuit-oauth-client/src/",
        pathNot: ["^packages/intuit-oauth-client/src/stores/redis/index\\.ts$"],
      },
    },
    {
      name: "each-face-its-own-backend-postgres",
      comment: "src/postgres.ts re-exports stores/postgres, nothing else.",
      severity: "error",
      from: { path: "^packages/intuit-oauth-client/src/postgres\\.ts$" },
      to: {
        path: "^packages/intuit-oauth-client/src/",
        pathNot: ["^packages/intuit-oauth-client/src/stores/postgres/index\\.ts$"],
      },
    },
    {
      name: "file-stores-only-on-node",
      comment: "The file stores need node:fs: only the Node face (src/index.ts) exports them.",
      severity: "error",
      from: {
        path: "^packages/intuit-oauth-client/src/",
        pathNot: [
          "^packages/intuit-oauth-client/src/stores/file/",
          "^packages/intuit-oauth-client/src/index\\.ts$",
        ],
      },
      to: { path: "^packages/intuit-oauth-client/src/stores/file/" },
    },
    {
      name: "emulator-stands-alone",
      comment: "The emulator judges the client; sharing its code would share its mistakes.",
      severity: "error",
      from: { path: "^packages/intuit-oauth-client-emulator/src/" },
      to: { path: "^packages/", pathNot: "^packages/intuit-oauth-client-emulator/src/" },
    },
    {
      name: "emulator-uses-no-packages",
      comment: "The emulator runs from node: built-ins alone.",
      severity: "error",
      from: { path: "^packages/intuit-oauth-client-emulator/src/" },
      to: { dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "cli-uses-the-public-faces",
      comment: "The CLI is a user of the library: the index and the emulator, nothing inside them.",
      severity: "error",
      from: { path: "^packages/intuit-oauth-client-cli/src/" },
      to: {
        path: "^packages/",
        pathNot: [
          "^packages/intuit-oauth-client-cli/src/",
          "^packages/intuit-oauth-client/src/(index|protocol|quickbooks)\\.ts$",
          "^packages/intuit-oauth-client-emulator/src/index\\.ts$",
        ],
      },
    },
    {
      name: "cli-imports-the-packages-by-name",
      comment:
        "The CLI reaches the library and the emulator through their package names (as an installed CLI does), never a relative path.",
      severity: "error",
      from: { path: "^packages/intuit-oauth-client-cli/src/" },
      to: { path: "^packages/intuit-oauth-client(-emulator)?/", dependencyTypesNot: ["aliased"] },
    },
    {
      name: "nothing-imports-the-cli-or-the-faces",
      comment: "The CLI and the face files are the top; no library module imports them.",
      severity: "error",
      from: {
        path: "^packages/intuit-oauth-client/src/",
        pathNot: ["^packages/intuit-oauth-client/src/(index|store-kit)\\.ts$"],
      },
      to: {
        path: [
          "^packages/intuit-oauth-client-cli/src/",
          "^packages/intuit-oauth-client/src/index(\\.portable)?\\.ts$",
          "^packages/intuit-oauth-client/src/(redis|postgres|protocol|quickbooks|undici|store-kit(\\.portable)?)\\.ts$",
        ],
      },
    },
    {
      name: "only-the-faces-import-the-error-union",
      comment:
        "src/errors.ts names every error class of every layer; a library module imports the class it throws.",
      severity: "error",
      from: {
        path: "^packages/intuit-oauth-client/src/",
        pathNot: [
          "^packages/intuit-oauth-client/src/index(\\.portable)?\\.ts$",
          "^packages/intuit-oauth-client/src/(redis|postgres)\\.ts$",
        ],
      },
      to: { path: "^packages/intuit-oauth-client/src/errors\\.ts$" },
    },
    {
      name: "the-protocol-face-is-the-protocol-layer",
      comment:
        "intuit-oauth-client/protocol is oauth/ and what it stands on: portable, with no client or store.",
      severity: "error",
      from: { path: "^packages/intuit-oauth-client/src/protocol\\.ts$" },
      to: {
        path: "^packages/intuit-oauth-client/src/",
        pathNot: ["^packages/intuit-oauth-client/src/(oauth|http|crypto|common)/"],
      },
    },
    {
      name: "web-siblings-are-swapped-in-not-imported",
      comment: "X.web.ts replaces X.ts in the portable build; importing it directly would skip that.",
      severity: "error",
      from: { path: "^packages/intuit-oauth-client/src/" },
      to: { path: "\\.web\\.ts$" },
    },
    {
      name: "undici-only-behind-its-subpath",
      comment:
        "undici is an optional peer: only the undici transport loads it, and only src/undici.ts reaches that.",
      severity: "error",
      from: {
        path: "^packages/intuit-oauth-client/src/",
        pathNot: ["^packages/intuit-oauth-client/src/http/undici-transport\\.ts$"],
      },
      to: { path: "node_modules/undici/" },
    },
    {
      name: "the-undici-transport-only-behind-its-face",
      comment: "Importing the undici transport anywhere else would load undici for every user.",
      severity: "error",
      from: {
        path: "^packages/intuit-oauth-client/src/",
        pathNot: ["^packages/intuit-oauth-client/src/undici\\.ts$"],
      },
      to: { path: "^packages/intuit-oauth-client/src/http/undici-transport\\.ts$" },
    },
    {
      name: "drivers-only-behind-their-subpaths",
      comment: "redis and pg are optional peers: only their own store modules may load them.",
      severity: "error",
      from: {
        path: "^packages/intuit-oauth-client/src/",
        pathNot: ["^packages/intuit-oauth-client/src/stores/(redis|postgres)/"],
      },
      to: { path: "node_modules/(redis|@redis|pg)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.d\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};

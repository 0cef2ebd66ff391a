// The import rules of src/ (docs/architecture.md explains them). `npm run check` runs them:
//   cli → index → api → tokens → client → oauth → crypto, http → common
// and the emulator imports nothing from the library.
const layer = (name) => `^src/${name}/`;
const only = (from, allowed, comment) => ({
  name: `${from}-imports-only-${allowed.join("-")}`,
  comment,
  severity: "error",
  from: { path: layer(from) },
  to: {
    path: "^src/",
    pathNot: [layer(from), ...allowed.map(layer)],
  },
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import circle means two modules are one concern, or a layer reaches back up.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    only("common", [], "common/ is the floor: errors, retry, sleep, bytes. It imports nothing else."),
    only("crypto", ["common"], "crypto/ builds on common/ only."),
    only("http", ["common"], "http/ knows the wire, not OAuth: it builds on common/ only."),
    only("oauth", ["common", "crypto", "http"], "The protocol layer sits on crypto/, http/ and common/."),
    only("client", ["common", "crypto", "http", "oauth"], "AuthClient is a facade over oauth/."),
    only(
      "tokens",
      ["common", "crypto", "http", "oauth", "client"],
      "The token manager depends on its own TokenClient interface, never on api/.",
    ),
    only(
      "api",
      ["common", "crypto", "http", "oauth", "client", "tokens"],
      "The API helper depends on its own QuickBooksTokens interface; nothing below imports it.",
    ),
    only(
      "testing",
      ["common", "crypto", "oauth", "tokens"],
      "The shipped conformance suite needs the store contract only.",
    ),
    {
      name: "emulator-stands-alone",
      comment: "The emulator judges the client; sharing its code would share its mistakes.",
      severity: "error",
      from: { path: "^src/emulator/" },
      to: { path: "^src/", pathNot: "^src/emulator/" },
    },
    {
      name: "emulator-uses-no-packages",
      comment: "The emulator runs from node: built-ins alone.",
      severity: "error",
      from: { path: "^src/emulator/" },
      to: { dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "cli-uses-the-public-faces",
      comment: "The CLI is a user of the library: the index and the emulator, nothing inside them.",
      severity: "error",
      from: { path: "^src/cli/" },
      to: { path: "^src/", pathNot: ["^src/cli/", "^src/index\\.ts$", "^src/emulator/index\\.ts$"] },
    },
    {
      name: "nothing-imports-the-cli-or-the-faces",
      comment: "The CLI and the index files are the top; no library module imports them.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/cli/", "^src/index\\.ts$"] },
      to: { path: ["^src/cli/", "^src/index(\\.portable)?\\.ts$", "^src/(redis|postgres|protocol)\\.ts$"] },
    },
    {
      name: "only-the-faces-import-the-error-union",
      comment:
        "src/errors.ts names every error class of every layer; a library module imports the class it throws.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/index(\\.portable)?\\.ts$", "^src/(redis|postgres)\\.ts$"] },
      to: { path: "^src/errors\\.ts$" },
    },
    {
      name: "the-protocol-face-is-the-protocol-layer",
      comment:
        "intuit-oauth-client/protocol is oauth/ and what it stands on: portable, with no client or store.",
      severity: "error",
      from: { path: "^src/protocol\\.ts$" },
      to: { path: "^src/", pathNot: ["^src/(oauth|http|crypto|common)/"] },
    },
    {
      name: "web-siblings-are-swapped-in-not-imported",
      comment: "X.web.ts replaces X.ts in the portable build; importing it directly would skip that.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "\\.web\\.ts$" },
    },
    {
      name: "drivers-only-behind-their-subpaths",
      comment: "redis and pg are optional peers: only their own store modules may load them.",
      severity: "error",
      from: {
        path: "^src/",
        pathNot: [
          "^src/tokens/stores/(redis|postgres)\\.ts$",
          "^src/(redis|postgres)(/|\\.ts$)",
          "^src/api/.*(redis|postgres)",
        ],
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

// Checks that every X.web.ts under src/ is a true sibling of X.ts: the same exported names (values
// and types), each pair of types assignable both ways. The portable build swaps X.ts for X.web.ts
// (tsup.config.ts), so a difference here is code that type-checks on Node and misbehaves elsewhere
// (a boolean on one side and a Promise<boolean> on the other). `npm run typecheck` runs it.
import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";

/** Every `X.web.ts` under `dir` that has an `X.ts` beside it, as [X.ts, X.web.ts]; and web files without one. */
export function findSiblings(dir: string): { pairs: Array<[string, string]>; orphans: string[] } {
  const pairs: Array<[string, string]> = [];
  const orphans: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".web.ts")) {
        const node = path.replace(/\.web\.ts$/, ".ts");
        if (existsFile(node)) pairs.push([node, path]);
        else orphans.push(path);
      }
    }
  };
  walk(dir);
  return { pairs: pairs.sort(), orphans: orphans.sort() };
}

function existsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The exports of a module: name → the type callers see (a value's type, or a declared type). */
function exportedTypes(
  checker: ts.TypeChecker,
  file: ts.SourceFile,
): Map<string, { kind: string; type: ts.Type }> {
  const out = new Map<string, { kind: string; type: ts.Type }>();
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (!moduleSymbol) return out;
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (symbol.flags & ts.SymbolFlags.Value)
      out.set(exported.name, { kind: "value", type: checker.getTypeOfSymbol(symbol) });
    else out.set(exported.name, { kind: "type", type: checker.getDeclaredTypeOfSymbol(symbol) });
  }
  return out;
}

/**
 * Compares each pair in one program built with `options`. Returns one line per difference; an
 * empty list means every sibling matches.
 */
export function compareSiblings(
  pairs: Array<[string, string]>,
  options: ts.CompilerOptions,
  base: string,
): string[] {
  const program = ts.createProgram(pairs.flat(), { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const problems: string[] = [];
  for (const [nodePath, webPath] of pairs) {
    const where = relative(base, webPath);
    const nodeFile = program.getSourceFile(nodePath);
    const webFile = program.getSourceFile(webPath);
    if (!nodeFile || !webFile) {
      problems.push(`${where}: could not be loaded`);
      continue;
    }
    const node = exportedTypes(checker, nodeFile);
    const web = exportedTypes(checker, webFile);
    for (const name of new Set([...node.keys(), ...web.keys()])) {
      const a = node.get(name);
      const b = web.get(name);
      if (!a || !b) {
        problems.push(`${where}: ${name} is exported by ${a ? "the Node sibling" : "the web sibling"} only`);
        continue;
      }
      if (a.kind !== b.kind) {
        problems.push(`${where}: ${name} is a ${a.kind} in the Node sibling and a ${b.kind} in the web one`);
        continue;
      }
      if (!checker.isTypeAssignableTo(a.type, b.type) || !checker.isTypeAssignableTo(b.type, a.type))
        problems.push(
          `${where}: ${name} differs: ${checker.typeToString(a.type)} (Node) vs ${checker.typeToString(b.type)} (web)`,
        );
    }
  }
  return problems;
}

/** Checks the library's src/ with the repository's tsconfig.json. */
export function checkRepository(root: string): { pairs: Array<[string, string]>; problems: string[] } {
  const { pairs, orphans } = findSiblings(join(root, "packages", "intuit-oauth-client", "src"));
  const configPath = join(root, "tsconfig.json");
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const problems = [
    ...orphans.map(
      (o) => `${relative(root, o)}: no ${relative(root, o).replace(/\.web\.ts$/, ".ts")} beside it`,
    ),
    ...compareSiblings(pairs, options, root),
  ];
  return { pairs, problems };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const root = resolve(import.meta.dirname, "..");
  const { pairs, problems } = checkRepository(root);
  if (problems.length > 0) {
    console.error(`web siblings differ from their Node modules:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`web siblings: ${pairs.length} pairs export the same names and types`);
}

// A redacted `util.inspect` / `console.log` view for objects that hold secrets, without importing
// node:util: Node and Bun look up this registered symbol, Deno its own. JSON.stringify is untouched.

/** The symbol Node's util.inspect calls (`util.inspect.custom`). */
export const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");
/** The symbol Deno's console calls. */
export const DENO_INSPECT = Symbol.for("Deno.customInspect");

/**
 * Makes `console.log(target)` print `view()` instead of the target's own fields. The hooks are
 * non-enumerable, so copies made with spread or JSON.stringify carry the data but not the hook.
 */
export function redactInspection<T extends object>(target: T, label: string, view: () => unknown): T {
  const show = (depth: number, options: unknown, inspect?: (v: unknown, o: unknown) => string) =>
    `${label} ${inspect ? inspect(view(), options) : JSON.stringify(view())}`;
  Object.defineProperty(target, NODE_INSPECT, { value: show, enumerable: false, configurable: true });
  Object.defineProperty(target, DENO_INSPECT, {
    value: (inspect: (v: unknown, o: unknown) => string, options: unknown) =>
      `${label} ${inspect(view(), options)}`,
    enumerable: false,
    configurable: true,
  });
  return target;
}

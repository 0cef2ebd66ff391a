// A redacted `util.inspect` / `console.log` view for objects that hold secrets, without importing
// node:util: Node and Bun look up this registered symbol, Deno its own. JSON.stringify is untouched
// (it is the storage form of token sets and records, and must carry every field).

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

/** One pair of inspect hooks shared by every object of a kind (see {@link inspectionHooks}). */
export interface InspectionHooks {
  readonly node: (this: object, depth: number, options: unknown, inspect?: Inspect) => string;
  readonly deno: (this: object, inspect: Inspect, options: unknown) => string;
}

type Inspect = (value: unknown, options: unknown) => string;

/**
 * Hooks that print `view(target)` for whichever object they are called on (the inspectors call them
 * with the object as `this`). Made once per kind and shared: unlike {@link redactInspection}, no
 * closure per object, and every object of the kind gets the same property values, so objects built
 * alike keep one hidden class (a hot path reading them stays monomorphic).
 */
export function inspectionHooks<T extends object>(
  label: string,
  view: (target: T) => unknown,
): InspectionHooks {
  return {
    node(this: object, _depth: number, options: unknown, inspect?: Inspect) {
      const shown = view(this as T);
      return `${label} ${inspect ? inspect(shown, options) : JSON.stringify(shown)}`;
    },
    deno(this: object, inspect: Inspect, options: unknown) {
      return `${label} ${inspect(view(this as T), options)}`;
    },
  };
}

/** Puts shared `hooks` on `target` (non-enumerable, so spreads and JSON.stringify leave them out). */
export function applyInspectionHooks<T extends object>(target: T, hooks: InspectionHooks): T {
  Object.defineProperty(target, NODE_INSPECT, { value: hooks.node, enumerable: false, configurable: true });
  Object.defineProperty(target, DENO_INSPECT, { value: hooks.deno, enumerable: false, configurable: true });
  return target;
}

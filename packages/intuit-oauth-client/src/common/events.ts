// A small typed event emitter that runs on every JavaScript runtime (node:events does not exist in
// workerd without nodejs_compat). The subset of Node's EventEmitter API the library's users call.

type Listener<A extends unknown[]> = (...args: A) => void;

/** `on`, `once`, `off`, `emit`, `listenerCount`, `removeAllListeners`, as in Node's EventEmitter. */
export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  readonly #listeners = new Map<keyof E, Array<{ fn: Listener<never[]>; once: boolean }>>();

  /** Calls `listener` on every `event`. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    return this.#add(event, listener, false);
  }

  /** Calls `listener` on the next `event` only. */
  once<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    return this.#add(event, listener, true);
  }

  /** Stops calling `listener`. */
  off<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const list = this.#listeners.get(event);
    const i = list?.findIndex((l) => l.fn === (listener as unknown)) ?? -1;
    if (list && i !== -1) list.splice(i, 1);
    return this;
  }

  /** Node's name for {@link off}. */
  removeListener<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    return this.off(event, listener);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: keyof E): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls the listeners of `event` in order; true when there were any. A listener's throw propagates. */
  emit<K extends keyof E>(event: K, ...args: E[K]): boolean {
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) return false;
    for (const l of [...list]) {
      if (l.once) this.off(event, l.fn as unknown as Listener<E[K]>);
      (l.fn as unknown as Listener<E[K]>)(...args);
    }
    return true;
  }

  #add<K extends keyof E>(event: K, listener: Listener<E[K]>, once: boolean): this {
    let list = this.#listeners.get(event);
    if (!list) this.#listeners.set(event, (list = []));
    list.push({ fn: listener as unknown as Listener<never[]>, once });
    return this;
  }
}

// Lets a script exit while a Redis connection the library opened itself sits idle: its sockets are
// unref'd whenever none of its owner's operations is running, and ref'd again while one is (an
// unref'd socket with a reply pending could let the process end before the reply arrives). It only
// ever touches a client the library created, never the user's. It must not import the `redis` package.

/** The part of a node-redis client (v4–v6) this uses. */
interface Refable {
  ref?(): void;
  unref?(): void;
}

/** The parts of a node-redis cluster client that reach its node clients (v5+ `masters`, v4 `getMasters()`). */
interface ClusterNodes {
  masters?: ReadonlyArray<{ client?: unknown }>;
  replicas?: ReadonlyArray<{ client?: unknown }>;
  getMasters?(): ReadonlyArray<{ client?: unknown }>;
  on?(event: string, listener: () => void): unknown;
}

/** Counts the running operations of one owned connection and refs its sockets only while there are any. */
export class IdleUnref {
  #active = 0;
  #clients: () => Refable[] = () => [];

  /** A plain client: its one socket. */
  attachClient(client: unknown): void {
    this.#clients = () => [client as Refable];
    this.#apply();
  }

  /** A cluster client: every node client, including nodes it connects to later. */
  attachCluster(cluster: unknown): void {
    const c = cluster as ClusterNodes;
    this.#clients = () =>
      [...(c.masters ?? c.getMasters?.() ?? []), ...(c.replicas ?? [])]
        .map((node) => node.client as Refable | undefined)
        .filter((client): client is Refable => client !== undefined);
    // A node found later (a new master, a failover) connects with its socket ref'd.
    c.on?.("node-connect", () => this.#apply());
    this.#apply();
  }

  /** Runs `fn` with the sockets ref'd. */
  async during<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active++ === 0) this.#apply();
    try {
      return await fn();
    } finally {
      if (--this.#active === 0) this.#apply();
    }
  }

  #apply(): void {
    for (const client of this.#clients()) {
      if (this.#active > 0) client.ref?.();
      else client.unref?.();
    }
  }
}

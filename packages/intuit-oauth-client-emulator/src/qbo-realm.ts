// The shape of one realm's QuickBooks data in the emulator, and its JSON form for persistPath.
// Pure data: no emulator context, so the state file's code can use it without a circle.

/** A JSON entity as the API returns it. */
export type Entity = Record<string, unknown>;

/** A deleted entity, as CDC reports it. */
export interface Tombstone {
  entity: string;
  id: string;
  /** Emulator-clock ms of the deletion. */
  at: number;
}

/** The bytes of an uploaded attachment. */
export interface StoredFile {
  contentType: string;
  bytes: Buffer;
}

/** An email the emulator "sent" for a document (`POST /{entity}/{id}/send`). */
export interface SentEmail {
  entity: string;
  id: string;
  to: string;
  /** Emulator-clock ms. */
  at: number;
}

/** One realm's data. */
export interface RealmStore {
  /** entity name → id → entity, in creation order. */
  entities: Map<string, Map<string, Entity>>;
  deleted: Tombstone[];
  /** entity name → last id handed out above its base. */
  counters: Map<string, number>;
  /** Attachable id → file. */
  files: Map<string, StoredFile>;
  /** Emails "sent", oldest first. */
  sent?: SentEmail[];
}

/** The JSON form of the stores, for persistPath. */
export interface SavedRealm {
  entities: Array<[string, Array<[string, Entity]>]>;
  deleted: Tombstone[];
  counters: Array<[string, number]>;
  files: Array<[string, { contentType: string; base64: string }]>;
  sent?: SentEmail[];
}

export function saveRealms(realms: Map<string, RealmStore>): Array<[string, SavedRealm]> {
  return [...realms].map(([realmId, s]) => [
    realmId,
    {
      entities: [...s.entities].map(([name, rows]) => [name, [...rows]]),
      deleted: s.deleted,
      counters: [...s.counters],
      files: [...s.files].map(([id, f]) => [
        id,
        { contentType: f.contentType, base64: f.bytes.toString("base64") },
      ]),
      sent: s.sent ?? [],
    },
  ]);
}

export function loadRealms(saved: Array<[string, SavedRealm]>): Map<string, RealmStore> {
  return new Map(
    saved.map(([realmId, s]) => [
      realmId,
      {
        entities: new Map(s.entities.map(([name, rows]) => [name, new Map(rows)])),
        deleted: s.deleted,
        counters: new Map(s.counters),
        files: new Map(
          s.files.map(([id, f]) => [
            id,
            { contentType: f.contentType, bytes: Buffer.from(f.base64, "base64") },
          ]),
        ),
        sent: s.sent ?? [],
      },
    ]),
  );
}

/**
 * The records JadeVectorDB keeps on its log, as TypeScript sees them once decoded (`codec.ts` turns them into
 * bytes and back; `schemas/*.avsc` is the contract), and the record keys.
 *
 * Keys: a vector's key is `<database>/<id>` so that any Kafka client's default partitioner puts it in its shard.
 * System records (database markers) use keys that start with a NUL byte, which no user key can.
 */

import { isUtf8 } from 'node:buffer';
import { jadeError } from '../errors';

/** JSON values, as metadata holds them. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object: the only shape metadata may have. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Distance a database's searches use. */
export type Metric = 'cosine' | 'euclidean' | 'dot';
/** What a catalog event does. */
export type DatabaseEventType = 'create' | 'drop' | 'update';
/** Which lifecycle step a marker marks. */
export type MarkerKind = 'create' | 'drop' | 'erased';

/** A database's settings (Avro `jadevectordb.DatabaseDefinition`). */
export interface DatabaseDefinition {
  name: string;
  dimension: number;
  metric: Metric;
  m: number;
  efConstruction: number;
  efSearch: number;
  description: string | null;
  createdAtMs: number;
}

/** Inserts or replaces a vector (Avro `jadevectordb.VectorUpsert`). */
export interface VectorUpsertRecord {
  type: 'vector-upsert';
  database: string;
  id: string;
  /** The vector, in its own aligned buffer. Its length and finiteness are the shard's to check, against the catalog. */
  values: Float32Array;
  /** Parsed metadata, or null for none (a version-1 writer has none). */
  metadata: JsonObject | null;
}

/** Replaces a vector's metadata, keeping its values (Avro `jadevectordb.VectorPatch`). */
export interface VectorPatchRecord {
  type: 'vector-patch';
  database: string;
  id: string;
  /** The new metadata; null removes it. */
  metadata: JsonObject | null;
}

/** A catalog change on `jade.databases` (Avro `jadevectordb.DatabaseEvent`; its Avro field `type` is `eventType` here). */
export interface DatabaseEventRecord {
  type: 'database-event';
  eventType: DatabaseEventType;
  name: string;
  definition: DatabaseDefinition | null;
  requestId: string | null;
  timestampMs: number;
}

/** A lifecycle marker in every partition of `jade.vectors` (Avro `jadevectordb.DatabaseMarker`). */
export interface DatabaseMarkerRecord {
  type: 'database-marker';
  kind: MarkerKind;
  database: string;
  /** Offset of the database's create record in `jade.databases`. */
  incarnation: number;
  definition: DatabaseDefinition | null;
}

/** A rejected record on `jade.vectors.dlq` (Avro `jadevectordb.DeadLetter`). */
export interface DeadLetterRecord {
  type: 'dead-letter';
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: number;
  /** A `JADE_ERR_*` code; a string because a reader may meet codes newer than itself. */
  reasonCode: string;
  reason: string;
  key: Buffer | null;
  value: Buffer | null;
  timestampMs: number;
  nodeId: string | null;
}

/** An index node's membership heartbeat on `jade.cluster` (Avro `jadevectordb.NodeHeartbeat`). */
export interface NodeHeartbeatRecord {
  type: 'node-heartbeat';
  nodeId: string;
  replicaGroup: number;
  url: string;
  ready: boolean;
  partitions: { partition: number; nextOffset: number; lag: number; ready: boolean; awaitingErasure: string[] }[];
  sentAtMs: number;
}

/** An audit event on `jade.audit` (Avro `jadevectordb.AuditEvent`). */
export interface AuditEventRecord {
  type: 'audit-event';
  eventId: string;
  kind: 'intent' | 'outcome';
  timestampMs: number;
  requestId: string;
  action: string;
  category: 'authentication' | 'authorization' | 'admin' | 'write' | 'read';
  outcome: 'success' | 'denied' | 'error' | 'unknown';
  actor: string;
  roles: string[];
  authMethod: string;
  sourceAddress: string;
  route: string;
  database: string | null;
  recordCount: number;
  statusCode: number | null;
  latencyMs: number | null;
  errorCode: string | null;
  nodeId: string | null;
}

/** API key state on `jade.security` (Avro `jadevectordb.ApiKeyEvent`); its Avro field `type` is `eventType` here. */
export interface ApiKeyEventRecord {
  type: 'api-key-event';
  eventType: 'create' | 'revoke';
  keyId: string;
  hash: string | null;
  name: string | null;
  roles: string[];
  databases: string[];
  expiresAtMs: number | null;
  timestampMs: number;
  actor: string | null;
}

/**
 * Headers of a *conditional* write on `jade.vectors` (docs/architecture.md, "Read-modify-write on a compacted log").
 * A record carrying them holds an id's whole state (a `VectorUpsert`, or a tombstone) computed from the state the
 * writer read at `jade-base-version` (the offset of that state's newest record, or -1 when it had none). It applies as
 * written when no record of the id landed after that base; otherwise it *conflicts*: a `patch` then replaces only the
 * metadata of the id's current state, a `restore` changes nothing, and either leaves the id unsettled until replica
 * group 0 writes a record that carries its state. Producers outside JadeVectorDB never need them.
 */
export const BASE_VERSION_HEADER = 'jade-base-version';
/** See {@link BASE_VERSION_HEADER}: `patch` (a PATCH of metadata) or `restore` (replica group 0 settling an id). */
export const CONDITIONAL_KIND_HEADER = 'jade-write';
export type ConditionalKind = 'patch' | 'restore';

/** A conditional write's headers. */
export function conditionalHeaders(kind: ConditionalKind, baseVersion: number): Record<string, Buffer> {
  return { [BASE_VERSION_HEADER]: Buffer.from(String(baseVersion)), [CONDITIONAL_KIND_HEADER]: Buffer.from(kind) };
}

/** The condition a record's headers carry, undefined for a plain write; throws on malformed headers. */
export function conditionOf(headers: Readonly<Record<string, Buffer | undefined>>): { kind: ConditionalKind; baseVersion: number } | undefined {
  const base = headers[BASE_VERSION_HEADER];
  const kind = headers[CONDITIONAL_KIND_HEADER];
  if (base === undefined && kind === undefined) return undefined;
  const baseVersion = base === undefined ? Number.NaN : Number(base.toString('latin1'));
  const kindText = kind?.toString('latin1');
  if (!Number.isSafeInteger(baseVersion) || baseVersion < -1 || (kindText !== 'patch' && kindText !== 'restore')) {
    throw jadeError('JADE_ERR_CODEC_INVALID_FIELD', ['headers', `a conditional write needs ${BASE_VERSION_HEADER} (an offset or -1) and ${CONDITIONAL_KIND_HEADER} (patch or restore)`]);
  }
  return { kind: kindText, baseVersion };
}

/** Every record the codec encodes and decodes, discriminated on `type`. */
export type JadeRecord =
  | VectorUpsertRecord
  | VectorPatchRecord
  | DatabaseEventRecord
  | DatabaseMarkerRecord
  | DeadLetterRecord
  | NodeHeartbeatRecord
  | AuditEventRecord
  | ApiKeyEventRecord;
/** The `type` tags of {@link JadeRecord}. */
export type RecordType = JadeRecord['type'];

/** Database names: lowercase, start with a letter or digit, at most 63 characters, never a '/'. */
export const DATABASE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Longest vector id, in UTF-8 bytes. */
export const MAX_ID_BYTES = 512;

const MARKER_PREFIX = '\0m/';
const MARKER_KINDS: ReadonlySet<string> = new Set<MarkerKind>(['create', 'drop', 'erased']);
// In a `u` regex a well-formed surrogate pair is one code point, so this matches lone surrogates only:
// they have no UTF-8 form, and Buffer.from would silently turn them into U+FFFD.
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether `name` is a valid database name. */
export function isValidDatabaseName(name: string): boolean {
  return DATABASE_NAME_PATTERN.test(name);
}

/** Why `id` is not a valid vector id, or null when it is: 1 to 512 bytes of UTF-8 without NUL. */
export function invalidIdReason(id: string): string | null {
  if (id.length === 0) return 'id is empty';
  if (id.includes('\0')) return 'id contains a NUL character';
  if (LONE_SURROGATE.test(id)) return 'id is not valid Unicode (lone surrogate)';
  // A UTF-16 unit is at most 3 UTF-8 bytes: skip the byte count for short ids.
  if (id.length * 3 > MAX_ID_BYTES && Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) return `id is longer than ${MAX_ID_BYTES} bytes`;
  return null;
}

/** The key of a vector: `<database>/<id>`. Throws `JADE_ERR_KEY_INVALID` for an invalid database name or id. */
export function vectorKey(database: string, id: string): string {
  if (!isValidDatabaseName(database)) throw keyInvalid(`database name ${JSON.stringify(database)} does not match ${DATABASE_NAME_PATTERN.source}`);
  const reason = invalidIdReason(id);
  if (reason !== null) throw keyInvalid(reason);
  return `${database}/${id}`;
}

/**
 * Splits a vector key at its first '/' (database names never contain one; ids may). A Buffer key must be valid
 * UTF-8. Throws `JADE_ERR_KEY_INVALID` for a reserved key, a missing '/', or an invalid database name or id.
 */
export function parseVectorKey(key: string | Uint8Array): { database: string; id: string } {
  const text = keyText(key);
  if (text.startsWith('\0')) throw keyInvalid('reserved key (starts with NUL) is not a vector key');
  const slash = text.indexOf('/');
  if (slash < 0) throw keyInvalid(`no '/' in ${JSON.stringify(text)}`);
  const database = text.slice(0, slash);
  const id = text.slice(slash + 1);
  if (!isValidDatabaseName(database)) throw keyInvalid(`database name ${JSON.stringify(database)} does not match ${DATABASE_NAME_PATTERN.source}`);
  const reason = invalidIdReason(id);
  if (reason !== null) throw keyInvalid(reason);
  return { database, id };
}

/**
 * The key of a database marker: a NUL byte, then `m/<database>/<incarnation>/<kind>`, unique per marker. A marker
 * written again (a create re-emitted into a partition that may lack it, src/gateway/database-lifecycle.ts) carries a
 * `copy` suffix so that its key stays unique: under compaction a repeat with the same key would erase the original,
 * which precedes the database's records, and a replay would then meet those records before any create marker. Such
 * keys are never removed while the database lives, so repeats must stay rare.
 */
export function markerKey(database: string, incarnation: number, kind: MarkerKind, copy?: string): string {
  if (!isValidDatabaseName(database)) throw keyInvalid(`database name ${JSON.stringify(database)} does not match ${DATABASE_NAME_PATTERN.source}`);
  if (!Number.isSafeInteger(incarnation) || incarnation < 0) throw keyInvalid(`incarnation ${String(incarnation)} is not a non-negative integer`);
  if (!MARKER_KINDS.has(kind)) throw keyInvalid(`unknown marker kind ${JSON.stringify(kind)}`);
  if (copy !== undefined && !MARKER_COPY_PATTERN.test(copy)) throw keyInvalid(`marker copy suffix ${JSON.stringify(copy)} must match ${MARKER_COPY_PATTERN.source}`);
  return `${MARKER_PREFIX}${database}/${incarnation}/${kind}${copy === undefined ? '' : `/${copy}`}`;
}

const MARKER_COPY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Reads a marker key back. Throws `JADE_ERR_KEY_INVALID` when `key` is not one `markerKey` could have written. */
export function parseMarkerKey(key: string | Uint8Array): { database: string; incarnation: number; kind: MarkerKind } {
  const text = keyText(key);
  if (!text.startsWith(MARKER_PREFIX)) throw keyInvalid('not a marker key');
  const parts = text.slice(MARKER_PREFIX.length).split('/');
  const [database, incarnationText, kind, copy] = parts;
  if ((parts.length !== 3 && parts.length !== 4) || database === undefined || incarnationText === undefined || kind === undefined) {
    throw keyInvalid(`marker key ${JSON.stringify(text)} does not have three parts (and an optional copy suffix)`);
  }
  // Canonical decimal only, so one marker has exactly one key.
  if (!/^(0|[1-9][0-9]*)$/.test(incarnationText)) throw keyInvalid(`marker incarnation ${JSON.stringify(incarnationText)} is not a decimal integer`);
  const incarnation = Number(incarnationText);
  markerKey(database, incarnation, kind as MarkerKind, copy);
  return { database, incarnation, kind: kind as MarkerKind };
}

/** Whether a key is reserved for system records: it starts with a NUL byte. */
export function isReservedKey(key: string | Uint8Array): boolean {
  return typeof key === 'string' ? key.charCodeAt(0) === 0 : key.length > 0 && key[0] === 0;
}

/** The key of a dead letter: `<source partition>/<source offset>`, so a repeated rejection compacts onto one record. */
export function deadLetterKey(sourcePartition: number, sourceOffset: number): string {
  return `${sourcePartition}/${sourceOffset}`;
}

/**
 * The key a record is written with. A shard compares it with the key it read: a value that names another
 * database, id or marker than its key goes to the dead-letter topic.
 */
export function keyForRecord(record: JadeRecord): string {
  switch (record.type) {
    case 'vector-upsert':
    case 'vector-patch':
      return vectorKey(record.database, record.id);
    case 'database-event':
      return record.name;
    case 'database-marker':
      return markerKey(record.database, record.incarnation, record.kind);
    case 'dead-letter':
      return deadLetterKey(record.sourcePartition, record.sourceOffset);
    case 'node-heartbeat':
      return record.nodeId;
    case 'audit-event':
      return record.actor;
    case 'api-key-event':
      return record.keyId;
    default:
      throw new Error(`unknown record type ${JSON.stringify((record as { type: unknown }).type)}`);
  }
}

function keyText(key: string | Uint8Array): string {
  if (typeof key === 'string') return key;
  if (!isUtf8(key)) throw keyInvalid('key is not valid UTF-8');
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('utf8');
}

function keyInvalid(reason: string) {
  return jadeError('JADE_ERR_KEY_INVALID', [reason]);
}

/**
 * Request and reply types of the REST API, as a client sees them. Written out here rather than imported from the
 * server so the client stands alone (and can be published or vendored without the server's dependencies).
 */

export type Metric = 'cosine' | 'euclidean' | 'dot';

/** Any JSON value, as metadata may hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * How fresh a read must be: `eventual` (no wait, the server's default), `strong` (everything written before the
 * read), or `{ after: token }` with the token of a write (read your writes).
 */
export type Consistency = 'eventual' | 'strong' | { after: string };

/** HNSW parameters of a database. */
export interface IndexParams {
  /** Links per node. @default 16 */
  m?: number;
  /** Build beam. @default 200 */
  efConstruction?: number;
  /** Default search beam per shard. @default 64 */
  efSearch?: number;
}

export interface CreateDatabaseRequest {
  /** `^[a-z0-9][a-z0-9_-]{0,62}$` */
  name: string;
  /** 1 to 4096. */
  dimension: number;
  metric: Metric;
  index?: IndexParams;
  description?: string | null;
}

/** A database's definition, as the server describes it. */
export interface DatabaseInfo {
  name: string;
  dimension: number;
  metric: Metric;
  index: Required<IndexParams>;
  description: string | null;
  createdAt: string;
  /** Present on `databases.get` and `databases.create`. */
  vectorCount?: number;
}

/** What can change after creation: the description and the default search beam. */
export interface UpdateDatabaseRequest {
  description?: string | null;
  index?: { efSearch?: number };
}

export interface VectorInput {
  /** 1 to 512 bytes of UTF-8; the server generates a UUID when absent. */
  id?: string;
  values: number[];
  metadata?: JsonObject | null;
}

export interface StoredVector {
  id: string;
  /** Empty when a scroll asked for `includeValues: false`. */
  values: number[];
  metadata: JsonObject | null;
}

/** The reply to a single-vector write: the id and a consistency token for `{ after: token }` reads. */
export interface WriteReply {
  id: string;
  token: string;
}

export interface BatchWriteReply {
  count: number;
  ids: string[];
  token: string;
}

export interface DeleteManyReply {
  count: number;
  token: string;
}

export interface WriteOptions {
  /** Makes a retried request safe: the server answers a repeat with the first reply instead of writing again. */
  idempotencyKey?: string;
}

export interface ReadOptions {
  consistency?: Consistency;
}

export interface ListRequest extends ReadOptions {
  /** 1 to 1000. @default 100 */
  limit?: number;
  cursor?: string;
}

export interface ScrollRequest extends ReadOptions {
  /** 1 to 1000. @default 100 */
  limit?: number;
  cursor?: string;
  filter?: Filter;
  /** @default true */
  includeValues?: boolean;
}

export interface ScrollAllOptions extends ReadOptions {
  filter?: Filter;
  /** Vectors per request, 1 to 1000. @default 1000 */
  pageSize?: number;
  /** @default true */
  includeValues?: boolean;
}

export interface ScrollPage {
  vectors: StoredVector[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * A metadata filter: `{ must, should, must_not }` of conditions `{ key, match }`, `{ key, in }`,
 * `{ key, range: { gt, gte, lt, lte } }` and `{ key, exists }` on (dotted) keys.
 */
export type Filter = Record<string, unknown>;

export interface CountRequest extends ReadOptions {
  filter?: Filter;
}

export interface SearchRequest extends ReadOptions {
  vector: number[];
  /** 1 to 1000. @default 10 */
  topK?: number;
  filter?: Filter;
  /** Search beam per shard; the database's default when absent. */
  efSearch?: number;
  /** Brute force over every live point: exact, slower. */
  exact?: boolean;
  includeValues?: boolean;
  includeMetadata?: boolean;
}

export interface SearchHit {
  id: string;
  /** cosine similarity and dot product: higher is better; euclidean distance: lower is better. */
  score: number;
  metadata?: JsonObject | null;
  values?: number[];
}

export interface SearchReply {
  /** Best first. */
  results: SearchHit[];
  tookMs: number;
}

export interface HealthReply {
  status: string;
}

export interface ReadyReply {
  ready: boolean;
}

export interface PartitionStatus {
  partition: number;
  nextOffset: number;
  endOffset: number;
  lag: number;
  ready: boolean;
  lastSnapshotOffset?: number;
  lastSnapshotAtMs?: number;
  lastSnapshotDurationMs?: number;
  deadLetters: number;
  [key: string]: unknown;
}

export interface StatusReply {
  role: string;
  backbone: string;
  partitions: PartitionStatus[];
  databases: { name: string; vectorCount: number }[];
}

/** The one shape of every error reply. */
export interface ErrorReply {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  acknowledged?: string[];
}

/** `admin` manages databases, keys and the audit log; `writer` writes and reads; `reader` reads. */
export type Role = 'admin' | 'writer' | 'reader';

export interface CreateApiKeyRequest {
  name?: string;
  roles: Role[];
  /** Database names the key may touch, or `*` for all. */
  databases: string[] | '*';
  /** Lifetime; no expiry when absent. */
  expiresInSeconds?: number;
}

export interface ApiKeyInfo {
  keyId: string;
  name: string | null;
  roles: Role[];
  databases: string[] | '*';
  expiresAt: string | null;
  createdAt: string;
  revoked: boolean;
}

/** A new key: `key` is in this reply only (the server keeps its hash). Use it as `new JadeClient({ apiKey: key })`. */
export interface CreatedApiKey extends ApiKeyInfo {
  key: string;
}

export type AuditLevel = 'off' | 'security' | 'write' | 'all';

/** The audit level and the state of the audit log (`GET /v1/security/audit-level`; docs/audit.md explains each figure). */
export interface AuditSettings {
  level: AuditLevel;
  failOpen: boolean;
  /** Whether the last attempt to write to the audit log succeeded. */
  writable: boolean;
  /** Outcome events waiting to be written, and the most the queue holds. */
  queued: number;
  queueLimit: number;
  /** Read events dropped because the queue was full. */
  dropped: number;
  /** Other outcome events that found the queue full: written to the server's log instead. */
  overflowed: number;
  /** Events not written while failing open. */
  failedOpen: number;
  /** Failed attempts to write outcome events (each retried). */
  writeFailures: number;
  /** Requests refused (fail-closed) because the audit log could not take their events. */
  refused: number;
}

export interface AuditLogQuery {
  actor?: string;
  action?: string;
  outcome?: 'success' | 'denied' | 'error' | 'unknown';
  database?: string;
  /** A Date, an ISO 8601 time, or milliseconds since the epoch. */
  since?: Date | string | number;
  /** 1 to 10,000. @default 100 */
  limit?: number;
}

export interface AuditEvent {
  kind: 'intent' | 'outcome';
  timestamp: string;
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
  [key: string]: unknown;
}

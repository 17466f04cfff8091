/**
 * The one registry of JadeVectorDB error codes.
 *
 * Every failure a user can see carries a stable `JADE_ERR_<AREA>_<WHAT>` code. Clients branch on the code,
 * never on the message. A code is never reused for a different meaning; `docs/errors.md` documents each one
 * (a unit test fails when a code here is missing there).
 */

/**
 * What a failure means for whoever meets it, one classification used everywhere:
 * - `bad-record`: a record on the log that no replica could ever apply. A shard dead-letters it and moves on.
 * - `local`: this node's own trouble (native index failure, full disk, missing key, a closed handle). A shard stops
 *   applying that partition, visibly, and restarts it with backoff; the record is never skipped, since another
 *   replica, or this one later, applies it.
 * - `remote`: a dependency that may recover (the log, an index node, the schema registry, a shard catching up).
 *   Callers back off and retry; requests get 503 or 504.
 * - `refusal`: the request itself is wrong or not allowed. Retrying it unchanged cannot help.
 */
export type FailureKind = 'bad-record' | 'local' | 'remote' | 'refusal';

export interface ErrorDefinition {
  /** HTTP status the gateway answers with. Internal-only errors use 500. */
  readonly status: number;
  /** Message template; `%s` placeholders are filled in order. */
  readonly message: string;
  /** Whether the same operation may succeed if retried unchanged (a broker hiccup, a shard catching up). */
  readonly retriable: boolean;
  readonly kind: FailureKind;
}

/** A code whose kind follows from its status: retriable ones are `remote`, other 4xx `refusal`, other 5xx `local`. */
const def = (status: number, message: string, retriable = false): ErrorDefinition => ({
  status,
  message,
  retriable,
  kind: retriable ? 'remote' : status < 500 ? 'refusal' : 'local',
});
/** A reason a record on the log is dead-lettered (also a 400 when a request carries the same fault). */
const badRecord = (message: string): ErrorDefinition => ({ status: 400, message, retriable: false, kind: 'bad-record' });

export const ERROR_CODES = {
  // Configuration and start-up
  JADE_ERR_CONFIG_INVALID: def(500, 'invalid configuration: %s'),
  JADE_ERR_CONFIG_TOPIC_MISMATCH: def(500, 'topic %s does not match the configuration: %s'),
  JADE_ERR_DATA_DIR_LOCKED: def(500, 'data directory %s is in use by another process (pid %s)'),

  // Record codec (Avro single-object, Confluent wire format)
  JADE_ERR_CODEC_TRUNCATED: badRecord('record is truncated: %s'),
  JADE_ERR_CODEC_BAD_MAGIC: badRecord('record does not start with a known header: %s'),
  JADE_ERR_CODEC_UNKNOWN_FINGERPRINT: badRecord('unknown schema fingerprint %s'),
  JADE_ERR_CODEC_UNKNOWN_SCHEMA_ID: badRecord('unknown schema id %s'),
  JADE_ERR_CODEC_DECODE_FAILED: badRecord('record body does not decode as %s: %s'),
  JADE_ERR_CODEC_INVALID_FIELD: badRecord('record field %s is invalid: %s'),
  JADE_ERR_CODEC_REGISTRY_UNAVAILABLE: def(503, 'schema registry unavailable: %s', true),
  JADE_ERR_CODEC_TRAILING_BYTES: badRecord('record has %s bytes after the end of its %s body'),
  JADE_ERR_CODEC_SCHEMA_INCOMPATIBLE: badRecord('writer schema %s cannot be read as a JadeVectorDB record: %s'),
  JADE_ERR_CODEC_SCHEMA_LOOKUP_REQUIRED: def(503, 'schema id %s must be fetched from the schema registry before decoding', true),
  JADE_ERR_CODEC_SCHEMAS_UNREADABLE: def(500, 'cannot load the record schemas from %s: %s'),

  // Keys and partitioning
  JADE_ERR_KEY_INVALID: badRecord('invalid record key: %s'),

  // Log backbone
  JADE_ERR_LOG_UNAVAILABLE: def(503, 'the log is unavailable: %s', true),
  JADE_ERR_LOG_PRODUCE_FAILED: def(503, 'the log did not acknowledge the write: %s', true),
  JADE_ERR_LOG_RECORD_TOO_LARGE: def(413, 'record of %s bytes exceeds the maximum of %s bytes'),
  JADE_ERR_LOG_UNKNOWN_TOPIC: def(500, 'topic %s does not exist'),
  JADE_ERR_LOG_OFFSET_OUT_OF_RANGE: def(400, 'offset %s is out of range for %s'),
  JADE_ERR_LOG_CLOSED: def(500, '%s is closed'),
  JADE_ERR_LOG_INVALID_STATE: def(500, 'illegal call in state %s: %s'),
  JADE_ERR_LOG_CORRUPT: def(500, '%s is corrupt: %s'),
  JADE_ERR_LOG_NOT_ASSIGNED: def(500, 'partition %s is not assigned to this consumer'),

  // Shard
  JADE_ERR_INDEX_PARAMS_INVALID: def(400, 'invalid vector index parameters: %s'),
  JADE_ERR_INDEX_DIMENSION_MISMATCH: def(400, 'vector has %s dimensions, the index expects %s'),
  JADE_ERR_INDEX_VECTOR_INVALID: def(400, 'vector is invalid: %s'),
  JADE_ERR_INDEX_SEARCH_INVALID: def(400, 'invalid search: %s'),
  JADE_ERR_INDEX_LABEL_INVALID: def(500, 'vector index label %s is invalid: %s'),
  JADE_ERR_INDEX_CLOSED: def(500, 'vector index is closed'),
  JADE_ERR_INDEX_BUSY: def(503, 'vector index is busy: %s', true),
  JADE_ERR_INDEX_NATIVE_FAILED: def(500, 'hnswlib failed to %s: %s'),
  JADE_ERR_INDEX_WRITE_FAILED: def(500, 'cannot write vector index to %s: %s', true),
  JADE_ERR_INDEX_LOAD_FAILED: def(500, 'cannot load vector index from %s: %s'),
  JADE_ERR_INDEX_VALUES_MISSING: def(500, 'the value store has no values for live label(s) %s of the vector index'),
  JADE_ERR_FILTER_INVALID: def(400, 'invalid filter: %s'),
  // Shard state: applying the log (these reasons also label dead-lettered records)
  JADE_ERR_SHARD_CLOSED: def(500, '%s is closed'),
  JADE_ERR_SHARD_WRONG_PARTITION: badRecord('record key %s belongs in partition %s, not %s'),
  JADE_ERR_SHARD_DATABASE_NOT_LIVE: badRecord('database %s is not live at this point of the log'),
  JADE_ERR_SHARD_KEY_MISMATCH: badRecord('record value names %s but its key is %s'),
  JADE_ERR_SHARD_DIMENSION_MISMATCH: badRecord('vector has %s values but database %s has dimension %s'),
  JADE_ERR_SHARD_NON_FINITE: badRecord('vector value at index %s is not a finite float32'),
  JADE_ERR_SHARD_ZERO_VECTOR: badRecord('a zero vector has no direction: database %s uses cosine'),
  JADE_ERR_SHARD_UNEXPECTED_RECORD: badRecord('a %s record does not belong on the vectors topic'),
  JADE_ERR_SHARD_DATABASE_NOT_HELD: def(404, 'this shard holds no live database %s', true),
  JADE_ERR_SHARD_CATALOG_BEHIND: def(503, 'the catalog has not reached offset %s yet', true),
  JADE_ERR_SHARD_SNAPSHOT_INVALID: def(500, 'snapshot %s is unusable: %s'),

  // HTTP requests
  JADE_ERR_REQUEST_INVALID: def(400, 'invalid request: %s'),
  JADE_ERR_REQUEST_TOO_LARGE: def(413, 'request body is larger than %s bytes'),
  JADE_ERR_ROUTE_NOT_FOUND: def(404, 'no route %s %s'),
  JADE_ERR_AUTH_REQUIRED: def(401, '%s'),
  JADE_ERR_INTERNAL: def(500, 'internal error (request id %s)'),

  // Databases
  JADE_ERR_DB_EXISTS: def(409, 'database %s already exists'),
  JADE_ERR_DB_NOT_FOUND: def(404, 'database %s does not exist'),
  JADE_ERR_DB_ERASING: def(409, 'database %s is still being erased from %s partition(s); retry shortly', true),
  JADE_ERR_DB_NOT_READY: def(503, 'database %s is still being created; retry shortly', true),
  JADE_ERR_DB_INVALID: def(400, 'invalid database definition: %s'),

  // Cluster
  JADE_ERR_NODE_UNREACHABLE: def(503, 'index node %s did not answer: %s', true),

  // Security
  JADE_ERR_AUTH_INVALID: def(401, 'credentials refused: %s'),
  JADE_ERR_AUTH_FORBIDDEN: def(403, '%s'),
  JADE_ERR_API_KEY_NOT_FOUND: def(404, 'API key %s does not exist'),
  JADE_ERR_AUDIT_UNAVAILABLE: def(503, 'the audit log cannot be written, so the operation was refused: %s', true),
  JADE_ERR_SECRET_WEAK: def(500, '%s must be at least 32 bytes'),
  JADE_ERR_RATE_LIMITED: def(429, 'rate limit of %s requests per minute exceeded', true),
  JADE_ERR_CRYPTO_FAILED: def(500, 'cannot %s: %s'),
  JADE_ERR_CRYPTO_KEY_UNKNOWN: def(500, '%s is encrypted with key id %s, which is configured neither as encryptionKeyId nor in encryptionPreviousKeys'),
  JADE_ERR_CRYPTO_DECRYPT_FAILED: badRecord('cannot decrypt %s: %s'),

  // Consistency
  JADE_ERR_CONSISTENCY_TIMEOUT: def(504, 'partition %s did not reach offset %s within %s ms', true),
  JADE_ERR_TOKEN_INVALID: def(400, 'invalid consistency token: %s'),

  // Reads and writes through the gateway
  JADE_ERR_VECTOR_INVALID: def(400, 'invalid vector: %s'),
  JADE_ERR_VECTOR_NOT_FOUND: def(404, 'vector %s not found in database %s'),
  JADE_ERR_BATCH_INVALID: def(400, 'batch rejected, nothing was written: %s'),
  JADE_ERR_CURSOR_INVALID: def(400, 'invalid cursor: %s'),
  JADE_ERR_NO_OWNER: def(503, 'no ready index node owns partition %s', true),
  JADE_ERR_PARTITION_STALLED: def(503, 'partition %s is not being applied (%s); retry after %s s', true),
  JADE_ERR_BACKPRESSURE: def(503, 'the shards of this write lag by %s records (limit %s); retry after %s s', true),
  JADE_ERR_IDEMPOTENCY_CONFLICT: def(409, 'Idempotency-Key %s was used for a different request'),
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where in the system an error happened: attached for logs and for retry decisions, never shown as a stack trace. */
export interface ErrorContext {
  database?: string;
  topic?: string;
  partition?: number;
  offset?: string;
  [key: string]: unknown;
}

export interface JadeErrorOptions {
  cause?: unknown;
  context?: ErrorContext;
  /** Overrides the registry's retriable flag when the caller knows better (e.g. a fatal broker error). */
  retriable?: boolean;
}

/** The error type every JadeVectorDB module throws for expected failures. */
export class JadeError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly retriable: boolean;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, args: readonly unknown[] = [], options: JadeErrorOptions = {}) {
    const definition = ERROR_CODES[code];
    super(formatMessage(definition.message, args), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'JadeError';
    this.code = code;
    this.statusCode = definition.status;
    this.retriable = options.retriable ?? definition.retriable;
    this.context = options.context ?? {};
  }
}

/** Builds a JadeError from the registry: `jadeError('JADE_ERR_KEY_INVALID', ['empty id'])`. */
export function jadeError(code: ErrorCode, args: readonly unknown[] = [], options?: JadeErrorOptions): JadeError {
  return new JadeError(code, args, options);
}

/** The kind of any failure: a JadeError's from the registry; anything else (a native or programmer error) is `local`. */
export function failureKind(err: unknown): FailureKind {
  return err instanceof JadeError ? ERROR_CODES[err.code].kind : 'local';
}

export function isJadeError(err: unknown, code?: ErrorCode): err is JadeError {
  return err instanceof JadeError && (code === undefined || err.code === code);
}

function formatMessage(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%s/g, () => {
    const value = args[i++];
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  });
}

/**
 * The configuration schema: every key JadeVectorDB reads, its environment variable, its JSON schema, its default
 * and why one would change it. `docs/configuration.md` is generated from this table, and a test fails when a key
 * is undocumented.
 */
import os from 'node:os';

export interface ConfigKeySpec {
  /** Environment variable that sets the key (always `JADE_` + the key in upper snake case). */
  readonly env: string;
  /** JSON schema for the value, after environment strings have been parsed. */
  readonly schema: Record<string, unknown>;
  /** Default when neither file nor environment sets it; `undefined` means the key is optional. */
  readonly default?: unknown;
  /** One line for the docs: what it does and the trade-off. */
  readonly doc: string;
}

const MiB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export const CONFIG_SPEC = {
  role: {
    env: 'JADE_ROLE',
    schema: { enum: ['all', 'gateway', 'index'] },
    default: 'all',
    doc: '`all` runs gateway and index node in one process (the embedded default); `gateway` and `index` split them for a cluster.',
  },
  dataDir: {
    env: 'JADE_DATA_DIR',
    schema: { type: 'string', minLength: 1 },
    default: './data',
    doc: 'Directory for the embedded log, snapshots and live stores. With the embedded log, one process at a time: it holds an OS lock on `log/LOCK`, which ends with the process (even on `kill -9`), so a restart never waits for a stale lock.',
  },
  httpHost: {
    env: 'JADE_HTTP_HOST',
    schema: { type: 'string', minLength: 1 },
    default: '127.0.0.1',
    doc: 'Address the REST API listens on. Use 0.0.0.0 in containers.',
  },
  httpPort: {
    env: 'JADE_HTTP_PORT',
    schema: { type: 'integer', minimum: 0, maximum: 65535 },
    default: 8080,
    doc: 'Port of the REST API (0 picks a free port).',
  },
  kafkaBrokers: {
    env: 'JADE_KAFKA_BROKERS',
    schema: { type: 'array', items: { type: 'string', pattern: '^[^:\\s]+:[0-9]{1,5}$' }, minItems: 1 },
    doc: 'Comma-separated `host:port` bootstrap list. Set: the Kafka backbone; unset: the embedded log in `dataDir`.',
  },
  kafkaClientId: {
    env: 'JADE_KAFKA_CLIENT_ID',
    schema: { type: 'string', minLength: 1 },
    default: 'jadevectordb',
    doc: 'Client id sent to the brokers (shows in broker logs and quotas).',
  },
  kafkaReplicationFactor: {
    env: 'JADE_KAFKA_REPLICATION_FACTOR',
    schema: { type: 'integer', minimum: 1, maximum: 16 },
    doc: 'Replication factor of topics the program creates. Default: the number of brokers the Kafka cluster reports at start-up, at most 3 (not the number of addresses in kafkaBrokers); 1 for the embedded log. A value above the brokers the cluster reports stops start-up when topics are to be created.',
  },
  kafkaMinInsyncReplicas: {
    env: 'JADE_KAFKA_MIN_INSYNC_REPLICAS',
    schema: { type: 'integer', minimum: 1, maximum: 16 },
    doc: 'min.insync.replicas of created topics. Default: 2 with replication factor 3 or more, else 1. Must be below the replication factor to survive a broker loss. Set explicitly (or with kafkaReplicationFactor), existing topics are checked against it; left to the cluster-derived default, it only applies to topics the program creates.',
  },
  kafkaConnectTimeoutMs: {
    env: 'JADE_KAFKA_CONNECT_TIMEOUT_MS',
    schema: { type: 'integer', minimum: 100 },
    default: 10_000,
    doc: 'How long one connection attempt to a broker may take.',
  },
  kafkaSessionTimeoutMs: {
    env: 'JADE_KAFKA_SESSION_TIMEOUT_MS',
    schema: { type: 'integer', minimum: 1_000, maximum: 300_000 },
    default: 6_000,
    doc: 'Consumer-group session timeout of index nodes: how long a node that stopped without leaving (killed, partitioned) keeps its partitions before its replica group takes them over. Heartbeats go every third of it, at most every second. Brokers refuse values below their group.min.session.timeout.ms (6000 by default).',
  },
  partitions: {
    env: 'JADE_PARTITIONS',
    schema: { type: 'integer', minimum: 1, maximum: 1024 },
    doc: 'Shards (partitions of the vectors topic), fixed when the topic is created. Default: the number of CPU cores. Disagreeing with an existing topic stops start-up.',
  },
  topicPrefix: {
    env: 'JADE_TOPIC_PREFIX',
    schema: { type: 'string', pattern: '^[a-zA-Z0-9._-]{1,100}$' },
    default: 'jade',
    doc: 'Prefix of every topic and consumer group name, so several deployments (or tests) can share brokers.',
  },
  deleteRetentionMs: {
    env: 'JADE_DELETE_RETENTION_MS',
    schema: { type: 'integer', minimum: 0 },
    default: 7 * DAY_MS,
    doc: 'How long tombstones survive compaction. A snapshot older than this is never resumed from (it could miss a delete).',
  },
  minCompactionLagMs: {
    env: 'JADE_MIN_COMPACTION_LAG_MS',
    schema: { type: 'integer', minimum: 0 },
    default: 60 * 60 * 1000,
    doc:
      'How long a record of the vectors topic stays uncompacted (its min.compaction.lag.ms). Replica group 0 settles an id ' +
      'that a concurrent PATCH left without a record carrying its state within seconds; this bounds how long it may take ' +
      '(group 0 down included) before compaction could lose that state. Raise it if group 0 can stay down longer.',
  },
  maxRecordBytes: {
    env: 'JADE_MAX_RECORD_BYTES',
    schema: { type: 'integer', minimum: 1024, maximum: 64 * MiB },
    default: MiB,
    doc: 'Largest record the program produces; larger writes are refused with 413 before anything is produced. Must not exceed the broker’s message.max.bytes.',
  },
  embeddedFsync: {
    env: 'JADE_EMBEDDED_FSYNC',
    schema: { type: 'boolean' },
    default: true,
    doc: 'Flush the embedded log to disk before acknowledging a write. Turning it off trades durability across power loss for speed.',
  },
  nodeId: {
    env: 'JADE_NODE_ID',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    doc: 'Identity of this index node in its consumer group and heartbeats. Default: the host name and data directory, hashed.',
  },
  replicaGroup: {
    env: 'JADE_REPLICA_GROUP',
    schema: { type: 'integer', minimum: 0, maximum: 63 },
    default: 0,
    doc: 'Replica group of this index node: group g is consumer group `<prefix>-index-<g>`, and each group holds a full copy of every shard. Group 0 also writes dead letters and erasures.',
  },
  internalHost: {
    env: 'JADE_INTERNAL_HOST',
    schema: { type: 'string', minLength: 1 },
    default: '127.0.0.1',
    doc: 'Address of the internal interface on which an index node serves shard reads to gateways.',
  },
  internalPort: {
    env: 'JADE_INTERNAL_PORT',
    schema: { type: 'integer', minimum: 0, maximum: 65535 },
    default: 8081,
    doc: 'Port of the internal interface (role `index`; 0 picks a free port).',
  },
  advertisedUrl: {
    env: 'JADE_ADVERTISED_URL',
    schema: { type: 'string', pattern: '^https?://' },
    doc: 'URL gateways use to reach this index node, published in its heartbeats. Default: http://<internalHost>:<internalPort>.',
  },
  clusterSecret: {
    env: 'JADE_CLUSTER_SECRET',
    schema: { type: 'string', minLength: 32 },
    doc: 'Shared secret (at least 32 characters) that gateways present to index nodes. Required for roles `gateway` and `index`.',
  },
  shardThreads: {
    env: 'JADE_SHARD_THREADS',
    schema: { type: 'integer', minimum: 0, maximum: 256 },
    doc: 'Worker threads that hold shards (HNSW inserts and searches run there, off the event loop). Default: the number of cores; 0 runs shards on the main thread.',
  },
  indexBacklogMaxValues: {
    env: 'JADE_INDEX_BACKLOG_MAX_VALUES',
    schema: { type: 'integer', minimum: 0 },
    default: 1_000_000,
    doc: 'Most vector values (vectors x dimension) a serving shard holds applied but not yet linked into its HNSW graph: 1M is 7,812 vectors at 128-d. Applied vectors are searchable at once (each search scans this backlog exactly) and are linked in the background; past this limit, applying waits for the linking. Higher: absorbs longer ingestion bursts, slower searches meanwhile; 0 links every batch before the next.',
  },
  indexCatchUpBacklogMaxValues: {
    env: 'JADE_INDEX_CATCH_UP_BACKLOG_MAX_VALUES',
    schema: { type: 'integer', minimum: 0 },
    default: 64_000_000,
    doc: 'The backlog limit of a shard that is catching up (recovering, or taken over from a failed node) and serving nothing yet: a replay runs at the speed of reading the log, the partition is ready as soon as it has read it, and its graph is built while it serves. The values are held in memory either way; this only decides when they are linked.',
  },
  snapshotEveryRecords: {
    env: 'JADE_SNAPSHOT_EVERY_RECORDS',
    schema: { type: 'integer', minimum: 1 },
    default: 50_000,
    doc: 'Snapshot a shard after this many applied records, or after half its size in records when that is more (each snapshot rewrites the whole shard, so the disk writes stay proportional to the writes): more often means shorter replays after a crash, at the cost of disk writes.',
  },
  snapshotEveryMs: {
    env: 'JADE_SNAPSHOT_EVERY_MS',
    schema: { type: 'integer', minimum: 100 },
    default: 60_000,
    doc: 'Snapshot a shard whose last change is at least this old, when its changes since the last snapshot are 1% of it or more, or that snapshot is half way to delete.retention.ms (past which recovery cannot use it).',
  },
  httpBodyLimit: {
    env: 'JADE_HTTP_BODY_LIMIT',
    schema: { type: 'integer', minimum: 1024, maximum: 1024 * MiB },
    default: 32 * MiB,
    doc: 'Largest request body in bytes: batches of large vectors are big (10,000 x 768 floats as JSON is about 60 MiB).',
  },
  maxBatchSize: {
    env: 'JADE_MAX_BATCH_SIZE',
    schema: { type: 'integer', minimum: 1, maximum: 100_000 },
    default: 10_000,
    doc: 'Most vectors (or ids, or searches) in one batch request.',
  },
  maxMetadataBytes: {
    env: 'JADE_MAX_METADATA_BYTES',
    schema: { type: 'integer', minimum: 16, maximum: 16 * MiB },
    default: 64 * 1024,
    doc: 'Largest metadata object of one vector, as JSON text.',
  },
  consistencyTimeoutMs: {
    env: 'JADE_CONSISTENCY_TIMEOUT_MS',
    schema: { type: 'integer', minimum: 1, maximum: 600_000 },
    default: 5_000,
    doc: 'How long a `strong` or read-your-writes read may wait for the shards to catch up before answering 504.',
  },
  writeLagLimit: {
    env: 'JADE_WRITE_LAG_LIMIT',
    schema: { type: 'integer', minimum: 1 },
    default: 20_000,
    doc: 'Back-pressure: when a partition a write goes to lags by more records than this, writes answer 503 with Retry-After. It bounds how stale an eventual read can be (seconds of applying, not minutes) and keeps writers from outrunning the index nodes.',
  },
  auth: {
    env: 'JADE_AUTH',
    schema: { enum: ['on', 'off'] },
    default: 'on',
    doc: 'Authentication and authorisation of the REST API. `off` runs open (a warning is logged): only for local experiments.',
  },
  jwtSecret: {
    env: 'JADE_JWT_SECRET',
    schema: { type: 'string', minLength: 32 },
    doc: 'HS256 secret for JWTs (at least 32 bytes). Role `all` generates one in the data directory on first start if neither this nor a public key is set; gateways refuse to start without one.',
  },
  jwtPublicKeyFile: {
    env: 'JADE_JWT_PUBLIC_KEY_FILE',
    schema: { type: 'string', minLength: 1 },
    doc: 'PEM public key for RS256 or ES256 JWTs issued by your identity provider (instead of a shared secret).',
  },
  metricsPublic: {
    env: 'JADE_METRICS_PUBLIC',
    schema: { type: 'boolean' },
    default: false,
    doc: 'Serve /metrics without credentials, for a Prometheus scraper on a trusted network.',
  },
  auditLevel: {
    env: 'JADE_AUDIT_LEVEL',
    schema: { enum: ['off', 'security', 'write', 'all'] },
    default: 'write',
    doc: 'NFR-005: `security` (authentication, denials, admin operations), `write` (+ data changes), `all` (+ reads), or `off`. Changeable at run time by an admin.',
  },
  auditFailOpen: {
    env: 'JADE_AUDIT_FAIL_OPEN',
    schema: { type: 'boolean' },
    default: false,
    doc: 'When the audit log cannot be written: refuse writes and admin operations with 503 `JADE_ERR_AUDIT_UNAVAILABLE` until it can (false, fail-closed), or go on, counting and logging the events not written (true). See docs/audit.md.',
  },
  auditQueueLimit: {
    env: 'JADE_AUDIT_QUEUE_LIMIT',
    schema: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    default: 10_000,
    doc: 'Most audit outcome events waiting to be written (retried until written). When full, read events (level `all`) are dropped and counted; fail-closed, writes and admin operations are refused with 503 until there is room.',
  },
  auditSinkFile: {
    env: 'JADE_AUDIT_SINK_FILE',
    schema: { type: 'string', minLength: 1 },
    doc: 'Also append audit events to this local file (the audit topic is always written when auditing is on).',
  },
  auditSinkFormat: {
    env: 'JADE_AUDIT_SINK_FORMAT',
    schema: { enum: ['json', 'logfmt', 'cef'] },
    default: 'json',
    doc: 'Format of the local audit file: JSON lines, logfmt, or ArcSight CEF.',
  },
  rateLimitPerMinute: {
    env: 'JADE_RATE_LIMIT_PER_MINUTE',
    schema: { type: 'integer', minimum: 0 },
    default: 0,
    doc: 'Requests per minute per client address (0: no limit).',
  },
  tlsCertFile: {
    env: 'JADE_TLS_CERT_FILE',
    schema: { type: 'string', minLength: 1 },
    doc: 'PEM certificate (chain) for HTTPS on the REST API. Set with tlsKeyFile.',
  },
  tlsKeyFile: {
    env: 'JADE_TLS_KEY_FILE',
    schema: { type: 'string', minLength: 1 },
    doc: 'PEM private key for HTTPS on the REST API.',
  },
  kafkaSsl: {
    env: 'JADE_KAFKA_SSL',
    schema: { type: 'boolean' },
    default: false,
    doc: 'Connect to the brokers over TLS. Without kafkaSslCaFile the system trust store verifies them.',
  },
  kafkaSslCaFile: {
    env: 'JADE_KAFKA_SSL_CA_FILE',
    schema: { type: 'string', minLength: 1 },
    doc: 'PEM CA certificate(s) that signed the brokers’ certificates (needs kafkaSsl).',
  },
  kafkaSslCertFile: {
    env: 'JADE_KAFKA_SSL_CERT_FILE',
    schema: { type: 'string', minLength: 1 },
    doc: 'PEM client certificate for brokers that require mutual TLS (needs kafkaSsl; set with kafkaSslKeyFile).',
  },
  kafkaSslKeyFile: {
    env: 'JADE_KAFKA_SSL_KEY_FILE',
    schema: { type: 'string', minLength: 1 },
    doc: 'PEM private key of kafkaSslCertFile.',
  },
  kafkaSaslMechanism: {
    env: 'JADE_KAFKA_SASL_MECHANISM',
    schema: { enum: ['plain', 'scram-sha-256', 'scram-sha-512'] },
    doc: 'SASL authentication to the brokers (with kafkaSaslUsername and kafkaSaslPassword). Use it over kafkaSsl: `plain` sends the password as is.',
  },
  kafkaSaslUsername: {
    env: 'JADE_KAFKA_SASL_USERNAME',
    schema: { type: 'string', minLength: 1 },
    doc: 'SASL user name (needs kafkaSaslMechanism).',
  },
  kafkaSaslPassword: {
    env: 'JADE_KAFKA_SASL_PASSWORD',
    schema: { type: 'string', minLength: 1 },
    doc: 'SASL password (needs kafkaSaslMechanism).',
  },
  encryptionKey: {
    env: 'JADE_ENCRYPTION_KEY',
    schema: { type: 'string', minLength: 1 },
    doc: 'Base64 of exactly 32 random bytes (`openssl rand -base64 32`). Set: snapshots are AES-256-GCM encrypted, and the live stores and the embedded log are encrypted by LMDB; index bytes never reach disk in plaintext. Losing it loses the embedded log.',
  },
  encryptionKeyId: {
    env: 'JADE_ENCRYPTION_KEY_ID',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,32}$' },
    default: 'k1',
    doc: 'Name of encryptionKey, written beside everything it encrypts, so a rotated key can be told from a wrong one.',
  },
  encryptionPreviousKeys: {
    env: 'JADE_ENCRYPTION_PREVIOUS_KEYS',
    schema: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,32}:[A-Za-z0-9+/]{43}=$' } },
    doc: 'Retired keys as comma-separated `<id>:<base64 key>`, used only to read what they encrypted (payloads on the log, snapshots, the embedded log) after a rotation.',
  },
  encryptionTempDir: {
    env: 'JADE_ENCRYPTION_TEMP_DIR',
    schema: { type: 'string', minLength: 1 },
    default: '/dev/shm',
    doc: 'Memory-backed directory (tmpfs) where snapshot files exist in plaintext while being encrypted or loaded. Must exist and be writable when encryptionKey is set.',
  },
  payloadEncryption: {
    env: 'JADE_PAYLOAD_ENCRYPTION',
    schema: { type: 'boolean' },
    default: false,
    doc: 'Encrypt record values (vectors and metadata) with encryptionKey before they reach the log, since Kafka keeps its segments in plaintext on disk. Keys (`<db>/<id>`) stay plaintext; other producers may keep writing plaintext.',
  },
  logLevel: {
    env: 'JADE_LOG_LEVEL',
    schema: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    default: 'info',
    doc: 'pino log level.',
  },
} as const satisfies Record<string, ConfigKeySpec>;

export type ConfigKey = keyof typeof CONFIG_SPEC;

/** The resolved, validated, frozen configuration every component receives. */
export interface JadeConfig {
  readonly role: 'all' | 'gateway' | 'index';
  readonly dataDir: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly kafkaBrokers?: readonly string[];
  readonly kafkaClientId: string;
  /** As configured; unset: decided at start-up (src/config/replication.ts). */
  readonly kafkaReplicationFactor?: number;
  /** As configured; unset: decided at start-up (src/config/replication.ts). */
  readonly kafkaMinInsyncReplicas?: number;
  readonly kafkaConnectTimeoutMs: number;
  readonly kafkaSessionTimeoutMs: number;
  readonly partitions?: number;
  /** Partitions to use when the program creates the vectors topic (or embedded log) itself. */
  readonly defaultPartitions: number;
  readonly topicPrefix: string;
  readonly deleteRetentionMs: number;
  readonly minCompactionLagMs: number;
  readonly maxRecordBytes: number;
  readonly embeddedFsync: boolean;
  readonly nodeId?: string;
  readonly replicaGroup: number;
  readonly internalHost: string;
  readonly internalPort: number;
  readonly advertisedUrl?: string;
  readonly clusterSecret?: string;
  readonly shardThreads?: number;
  readonly indexBacklogMaxValues: number;
  readonly indexCatchUpBacklogMaxValues: number;
  readonly snapshotEveryRecords: number;
  readonly snapshotEveryMs: number;
  readonly httpBodyLimit: number;
  readonly maxBatchSize: number;
  readonly maxMetadataBytes: number;
  readonly consistencyTimeoutMs: number;
  readonly writeLagLimit: number;
  readonly auth: 'on' | 'off';
  readonly jwtSecret?: string;
  readonly jwtPublicKeyFile?: string;
  readonly metricsPublic: boolean;
  readonly auditLevel: 'off' | 'security' | 'write' | 'all';
  readonly auditFailOpen: boolean;
  readonly auditQueueLimit: number;
  readonly auditSinkFile?: string;
  readonly auditSinkFormat: 'json' | 'logfmt' | 'cef';
  readonly rateLimitPerMinute: number;
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  readonly kafkaSsl: boolean;
  readonly kafkaSslCaFile?: string;
  readonly kafkaSslCertFile?: string;
  readonly kafkaSslKeyFile?: string;
  readonly kafkaSaslMechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly kafkaSaslUsername?: string;
  readonly kafkaSaslPassword?: string;
  /** Base64 of the 32-byte master key, checked at load. */
  readonly encryptionKey?: string;
  readonly encryptionKeyId: string;
  readonly encryptionPreviousKeys?: readonly string[];
  readonly encryptionTempDir: string;
  readonly payloadEncryption: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export type JadeConfigInput = Partial<Record<ConfigKey, unknown>>;

export function defaultPartitionCount(): number {
  return Math.max(1, os.availableParallelism());
}

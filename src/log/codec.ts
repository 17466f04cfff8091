/**
 * The record codec: JadeVectorDB records to bytes and back, per the Avro contract in `schemas/`.
 *
 * - Encoding is always Avro single-object encoding: `C3 01`, the 8-byte little-endian CRC-64-AVRO fingerprint of
 *   the writer schema's Parsing Canonical Form, then the Avro binary body. It is deterministic, so any Avro
 *   implementation writes the same bytes for the same value.
 * - Decoding accepts single-object encoding written with any known schema (the current ones and every older
 *   version in `schemas/history/`, resolved into the current reader schema), and the Confluent wire format
 *   (`00`, a 4-byte big-endian schema id, the body), the id resolved by a static map or a schema registry.
 *
 * The hot path is synchronous: `decode` never does I/O. A Confluent schema id that only the registry knows makes it
 * throw `JADE_ERR_CODEC_SCHEMA_LOOKUP_REQUIRED` (retriable, `context.schemaId`); `resolveSchemaId` fetches and
 * caches it (ids are immutable, so for good), and `decodeAsync` does both. A consumer calls `decode` per record and
 * falls back to `decodeAsync` only for the rare record that throws that code.
 *
 * Every failure is a `JadeError` with a stable code, so a shard can dead-letter the record with its reason.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import * as path from 'node:path';
import * as avro from 'avsc';
import { isJadeError, jadeError, JadeError } from '../errors';
import { schemaFingerprint } from './crc64-avro';
import type {
  DatabaseDefinition,
  DatabaseEventRecord,
  DatabaseMarkerRecord,
  DeadLetterRecord,
  JadeRecord,
  ApiKeyEventRecord,
  AuditEventRecord,
  JsonObject,
  NodeHeartbeatRecord,
  RecordType,
  VectorPatchRecord,
  VectorUpsertRecord,
} from './records';

type AvroSchema = Parameters<typeof avro.Type.forSchema>[0];
type AvroResolver = ReturnType<avro.Type['createResolver']>;

/** The schema file and Avro full name of each record type. */
export const RECORD_SCHEMAS: Readonly<Record<RecordType, { file: string; fullName: string }>> = {
  'vector-upsert': { file: 'vector-upsert.avsc', fullName: 'jadevectordb.VectorUpsert' },
  'vector-patch': { file: 'vector-patch.avsc', fullName: 'jadevectordb.VectorPatch' },
  'database-event': { file: 'database-event.avsc', fullName: 'jadevectordb.DatabaseEvent' },
  'database-marker': { file: 'database-marker.avsc', fullName: 'jadevectordb.DatabaseMarker' },
  'dead-letter': { file: 'dead-letter.avsc', fullName: 'jadevectordb.DeadLetter' },
  'node-heartbeat': { file: 'node-heartbeat.avsc', fullName: 'jadevectordb.NodeHeartbeat' },
  'audit-event': { file: 'audit-event.avsc', fullName: 'jadevectordb.AuditEvent' },
  'api-key-event': { file: 'api-key-event.avsc', fullName: 'jadevectordb.ApiKeyEvent' },
};

/** First two bytes of Avro single-object encoding. */
export const SINGLE_OBJECT_MAGIC = Buffer.from([0xc3, 0x01]);
/** First byte of the Confluent wire format. */
export const CONFLUENT_MAGIC = 0x00;
const SINGLE_OBJECT_HEADER_LENGTH = 10;
const CONFLUENT_HEADER_LENGTH = 5;

export interface RecordCodecOptions {
  /** Directory holding the `.avsc` files and `history/`. @default the package's own `schemas/` */
  schemaDir?: string;
  /**
   * Confluent schema ids known without a registry: id -> the writer schema (JSON text or parsed JSON), or the full
   * name of one of our current schemas (e.g. `jadevectordb.VectorUpsert`) when producers registered it unchanged.
   * Checked at `load`, so a bad entry stops start-up. Takes precedence over the registry.
   * @default {}
   */
  schemaIds?: Readonly<Record<number, string | object>>;
  /** Base URL of a Confluent-compatible schema registry, for ids not in `schemaIds`. @default none: unknown ids fail */
  registryUrl?: string;
  /** Extra headers for registry requests, e.g. `Authorization`. @default {} */
  registryHeaders?: Readonly<Record<string, string>>;
  /** Timeout of one registry request. Longer survives a slow registry; shorter frees a stuck consumer sooner. @default 10000 */
  registryTimeoutMs?: number;
  /** The `fetch` to use (tests inject one). @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** One schema the codec can read, as `describeSchemas` lists it. */
export interface KnownSchema {
  type: RecordType;
  /** `current` for the schema the codec writes, else the history file's name (e.g. `vector-upsert.v1.avsc`). */
  version: string;
  fullName: string;
  canonicalForm: string;
  /** CRC-64-AVRO, unsigned. */
  fingerprint: bigint;
}

/** A writer schema with its resolution into our reader schema, built once and reused for every record. */
interface ReadPlan {
  type: RecordType;
  reader: avro.Type;
  /** Undefined when the writer is the reader itself: avsc then reads without a resolver. */
  resolver: AvroResolver | undefined;
  /** Names the writer schema in error messages. */
  label: string;
}

interface FingerprintPlan extends ReadPlan {
  /** The fingerprint's little-endian halves, compared as two uint32 so the hot path allocates no bigint. */
  low: number;
  high: number;
}

interface WritePlan {
  type: RecordType;
  writer: avro.Type;
  header: Buffer;
}

/** A schema id the registry answered for: a plan, or the permanent error that id gives. */
type IdEntry = { plan: ReadPlan } | { error: { code: 'JADE_ERR_CODEC_SCHEMA_INCOMPATIBLE'; args: unknown[] } };

const LITTLE_ENDIAN = endianness() === 'LE';

/** Encodes and decodes JadeVectorDB records. Build it once with `RecordCodec.load`; it is cheap to call per record. */
export class RecordCodec {
  private readonly fingerprintPlans: FingerprintPlan[];
  private readonly writePlans: Readonly<Record<RecordType, WritePlan>>;
  private readonly readers: ReadonlyMap<string, { type: RecordType; reader: avro.Type }>;
  private readonly idPlans = new Map<number, IdEntry>();
  private readonly pendingIds = new Map<number, Promise<IdEntry>>();
  private readonly known: readonly KnownSchema[];
  private readonly registry: { url: string; headers: Record<string, string>; timeoutMs: number; fetch: typeof fetch } | undefined;
  /** Reused encode buffer: one output allocation per record. */
  private scratch = Buffer.allocUnsafe(64 * 1024);

  private constructor(init: {
    fingerprintPlans: FingerprintPlan[];
    writePlans: Record<RecordType, WritePlan>;
    readers: Map<string, { type: RecordType; reader: avro.Type }>;
    known: KnownSchema[];
    registry: RecordCodec['registry'];
  }) {
    this.fingerprintPlans = init.fingerprintPlans;
    this.writePlans = init.writePlans;
    this.readers = init.readers;
    this.known = init.known;
    this.registry = init.registry;
  }

  /**
   * Loads the schemas (current and history) and checks that every older version resolves into the current one.
   * Throws `JADE_ERR_CODEC_SCHEMAS_UNREADABLE` for a missing or broken schema file, `JADE_ERR_CONFIG_INVALID` for a
   * bad option.
   */
  static load(options: RecordCodecOptions = {}): RecordCodec {
    const dir = options.schemaDir ?? defaultSchemaDir();
    const fingerprintPlans: FingerprintPlan[] = [];
    const writePlans = {} as Record<RecordType, WritePlan>;
    const readers = new Map<string, { type: RecordType; reader: avro.Type }>();
    const known: KnownSchema[] = [];

    for (const [type, { file, fullName }] of Object.entries(RECORD_SCHEMAS) as [RecordType, { file: string; fullName: string }][]) {
      const { avroType, fp } = readSchemaFile(dir, file);
      if (avroType.name !== fullName) throw unreadable(dir, `${file} defines ${String(avroType.name)}, expected ${fullName}`);
      readers.set(fullName, { type, reader: avroType });
      writePlans[type] = { type, writer: avroType, header: Buffer.concat([SINGLE_OBJECT_MAGIC, fp.bytes]) };
      fingerprintPlans.push({ type, reader: avroType, resolver: undefined, label: `${fullName} (${file})`, ...halves(fp.bytes) });
      known.push({ type, version: 'current', fullName, canonicalForm: fp.canonical, fingerprint: fp.fingerprint });
    }

    const historyDir = path.join(dir, 'history');
    const historyFiles = existsSync(historyDir) ? readdirSync(historyDir).filter((f) => f.endsWith('.avsc')).sort() : [];
    for (const file of historyFiles) {
      const { avroType, fp } = readSchemaFile(historyDir, file);
      const fullName = avroType.name ?? '(unnamed)';
      const target = readers.get(fullName);
      if (target === undefined) throw unreadable(dir, `history/${file} defines ${fullName}, which no current schema has`);
      let resolver: AvroResolver;
      try {
        resolver = target.reader.createResolver(avroType);
      } catch (err) {
        // The compatibility rule (new fields only with defaults) is broken: refuse to start rather than drop records.
        throw unreadable(dir, `history/${file} does not resolve into the current ${fullName}: ${messageOf(err)}`, err);
      }
      const { low, high } = halves(fp.bytes);
      // Same canonical form as a schema already loaded (only docs changed): the first one read serves both.
      if (fingerprintPlans.some((p) => p.low === low && p.high === high)) continue;
      fingerprintPlans.push({ type: target.type, reader: target.reader, resolver, label: `${fullName} (history/${file})`, low, high });
      known.push({ type: target.type, version: file, fullName, canonicalForm: fp.canonical, fingerprint: fp.fingerprint });
    }

    let registry: RecordCodec['registry'];
    if (options.registryUrl !== undefined) {
      let url: URL;
      try {
        url = new URL(options.registryUrl);
      } catch (err) {
        throw jadeError('JADE_ERR_CONFIG_INVALID', [`registryUrl ${JSON.stringify(options.registryUrl)} is not a URL`], { cause: err });
      }
      const timeoutMs = options.registryTimeoutMs ?? 10_000;
      if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw jadeError('JADE_ERR_CONFIG_INVALID', [`registryTimeoutMs must be a positive integer, got ${timeoutMs}`]);
      registry = {
        url: url.href.replace(/\/+$/, ''),
        headers: { ...options.registryHeaders },
        timeoutMs,
        fetch: options.fetch ?? globalThis.fetch,
      };
    }

    const codec = new RecordCodec({ fingerprintPlans, writePlans, readers, known, registry });
    for (const [idText, schema] of Object.entries(options.schemaIds ?? {})) {
      const id = Number(idText);
      if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) throw jadeError('JADE_ERR_CONFIG_INVALID', [`schemaIds key ${idText} is not a schema id`]);
      const entry = codec.planForWriter(schema, `schema id ${id}`);
      if ('error' in entry) throw jadeError('JADE_ERR_CONFIG_INVALID', [`schemaIds[${id}]: ${entry.error.args.map(String).join(': ')}`]);
      codec.idPlans.set(id, entry);
    }
    return codec;
  }

  /** Encodes a record as Avro single-object encoding with its current schema. Throws `JADE_ERR_CODEC_INVALID_FIELD`. */
  encode(record: JadeRecord): Buffer {
    switch (record.type) {
      case 'vector-upsert':
        return this.write(this.writePlans['vector-upsert'], upsertToAvro(record));
      case 'vector-patch':
        return this.write(this.writePlans['vector-patch'], patchToAvro(record));
      case 'database-event':
        return this.writeChecked(this.writePlans['database-event'], eventToAvro(record));
      case 'database-marker':
        return this.writeChecked(this.writePlans['database-marker'], markerToAvro(record));
      case 'dead-letter':
        return this.writeChecked(this.writePlans['dead-letter'], deadLetterToAvro(record));
      case 'node-heartbeat': {
        const { type: _type, ...heartbeat } = record;
        return this.writeChecked(this.writePlans['node-heartbeat'], heartbeat);
      }
      case 'audit-event': {
        const { type: _type, ...event } = record;
        return this.writeChecked(this.writePlans['audit-event'], event);
      }
      case 'api-key-event': {
        const { type: _type, eventType, ...event } = record;
        return this.writeChecked(this.writePlans['api-key-event'], { type: eventType, ...event });
      }
      default:
        throw invalidField('type', `unknown record type ${JSON.stringify((record as { type: unknown }).type)}`);
    }
  }

  /**
   * Decodes a record value (single-object encoding or Confluent wire format) without I/O. Throws a `JadeError`:
   * `JADE_ERR_CODEC_TRUNCATED`, `_BAD_MAGIC`, `_UNKNOWN_FINGERPRINT`, `_UNKNOWN_SCHEMA_ID`, `_SCHEMA_INCOMPATIBLE`,
   * `_DECODE_FAILED`, `_TRAILING_BYTES`, `_INVALID_FIELD`, or the retriable `_SCHEMA_LOOKUP_REQUIRED` (see `decodeAsync`).
   */
  decode(value: Uint8Array): JadeRecord {
    const buf = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    if (buf.length === 0) throw jadeError('JADE_ERR_CODEC_TRUNCATED', ['empty value']);
    const first = buf[0];
    if (first === 0xc3) {
      if (buf.length < SINGLE_OBJECT_HEADER_LENGTH) throw jadeError('JADE_ERR_CODEC_TRUNCATED', [`${buf.length} bytes, shorter than the 10-byte single-object header`]);
      if (buf[1] !== 0x01) throw jadeError('JADE_ERR_CODEC_BAD_MAGIC', [`C3 ${hexByte(buf[1]!)} is not C3 01`]);
      const low = buf.readUInt32LE(2);
      const high = buf.readUInt32LE(6);
      for (const plan of this.fingerprintPlans) {
        if (plan.low === low && plan.high === high) return readBody(plan, buf, SINGLE_OBJECT_HEADER_LENGTH);
      }
      throw jadeError('JADE_ERR_CODEC_UNKNOWN_FINGERPRINT', [`0x${buf.readBigUInt64LE(2).toString(16).padStart(16, '0')}`]);
    }
    if (first === CONFLUENT_MAGIC) {
      if (buf.length < CONFLUENT_HEADER_LENGTH) throw jadeError('JADE_ERR_CODEC_TRUNCATED', [`${buf.length} bytes, shorter than the 5-byte Confluent header`]);
      const id = buf.readInt32BE(1);
      const entry = this.idPlans.get(id);
      if (entry === undefined) {
        if (this.registry === undefined || id < 0) throw jadeError('JADE_ERR_CODEC_UNKNOWN_SCHEMA_ID', [id], { context: { schemaId: id } });
        throw jadeError('JADE_ERR_CODEC_SCHEMA_LOOKUP_REQUIRED', [id], { context: { schemaId: id } });
      }
      if ('error' in entry) throw jadeError(entry.error.code, entry.error.args, { context: { schemaId: id } });
      return readBody(entry.plan, buf, CONFLUENT_HEADER_LENGTH);
    }
    throw jadeError('JADE_ERR_CODEC_BAD_MAGIC', [`first byte ${hexByte(first!)} is neither C3 (Avro single-object) nor 00 (Confluent)`]);
  }

  /** Like `decode`, but first fetches a Confluent schema id from the registry when it must. */
  async decodeAsync(value: Uint8Array): Promise<JadeRecord> {
    try {
      return this.decode(value);
    } catch (err) {
      if (!isJadeError(err, 'JADE_ERR_CODEC_SCHEMA_LOOKUP_REQUIRED')) throw err;
      await this.resolveSchemaId(err.context.schemaId as number);
      return this.decode(value);
    }
  }

  /**
   * Makes a Confluent schema id known to `decode`: from the static map, the cache, or the registry (`GET
   * /schemas/ids/{id}`; concurrent calls for one id share one request). Returns the record type it decodes to.
   * Throws `JADE_ERR_CODEC_UNKNOWN_SCHEMA_ID` (not in the registry), `JADE_ERR_CODEC_SCHEMA_INCOMPATIBLE` (not one of
   * ours, or not resolvable into it), or the retriable `JADE_ERR_CODEC_REGISTRY_UNAVAILABLE`.
   */
  async resolveSchemaId(id: number): Promise<RecordType> {
    let entry = this.idPlans.get(id);
    if (entry === undefined) {
      if (this.registry === undefined || !Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
        throw jadeError('JADE_ERR_CODEC_UNKNOWN_SCHEMA_ID', [id], { context: { schemaId: id } });
      }
      let pending = this.pendingIds.get(id);
      if (pending === undefined) {
        pending = this.fetchSchemaId(id).finally(() => this.pendingIds.delete(id));
        this.pendingIds.set(id, pending);
      }
      entry = await pending;
    }
    if ('error' in entry) throw jadeError(entry.error.code, entry.error.args, { context: { schemaId: id } });
    return entry.plan.type;
  }

  /** Every schema `decode` accepts by fingerprint: the current ones and the history. */
  describeSchemas(): readonly KnownSchema[] {
    return this.known;
  }

  private async fetchSchemaId(id: number): Promise<IdEntry> {
    const registry = this.registry!;
    const url = `${registry.url}/schemas/ids/${id}`;
    let response: Response;
    let body: unknown;
    try {
      response = await registry.fetch(url, {
        headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json', ...registry.headers },
        signal: AbortSignal.timeout(registry.timeoutMs),
      });
      if (response.status === 404) {
        // Not cached: ids are registered before records use them, so a 404 is a bad record, but a registry being
        // restored from backup may answer it briefly; the next record asks again.
        throw jadeError('JADE_ERR_CODEC_UNKNOWN_SCHEMA_ID', [`${id} (not in the registry at ${registry.url})`], { context: { schemaId: id } });
      }
      // Anything else (5xx, 401 from a rotated credential) is the registry's fault, not the record's: retriable, so
      // a shard waits instead of dead-lettering good records.
      if (!response.ok) throw registryUnavailable(id, `GET ${url} answered ${response.status}`);
      body = await response.json();
    } catch (err) {
      if (err instanceof JadeError) throw err;
      throw registryUnavailable(id, `GET ${url} failed: ${messageOf(err)}`, err);
    }
    const answer = body as { schema?: unknown; schemaType?: unknown } | null;
    if (answer === null || typeof answer !== 'object' || typeof answer.schema !== 'string') {
      throw registryUnavailable(id, `GET ${url} answered without a "schema" string`);
    }
    if (answer.schemaType !== undefined && answer.schemaType !== 'AVRO') {
      return this.remember(id, { error: { code: 'JADE_ERR_CODEC_SCHEMA_INCOMPATIBLE', args: [`id ${id}`, `schemaType ${JSON.stringify(answer.schemaType)} is not AVRO`] } });
    }
    return this.remember(id, this.planForWriter(answer.schema, `schema id ${id}`));
  }

  private remember(id: number, entry: IdEntry): IdEntry {
    this.idPlans.set(id, entry);
    return entry;
  }

  /** Builds the plan for a writer schema given by JSON (text or parsed) or by one of our full names. */
  private planForWriter(schema: string | object, label: string): IdEntry {
    const fail = (reason: string): IdEntry => ({ error: { code: 'JADE_ERR_CODEC_SCHEMA_INCOMPATIBLE', args: [label, reason] } });
    if (typeof schema === 'string') {
      const ours = this.readers.get(schema);
      if (ours !== undefined) return { plan: { type: ours.type, reader: ours.reader, resolver: undefined, label: `${schema} (${label})` } };
    }
    let writer: avro.Type;
    try {
      const json: unknown = typeof schema === 'string' ? JSON.parse(schema) : schema;
      writer = avro.Type.forSchema(json as AvroSchema);
    } catch (err) {
      return fail(`does not parse as an Avro schema: ${messageOf(err)}`);
    }
    const ours = writer.name === undefined ? undefined : this.readers.get(writer.name);
    if (ours === undefined) {
      const names = [...this.readers.keys()].join(', ');
      return fail(`its name ${writer.name ?? `(unnamed ${writer.typeName})`} is none of ${names}`);
    }
    try {
      return { plan: { type: ours.type, reader: ours.reader, resolver: ours.reader.createResolver(writer), label: `${writer.name} (${label})` } };
    } catch (err) {
      return fail(messageOf(err));
    }
  }

  private writeChecked(plan: WritePlan, value: object): Buffer {
    const problems: string[] = [];
    // avsc's writers trust their input (an int field given 1.5 writes garbage), so check the rarer records whole.
    const errorHook = (fieldPath: string[], v: unknown): void => {
      problems.push(`${fieldPath.length === 0 ? 'record' : fieldPath.join('.')} (${describe(v)})`);
    };
    if (!plan.writer.isValid(value, { errorHook })) {
      throw invalidField(problems.join(', '), `does not match ${RECORD_SCHEMAS[plan.type].fullName}`);
    }
    return this.write(plan, value);
  }

  private write(plan: WritePlan, value: object): Buffer {
    let end: number;
    try {
      end = plan.writer.encode(value, this.scratch, SINGLE_OBJECT_HEADER_LENGTH);
      if (end < 0) {
        // avsc returns minus the missing bytes: grow once to fit and write again.
        this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.scratch.length - end));
        end = plan.writer.encode(value, this.scratch, SINGLE_OBJECT_HEADER_LENGTH);
      }
    } catch (err) {
      throw invalidField('record', `does not encode as ${RECORD_SCHEMAS[plan.type].fullName}: ${messageOf(err)}`, err);
    }
    const out = Buffer.allocUnsafe(end);
    plan.header.copy(out, 0);
    this.scratch.copy(out, SINGLE_OBJECT_HEADER_LENGTH, SINGLE_OBJECT_HEADER_LENGTH, end);
    return out;
  }
}

// ---- reading ---------------------------------------------------------------------------------------------------

function readBody(plan: ReadPlan, buf: Buffer, offset: number): JadeRecord {
  let decoded: { value: unknown; offset: number };
  try {
    decoded = plan.reader.decode(buf, offset, plan.resolver);
  } catch (err) {
    // avsc throws on an invalid union or enum index, a long beyond 2^53, and the like.
    throw jadeError('JADE_ERR_CODEC_DECODE_FAILED', [plan.label, messageOf(err)], { cause: err });
  }
  // avsc reports -1 when the body ran past the end (or declared a negative length).
  if (decoded.offset < 0) throw jadeError('JADE_ERR_CODEC_TRUNCATED', [`the ${plan.label} body ends early or declares a negative length`]);
  if (decoded.offset !== buf.length) throw jadeError('JADE_ERR_CODEC_TRAILING_BYTES', [buf.length - decoded.offset, plan.label]);
  return fromAvro(plan.type, decoded.value);
}

interface AvroUpsert {
  database: string;
  id: string;
  values: Buffer;
  metadata: string | null;
}
interface AvroPatch {
  database: string;
  id: string;
  metadata: string | null;
}
interface AvroDefinition extends Omit<DatabaseDefinition, 'metric'> {
  metric: DatabaseDefinition['metric'];
}
interface AvroEvent {
  type: DatabaseEventRecord['eventType'];
  name: string;
  definition: AvroDefinition | null;
  requestId: string | null;
  timestampMs: number;
}
interface AvroMarker {
  kind: DatabaseMarkerRecord['kind'];
  database: string;
  incarnation: number;
  definition: AvroDefinition | null;
}
type AvroDeadLetter = Omit<DeadLetterRecord, 'type'>;

function fromAvro(type: RecordType, value: unknown): JadeRecord {
  switch (type) {
    case 'vector-upsert': {
      const v = value as AvroUpsert;
      return { type, database: v.database, id: v.id, values: readValues(v.values), metadata: readMetadata(v.metadata) };
    }
    case 'vector-patch': {
      const v = value as AvroPatch;
      return { type, database: v.database, id: v.id, metadata: readMetadata(v.metadata) };
    }
    case 'database-event': {
      const v = value as AvroEvent;
      return { type, eventType: v.type, name: v.name, definition: readDefinition(v.definition), requestId: v.requestId, timestampMs: v.timestampMs };
    }
    case 'database-marker': {
      const v = value as AvroMarker;
      return { type, kind: v.kind, database: v.database, incarnation: v.incarnation, definition: readDefinition(v.definition) };
    }
    case 'dead-letter': {
      const v = value as AvroDeadLetter;
      return {
        type,
        sourceTopic: v.sourceTopic,
        sourcePartition: v.sourcePartition,
        sourceOffset: v.sourceOffset,
        reasonCode: v.reasonCode,
        reason: v.reason,
        // avsc hands out slices of a shared pool: own copies, so a kept dead letter pins nothing else.
        key: v.key === null ? null : Buffer.from(v.key),
        value: v.value === null ? null : Buffer.from(v.value),
        timestampMs: v.timestampMs,
        nodeId: v.nodeId,
      };
    }
    case 'node-heartbeat':
      return { type, ...(value as Omit<NodeHeartbeatRecord, 'type'>) };
    case 'audit-event':
      return { type, ...(value as Omit<AuditEventRecord, 'type'>) };
    case 'api-key-event': {
      const { type: eventType, ...rest } = value as Omit<ApiKeyEventRecord, 'type' | 'eventType'> & { type: ApiKeyEventRecord['eventType'] };
      return { type, eventType, ...rest };
    }
    default:
      throw new Error(`unknown record type ${String(type)}`);
  }
}

function readDefinition(d: AvroDefinition | null): DatabaseDefinition | null {
  if (d === null) return null;
  return {
    name: d.name,
    dimension: d.dimension,
    metric: d.metric,
    m: d.m,
    efConstruction: d.efConstruction,
    efSearch: d.efSearch,
    description: d.description,
    createdAtMs: d.createdAtMs,
  };
}

/** Copies little-endian float32 bytes into a fresh, aligned Float32Array (the decoded Buffer may sit at any offset). */
function readValues(bytes: Buffer): Float32Array {
  if (bytes.length === 0) throw invalidField('values', 'is empty');
  if (bytes.length % 4 !== 0) throw invalidField('values', `has ${bytes.length} bytes, not a multiple of 4 (float32)`);
  const values = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) {
    new Uint8Array(values.buffer).set(bytes);
  } else {
    for (let i = 0; i < values.length; i++) values[i] = bytes.readFloatLE(i * 4);
  }
  return values;
}

function readMetadata(text: string | null): JsonObject | null {
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalidField('metadata', `is not JSON: ${messageOf(err)}`, err);
  }
  if (!isJsonObject(parsed)) throw invalidField('metadata', `is JSON ${Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed}, not an object`);
  return parsed;
}

// ---- writing ---------------------------------------------------------------------------------------------------

function upsertToAvro(r: VectorUpsertRecord): AvroUpsert {
  checkString('database', r.database);
  checkString('id', r.id);
  if (!(r.values instanceof Float32Array)) throw invalidField('values', 'is not a Float32Array');
  if (r.values.length === 0) throw invalidField('values', 'is empty');
  return { database: r.database, id: r.id, values: writeValues(r.values), metadata: writeMetadata(r.metadata) };
}

function patchToAvro(r: VectorPatchRecord): AvroPatch {
  checkString('database', r.database);
  checkString('id', r.id);
  return { database: r.database, id: r.id, metadata: writeMetadata(r.metadata) };
}

function eventToAvro(r: DatabaseEventRecord): AvroEvent {
  return { type: r.eventType, name: r.name, definition: r.definition, requestId: r.requestId, timestampMs: r.timestampMs };
}

function markerToAvro(r: DatabaseMarkerRecord): AvroMarker {
  return { kind: r.kind, database: r.database, incarnation: r.incarnation, definition: r.definition };
}

function deadLetterToAvro(r: DeadLetterRecord): AvroDeadLetter {
  return {
    sourceTopic: r.sourceTopic,
    sourcePartition: r.sourcePartition,
    sourceOffset: r.sourceOffset,
    reasonCode: r.reasonCode,
    reason: r.reason,
    key: asBufferOrNull(r.key),
    value: asBufferOrNull(r.value),
    timestampMs: r.timestampMs,
    nodeId: r.nodeId,
  };
}

/** The little-endian bytes of a Float32Array: a view on little-endian hosts (avsc copies it while writing). */
function writeValues(values: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const bytes = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i]!, i * 4);
  return bytes;
}

function writeMetadata(metadata: JsonObject | null): string | null {
  if (metadata === null) return null;
  if (!isJsonObject(metadata)) throw invalidField('metadata', 'is not a plain object');
  let text: string | undefined;
  try {
    text = JSON.stringify(metadata);
  } catch (err) {
    throw invalidField('metadata', `does not serialise as JSON: ${messageOf(err)}`, err);
  }
  // A toJSON() can turn an object into anything: check what will actually be written.
  if (text === undefined || !text.startsWith('{')) throw invalidField('metadata', 'does not serialise as a JSON object');
  return text;
}

// ---- helpers ---------------------------------------------------------------------------------------------------

/** Finds `schemas/` from `src/log/` (ts-jest, tsx) or `dist/src/log/` (after tsc). */
function defaultSchemaDir(): string {
  const candidates = [path.resolve(__dirname, '../../schemas'), path.resolve(__dirname, '../../../schemas')];
  for (const dir of candidates) {
    if (existsSync(path.join(dir, RECORD_SCHEMAS['vector-upsert'].file))) return dir;
  }
  throw unreadable(candidates.join(' or '), 'no schemas directory found');
}

function readSchemaFile(dir: string, file: string): { avroType: avro.Type; fp: ReturnType<typeof schemaFingerprint> } {
  const where = path.join(dir, file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(where, 'utf8'));
  } catch (err) {
    throw unreadable(dir, `${file}: ${messageOf(err)}`, err);
  }
  try {
    const avroType = avro.Type.forSchema(json as AvroSchema);
    return { avroType, fp: schemaFingerprint(json) };
  } catch (err) {
    throw unreadable(dir, `${file} is not a valid Avro schema: ${messageOf(err)}`, err);
  }
}

function halves(fingerprint: Buffer): { low: number; high: number } {
  return { low: fingerprint.readUInt32LE(0), high: fingerprint.readUInt32LE(4) };
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkString(field: string, value: unknown): void {
  if (typeof value !== 'string') throw invalidField(field, `is ${describe(value)}, not a string`);
}

function asBufferOrNull(value: Uint8Array | null): Buffer | null {
  if (value === null) return null;
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function invalidField(field: string, reason: string, cause?: unknown): JadeError {
  return jadeError('JADE_ERR_CODEC_INVALID_FIELD', [field, reason], cause === undefined ? undefined : { cause });
}

function unreadable(dir: string, reason: string, cause?: unknown): JadeError {
  return jadeError('JADE_ERR_CODEC_SCHEMAS_UNREADABLE', [dir, reason], cause === undefined ? undefined : { cause });
}

function registryUnavailable(id: number, reason: string, cause?: unknown): JadeError {
  return jadeError('JADE_ERR_CODEC_REGISTRY_UNAVAILABLE', [reason], { cause, context: { schemaId: id } });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function hexByte(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return Buffer.isBuffer(value) ? `<${value.length} bytes>` : Array.isArray(value) ? 'an array' : 'an object';
  return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' ? String(value) : `a ${typeof value}`;
}

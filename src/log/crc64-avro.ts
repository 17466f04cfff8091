/**
 * Avro schema fingerprints: the Parsing Canonical Form (PCF) of a schema and its CRC-64-AVRO (64-bit Rabin)
 * fingerprint, as the Avro specification defines them ("Parsing Canonical Form for Schemas", "Schema
 * Fingerprints"). Avro's single-object encoding names the writer schema by this fingerprint, so it must agree
 * bit for bit with Java's `SchemaNormalization` and Python's `Schema.fingerprint()`.
 *
 * avsc has no CRC-64-AVRO, and its `getSchema()` is close to the PCF but not specified to be it (it rejects the
 * empty union, for one), so the PCF is computed here from the schema's JSON, following the spec's rules.
 */

/** The fingerprint of the empty byte string: the Rabin polynomial the spec fixes. */
export const CRC64_AVRO_EMPTY = 0xc15d213aa4d7a795n;

const MASK64 = 0xffffffffffffffffn;

/** The spec's 256-entry table, built once (`initFPTable` in the spec's Java). */
const TABLE: BigUint64Array = (() => {
  const table = new BigUint64Array(256);
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (CRC64_AVRO_EMPTY & -(fp & 1n));
    table[i] = fp & MASK64;
  }
  return table;
})();

/** CRC-64-AVRO of `data`, as an unsigned 64-bit bigint (`BigInt.asIntN(64, fp)` gives Java's signed `long`). */
export function crc64Avro(data: Uint8Array): bigint {
  let fp = CRC64_AVRO_EMPTY;
  for (let i = 0; i < data.length; i++) {
    fp = (fp >> 8n) ^ TABLE[(Number(fp & 0xffn) ^ data[i]!) & 0xff]!;
  }
  return fp;
}

/** The 8-byte little-endian form of a fingerprint, as single-object encoding and Python's `fingerprint()` write it. */
export function fingerprintToBytes(fingerprint: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt.asUintN(64, fingerprint));
  return bytes;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/**
 * The Parsing Canonical Form of a schema given as JSON text or as parsed JSON: primitives in simple form, full
 * names, only `name`, `type`, `fields`, `symbols`, `items`, `values`, `size`, in that order, no whitespace.
 * It assumes a schema valid enough to parse (parse it with avsc too); it throws a `TypeError` on shapes it
 * cannot canonicalise.
 */
export function parsingCanonicalForm(schema: unknown): string {
  const parsed: unknown = typeof schema === 'string' && !PRIMITIVES.has(schema) ? parseJsonSchema(schema) : schema;
  return canonical(parsed, '', new Set());
}

/** The fingerprint of a schema: its PCF, the CRC-64-AVRO of the PCF's UTF-8 bytes, and their little-endian bytes. */
export function schemaFingerprint(schema: unknown): { canonical: string; fingerprint: bigint; bytes: Buffer } {
  const pcf = parsingCanonicalForm(schema);
  const fingerprint = crc64Avro(Buffer.from(pcf, 'utf8'));
  return { canonical: pcf, fingerprint, bytes: fingerprintToBytes(fingerprint) };
}

function parseJsonSchema(text: string): unknown {
  // A bare type name such as `jadevectordb.Metric` is not JSON; treat anything that fails to parse as a name.
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function canonical(schema: unknown, namespace: string, defined: Set<string>): string {
  if (typeof schema === 'string') {
    return PRIMITIVES.has(schema) ? JSON.stringify(schema) : JSON.stringify(resolveReference(schema, namespace, defined));
  }
  if (Array.isArray(schema)) {
    return `[${schema.map((branch) => canonical(branch, namespace, defined)).join(',')}]`;
  }
  if (schema === null || typeof schema !== 'object') throw new TypeError(`not an Avro schema: ${JSON.stringify(schema)}`);
  const obj = schema as Record<string, unknown>;
  const type = obj.type;
  // `{"type": {...}}` and `{"type": [...]}` wrap a schema; `{"type": "Name"}` references a named one.
  if (typeof type !== 'string') return canonical(type, namespace, defined);
  if (PRIMITIVES.has(type)) return JSON.stringify(type);
  switch (type) {
    case 'record':
    case 'error':
    case 'enum':
    case 'fixed': {
      const name = fullName(obj, namespace);
      // The second and later occurrences of a named type are its full name (as Java's SchemaNormalization writes).
      if (defined.has(name)) return JSON.stringify(name);
      defined.add(name);
      const head = `{"name":${JSON.stringify(name)},"type":${JSON.stringify(type)}`;
      if (type === 'enum') return `${head},"symbols":${JSON.stringify(arrayOf(obj.symbols, 'symbols'))}}`;
      if (type === 'fixed') return `${head},"size":${sizeOf(obj.size)}}`;
      const innerNamespace = namespaceOf(name);
      const fields = arrayOf(obj.fields, 'fields').map((field) => {
        if (field === null || typeof field !== 'object') throw new TypeError('record field is not an object');
        const f = field as Record<string, unknown>;
        if (typeof f.name !== 'string') throw new TypeError('record field has no name');
        return `{"name":${JSON.stringify(f.name)},"type":${canonical(f.type, innerNamespace, defined)}}`;
      });
      return `${head},"fields":[${fields.join(',')}]}`;
    }
    case 'array':
      return `{"type":"array","items":${canonical(obj.items, namespace, defined)}}`;
    case 'map':
      return `{"type":"map","values":${canonical(obj.values, namespace, defined)}}`;
    default:
      return JSON.stringify(resolveReference(type, namespace, defined));
  }
}

/** A named type's full name: a dotted name is already full; else the `namespace` attribute, else the enclosing one. */
function fullName(obj: Record<string, unknown>, enclosing: string): string {
  const name = obj.name;
  if (typeof name !== 'string' || name === '') throw new TypeError('named type has no name');
  if (name.includes('.')) return name;
  const namespace = typeof obj.namespace === 'string' ? obj.namespace : enclosing;
  return namespace === '' ? name : `${namespace}.${name}`;
}

/** A reference is qualified by the enclosing namespace when that names a type, else taken as written. */
function resolveReference(name: string, namespace: string, defined: Set<string>): string {
  if (name.includes('.') || namespace === '') return name;
  const qualified = `${namespace}.${name}`;
  return defined.has(qualified) || !defined.has(name) ? qualified : name;
}

function namespaceOf(fullname: string): string {
  const dot = fullname.lastIndexOf('.');
  return dot < 0 ? '' : fullname.slice(0, dot);
}

function arrayOf(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} is not an array`);
  return value as unknown[];
}

function sizeOf(value: unknown): string {
  // [INTEGERS]: no quotes, no leading zeros.
  const size = typeof value === 'string' ? Number(value) : value;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new TypeError('fixed size is not a non-negative integer');
  return String(size);
}

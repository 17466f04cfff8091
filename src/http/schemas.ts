/** JSON schemas shared by the REST routes: strict (no unknown properties, no coercion), with limits. */
export const DATABASE_NAME = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'Database name.' } as const;
export const VECTOR_ID = { type: 'string', minLength: 1, maxLength: 512, description: 'Vector id: 1 to 512 bytes of UTF-8, no NUL.' } as const;
export const VALUES = {
  type: 'array',
  minItems: 1,
  maxItems: 4096,
  items: { type: 'number' },
  description: 'The vector: as many numbers as the database dimension, stored as float32 (rounded to nearest); each must be finite once rounded and, under cosine, not all of them may round to zero.',
} as const;
export const METADATA = { type: ['object', 'null'], additionalProperties: true, description: 'Any JSON object, returned as written.' } as const;
/** Metadata in replies: no type, so the serializer writes the object exactly as stored. */
export const METADATA_OUT = { description: 'The metadata as written, or null.' } as const;
export const FILTER = {
  type: 'object',
  description: 'Metadata filter: `{ "must": [...], "should": [...], "must_not": [...] }` of conditions `match`, `in`, `range`, `exists` on (dotted) keys.',
} as const;
export const CONSISTENCY = {
  description: '`eventual` (default: no wait), `strong` (waits for everything written before the read), or `{ "after": <token> }` (read your writes).',
  oneOf: [
    { type: 'string', enum: ['eventual', 'strong'] },
    { type: 'object', additionalProperties: false, required: ['after'], properties: { after: { type: 'string', minLength: 1, maxLength: 16384 } } },
  ],
} as const;
export const TOKEN = { type: 'string', description: 'Consistency token: pass it as `consistency: { "after": token }` to read this write.' } as const;

export const STORED_VECTOR = {
  type: 'object',
  properties: { id: { type: 'string' }, values: { type: 'array', items: { type: 'number' } }, metadata: METADATA_OUT },
} as const;

export const DATABASE = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    dimension: { type: 'integer' },
    metric: { type: 'string', enum: ['cosine', 'euclidean', 'dot'] },
    index: { type: 'object', properties: { m: { type: 'integer' }, efConstruction: { type: 'integer' }, efSearch: { type: 'integer' } } },
    description: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    vectorCount: { type: 'integer' },
  },
} as const;

export const ERROR_REPLY = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'Stable error code (see docs/errors.md).' },
    error: { type: 'string' },
    message: { type: 'string' },
    acknowledged: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const DB_PARAMS = { type: 'object', required: ['db'], properties: { db: DATABASE_NAME } } as const;
export const VECTOR_PARAMS = { type: 'object', required: ['db', 'id'], properties: { db: DATABASE_NAME, id: VECTOR_ID } } as const;

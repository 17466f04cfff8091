/** `/v1/databases/{db}/vectors` and `/search`: writes (acknowledged once durable in the log) and reads. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jadeError } from '../../errors';
import type { Consistency } from '../../gateway/consistency';
import { Gateway, type SearchInput, type VectorInput } from '../../gateway/gateway';
import type { JsonObject } from '../../log/records';
import type { GatewayContext } from '../context';
import { CONSISTENCY, DB_PARAMS, ERROR_REPLY, FILTER, METADATA, METADATA_OUT, STORED_VECTOR, TOKEN, VALUES, VECTOR_ID, VECTOR_PARAMS } from '../schemas';

const errors = { 400: ERROR_REPLY, 404: ERROR_REPLY, 409: ERROR_REPLY, 413: ERROR_REPLY, 503: ERROR_REPLY, 504: ERROR_REPLY };
const VECTOR_INPUT = {
  type: 'object',
  additionalProperties: false,
  required: ['values'],
  properties: { id: VECTOR_ID, values: VALUES, metadata: METADATA },
} as const;
const SEARCH_INPUT = {
  type: 'object',
  additionalProperties: false,
  required: ['vector'],
  properties: {
    vector: VALUES,
    topK: { type: 'integer', minimum: 1, maximum: 1000, default: 10 },
    filter: FILTER,
    efSearch: { type: 'integer', minimum: 1, maximum: 10000 },
    exact: { type: 'boolean', description: 'Brute force over every live point: exact, slower.' },
    includeValues: { type: 'boolean' },
    includeMetadata: { type: 'boolean' },
    consistency: CONSISTENCY,
  },
} as const;
const HIT = { type: 'object', properties: { id: { type: 'string' }, score: { type: 'number' }, metadata: METADATA_OUT, values: { type: 'array', items: { type: 'number' } } } } as const;
const READ_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    consistency: { type: 'string', enum: ['eventual', 'strong'] },
    after: { type: 'string', minLength: 1, maxLength: 16384, description: 'A consistency token: read your writes.' },
  },
} as const;

type ReadQuery = { consistency?: 'eventual' | 'strong'; after?: string };
const queryConsistency = (q: ReadQuery): Consistency => (q.after !== undefined ? { after: q.after } : (q.consistency ?? 'eventual'));

/** Runs a write once per Idempotency-Key (a retried request gets the first reply). */
async function idempotent(
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
  work: () => Promise<{ statusCode: number; body: unknown }>,
): Promise<FastifyReply> {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key === '') {
    const result = await work();
    return reply.status(result.statusCode).send(result.body);
  }
  if (key.length > 255) throw jadeError('JADE_ERR_REQUEST_INVALID', ['Idempotency-Key must be at most 255 characters']);
  const result = await gateway.idempotency.run(key, Gateway.fingerprint(request.method, request.url, request.body), work);
  return reply.status(result.statusCode).header('idempotent-replay', 'true').send(result.body);
}

export function vectorRoutes(app: FastifyInstance, { gateway, metrics }: GatewayContext): void {
  const written = (db: string, n: number): void => metrics.vectorsWritten.inc({ database: db }, n);

  app.post<{ Params: { db: string }; Body: VectorInput }>(
    '/v1/databases/:db/vectors',
    { config: { access: 'write', action: 'vectors.upsert' },
      schema: {
        tags: ['vectors'],
        operationId: 'upsertVector',
        summary: 'Upsert one vector (an id is generated when absent).',
        params: DB_PARAMS,
        body: VECTOR_INPUT,
        response: { 201: { type: 'object', properties: { id: { type: 'string' }, token: TOKEN } }, ...errors },
      },
    },
    (request, reply) =>
      idempotent(gateway, request, reply, async () => {
        const { ids, token } = await gateway.upsert(request.params.db, [request.body]);
        written(request.params.db, 1);
        return { statusCode: 201, body: { id: ids[0], token } };
      }),
  );

  app.post<{ Params: { db: string }; Body: { vectors: VectorInput[] } }>(
    '/v1/databases/:db/vectors/batch',
    { config: { access: 'write', action: 'vectors.upsert_batch' },
      schema: {
        tags: ['vectors'],
        operationId: 'upsertVectors',
        summary: 'Upsert a batch, validated as a whole: any invalid item rejects it and nothing is written.',
        params: DB_PARAMS,
        body: { type: 'object', additionalProperties: false, required: ['vectors'], properties: { vectors: { type: 'array', minItems: 1, maxItems: 100_000, items: VECTOR_INPUT } } },
        response: { 201: { type: 'object', properties: { count: { type: 'integer' }, ids: { type: 'array', items: { type: 'string' } }, token: TOKEN } }, ...errors },
      },
    },
    (request, reply) =>
      idempotent(gateway, request, reply, async () => {
        const { ids, token } = await gateway.upsert(request.params.db, request.body.vectors);
        written(request.params.db, ids.length);
        return { statusCode: 201, body: { count: ids.length, ids, token } };
      }),
  );

  app.post<{ Params: { db: string }; Body: { ids: string[]; consistency?: Consistency } }>(
    '/v1/databases/:db/vectors/batch-get',
    { config: { access: 'read', action: 'vectors.get_batch' },
      schema: {
        tags: ['vectors'],
        operationId: 'getVectors',
        summary: 'Get vectors by id (missing ids are left out).',
        params: DB_PARAMS,
        body: { type: 'object', additionalProperties: false, required: ['ids'], properties: { ids: { type: 'array', maxItems: 100_000, items: VECTOR_ID }, consistency: CONSISTENCY } },
        response: { 200: { type: 'object', properties: { vectors: { type: 'array', items: STORED_VECTOR } } }, ...errors },
      },
    },
    async (request) => ({ vectors: await gateway.get(request.params.db, request.body.ids, request.body.consistency) }),
  );

  app.get<{ Params: { db: string; id: string }; Querystring: ReadQuery }>(
    '/v1/databases/:db/vectors/:id',
    { config: { access: 'read', action: 'vectors.get' }, schema: { tags: ['vectors'], operationId: 'getVector', summary: 'Get one vector.', params: VECTOR_PARAMS, querystring: READ_QUERY, response: { 200: STORED_VECTOR, ...errors } } },
    async (request) => {
      const [found] = await gateway.get(request.params.db, [request.params.id], queryConsistency(request.query));
      if (found === undefined) throw jadeError('JADE_ERR_VECTOR_NOT_FOUND', [request.params.id, request.params.db]);
      return found;
    },
  );

  app.put<{ Params: { db: string; id: string }; Body: { values: number[]; metadata?: JsonObject | null } }>(
    '/v1/databases/:db/vectors/:id',
    { config: { access: 'write', action: 'vectors.put' },
      schema: {
        tags: ['vectors'],
        operationId: 'putVector',
        summary: 'Upsert the vector with this id.',
        params: VECTOR_PARAMS,
        body: { type: 'object', additionalProperties: false, required: ['values'], properties: { values: VALUES, metadata: METADATA } },
        response: { 200: { type: 'object', properties: { id: { type: 'string' }, token: TOKEN } }, ...errors },
      },
    },
    (request, reply) =>
      idempotent(gateway, request, reply, async () => {
        const { ids, token } = await gateway.upsert(request.params.db, [{ id: request.params.id, ...request.body }]);
        written(request.params.db, 1);
        return { statusCode: 200, body: { id: ids[0], token } };
      }),
  );

  app.patch<{ Params: { db: string; id: string }; Body: { metadata: JsonObject | null } }>(
    '/v1/databases/:db/vectors/:id',
    { config: { access: 'write', action: 'vectors.patch' },
      schema: {
        tags: ['vectors'],
        operationId: 'patchVectorMetadata',
        summary: 'Replace a vector’s metadata, keeping its values.',
        description:
          'An atomic read-modify-write: the server reads the vector at `strong` consistency and writes its values with the ' +
          'new metadata as one record, because the log is compacted and the newest record under an id must carry its ' +
          'whole state. Under a concurrent write of the same id the order in the log decides: an upsert or delete that ' +
          'lands before the patch keeps its values (or stays deleted) and gets the patch’s metadata; one that lands after ' +
          'it replaces everything. A patch never brings back values that an upsert replaced, and the result survives ' +
          'compaction and replays on every replica. 404 when the id is absent at the read.',
        params: VECTOR_PARAMS,
        body: { type: 'object', additionalProperties: false, required: ['metadata'], properties: { metadata: METADATA } },
        response: { 200: { type: 'object', properties: { id: { type: 'string' }, token: TOKEN } }, ...errors },
      },
    },
    (request, reply) =>
      idempotent(gateway, request, reply, async () => {
        const { token } = await gateway.patchMetadata(request.params.db, request.params.id, request.body.metadata);
        return { statusCode: 200, body: { id: request.params.id, token } };
      }),
  );

  app.delete<{ Params: { db: string; id: string } }>(
    '/v1/databases/:db/vectors/:id',
    { config: { access: 'write', action: 'vectors.delete' }, schema: { tags: ['vectors'], operationId: 'deleteVector', summary: 'Delete one vector (deleting an absent id succeeds).', params: VECTOR_PARAMS, response: { 200: { type: 'object', properties: { id: { type: 'string' }, token: TOKEN } }, ...errors } } },
    (request, reply) =>
      idempotent(gateway, request, reply, async () => {
        const { token } = await gateway.deleteIds(request.params.db, [request.params.id]);
        written(request.params.db, 1);
        return { statusCode: 200, body: { id: request.params.id, token } };
      }),
  );

  app.post<{ Params: { db: string }; Body: { ids?: string[]; filter?: unknown } }>(
    '/v1/databases/:db/vectors/delete',
    { config: { access: 'write', action: 'vectors.delete_batch' },
      schema: {
        tags: ['vectors'],
        operationId: 'deleteVectors',
        summary: 'Delete vectors by `ids` or by `filter` (one of them).',
        params: DB_PARAMS,
        body: {
          type: 'object',
          additionalProperties: false,
          oneOf: [{ required: ['ids'] }, { required: ['filter'] }],
          properties: { ids: { type: 'array', minItems: 1, maxItems: 100_000, items: VECTOR_ID }, filter: FILTER },
        },
        response: { 200: { type: 'object', properties: { count: { type: 'integer' }, token: TOKEN } }, ...errors },
      },
    },
    (request, reply) =>
      idempotent(gateway, request, reply, async () => {
        const { db } = request.params;
        const result =
          request.body.ids !== undefined
            ? await gateway.deleteIds(db, request.body.ids).then(({ ids, token }) => ({ count: ids.length, token }))
            : await gateway.deleteByFilter(db, request.body.filter);
        written(db, result.count);
        return { statusCode: 200, body: { count: result.count, token: result.token } };
      }),
  );

  const page = { type: 'object', properties: { vectors: { type: 'array', items: STORED_VECTOR }, nextCursor: { type: ['string', 'null'] } } } as const;
  app.get<{ Params: { db: string }; Querystring: ReadQuery & { limit?: string; cursor?: string } }>(
    '/v1/databases/:db/vectors',
    { config: { access: 'read', action: 'vectors.list' },
      schema: {
        tags: ['vectors'],
        operationId: 'listVectors',
        summary: 'List vectors in id order, a page at a time.',
        params: DB_PARAMS,
        querystring: { ...READ_QUERY, properties: { ...READ_QUERY.properties, limit: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' }, cursor: { type: 'string', maxLength: 4096 } } },
        response: { 200: page, ...errors },
      },
    },
    (request) =>
      gateway.scroll(request.params.db, {
        limit: Math.min(Number(request.query.limit ?? '100'), 1000),
        ...(request.query.cursor === undefined ? {} : { cursor: request.query.cursor }),
        consistency: queryConsistency(request.query),
      }),
  );

  app.post<{ Params: { db: string }; Body: { limit?: number; cursor?: string; filter?: unknown; includeValues?: boolean; consistency?: Consistency } }>(
    '/v1/databases/:db/vectors/scroll',
    { config: { access: 'read', action: 'vectors.scroll' },
      schema: {
        tags: ['vectors'],
        operationId: 'scrollVectors',
        summary: 'Scroll vectors in id order, optionally filtered. A page never repeats an id.',
        params: DB_PARAMS,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
            cursor: { type: 'string', maxLength: 4096 },
            filter: FILTER,
            includeValues: { type: 'boolean' },
            consistency: CONSISTENCY,
          },
        },
        response: { 200: page, ...errors },
      },
    },
    (request) => {
      const { limit, cursor, filter, includeValues, consistency } = request.body;
      return gateway.scroll(request.params.db, {
        limit: limit ?? 100,
        ...(cursor === undefined ? {} : { cursor }),
        ...(filter === undefined ? {} : { filter }),
        ...(includeValues === undefined ? {} : { includeValues }),
        ...(consistency === undefined ? {} : { consistency }),
      });
    },
  );

  app.post<{ Params: { db: string }; Body: { filter?: unknown; consistency?: Consistency } }>(
    '/v1/databases/:db/vectors/count',
    { config: { access: 'read', action: 'vectors.count' },
      schema: {
        tags: ['vectors'],
        operationId: 'countVectors',
        summary: 'Count vectors, optionally filtered.',
        params: DB_PARAMS,
        body: { type: 'object', additionalProperties: false, properties: { filter: FILTER, consistency: CONSISTENCY } },
        response: { 200: { type: 'object', properties: { count: { type: 'integer' } } }, ...errors },
      },
    },
    async (request) => ({ count: await gateway.count(request.params.db, request.body.filter, request.body.consistency) }),
  );

  app.post<{ Params: { db: string }; Body: SearchInput }>(
    '/v1/databases/:db/search',
    { config: { access: 'read', action: 'search' },
      schema: {
        tags: ['search'],
        operationId: 'search',
        summary: 'Top-k nearest neighbours, best first (cosine and dot: higher is better; euclidean: lower is better).',
        params: DB_PARAMS,
        body: SEARCH_INPUT,
        response: { 200: { type: 'object', properties: { results: { type: 'array', items: HIT }, tookMs: { type: 'number' } } }, ...errors },
      },
    },
    async (request) => {
      const stop = metrics.searchDuration.startTimer({ database: request.params.db });
      try {
        return await gateway.search(request.params.db, request.body);
      } finally {
        stop();
      }
    },
  );

  app.post<{ Params: { db: string }; Body: { searches: SearchInput[] } }>(
    '/v1/databases/:db/search/batch',
    { config: { access: 'read', action: 'search.batch' },
      schema: {
        tags: ['search'],
        operationId: 'searchBatch',
        summary: 'Several searches in one request; results in the same order.',
        params: DB_PARAMS,
        body: { type: 'object', additionalProperties: false, required: ['searches'], properties: { searches: { type: 'array', minItems: 1, maxItems: 1000, items: SEARCH_INPUT } } },
        response: { 200: { type: 'object', properties: { results: { type: 'array', items: { type: 'array', items: HIT } } } }, ...errors },
      },
    },
    async (request) => ({ results: (await Promise.all(request.body.searches.map((s) => gateway.search(request.params.db, s)))).map((r) => r.results) }),
  );
}

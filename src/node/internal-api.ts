/**
 * The index node's internal interface: shard reads for gateways, over HTTP on `JADE_INTERNAL_PORT`, allowed only
 * to callers presenting the cluster secret (`Authorization: Bearer <JADE_CLUSTER_SECRET>`, compared in constant time).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jadeError } from '../errors';
import { installErrorHandling } from '../http/error-handler';
import type { Logger } from '../logger';
import type { ShardHost } from './shard-host';
import type { ShardReads } from './shard-reads';
import type { ShardSearch } from './shard-runtime';

export interface InternalApiOptions {
  host: ShardHost;
  reads: ShardReads;
  clusterSecret: string;
  nodeId: string;
  replicaGroup: number;
  logger: Logger;
  /** Largest request body. @default 64 MiB */
  bodyLimit?: number;
}

const readOptions = {
  minOffset: { type: 'integer', minimum: 0 },
  timeoutMs: { type: 'integer', minimum: 1, maximum: 60_000 },
} as const;
// Path parameters are strings, and types are never coerced: the pattern admits only a partition number.
const partitionParams = { type: 'object', required: ['partition'], properties: { partition: { type: 'string', pattern: '^[0-9]{1,5}$' } } } as const;

interface ReadBody {
  database: string;
  minOffset?: number;
  timeoutMs?: number;
}

export function buildInternalApi(options: InternalApiOptions): FastifyInstance {
  // Typed as Fastify's base logger so the instance has Fastify's default type parameters.
  const logger: FastifyBaseLogger = options.logger.child({ component: 'internal-api' });
  const app = Fastify({
    loggerInstance: logger,
    // Requests are recorded by the audit log and metrics; per-request log lines would double them.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 64 * 1024 * 1024,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });
  installErrorHandling(app);
  const expected = digest(options.clusterSecret);
  app.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Hash both sides first, so the comparison takes the same time whatever the lengths.
    if (!timingSafeEqual(digest(presented), expected)) {
      done(jadeError('JADE_ERR_AUTH_REQUIRED', ['the internal interface needs the cluster secret']));
      return;
    }
    done();
  });

  const settle = (body: ReadBody): { minOffset?: number; timeoutMs?: number } => ({
    ...(body.minOffset === undefined ? {} : { minOffset: body.minOffset }),
    ...(body.timeoutMs === undefined ? {} : { timeoutMs: body.timeoutMs }),
  });
  const ownedPartition = (param: string): number => {
    const partition = Number(param);
    if (!options.host.owns(partition)) throw jadeError('JADE_ERR_LOG_NOT_ASSIGNED', [partition]);
    return partition;
  };

  app.get('/internal/v1/status', () => ({
    nodeId: options.nodeId,
    replicaGroup: options.replicaGroup,
    ready: options.host.ready(),
    partitions: options.host.status(),
  }));

  app.post<{ Params: { partition: string }; Body: ReadBody & { search: ShardSearch } }>(
    '/internal/v1/partitions/:partition/search',
    {
      schema: {
        params: partitionParams,
        body: {
          type: 'object',
          required: ['database', 'search'],
          additionalProperties: false,
          properties: { database: { type: 'string' }, search: { type: 'object' }, ...readOptions },
        },
      },
    },
    async (request) => ({
      hits: await options.reads.search(ownedPartition(request.params.partition), request.body.database, request.body.search, settle(request.body)),
    }),
  );

  app.post<{ Params: { partition: string }; Body: ReadBody & { ids: string[] } }>(
    '/internal/v1/partitions/:partition/get',
    {
      schema: {
        params: partitionParams,
        body: {
          type: 'object',
          required: ['database', 'ids'],
          additionalProperties: false,
          properties: { database: { type: 'string' }, ids: { type: 'array', items: { type: 'string' } }, ...readOptions },
        },
      },
    },
    async (request) => ({
      vectors: await options.reads.get(ownedPartition(request.params.partition), request.body.database, request.body.ids, settle(request.body)),
    }),
  );

  app.post<{ Params: { partition: string }; Body: ReadBody & { after?: string; limit: number; filter?: unknown } }>(
    '/internal/v1/partitions/:partition/scroll',
    {
      schema: {
        params: partitionParams,
        body: {
          type: 'object',
          required: ['database', 'limit'],
          additionalProperties: false,
          properties: { database: { type: 'string' }, after: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 10_000 }, filter: { type: 'object' }, ...readOptions },
        },
      },
    },
    async (request) => {
      const { after, limit, filter } = request.body;
      const page = { limit, ...(after === undefined ? {} : { after }), ...(filter === undefined ? {} : { filter }) };
      return { vectors: await options.reads.scroll(ownedPartition(request.params.partition), request.body.database, page, settle(request.body)) };
    },
  );

  app.post<{ Params: { partition: string }; Body: ReadBody & { filter?: unknown } }>(
    '/internal/v1/partitions/:partition/count',
    {
      schema: {
        params: partitionParams,
        body: {
          type: 'object',
          required: ['database'],
          additionalProperties: false,
          properties: { database: { type: 'string' }, filter: { type: 'object' }, ...readOptions },
        },
      },
    },
    async (request) => ({
      count: await options.reads.count(ownedPartition(request.params.partition), request.body.database, request.body.filter, settle(request.body)),
    }),
  );

  return app;
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** `/v1/databases`: create, list, read, update and drop databases. */
import type { FastifyInstance } from 'fastify';
import type { DatabaseInput } from '../../gateway/gateway';
import type { GatewayContext } from '../context';
import { DATABASE, DATABASE_NAME, DB_PARAMS, ERROR_REPLY } from '../schemas';

const INDEX = {
  type: 'object',
  additionalProperties: false,
  properties: {
    m: { type: 'integer', minimum: 2, maximum: 100, description: 'HNSW links per node (default 16).' },
    efConstruction: { type: 'integer', minimum: 10, maximum: 2000, description: 'HNSW build beam (default 200).' },
    efSearch: { type: 'integer', minimum: 1, maximum: 10000, description: 'Default search beam per shard (default 64).' },
  },
} as const;

const errors = { 400: ERROR_REPLY, 404: ERROR_REPLY, 409: ERROR_REPLY, 503: ERROR_REPLY };

export function databaseRoutes(app: FastifyInstance, { gateway }: GatewayContext): void {
  // Everyone sees only the databases their scope names.
  app.post<{ Body: DatabaseInput }>(
    '/v1/databases',
    { config: { access: 'admin', action: 'databases.create' },
      schema: {
        tags: ['databases'],
        operationId: 'createDatabase',
        summary: 'Create a database.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'dimension', 'metric'],
          properties: {
            name: DATABASE_NAME,
            dimension: { type: 'integer', minimum: 1, maximum: 4096 },
            metric: { type: 'string', enum: ['cosine', 'euclidean', 'dot'] },
            index: INDEX,
            description: { type: ['string', 'null'], maxLength: 4096 },
          },
        },
        response: { 201: DATABASE, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await gateway.createDatabase(request.body)),
  );

  app.get('/v1/databases', { config: { access: 'read', action: 'databases.list' }, schema: { tags: ['databases'], operationId: 'listDatabases', summary: 'List databases.', response: { 200: { type: 'object', properties: { databases: { type: 'array', items: DATABASE } } } } } }, (request) => ({
    databases: gateway.listDatabases().filter((db) => request.principal.databases === '*' || request.principal.databases.includes(db.name)),
  }));

  app.get<{ Params: { db: string } }>(
    '/v1/databases/:db',
    { config: { access: 'read', action: 'databases.get' }, schema: { tags: ['databases'], operationId: 'getDatabase', summary: 'A database’s definition and vector count.', params: DB_PARAMS, response: { 200: DATABASE, ...errors } } },
    (request) => gateway.getDatabase(request.params.db),
  );

  const update = {
    config: { access: 'admin' as const, action: 'databases.update' },
    schema: {
      tags: ['databases'],
      operationId: 'updateDatabase',
      summary: 'Change a database’s description or default efSearch.',
      params: DB_PARAMS,
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          description: { type: ['string', 'null'], maxLength: 4096 },
          index: { type: 'object', additionalProperties: false, properties: { efSearch: INDEX.properties.efSearch } },
        },
      },
      response: { 200: DATABASE, ...errors },
    },
  };
  const updateHandler = (request: { params: { db: string }; body: { description?: string | null; index?: { efSearch?: number } } }) =>
    gateway.updateDatabase(request.params.db, request.body);
  app.patch<{ Params: { db: string }; Body: { description?: string | null; index?: { efSearch?: number } } }>('/v1/databases/:db', update, updateHandler);
  // The original JadeVectorDB's clients update with PUT.
  app.put<{ Params: { db: string }; Body: { description?: string | null; index?: { efSearch?: number } } }>(
    '/v1/databases/:db',
    { ...update, schema: { ...update.schema, operationId: 'putDatabase' } },
    updateHandler,
  );

  app.delete<{ Params: { db: string } }>(
    '/v1/databases/:db',
    { config: { access: 'admin', action: 'databases.drop' }, schema: { tags: ['databases'], operationId: 'dropDatabase', summary: 'Drop a database: its vectors are erased from every shard.', params: DB_PARAMS, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      await gateway.dropDatabase(request.params.db);
      return reply.status(204).send();
    },
  );
}

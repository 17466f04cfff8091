/** Health, readiness, status and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context';

export function systemRoutes(app: FastifyInstance, context: GatewayContext): void {
  app.get('/health', { config: { access: 'public', action: 'system.health' }, schema: { tags: ['system'], operationId: 'getHealth', summary: 'The process is up.' } }, () => ({ status: 'ok' }));

  app.get('/ready', { config: { access: 'public', action: 'system.ready' }, schema: { tags: ['system'], operationId: 'getReadiness', summary: 'Every owned partition has caught up at least once.' } }, (_request, reply) => {
    const ready = context.ready();
    return reply.status(ready ? 200 : 503).send({ ready });
  });

  app.get('/status', { config: { access: 'read', action: 'system.status' }, schema: { tags: ['system'], operationId: 'getStatus', summary: 'Databases, vectors, and per-partition applied offset and lag.' } }, async (request) => {
    const { principal } = request;
    const sees = (name: string): boolean => principal.databases === '*' || principal.databases.includes(name);
    const visible = context.gateway.listDatabases().filter((db) => sees(db.name));
    const databases = await Promise.all(
      visible.map(async (db) => ({ name: db.name, vectorCount: await context.gateway.count(db.name, undefined, 'eventual') })),
    );
    return {
      role: context.role,
      backbone: context.backbone,
      // Per-partition figures name databases too: show only those in the caller's scope.
      partitions: context.partitionStatus().map((p) => ({
        ...p,
        owners: context.ownersOf(p.partition),
        databases: p.databases.filter((d) => sees(d.name)),
        awaitingErasure: p.awaitingErasure.filter((d) => sees(d.name)),
      })),
      databases,
      nodes: context.nodes(),
    };
  });

  app.get('/metrics', { config: { access: 'admin', action: 'system.metrics' }, schema: { tags: ['system'], operationId: 'getMetrics', summary: 'Prometheus metrics.' } }, async (_request, reply) => {
    context.metrics.refresh();
    return reply.header('content-type', context.metrics.registry.contentType).send(await context.metrics.registry.metrics());
  });
}

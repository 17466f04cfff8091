/**
 * Starts a role of the program: `all` (gateway and index node in one process, shards read in-process) or `index`
 * (an index node serving shard reads on its internal interface). Returns a handle whose `stop()` shuts down in
 * order: stop accepting requests, finish in-flight ones, snapshot shards, close the log.
 */
import type { FastifyInstance } from 'fastify';
import { CatalogReader } from '../catalog/catalog-reader';
import type { JadeConfig } from '../config/schema';
import { jadeError } from '../errors';
import { DatabaseLifecycle } from '../gateway/database-lifecycle';
import { Gateway } from '../gateway/gateway';
import { LocalRouter, type ShardRouter } from '../gateway/router';
import { RemoteRouter } from '../gateway/remote-router';
import { MembershipView } from '../cluster/membership';
import type { PartitionStatus } from '../node/shard-host';
import type { GatewayContext } from '../http/context';
import { buildHttpApp } from '../http/app';
import { GatewayMetrics } from '../http/metrics';
import type { Logger } from '../logger';
import { IndexNode } from '../node/index-node';
import type { ShardRuntime } from '../node/shard-runtime';
import { openFoundation, type Foundation } from './bootstrap';

export interface RunningServer {
  foundation: Foundation;
  /** The index node of roles `all` and `index`. */
  node?: IndexNode;
  /** The REST API (role `all`), not yet listening. */
  app?: FastifyInstance;
  gateway?: Gateway;
  stop(): Promise<void>;
}

import fs from 'node:fs';
import { ApiKeyStore } from '../security/api-keys';
import { AuditLog, AuditLogReader } from '../security/audit';
import { mintToken, resolveJwt } from '../security/jwt';
import { VERSION } from '../version';

export interface StartServerOptions {
  /** Replaces the shard runtime (tests wrap one to slow applies down). */
  runtime?: ShardRuntime;
}

export async function startServer(config: JadeConfig, logger: Logger, options: StartServerOptions = {}): Promise<RunningServer> {
  if (config.role !== 'all' && config.clusterSecret === undefined) {
    throw jadeError('JADE_ERR_CONFIG_INVALID', [`clusterSecret (JADE_CLUSTER_SECRET) is required for role ${config.role}`]);
  }
  const foundation = await openFoundation(config, logger);
  const { backbone, codec, topics } = foundation;
  const catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: config.topicPrefix, logger });
  await catalog.start();
  if (config.role === 'gateway') return startGateway(config, logger, foundation, catalog);
  const node = await IndexNode.start({
    ...foundation,
    catalog,
    serveInternalApi: config.role === 'index',
    ...(options.runtime === undefined ? {} : { runtime: options.runtime }),
  });
  if (config.role === 'index') {
    return {
      foundation,
      node,
      stop: async () => {
        await node.stop();
        await catalog.stop();
        await backbone.close();
      },
    };
  }

  const router = new LocalRouter(node.host, node.reads, topics.vectors.partitions);
  const served = await serveGateway(config, logger, foundation, catalog, router, {
    role: 'all',
    ready: () => node.host.ready(),
    partitionStatus: () => node.host.status(),
    ownersOf: (partition) =>
      node.host
        .status()
        .filter((p) => p.partition === partition)
        .map((p) => ({ nodeId: node.nodeId, replicaGroup: config.replicaGroup, ready: p.ready, lag: p.lag })),
    nodes: () => [
      { nodeId: node.nodeId, replicaGroup: config.replicaGroup, lastHeartbeatMs: Date.now(), partitions: node.host.status().map((p) => p.partition), url: 'in-process' },
    ],
  });
  return {
    foundation,
    node,
    ...served,
    stop: async () => {
      await served.app.close();
      await node.stop();
      await catalog.stop();
      await backbone.close();
    },
  };
}

/** Role `gateway`: no shards here; reads go to the index nodes the membership view knows. */
async function startGateway(config: JadeConfig, logger: Logger, foundation: Foundation, catalog: CatalogReader): Promise<RunningServer> {
  const { backbone, codec, topics } = foundation;
  const membership = new MembershipView({ backbone, codec, topic: topics.names.cluster, groupPrefix: config.topicPrefix, logger });
  await membership.start();
  const router = new RemoteRouter(membership, topics.vectors.partitions, config.clusterSecret!);
  const served = await serveGateway(config, logger, foundation, catalog, router, {
    role: 'gateway',
    ready: () => router.ready(),
    partitionStatus: () => partitionStatusFromMembership(router, topics.vectors.partitions),
    ownersOf: (partition) =>
      router.allOwners(partition).map((o) => {
        const entry = o.heartbeat.partitions.find((p) => p.partition === partition);
        return { nodeId: o.heartbeat.nodeId, replicaGroup: o.heartbeat.replicaGroup, ready: entry?.ready ?? false, lag: o.lag };
      }),
    nodes: () =>
      membership
        .all()
        .filter((m) => Number.isFinite(m.silentForMs))
        .map((m) => ({
          nodeId: m.heartbeat.nodeId,
          replicaGroup: m.heartbeat.replicaGroup,
          lastHeartbeatMs: Math.round(Date.now() - m.silentForMs),
          partitions: m.heartbeat.partitions.map((p) => p.partition),
          url: m.heartbeat.url,
        })),
  });
  return {
    foundation,
    ...served,
    stop: async () => {
      await served.app.close();
      await membership.stop();
      await catalog.stop();
      await backbone.close();
    },
  };
}

/** What a gateway knows of each partition: its best ready owner's figures. */
function partitionStatusFromMembership(router: RemoteRouter, partitions: number): PartitionStatus[] {
  const out: PartitionStatus[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    const best = router.owners(partition)[0];
    const entry = best?.heartbeat.partitions.find((p) => p.partition === partition);
    out.push({
      partition,
      nextOffset: entry?.nextOffset ?? 0,
      endOffset: (entry?.nextOffset ?? 0) + (entry?.lag ?? 0),
      lag: entry?.lag ?? 0,
      ready: entry?.ready ?? false,
      lastSnapshotOffset: undefined,
      lastSnapshotAtMs: undefined,
      lastSnapshotDurationMs: undefined,
      deadLetters: 0,
      awaitingErasure: [],
      databases: [],
    });
  }
  return out;
}

async function serveGateway(
  config: JadeConfig,
  logger: Logger,
  foundation: Foundation,
  catalog: CatalogReader,
  router: ShardRouter,
  context: Pick<GatewayContext, 'role' | 'ready' | 'partitionStatus' | 'ownersOf' | 'nodes'>,
): Promise<{ app: FastifyInstance; gateway: Gateway }> {
  const { backbone, codec, topics } = foundation;
  const lifecycle = new DatabaseLifecycle({
    backbone,
    codec,
    catalog,
    topics: topics.names,
    partitions: topics.vectors.partitions,
    partitionsAwaitingErasure: (name, ends) => router.partitionsAwaitingErasure(name, ends),
    partitionsLackingMarker: (name, incarnation, ends) => router.partitionsLackingDatabase(name, incarnation, ends, config.consistencyTimeoutMs),
  });
  const gateway = new Gateway({
    backbone,
    codec,
    catalog,
    lifecycle,
    router,
    topics,
    limits: {
      maxBatchSize: config.maxBatchSize,
      maxMetadataBytes: config.maxMetadataBytes,
      maxRecordBytes: config.maxRecordBytes,
      consistencyTimeoutMs: config.consistencyTimeoutMs,
      writeLagLimit: config.writeLagLimit,
    },
    ...(config.payloadEncryption && foundation.keyring !== undefined ? { payloadKeyring: foundation.keyring } : {}),
  });
  const metrics = new GatewayMetrics(context.partitionStatus);
  const security = await startSecurity(config, logger, foundation);
  const app = await buildHttpApp({
    logger,
    bodyLimit: config.httpBodyLimit,
    version: VERSION,
    context: { gateway, backbone: backbone.kind, metrics, ...context },
    security,
    rateLimitPerMinute: config.rateLimitPerMinute,
    ...(config.tlsCertFile === undefined || config.tlsKeyFile === undefined
      ? {}
      : { https: { cert: fs.readFileSync(config.tlsCertFile), key: fs.readFileSync(config.tlsKeyFile) } }),
  });
  app.addHook('onClose', async () => {
    await security.audit.close();
    await security.apiKeys.stop();
    await security.auditReader.stop();
  });
  return { app, gateway };
}

/** Credentials, API keys and the audit log. Role `all` with no JWT key configured generates a secret on first start. */
async function startSecurity(config: JadeConfig, logger: Logger, foundation: Foundation) {
  const { backbone, codec, topics } = foundation;
  const enabled = config.auth === 'on';
  const jwt = enabled ? resolveJwt(config) : undefined;
  if (!enabled) logger.warn('authentication is OFF (JADE_AUTH=off or --insecure): anyone who can reach this port can read, write and drop everything');
  if (jwt?.generated === true && jwt.secret !== undefined) {
    const token = mintToken({ secret: jwt.secret, subject: 'admin', roles: ['admin'], databases: '*', ttlSeconds: 30 * 86_400 });
    // Printed once, on first start: the secret stays in the data directory, tokens are minted with `jadevectordb token`.
    process.stderr.write(
      `\nJadeVectorDB generated a JWT secret in ${jwt.secretFile ?? config.dataDir}.\nAdmin token (valid 30 days, shown once):\n\n  ${token}\n\nUse it as: Authorization: Bearer <token>. Mint more with: jadevectordb token --role admin\n\n`,
    );
  }
  const apiKeys = new ApiKeyStore({ backbone, codec, topic: topics.names.security, groupPrefix: config.topicPrefix, logger });
  await apiKeys.start();
  const audit = new AuditLog({
    backbone,
    codec,
    topic: topics.names.audit,
    level: config.auditLevel,
    failOpen: config.auditFailOpen,
    queueLimit: config.auditQueueLimit,
    ...(config.nodeId === undefined ? {} : { nodeId: config.nodeId }),
    ...(config.auditSinkFile === undefined ? {} : { sink: { file: config.auditSinkFile, format: config.auditSinkFormat } }),
    logger,
  });
  const auditReader = new AuditLogReader({ backbone, codec, topic: topics.names.audit, groupPrefix: config.topicPrefix });
  await auditReader.start();
  return { enabled, ...(jwt === undefined ? {} : { jwt }), apiKeys, audit, auditReader, metricsPublic: config.metricsPublic };
}

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
import { LocalRouter } from '../gateway/router';
import { buildHttpApp } from '../http/app';
import { GatewayMetrics } from '../http/metrics';
import type { Logger } from '../logger';
import { IndexNode } from '../node/index-node';
import type { ShardRuntime } from '../node/shard-runtime';
import { openFoundation, type Foundation } from './bootstrap';

export interface RunningServer {
  foundation: Foundation;
  node: IndexNode;
  /** The REST API (role `all`), not yet listening. */
  app?: FastifyInstance;
  gateway?: Gateway;
  stop(): Promise<void>;
}

import { VERSION } from '../version';

export interface StartServerOptions {
  /** Replaces the shard runtime (tests wrap one to slow applies down). */
  runtime?: ShardRuntime;
}

export async function startServer(config: JadeConfig, logger: Logger, options: StartServerOptions = {}): Promise<RunningServer> {
  if (config.role === 'gateway') {
    throw jadeError('JADE_ERR_CONFIG_INVALID', ['role gateway (a gateway without local shards) needs cluster membership, which this version does not ship yet: run role all, or role index nodes']);
  }
  const foundation = await openFoundation(config, logger);
  const { backbone, codec, topics } = foundation;
  const catalog = new CatalogReader({ backbone, codec, topic: topics.names.databases, groupPrefix: config.topicPrefix, logger });
  await catalog.start();
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
  const lifecycle = new DatabaseLifecycle({
    backbone,
    codec,
    catalog,
    topics: topics.names,
    partitions: topics.vectors.partitions,
    partitionsAwaitingErasure: (name) => router.partitionsAwaitingErasure(name),
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
  });
  const metrics = new GatewayMetrics(() => node.host.status());
  const app = await buildHttpApp({
    logger,
    bodyLimit: config.httpBodyLimit,
    version: VERSION,
    context: {
      gateway,
      role: 'all',
      backbone: backbone.kind,
      ready: () => node.host.ready(),
      partitionStatus: () => node.host.status(),
      metrics,
    },
  });
  return {
    foundation,
    node,
    app,
    gateway,
    stop: async () => {
      await app.close();
      await node.stop();
      await catalog.stop();
      await backbone.close();
    },
  };
}

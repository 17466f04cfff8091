/**
 * An index node: reads the catalog, owns partitions of the vectors topic as a member of its replica group's
 * consumer group, builds their shards (in worker threads), and serves shard reads on its internal interface.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CatalogReader } from '../catalog/catalog-reader';
import type { JadeConfig } from '../config/schema';
import { jadeError } from '../errors';
import type { Backbone, TopicInfo } from '../log/backbone';
import type { RecordCodec } from '../log/codec';
import type { TopicNames } from '../log/topics';
import type { Logger } from '../logger';
import { Heartbeater } from '../cluster/membership';
import type { Keyring } from '../security/crypto';
import { buildInternalApi } from './internal-api';
import { ShardHost } from './shard-host';
import { LocalShardReads, type ShardReads } from './shard-reads';
import { InProcessShardRuntime, type ShardRuntime } from './shard-runtime';
import { WorkerShardRuntime } from './worker-runtime';

export interface IndexNodeOptions {
  config: JadeConfig;
  backbone: Backbone;
  codec: RecordCodec;
  topics: { names: TopicNames; vectors: TopicInfo };
  logger: Logger;
  /** Serve the internal interface (role `index`); role `all` reads in-process instead. */
  serveInternalApi: boolean;
  /** Where the catalog comes from; a gateway in the same process shares its reader. */
  catalog?: CatalogReader;
  /** Encryption at rest (`config.encryptionTempDir` is the temp space for snapshots). */
  keyring?: Keyring;
  /** Where shards run. @default worker threads per `shardThreads` (tests may wrap one, e.g. to slow applies down) */
  runtime?: ShardRuntime;
}

/** A stable default node id: the same host and data directory give the same id across restarts. */
export function defaultNodeId(dataDir: string): string {
  const hash = createHash('sha256').update(`${os.hostname()}:${path.resolve(dataDir)}`).digest('hex').slice(0, 12);
  return `${os.hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40)}-${hash}`;
}

export class IndexNode {
  private api: FastifyInstance | undefined;
  private heartbeater: Heartbeater | undefined;
  /** Address of the internal interface once listening. */
  internalUrl: string | undefined;

  private constructor(
    readonly nodeId: string,
    readonly host: ShardHost,
    readonly reads: ShardReads,
    private readonly runtime: ShardRuntime,
    readonly catalog: CatalogReader,
    private readonly ownsCatalog: boolean,
  ) {}

  static async start(options: IndexNodeOptions): Promise<IndexNode> {
    const { config } = options;
    const nodeId = config.nodeId ?? defaultNodeId(config.dataDir);
    const logger = options.logger.child({ node: nodeId });
    const catalog =
      options.catalog ??
      new CatalogReader({ backbone: options.backbone, codec: options.codec, topic: options.topics.names.databases, groupPrefix: config.topicPrefix, logger });
    if (options.catalog === undefined) await catalog.start();
    const threads = config.shardThreads ?? os.availableParallelism();
    const backlog = { maxValues: config.indexBacklogMaxValues, catchUpMaxValues: config.indexCatchUpBacklogMaxValues };
    const runtime: ShardRuntime = options.runtime ?? (threads === 0 ? new InProcessShardRuntime({}, backlog) : new WorkerShardRuntime({ threads, backlog }));
    const host = new ShardHost({
      backbone: options.backbone,
      codec: options.codec,
      catalog,
      runtime,
      topics: options.topics.names,
      vectors: options.topics.vectors,
      topicPrefix: config.topicPrefix,
      dataDir: config.dataDir,
      nodeId,
      replicaGroup: config.replicaGroup,
      snapshotEveryRecords: config.snapshotEveryRecords,
      snapshotEveryMs: config.snapshotEveryMs,
      logger,
      ...(options.keyring === undefined ? {} : { encryption: { keyring: options.keyring, tempDir: config.encryptionTempDir } }),
      ...(config.payloadEncryption && options.keyring !== undefined ? { payloadKeyring: options.keyring } : {}),
    });
    const node = new IndexNode(nodeId, host, new LocalShardReads(host, runtime), runtime, catalog, options.catalog === undefined);
    await host.start();
    if (options.serveInternalApi) {
      if (config.clusterSecret === undefined) {
        throw jadeError('JADE_ERR_CONFIG_INVALID', ['clusterSecret (JADE_CLUSTER_SECRET) is required for role index']);
      }
      node.api = buildInternalApi({ host, reads: node.reads, clusterSecret: config.clusterSecret, nodeId, replicaGroup: config.replicaGroup, logger });
      const address = await node.api.listen({ host: config.internalHost, port: config.internalPort });
      const url = config.advertisedUrl ?? address;
      node.internalUrl = url;
      logger.info({ url }, 'internal interface listening');
      node.heartbeater = new Heartbeater({
        backbone: options.backbone,
        codec: options.codec,
        topic: options.topics.names.cluster,
        logger,
        snapshot: () => ({
          nodeId,
          replicaGroup: config.replicaGroup,
          url,
          ready: host.ready(),
          partitions: host.status().map((p) => ({
            partition: p.partition,
            nextOffset: p.nextOffset,
            lag: p.lag,
            ready: p.ready,
            awaitingErasure: p.awaitingErasure.map((d) => d.name),
          })),
          sentAtMs: Date.now(),
        }),
      });
      await node.heartbeater.start();
    }
    return node;
  }

  /** Graceful stop: no more reads, snapshot and leave the group, stop the workers. */
  async stop(): Promise<void> {
    await this.api?.close();
    await this.host.stop();
    await this.heartbeater?.stop(this.nodeId);
    await this.runtime.shutdown();
    if (this.ownsCatalog) await this.catalog.stop();
  }
}

/**
 * The topics JadeVectorDB uses (docs/architecture.md), named after the configured prefix so deployments and
 * tests can share brokers. The program creates them itself with explicit partitions, replication and configs.
 */
import { jadeError } from '../errors';
import type { Backbone, TopicInfo, TopicSpec } from './backbone';

export interface TopicNames {
  vectors: string;
  databases: string;
  audit: string;
  security: string;
  cluster: string;
  deadLetters: string;
}

export function topicNames(prefix: string): TopicNames {
  return {
    vectors: `${prefix}.vectors`,
    databases: `${prefix}.databases`,
    audit: `${prefix}.audit`,
    security: `${prefix}.security`,
    cluster: `${prefix}.cluster`,
    deadLetters: `${prefix}.vectors.dlq`,
  };
}

export interface TopicLayout {
  /** P: partitions of the vectors topic. */
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  /**
   * Set `min.insync.replicas` on created topics only, never check it against existing ones: for a default derived from
   * the brokers the cluster reports, which vary (src/config/replication.ts). @default false
   */
  minInsyncCreationOnly?: boolean;
  /** How long tombstones survive compaction on the vectors topic. */
  deleteRetentionMs: number;
  /** How long a record of the vectors topic stays uncompacted (see config `minCompactionLagMs`). @default 0 */
  minCompactionLagMs?: number;
}

/** Consumer group of index nodes in replica group `group`. */
export function indexGroup(prefix: string, group: number): string {
  return `${prefix}-index-${group}`;
}

export function topicSpecs(prefix: string, layout: TopicLayout): Record<keyof TopicNames, TopicSpec> {
  const names = topicNames(prefix);
  const common = (extra: Record<string, string>): Record<string, string> => ({
    'min.insync.replicas': String(layout.minInsyncReplicas),
    ...extra,
  });
  const compacted = (extra: Record<string, string> = {}): Record<string, string> =>
    common({ 'cleanup.policy': 'compact', 'delete.retention.ms': String(layout.deleteRetentionMs), ...extra });
  const spec = (name: string, partitions: number, configs: Record<string, string>, withIdentity = false): TopicSpec => ({
    name,
    partitions,
    replicationFactor: layout.replicationFactor,
    configs,
    withIdentity,
    ...(layout.minInsyncCreationOnly === true ? { creationOnly: ['min.insync.replicas'] } : {}),
  });
  return {
    vectors: {
      ...spec(names.vectors, layout.partitions, compacted({ 'min.compaction.lag.ms': String(layout.minCompactionLagMs ?? 0) }), true),
      // Added in 0.2: topics made by 0.1 get it when a 0.2 process starts.
      adjustable: ['min.compaction.lag.ms'],
    },
    // Never compacted: the order of creates and drops decides every incarnation.
    databases: spec(names.databases, 1, common({ 'cleanup.policy': 'delete', 'retention.ms': '-1' })),
    audit: spec(names.audit, 3, common({ 'cleanup.policy': 'delete', 'retention.ms': String(365 * 24 * 3600 * 1000) })),
    security: spec(names.security, 1, compacted()),
    cluster: spec(names.cluster, 1, compacted({ 'delete.retention.ms': String(60 * 60 * 1000) })),
    deadLetters: spec(names.deadLetters, 1, compacted()),
  };
}

/**
 * Creates every topic, or checks the existing ones. P is chosen once: read back from an existing vectors topic;
 * an explicit `partitions` that disagrees with it stops start-up.
 */
export async function ensureTopics(
  backbone: Backbone,
  settings: {
    topicPrefix: string;
    partitions?: number;
    defaultPartitions: number;
    replicationFactor: number;
    minInsyncReplicas: number;
    minInsyncCreationOnly?: boolean;
    deleteRetentionMs: number;
    minCompactionLagMs?: number;
  },
): Promise<{ names: TopicNames; vectors: TopicInfo }> {
  const names = topicNames(settings.topicPrefix);
  const existing = await backbone.describeTopic(names.vectors);
  if (existing !== undefined && settings.partitions !== undefined && settings.partitions !== existing.partitions) {
    throw jadeError('JADE_ERR_CONFIG_TOPIC_MISMATCH', [
      names.vectors,
      `it has ${existing.partitions} partitions but JADE_PARTITIONS is ${settings.partitions}; P never changes (reshard into a new topic instead)`,
    ]);
  }
  const specs = topicSpecs(settings.topicPrefix, {
    partitions: existing?.partitions ?? settings.partitions ?? settings.defaultPartitions,
    replicationFactor: settings.replicationFactor,
    minInsyncReplicas: settings.minInsyncReplicas,
    ...(settings.minInsyncCreationOnly === undefined ? {} : { minInsyncCreationOnly: settings.minInsyncCreationOnly }),
    deleteRetentionMs: settings.deleteRetentionMs,
    ...(settings.minCompactionLagMs === undefined ? {} : { minCompactionLagMs: settings.minCompactionLagMs }),
  });
  let vectors: TopicInfo | undefined;
  for (const [role, spec] of Object.entries(specs)) {
    const info = await backbone.ensureTopic(spec);
    if (role === 'vectors') vectors = info;
  }
  return { names, vectors: vectors! };
}

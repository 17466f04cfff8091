/**
 * Opens what every role needs: the validated config, the logger, the backbone (Kafka when brokers are configured,
 * else the embedded log in the data directory), the record codec and the topics.
 */
import path from 'node:path';
import type { JadeConfig } from '../config/schema';
import type { Backbone, TopicInfo } from '../log/backbone';
import { RecordCodec } from '../log/codec';
import { EmbeddedBackbone } from '../log/embedded-backbone';
import { KafkaBackbone } from '../log/kafka-backbone';
import { ensureTopics, type TopicNames } from '../log/topics';
import type { Logger } from '../logger';

export interface Foundation {
  config: JadeConfig;
  logger: Logger;
  backbone: Backbone;
  codec: RecordCodec;
  topics: { names: TopicNames; vectors: TopicInfo };
}

export async function openFoundation(config: JadeConfig, logger: Logger): Promise<Foundation> {
  const backbone: Backbone =
    config.kafkaBrokers === undefined
      ? EmbeddedBackbone.open({ dir: path.join(config.dataDir, 'log'), fsync: config.embeddedFsync, maxRecordBytes: config.maxRecordBytes, logger })
      : await KafkaBackbone.connect({
          brokers: config.kafkaBrokers,
          clientId: config.kafkaClientId,
          connectionTimeoutMs: config.kafkaConnectTimeoutMs,
          maxRecordBytes: config.maxRecordBytes,
          groupPrefix: config.topicPrefix,
          logger,
        });
  try {
    const codec = RecordCodec.load();
    const topics = await ensureTopics(backbone, {
      topicPrefix: config.topicPrefix,
      ...(config.partitions === undefined ? {} : { partitions: config.partitions }),
      defaultPartitions: config.defaultPartitions,
      replicationFactor: config.kafkaReplicationFactor,
      minInsyncReplicas: config.kafkaMinInsyncReplicas,
      deleteRetentionMs: config.deleteRetentionMs,
    });
    logger.info({ backbone: backbone.kind, partitions: topics.vectors.partitions, prefix: config.topicPrefix }, 'log ready');
    return { config, logger, backbone, codec, topics };
  } catch (err) {
    await backbone.close();
    throw err;
  }
}

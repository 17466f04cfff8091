/**
 * Opens what every role needs: the validated config, the logger, the encryption keys, the backbone (Kafka when
 * brokers are configured, else the embedded log in the data directory), the record codec and the topics.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { decideReplication } from '../config/replication';
import type { JadeConfig } from '../config/schema';
import { jadeError } from '../errors';
import type { Backbone, TopicInfo } from '../log/backbone';
import { RecordCodec } from '../log/codec';
import { EmbeddedBackbone } from '../log/embedded-backbone';
import { KafkaBackbone } from '../log/kafka-backbone';
import { ensureTopics, topicNames, type TopicNames } from '../log/topics';
import type { Logger } from '../logger';
import { checkSecureTempDir, keyringFromConfig, type Keyring } from '../security/crypto';

export interface Foundation {
  config: JadeConfig;
  logger: Logger;
  backbone: Backbone;
  codec: RecordCodec;
  topics: { names: TopicNames; vectors: TopicInfo };
  /** The encryption keys, when `encryptionKey` is set. */
  keyring?: Keyring;
}

export async function openFoundation(config: JadeConfig, logger: Logger): Promise<Foundation> {
  const keyring = keyringFromConfig(config);
  // Gateways hold no shards, so no snapshot passes through temp space there.
  if (keyring !== undefined && config.role !== 'gateway') checkTempDir(config.encryptionTempDir, logger);
  const backbone: Backbone =
    config.kafkaBrokers === undefined
      ? EmbeddedBackbone.open({
          dir: path.join(config.dataDir, 'log'),
          fsync: config.embeddedFsync,
          maxRecordBytes: config.maxRecordBytes,
          logger,
          ...(keyring === undefined ? {} : { encryption: keyring }),
        })
      : await KafkaBackbone.connect({
          brokers: config.kafkaBrokers,
          clientId: config.kafkaClientId,
          connectionTimeoutMs: config.kafkaConnectTimeoutMs,
          sessionTimeoutMs: config.kafkaSessionTimeoutMs,
          heartbeatIntervalMs: Math.max(100, Math.min(1_000, Math.floor(config.kafkaSessionTimeoutMs / 3))),
          maxRecordBytes: config.maxRecordBytes,
          groupPrefix: config.topicPrefix,
          logger,
          ...kafkaSecurity(config, logger),
        });
  try {
    const codec = RecordCodec.load();
    const vectorsName = topicNames(config.topicPrefix).vectors;
    const cluster =
      backbone instanceof KafkaBackbone ? { brokers: await backbone.brokerCount(), creating: (await backbone.describeTopic(vectorsName)) === undefined } : undefined;
    const replication = decideReplication({ replicationFactor: config.kafkaReplicationFactor, minInsyncReplicas: config.kafkaMinInsyncReplicas }, cluster);
    if (backbone instanceof KafkaBackbone && cluster?.creating === false && replication.fromCluster) {
      const actual = await backbone.replicationFactorOf(vectorsName);
      if (actual < replication.replicationFactor) {
        logger.warn(
          { topic: vectorsName, replicationFactor: actual, brokers: cluster.brokers },
          'the vectors topic has fewer replicas than the cluster has brokers for (releases before 0.2 took the default from the addresses in JADE_KAFKA_BROKERS): add replicas with kafka-reassign-partitions.sh',
        );
      }
    }
    const topics = await ensureTopics(backbone, {
      topicPrefix: config.topicPrefix,
      ...(config.partitions === undefined ? {} : { partitions: config.partitions }),
      defaultPartitions: config.defaultPartitions,
      replicationFactor: replication.replicationFactor,
      minInsyncReplicas: replication.minInsyncReplicas,
      minInsyncCreationOnly: replication.fromCluster,
      deleteRetentionMs: config.deleteRetentionMs,
      minCompactionLagMs: config.minCompactionLagMs,
    });
    logger.info(
      {
        backbone: backbone.kind,
        partitions: topics.vectors.partitions,
        ...(backbone.kind === 'kafka' ? { replicationFactor: replication.replicationFactor, minInsyncReplicas: replication.minInsyncReplicas } : {}),
        prefix: config.topicPrefix,
        encryption: keyring === undefined ? 'off' : keyring.currentId,
        payloadEncryption: config.payloadEncryption,
      },
      'log ready',
    );
    return { config, logger, backbone, codec, topics, ...(keyring === undefined ? {} : { keyring }) };
  } catch (err) {
    await backbone.close();
    throw err;
  }
}

/** Plaintext snapshot parts pass through this directory: it must be usable, and should be memory-backed. */
function checkTempDir(dir: string, logger: Logger): void {
  let memoryBacked: boolean | undefined;
  try {
    ({ memoryBacked } = checkSecureTempDir(dir));
  } catch (err) {
    throw jadeError('JADE_ERR_CONFIG_INVALID', [
      `encryptionTempDir (JADE_ENCRYPTION_TEMP_DIR) ${dir} cannot be used (${(err as Error).message}): with encryptionKey set, snapshot files pass through it in plaintext, so it must be a writable memory-backed directory (tmpfs)`,
    ]);
  }
  if (memoryBacked === false) {
    logger.warn({ dir }, 'encryptionTempDir is not memory-backed (tmpfs): plaintext snapshot parts briefly reach a disk');
  }
}

/** KafkaJS `ssl` and `sasl` options from the config (files read once, at start-up). */
function kafkaSecurity(config: JadeConfig, logger: Logger): { ssl?: ConnectionOptions | boolean; sasl?: SASLOptions } {
  const read = (key: 'kafkaSslCaFile' | 'kafkaSslCertFile' | 'kafkaSslKeyFile', file: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw jadeError('JADE_ERR_CONFIG_INVALID', [`${key} ${file} cannot be read: ${(err as Error).message}`]);
    }
  };
  const out: { ssl?: ConnectionOptions | boolean; sasl?: SASLOptions } = {};
  if (config.kafkaSsl) {
    const tls: ConnectionOptions = {
      rejectUnauthorized: true,
      ...(config.kafkaSslCaFile === undefined ? {} : { ca: [read('kafkaSslCaFile', config.kafkaSslCaFile)] }),
      ...(config.kafkaSslCertFile === undefined ? {} : { cert: read('kafkaSslCertFile', config.kafkaSslCertFile) }),
      ...(config.kafkaSslKeyFile === undefined ? {} : { key: read('kafkaSslKeyFile', config.kafkaSslKeyFile) }),
    };
    out.ssl = tls;
  }
  if (config.kafkaSaslMechanism !== undefined && config.kafkaSaslUsername !== undefined && config.kafkaSaslPassword !== undefined) {
    const credentials = { username: config.kafkaSaslUsername, password: config.kafkaSaslPassword };
    out.sasl =
      config.kafkaSaslMechanism === 'plain'
        ? { mechanism: 'plain', ...credentials }
        : config.kafkaSaslMechanism === 'scram-sha-256'
          ? { mechanism: 'scram-sha-256', ...credentials }
          : { mechanism: 'scram-sha-512', ...credentials };
    if (!config.kafkaSsl) logger.warn({ mechanism: config.kafkaSaslMechanism }, 'SASL without kafkaSsl: credentials and data cross the network unencrypted');
  }
  return out;
}

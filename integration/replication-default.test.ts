/**
 * The replication of the topics the program creates, decided from the cluster (src/log/topics.ts,
 * `decideReplication`): a 3-broker cluster reached through one bootstrap address gets RF 3 and
 * `min.insync.replicas=2` by default; an explicit factor above the brokers the cluster reports stops start-up with
 * one configuration error; an explicit factor is not limited by the length of the bootstrap list.
 *
 * The cluster is this file's own (free ports on loopback), stopped in afterAll whatever happens.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { openFoundation } from '../src/cli/bootstrap';
import { loadConfig } from '../src/config/load';
import type { JadeConfigInput } from '../src/config/schema';
import { silentLogger } from '../src/logger';
import { expectJadeError, randomName } from '../test/helpers/wait';
import { startKafka, type LocalKafka } from './kafka/local-kafka';

describe('replication of created topics (3 brokers, one bootstrap address)', () => {
  let kafka: LocalKafka | undefined;
  const dirs: string[] = [];

  beforeAll(async () => {
    kafka = await startKafka({ nodes: 3 });
  }, 150_000);

  afterAll(async () => {
    await kafka?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const config = (overrides: JadeConfigInput) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-rf-'));
    dirs.push(dataDir);
    return loadConfig({ env: {}, overrides: { dataDir, partitions: 2, logLevel: 'silent', kafkaBrokers: [kafka!.brokers[0]!], topicPrefix: randomName('rf'), ...overrides } });
  };

  /** Replicas per partition and min.insync.replicas of a topic, as the brokers report them. */
  async function layoutOf(topic: string): Promise<{ replicas: number[]; minInsync: string | undefined }> {
    const admin = new Kafka({ clientId: 'jade-rf-test', brokers: kafka!.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
      return {
        replicas: topics[0]!.partitions.map((p) => p.replicas.length),
        minInsync: described.resources[0]?.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue,
      };
    } finally {
      await admin.disconnect();
    }
  }

  it('creates topics with RF 3 and min.insync.replicas=2 by default, whatever the bootstrap list holds', async () => {
    const foundation = await openFoundation(config({}), silentLogger);
    try {
      expect(await layoutOf(foundation.topics.names.vectors)).toEqual({ replicas: [3, 3], minInsync: '2' });
      expect(await layoutOf(foundation.topics.names.databases)).toEqual({ replicas: [3], minInsync: '2' });
    } finally {
      await foundation.backbone.close();
    }
  }, 120_000);

  it('starts on topics an older release created with RF 1 (one bootstrap address), keeping their layout and warning', async () => {
    const older = config({ kafkaReplicationFactor: 1 });
    const first = await openFoundation(older, silentLogger);
    await first.backbone.close();
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const again = await openFoundation(config({ topicPrefix: older.topicPrefix }), logger);
    try {
      expect(await layoutOf(again.topics.names.vectors)).toEqual({ replicas: [1, 1], minInsync: '1' });
      expect(warnings.join('\n')).toMatch(/fewer replicas than the cluster has brokers for/);
    } finally {
      await again.backbone.close();
    }
  }, 120_000);

  it('takes an explicit factor up to the brokers the cluster reports, and refuses one above with a configuration error', async () => {
    const two = await openFoundation(config({ kafkaReplicationFactor: 2 }), silentLogger);
    try {
      expect(await layoutOf(two.topics.names.vectors)).toEqual({ replicas: [2, 2], minInsync: '1' });
    } finally {
      await two.backbone.close();
    }
    const err = await expectJadeError(openFoundation(config({ kafkaReplicationFactor: 4 }), silentLogger), 'JADE_ERR_CONFIG_INVALID');
    expect(err.message).toMatch(/kafkaReplicationFactor \(JADE_KAFKA_REPLICATION_FACTOR\) is 4 but the Kafka cluster reports 3 brokers/);
  }, 120_000);
});

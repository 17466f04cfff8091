/** The REST API end-to-end suite (test/http/e2e.ts) on a real Kafka broker, with fresh topics. */
import { describeHttpEndToEnd } from '../test/http/e2e';
import { testConfig } from '../test/http/helpers';
import { randomName } from '../test/helpers/wait';
import { testBrokers } from './harness/env';

describeHttpEndToEnd({
  name: 'Kafka',
  backbone: 'kafka',
  // Strong reads may wait out a snapshot on a busy machine: this suite is not about the bound (read-your-writes is).
  config: (dir) =>
    testConfig(dir, { shardThreads: 2, consistencyTimeoutMs: 60_000, kafkaBrokers: testBrokers(), topicPrefix: randomName('http'), kafkaReplicationFactor: 1 }),
});

import { execFile } from 'node:child_process';
import { startKafka } from '../kafka/local-kafka';

export interface PickedBroker {
  brokers: string[];
  source: 'env' | 'testcontainers' | 'local';
  stop(): Promise<void>;
}

export async function pickBroker(): Promise<PickedBroker> {
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { brokers: fromEnv.split(',').map((b) => b.trim()), source: 'env', stop: () => Promise.resolve() };
  }
  if (await dockerAnswers()) {
    // Loaded lazily: testcontainers is only needed where a Docker engine exists.
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
    const address = `${container.getHost()}:${container.getMappedPort(9093)}`;
    return { brokers: [address], source: 'testcontainers', stop: async () => void (await container.stop()) };
  }
  // The cleaner runs often so compaction tests finish in seconds (Kafka's default backoff is 15 s).
  const kafka = await startKafka({ nodes: 1, extraConfig: { 'log.cleaner.backoff.ms': '500' } });
  return { brokers: kafka.brokers, source: 'local', stop: () => kafka.stop() };
}

/** True when a Docker engine answers `docker info` within a few seconds (the client alone is not enough). */
function dockerAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000 }, (err, stdout) => {
      resolve(err === null && stdout.trim() !== '');
    });
  });
}

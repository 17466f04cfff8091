/**
 * Picks the Kafka broker for the integration suite, once per jest run:
 * `KAFKA_BROKERS` if set; else `@testcontainers/kafka` where a Docker engine answers; else a KRaft broker the
 * project starts itself from Maven-resolved jars. Tests read the address from `process.env.KAFKA_BROKERS`.
 */
import { pickBroker } from './broker';

export default async function globalSetup(): Promise<void> {
  const picked = await pickBroker();
  process.env.KAFKA_BROKERS = picked.brokers.join(',');
  process.env.JADE_TEST_BROKER_SOURCE = picked.source;
  (globalThis as { __JADE_BROKER__?: typeof picked }).__JADE_BROKER__ = picked;
  console.log(`\nintegration broker: ${picked.brokers.join(',')} (${picked.source})`);
}

/** The broker address the global setup picked (KAFKA_BROKERS), for tests. */
export function testBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (brokers === undefined || brokers === '') throw new Error('KAFKA_BROKERS is not set: run integration tests through jest (its global setup starts a broker)');
  return brokers.split(',');
}

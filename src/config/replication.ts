/**
 * Replication of the topics the program creates: decided at start-up, once the backbone is open, because with Kafka
 * the default depends on the brokers the cluster reports (`admin.describeCluster()`), not on the bootstrap list in
 * `kafkaBrokers` (one address may reach many brokers, and several addresses may name one).
 */
import { jadeError } from '../errors';

export interface Replication {
  replicationFactor: number;
  minInsyncReplicas: number;
  /**
   * True when neither setting was configured and the factor came from the brokers the cluster reports. That count
   * varies (a broker restarting drops out of the metadata), so min.insync.replicas is then set on topics the program
   * creates but never checked against existing ones.
   */
  fromCluster: boolean;
}

/** The default min.insync.replicas for a factor: 2 from 3 replicas up, so one broker can be lost without stopping writes; else 1. */
export function defaultMinInsync(replicationFactor: number): number {
  return replicationFactor >= 3 ? 2 : 1;
}

/** Refuses a min.insync.replicas above the factor: no write could ever be acknowledged. */
export function checkMinInsync(minInsyncReplicas: number, replicationFactor: number): void {
  if (minInsyncReplicas > replicationFactor) {
    throw jadeError('JADE_ERR_CONFIG_INVALID', [
      `kafkaMinInsyncReplicas (JADE_KAFKA_MIN_INSYNC_REPLICAS) is ${minInsyncReplicas}, above the replication factor ${replicationFactor}: no write could ever be acknowledged`,
    ]);
  }
}

/**
 * Decides the replication factor and min.insync.replicas of created topics.
 *
 * - `cluster` undefined (the embedded log: one copy on local disk, whatever the factor says): the configured values,
 *   else factor 1.
 * - Kafka: a configured factor, else min(3, brokers the cluster reports); min.insync.replicas configured, else
 *   `defaultMinInsync`. When topics are about to be created (`cluster.creating`), a configured factor above the
 *   brokers, or a min.insync.replicas above the factor, is one `JADE_ERR_CONFIG_INVALID` instead of a broker's refusal
 *   or unwritable topics. When they exist already, the count is not held against the configuration: a broker may be
 *   restarting, and existing topics keep the factor they were created with.
 */
export function decideReplication(
  configured: { replicationFactor?: number | undefined; minInsyncReplicas?: number | undefined },
  cluster?: { brokers: number; creating: boolean },
): Replication {
  if (cluster === undefined) {
    const replicationFactor = configured.replicationFactor ?? 1;
    const minInsyncReplicas = configured.minInsyncReplicas ?? defaultMinInsync(replicationFactor);
    checkMinInsync(minInsyncReplicas, replicationFactor);
    return { replicationFactor, minInsyncReplicas, fromCluster: false };
  }
  const brokers = Math.max(1, cluster.brokers);
  if (configured.replicationFactor !== undefined && cluster.creating && configured.replicationFactor > brokers) {
    throw jadeError('JADE_ERR_CONFIG_INVALID', [
      `kafkaReplicationFactor (JADE_KAFKA_REPLICATION_FACTOR) is ${configured.replicationFactor} but the Kafka cluster reports ${brokers} broker${brokers === 1 ? '' : 's'}: a topic cannot have more replicas than brokers`,
    ]);
  }
  const replicationFactor = configured.replicationFactor ?? Math.min(3, brokers);
  const minInsyncReplicas = configured.minInsyncReplicas ?? defaultMinInsync(replicationFactor);
  if (configured.replicationFactor !== undefined || cluster.creating) checkMinInsync(minInsyncReplicas, replicationFactor);
  return { replicationFactor, minInsyncReplicas, fromCluster: configured.replicationFactor === undefined && configured.minInsyncReplicas === undefined };
}

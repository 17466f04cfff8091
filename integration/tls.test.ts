/**
 * TLS on the wire: HTTPS on the REST API, and the Kafka backbone over an SSL listener and a SASL_SSL listener with
 * SCRAM-SHA-256 users, on a broker of our own (the suite's shared broker is plaintext only). The CA and the server
 * certificate are made with the JDK's keytool; openssl only converts the server's key to PEM for Node.
 * Refusals are part of it: a client trusting another CA, plaintext to a TLS port, a wrong SCRAM password.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openFoundation, type Foundation } from '../src/cli/bootstrap';
import { startServer, type RunningServer } from '../src/cli/server';
import { loadConfig } from '../src/config/load';
import type { JadeConfigInput } from '../src/config/schema';
import { KafkaBackbone } from '../src/log/kafka-backbone';
import { silentLogger } from '../src/logger';
import { readUntil } from '../test/contract/backbone-contract';
import { randomName, waitFor } from '../test/helpers/wait';
import { startKafka, type LocalKafka } from './kafka/local-kafka';

const STORE_PASSWORD = 'jade-test-store';
const SCRAM_USER = 'jade-app';
const SCRAM_PASSWORD = 'scram-secret-0123456789';

interface Certificates {
  dir: string;
  caPem: string;
  wrongCaPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  keystore: string;
}

function keytool(dir: string, ...args: string[]): void {
  execFileSync('keytool', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, a second unrelated CA, and a server certificate for 127.0.0.1 signed by the first. */
function makeCertificates(): Certificates {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-tls-'));
  const store = ['-storetype', 'PKCS12', '-storepass', STORE_PASSWORD, '-keypass', STORE_PASSWORD];
  for (const ca of ['ca', 'wrong-ca']) {
    keytool(dir, '-genkeypair', '-alias', ca, '-keyalg', 'RSA', '-keysize', '2048', '-dname', `CN=Jade Test ${ca}`, '-ext', 'bc:c', '-validity', '2', '-keystore', `${ca}.p12`, ...store);
    keytool(dir, '-exportcert', '-alias', ca, '-rfc', '-keystore', `${ca}.p12`, '-storepass', STORE_PASSWORD, '-file', `${ca}.pem`);
  }
  keytool(dir, '-genkeypair', '-alias', 'server', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=127.0.0.1', '-validity', '2', '-keystore', 'server.p12', ...store);
  keytool(dir, '-certreq', '-alias', 'server', '-keystore', 'server.p12', '-storepass', STORE_PASSWORD, '-file', 'server.csr');
  keytool(dir, '-gencert', '-alias', 'ca', '-keystore', 'ca.p12', '-storepass', STORE_PASSWORD, '-infile', 'server.csr', '-outfile', 'server.pem', '-rfc', '-validity', '2',
    '-ext', 'san=ip:127.0.0.1,dns:localhost', '-ext', 'ku:c=digitalSignature,keyEncipherment', '-ext', 'eku=serverAuth');
  keytool(dir, '-importcert', '-alias', 'ca', '-file', 'ca.pem', '-keystore', 'server.p12', '-storepass', STORE_PASSWORD, '-noprompt');
  keytool(dir, '-importcert', '-alias', 'server', '-file', 'server.pem', '-keystore', 'server.p12', '-storepass', STORE_PASSWORD);
  // Node wants the key as PEM; keytool cannot export private keys.
  execFileSync('openssl', ['pkcs12', '-in', 'server.p12', '-passin', `pass:${STORE_PASSWORD}`, '-nocerts', '-nodes', '-out', 'server.key'], { cwd: dir, stdio: 'pipe' });
  return {
    dir,
    caPem: path.join(dir, 'ca.pem'),
    wrongCaPem: path.join(dir, 'wrong-ca.pem'),
    serverCertPem: path.join(dir, 'server.pem'),
    serverKeyPem: path.join(dir, 'server.key'),
    keystore: path.join(dir, 'server.p12'),
  };
}

/** GET over HTTPS (or plain HTTP), resolving to the status or rejecting with the client's error. */
function get(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { ...options, timeout: 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

async function errorOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a refusal, but it succeeded');
}

let certs: Certificates;

beforeAll(() => {
  certs = makeCertificates();
}, 60_000);

afterAll(() => {
  if (certs !== undefined) fs.rmSync(certs.dir, { recursive: true, force: true });
});

describe('HTTPS on the REST API', () => {
  let server: RunningServer;
  let dataDir: string;
  let url: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-https-'));
    const config = loadConfig({
      env: {},
      overrides: { dataDir, auth: 'off', partitions: 1, shardThreads: 0, tlsCertFile: certs.serverCertPem, tlsKeyFile: certs.serverKeyPem, logLevel: 'silent' },
    });
    server = await startServer(config, silentLogger);
    await server.app!.listen({ host: '127.0.0.1', port: 0 });
    const address = server.app!.server.address();
    url = `https://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a client that trusts the CA', async () => {
    const reply = await get(`${url}/health`, { ca: fs.readFileSync(certs.caPem) });
    expect(reply.status).toBe(200);
  });

  it('is refused by a client that trusts another CA, or none', async () => {
    for (const ca of [fs.readFileSync(certs.wrongCaPem), undefined]) {
      const err = await errorOf(get(`${url}/health`, ca === undefined ? {} : { ca }));
      expect(err.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    }
  });

  it('does not serve plaintext HTTP on the TLS port', async () => {
    const plain = await get(url.replace('https:', 'http:') + '/health').catch((err: Error) => ({ status: 0, body: err.message }));
    expect(plain.status).not.toBe(200);
  });
});

describe('Kafka over TLS and SASL/SCRAM', () => {
  let kafka: LocalKafka;

  beforeAll(async () => {
    const tls = (listener: string): Record<string, string> => ({
      [`listener.name.${listener}.ssl.keystore.location`]: certs.keystore,
      [`listener.name.${listener}.ssl.keystore.password`]: STORE_PASSWORD,
      [`listener.name.${listener}.ssl.key.password`]: STORE_PASSWORD,
      [`listener.name.${listener}.ssl.keystore.type`]: 'PKCS12',
    });
    kafka = await startKafka({
      nodes: 1,
      listeners: [
        { name: 'SSL', securityProtocol: 'SSL' },
        { name: 'SASL_SSL', securityProtocol: 'SASL_SSL' },
      ],
      // SCRAM credentials live in the KRaft metadata log: bootstrapped at format time (Kafka 3.5+).
      formatArgs: ['--add-scram', `SCRAM-SHA-256=[name=${SCRAM_USER},password=${SCRAM_PASSWORD}]`],
      extraConfig: {
        ...tls('ssl'),
        ...tls('sasl_ssl'),
        'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-256',
        'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      },
    });
  }, 180_000);

  afterAll(async () => {
    await kafka?.stop();
  });

  /** Opens the backbone the way the server does, from configuration, and round-trips a record through it. */
  async function roundTrip(overrides: JadeConfigInput): Promise<void> {
    const prefix = randomName('tls');
    const config = loadConfig({ env: {}, overrides: { partitions: 1, topicPrefix: prefix, logLevel: 'silent', ...overrides } });
    let foundation: Foundation | undefined;
    try {
      foundation = await openFoundation(config, silentLogger);
      const { backbone } = foundation;
      const topic = `${prefix}.roundtrip`;
      await backbone.ensureTopic({ name: topic, partitions: 1, replicationFactor: 1, configs: {} });
      const [ack] = await backbone.produce(topic, [{ key: Buffer.from('k'), value: Buffer.from('over tls') }]);
      const read = await readUntil(backbone, topic, `${prefix}-g`, [ack!.offset + 1], new Map(), 60_000);
      expect(read.get(0)!.map((r) => r.value?.toString())).toEqual(['over tls']);
    } finally {
      await foundation?.backbone.close();
    }
  }

  it('produces and consumes through the SSL listener with the CA from configuration', async () => {
    await roundTrip({ kafkaBrokers: kafka.listeners.SSL!, kafkaSsl: true, kafkaSslCaFile: certs.caPem });
  }, 90_000);

  it('produces and consumes through SASL_SSL with a SCRAM-SHA-256 user', async () => {
    await roundTrip({
      kafkaBrokers: kafka.listeners.SASL_SSL!,
      kafkaSsl: true,
      kafkaSslCaFile: certs.caPem,
      kafkaSaslMechanism: 'scram-sha-256',
      kafkaSaslUsername: SCRAM_USER,
      kafkaSaslPassword: SCRAM_PASSWORD,
    });
  }, 90_000);

  it('runs the whole server (role all) over TLS: writes reach the shards and come back', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-kafka-tls-'));
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir,
        auth: 'off',
        partitions: 2,
        shardThreads: 0,
        topicPrefix: randomName('tlsall'),
        kafkaBrokers: kafka.listeners.SSL!,
        kafkaSsl: true,
        kafkaSslCaFile: certs.caPem,
        logLevel: 'silent',
      },
    });
    const server = await startServer(config, silentLogger);
    try {
      const gateway = server.gateway!;
      // The index node gets its partitions from a group rebalance, after start-up.
      await waitFor(() => server.node!.host.ready(), { what: 'ready' });
      await gateway.createDatabase({ name: 'tls', dimension: 3, metric: 'euclidean' });
      await gateway.upsert('tls', [
        { id: 'a', values: [1, 2, 3], metadata: { over: 'tls' } },
        { id: 'b', values: [9, 9, 9] },
      ]);
      const got = await gateway.get('tls', ['a', 'b'], 'strong');
      expect(got.map((v) => v.id)).toEqual(['a', 'b']);
      expect(got[0]!.metadata).toEqual({ over: 'tls' });
    } finally {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('is refused with a CA that did not sign the broker, with none, and in plaintext', async () => {
    const deadline = 4_000;
    const ssl = kafka.listeners.SSL!;
    const wrongCa = await errorOf(KafkaBackbone.connect({ brokers: ssl, ssl: { ca: [fs.readFileSync(certs.wrongCaPem)] } }, deadline));
    expect(wrongCa.message).toMatch(/no broker .* answered: .*(self-signed|unable to verify|certificate)/i);
    const systemTrust = await errorOf(KafkaBackbone.connect({ brokers: ssl, ssl: true }, deadline));
    expect(systemTrust.message).toMatch(/self-signed|unable to verify|certificate/i);
    const plaintext = await errorOf(KafkaBackbone.connect({ brokers: ssl, connectionTimeoutMs: 2_000, requestTimeoutMs: 3_000 }, deadline));
    expect(plaintext.message).toMatch(/no broker .* answered/);
  }, 90_000);

  it('refuses a wrong SCRAM password, and a client without SASL on the SASL_SSL port', async () => {
    const deadline = 4_000;
    const base = { brokers: kafka.listeners.SASL_SSL!, ssl: { ca: [fs.readFileSync(certs.caPem)] } };
    const wrong = await errorOf(KafkaBackbone.connect({ ...base, sasl: { mechanism: 'scram-sha-256', username: SCRAM_USER, password: 'not-the-password' } }, deadline));
    expect(wrong.message).toMatch(/authentication|SASL|SCRAM/i);
    const noSasl = await errorOf(KafkaBackbone.connect({ ...base, connectionTimeoutMs: 2_000, requestTimeoutMs: 3_000 }, deadline));
    expect(noSasl.message).toMatch(/no broker .* answered/);
  }, 90_000);
});

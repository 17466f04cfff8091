import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { containers, filesUnder, type Manifest, readYamlDocuments, renderKustomization, ROOT } from './manifests';

const K8S = path.join(ROOT, 'k8s');
const TARGETS = ['base', 'overlays/dev', 'overlays/prod'];
const rendered = new Map(TARGETS.map((target) => [target, renderKustomization(path.join(K8S, target))]));

function byKind(resources: Manifest[], kind: string): Manifest[] {
  return resources.filter((r) => r.kind === kind);
}

type Probe = { tcpSocket?: { port: string | number }; httpGet?: { path: string } };
type EnvVar = { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } };
type Container = { env?: EnvVar[]; envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]; volumeMounts?: { name: string; mountPath: string }[]; livenessProbe?: Probe; readinessProbe?: Probe };
type Labels = Record<string, string>;
/** The fields of the specs these tests read (Deployment, StatefulSet, Service, HPA, PDB, NetworkPolicy). */
type Spec = {
  replicas?: number;
  serviceName?: string;
  clusterIP?: string;
  selector: Labels & { matchLabels: Labels };
  podSelector: { matchLabels: Labels };
  scaleTargetRef: { kind: string; name: string };
  template: { metadata: { labels: Labels }; spec: { containers: Container[]; volumes?: { name: string; emptyDir?: { medium?: string; sizeLimit?: string } }[] } };
  volumeClaimTemplates?: { metadata: { name: string } }[];
};

function spec(resource: Manifest): Spec {
  return resource.spec as Spec;
}

describe('k8s/', () => {
  it('every YAML file parses', () => {
    const files = filesUnder(K8S, ['.yaml', '.yml']);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(readYamlDocuments(file).length).toBeGreaterThan(0);
  });

  const validator = spawnSync('python3', ['-m', 'kubernetes_validate', '--version'], { encoding: 'utf8' });
  const available = validator.status === 0;
  if (!available) console.warn('Skipping the Kubernetes schema validation: pip install -r test/deploy/requirements.txt (kubernetes-validate).');
  (available ? it : it.skip).each(TARGETS)('%s renders to resources that validate strictly against the Kubernetes schemas', (target) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-k8s-'));
    try {
      const files = (rendered.get(target) ?? []).map((resource, i) => {
        const file = path.join(dir, `${i}-${resource.kind}-${resource.metadata.name}.yaml`);
        fs.writeFileSync(file, stringify(resource));
        return file;
      });
      // The schemas ship inside the package: nothing is downloaded. --strict rejects unknown fields (typos).
      const run = spawnSync('python3', ['-m', 'kubernetes_validate', '--strict', '--quiet', ...files], { encoding: 'utf8' });
      expect(`${run.stdout}${run.stderr}`).toBe('');
      expect(run.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(TARGETS)('%s: references resolve (config, secrets, services, selectors, autoscaler targets)', (target) => {
    const resources = rendered.get(target) ?? [];
    const names = (kind: string) => new Set(byKind(resources, kind).map((r) => r.metadata.name));
    const workloads = [...byKind(resources, 'Deployment'), ...byKind(resources, 'StatefulSet')];
    expect(byKind(resources, 'StatefulSet').length).toBe(2);
    for (const { container } of containers(resources)) {
      for (const from of (container as Container).envFrom ?? []) {
        if (from.configMapRef) expect(names('ConfigMap')).toContain(from.configMapRef.name);
        if (from.secretRef) expect(names('Secret')).toContain(from.secretRef.name);
      }
    }
    for (const workload of workloads) {
      const labels = spec(workload).template.metadata.labels;
      for (const [key, value] of Object.entries(spec(workload).selector.matchLabels)) expect(labels[key]).toBe(value);
    }
    for (const sts of byKind(resources, 'StatefulSet')) {
      const service = byKind(resources, 'Service').find((s) => s.metadata.name === spec(sts).serviceName);
      expect(service && spec(service).clusterIP).toBe('None');
    }
    for (const hpa of byKind(resources, 'HorizontalPodAutoscaler')) expect(names(spec(hpa).scaleTargetRef.kind)).toContain(spec(hpa).scaleTargetRef.name);
    // Every disruption budget, service and network policy selects the pods of some workload.
    const selectors: Labels[] = [
      ...byKind(resources, 'PodDisruptionBudget').map((r) => spec(r).selector.matchLabels),
      ...byKind(resources, 'Service').map((r) => spec(r).selector),
      ...byKind(resources, 'NetworkPolicy').map((r) => spec(r).podSelector.matchLabels),
    ];
    for (const selector of selectors) {
      const matches = workloads.filter((w) => Object.entries(selector).every(([key, value]) => spec(w).template.metadata.labels[key] === value));
      expect(matches.length).toBeGreaterThan(0);
    }
    expect(byKind(resources, 'PodDisruptionBudget').length).toBe(3);
  });

  it.each(TARGETS)('%s: index nodes get a stable identity, a volume for /data and a sized memory-backed snapshot temp dir', (target) => {
    for (const sts of byKind(rendered.get(target) ?? [], 'StatefulSet')) {
      const pod = spec(sts).template.spec;
      const container = pod.containers[0] as Container;
      const env = new Map((container.env ?? []).map((e) => [e.name, e]));
      expect(env.get('JADE_ROLE')?.value).toBe('index');
      expect(env.get('JADE_NODE_ID')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
      expect(env.get('JADE_ADVERTISED_URL')?.value).toBe(`http://$(JADE_NODE_ID).${spec(sts).serviceName}.$(POD_NAMESPACE).svc.cluster.local:8081`);
      expect((spec(sts).volumeClaimTemplates ?? []).map((v) => v.metadata.name)).toContain('data');
      const mounts = new Map((container.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
      expect(mounts.get('/data')).toBe('data');
      const tempVolume = (pod.volumes ?? []).find((v) => v.name === mounts.get(env.get('JADE_ENCRYPTION_TEMP_DIR')?.value ?? ''));
      expect(tempVolume?.emptyDir?.medium).toBe('Memory');
      expect(tempVolume?.emptyDir?.sizeLimit).toMatch(/^\d+[MG]i$/);
      // Probes on the internal port: index nodes serve no REST API.
      expect(container.readinessProbe?.tcpSocket?.port).toBe('internal');
    }
    for (const deployment of byKind(rendered.get(target) ?? [], 'Deployment')) {
      const container = spec(deployment).template.spec.containers[0];
      expect(container?.livenessProbe?.httpGet?.path).toBe('/health');
      expect(container?.readinessProbe?.httpGet?.path).toBe('/ready');
    }
  });

  it('overlays set their namespace and image, and the Secret holds only marked placeholders', () => {
    const prod = rendered.get('overlays/prod') ?? [];
    expect(new Set(prod.map((r) => r.metadata.namespace))).toEqual(new Set(['jadevectordb']));
    expect(new Set(containers(prod).map(({ container }) => container.image))).toEqual(new Set(['registry.example.com/jadevectordb:0.1.0']));
    expect(spec(byKind(rendered.get('overlays/dev') ?? [], 'Deployment')[0] as Manifest).replicas).toBe(1);
    for (const secret of byKind(rendered.get('base') ?? [], 'Secret')) {
      for (const value of Object.values(secret.stringData as Record<string, string>)) expect(value).toMatch(/^REPLACE-ME/);
    }
  });
});

/**
 * Cluster: every partition of the vectors log with its owner, applied offset, lag and readiness, refreshed every
 * 2 s from `/status`, and charts of ingest rate and lag. Rates come from the partitions' end offsets (records
 * appended to the log by anyone, not only through this gateway) and applied offsets.
 */
import type { PartitionOwner, StatusReply } from '../api';
import { lineChart, type Point } from '../chart';
import { formatNumber, formatTime, h, notice, replace, table, type Child } from '../dom';
import { every, explain, type Page, type PageContext } from '../page';
import type { Session } from '../session';

export const REFRESH_MS = 2_000;
const WINDOW_MS = 5 * 60_000;

interface Sample {
  t: number;
  appended: number;
  applied: number;
  lag: number;
}

/** Samples kept per sign-in, so leaving the page and coming back keeps the recent past. */
const histories = new WeakMap<Session, Sample[]>();

function rates(samples: Sample[], pick: (s: Sample) => number): Point[] {
  const out: Point[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const delta = pick(b) - pick(a);
    // A restart or a re-created log moves offsets back: no rate across it.
    if (delta >= 0 && b.t > a.t) out.push({ t: b.t, v: (delta * 1000) / (b.t - a.t) });
  }
  return out;
}

function age(ms: number | undefined, now: number): string {
  if (ms === undefined || ms === null) return 'none yet';
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

function owners(list: PartitionOwner[] | undefined, all: boolean): Child {
  if (list !== undefined && list.length > 0) {
    return h(
      'ul',
      { class: 'owners' },
      list
        .slice()
        .sort((a, b) => a.replicaGroup - b.replicaGroup)
        .map((o) => h('li', {}, h('span', { class: 'mono' }, o.nodeId), ` · group ${o.replicaGroup}${o.ready === false ? ' · catching up' : ''}`)),
    );
  }
  if (list !== undefined) return h('span', { class: 'badge bad' }, 'no owner');
  return all ? 'this process · group 0' : h('span', { class: 'muted' }, 'not reported');
}

export function clusterPage(context: PageContext): Page {
  const { api } = context.session;
  const samples = histories.get(context.session) ?? [];
  histories.set(context.session, samples);

  const live = h('input', { type: 'checkbox', id: 'cluster-live', checked: true });
  const updated = h('p', { class: 'muted', 'data-testid': 'cluster-updated' }, 'Loading…');
  const problems = h('div', { class: 'messages' });
  const cards = h('dl', { class: 'cards' });
  const charts = h('div', { class: 'charts' });
  const nodes = h('div', {});
  const partitions = h('div', { 'aria-busy': 'true' });
  let lastUpdate: Date | undefined;

  function draw(status: StatusReply, now: number): void {
    const visible = new Set(context.session.databases.map((db) => db.name));
    const ready = status.partitions.filter((p) => p.ready).length;
    const totalLag = status.partitions.reduce((sum, p) => sum + p.lag, 0);
    const ingest = rates(samples, (s) => s.appended);
    const applied = rates(samples, (s) => s.applied);
    const lastIngest = ingest[ingest.length - 1];
    const vectors = status.databases.filter((db) => visible.has(db.name)).reduce((sum, db) => sum + db.vectorCount, 0);
    // The charts span what has been sampled, in whole minutes from 1 to 5, so the first minutes are readable.
    const span = samples.length === 0 ? 0 : now - samples[0]!.t;
    const windowMs = Math.min(WINDOW_MS, Math.max(60_000, Math.ceil(span / 60_000) * 60_000));
    const card = (term: string, value: string, testId?: string) => h('div', { class: 'card' }, h('dt', {}, term), h('dd', testId === undefined ? {} : { 'data-testid': testId }, value));
    replace(
      cards,
      card('Role', status.role === 'all' ? 'all (one process)' : status.role),
      card('Backbone', status.backbone === 'embedded' ? 'embedded log' : status.backbone),
      card('Partitions ready', `${ready} of ${status.partitions.length}`, 'partitions-ready'),
      card('Total lag', `${formatNumber(totalLag)} records`),
      card('Ingest', lastIngest === undefined ? 'measuring…' : `${formatNumber(Math.round(lastIngest.v))} records/s`),
      card('Vectors', formatNumber(vectors)),
    );

    replace(
      charts,
      lineChart({
        title: 'Ingest rate',
        unit: 'records/s',
        series: [
          { label: 'Appended to the log', className: 'series-a', points: ingest },
          { label: 'Applied by shards', className: 'series-b', points: applied },
        ],
        windowMs,
        now,
        maxGapMs: REFRESH_MS * 3,
      }),
      lineChart({
        title: 'Lag',
        unit: 'records behind the log',
        series: [{ label: 'Total lag', className: 'series-c', points: samples.map((s) => ({ t: s.t, v: s.lag })) }],
        windowMs,
        now,
        maxGapMs: REFRESH_MS * 3,
      }),
    );

    const all = status.role === 'all';
    let nodeTable: HTMLElement;
    if (status.nodes !== undefined) {
      nodeTable = table(
        `${status.nodes.length} index node${status.nodes.length === 1 ? '' : 's'}`,
        ['Node', 'Replica group', 'Partitions owned', 'Last heartbeat', 'Address'],
        status.nodes
          .slice()
          .sort((a, b) => a.replicaGroup - b.replicaGroup || a.nodeId.localeCompare(b.nodeId))
          .map((node) => [
            h('span', { class: 'mono' }, node.nodeId),
            String(node.replicaGroup),
            node.partitions === undefined ? '—' : node.partitions.slice().sort((a, b) => a - b).join(', '),
            `${age(node.lastHeartbeatMs, now)} (${formatTime(new Date(node.lastHeartbeatMs))})`,
            node.url ?? '',
          ]),
        { 'data-testid': 'nodes' },
      );
    } else if (all) {
      nodeTable = table(
        'Index nodes',
        ['Node', 'Replica group', 'Partitions owned', 'Last heartbeat'],
        [['this process (role all)', '0', `all ${status.partitions.length}`, `live: answered at ${formatTime(new Date(now))}`]],
        { 'data-testid': 'nodes' },
      );
    } else {
      nodeTable = notice('info', 'This gateway’s /status does not list index nodes or their heartbeats; the partition figures below are those of each partition’s best ready owner.');
    }
    replace(nodes, nodeTable);

    const rows = status.partitions
      .slice()
      .sort((a, b) => a.partition - b.partition)
      .map((p) => {
        const held = (p.databases ?? []).filter((db) => visible.has(db.name)).reduce((sum, db) => sum + db.count, 0);
        const erasing = (p.awaitingErasure ?? []).filter((db) => visible.has(db.name)).map((db) => db.name);
        return [
          h('span', { class: 'num' }, String(p.partition)),
          owners(p.owners, all),
          h('span', { class: 'num' }, formatNumber(p.nextOffset)),
          h('span', { class: 'num' }, formatNumber(p.endOffset)),
          h('span', { class: p.lag > 0 ? 'num warn' : 'num' }, formatNumber(p.lag)),
          h('span', { class: p.ready ? 'badge ok' : 'badge bad' }, p.ready ? 'ready' : 'catching up'),
          all ? age(p.lastSnapshotAtMs, now) : h('span', { class: 'muted' }, 'not reported'),
          h('span', { class: 'num' }, formatNumber(p.deadLetters ?? 0)),
          h('span', { class: 'num' }, formatNumber(held)),
          erasing.length === 0 ? '' : `erasing ${erasing.join(', ')}`,
        ];
      });
    replace(
      partitions,
      table(
        `${status.partitions.length} partitions of the vectors log`,
        ['Partition', 'Owner', 'Applied offset', 'End offset', 'Lag', 'Readiness', 'Last snapshot', 'Dead letters', 'Vectors', 'Notes'],
        rows,
        { 'data-testid': 'partitions' },
      ),
    );
    partitions.setAttribute('aria-busy', 'false');
  }

  async function poll(): Promise<void> {
    let status: StatusReply;
    try {
      status = await api.status(context.signal);
    } catch (error) {
      if (context.signal.aborted) return;
      replace(problems, notice('error', explain(error, 'read the cluster status')));
      return;
    }
    const now = Date.now();
    samples.push({
      t: now,
      appended: status.partitions.reduce((sum, p) => sum + p.endOffset, 0),
      applied: status.partitions.reduce((sum, p) => sum + p.nextOffset, 0),
      lag: status.partitions.reduce((sum, p) => sum + p.lag, 0),
    });
    while (samples.length > 0 && samples[0]!.t < now - WINDOW_MS - REFRESH_MS) samples.shift();
    replace(problems);
    draw(status, now);
    lastUpdate = new Date(now);
    updated.textContent = `Updated ${formatTime(lastUpdate)}, every ${REFRESH_MS / 1000} s.`;
  }

  let polling: AbortController | undefined;
  context.signal.addEventListener('abort', () => polling?.abort());
  function start(): void {
    polling?.abort();
    polling = new AbortController();
    every(REFRESH_MS, polling.signal, poll);
  }
  live.addEventListener('change', () => {
    if (live.checked) {
      start();
    } else {
      polling?.abort();
      updated.textContent = `Paused${lastUpdate === undefined ? '' : `; last updated ${formatTime(lastUpdate)}`}.`;
    }
  });

  const element = h(
    'section',
    { 'aria-labelledby': 'cluster-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'cluster-title', tabindex: -1 }, 'Cluster'), h('div', { class: 'check' }, live, h('label', { for: 'cluster-live' }, `Refresh every ${REFRESH_MS / 1000} s`))),
    updated,
    problems,
    cards,
    charts,
    h('h2', {}, 'Index nodes'),
    nodes,
    h('h2', {}, 'Partitions'),
    partitions,
  );
  start();
  return { title: 'Cluster', element };
}

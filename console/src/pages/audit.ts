/** The audit log (admin): the newest events, filtered by actor, action, outcome and database, live-updating. */
import type { AuditEvent, AuditQuery } from '../api';
import { field, formatTime, h, notice, replace, select, table } from '../dom';
import { every, explain, type Page, type PageContext } from '../page';

export const AUDIT_REFRESH_MS = 3_000;

/** Actions the gateway records, offered as suggestions (any text is accepted). */
const ACTIONS = [
  'databases.create',
  'databases.drop',
  'databases.list',
  'databases.get',
  'databases.update',
  'vectors.upsert',
  'vectors.upsert_batch',
  'vectors.get',
  'vectors.list',
  'vectors.delete',
  'vectors.delete_batch',
  'search',
  'search.batch',
  'api_keys.create',
  'api_keys.revoke',
  'audit_log.read',
  'audit_level.set',
  'system.status',
];

export function auditPage(context: PageContext): Page {
  const { api, identity } = context.session;
  const actor = h('input', { id: 'audit-actor', name: 'actor', autocomplete: 'off', spellcheck: 'false' });
  const action = h('input', { id: 'audit-action', name: 'action', autocomplete: 'off', spellcheck: 'false', list: 'audit-actions' });
  const outcome = select({ id: 'audit-outcome', name: 'outcome' }, [['', 'any'], 'success', 'denied', 'error', 'unknown'], '');
  const database = h('input', { id: 'audit-database', name: 'database', autocomplete: 'off', spellcheck: 'false', pattern: '[a-z0-9][a-z0-9_-]{0,62}' });
  const limit = select({ id: 'audit-limit', name: 'limit' }, ['50', '100', '200', '500'], '100');
  const live = h('input', { type: 'checkbox', id: 'audit-live', checked: true });
  const updated = h('p', { class: 'muted', 'data-testid': 'audit-updated' }, 'Loading…');
  const problems = h('div', { class: 'messages' });
  const listing = h('div', { 'aria-busy': 'true' });
  let shown = '';
  let query: AuditQuery = { limit: 100 };

  function readFilters(): AuditQuery {
    const q: AuditQuery = { limit: Number(limit.value) };
    if (actor.value.trim() !== '') q.actor = actor.value.trim();
    if (action.value.trim() !== '') q.action = action.value.trim();
    if (outcome.value !== '') q.outcome = outcome.value;
    if (database.value.trim() !== '') q.database = database.value.trim();
    return q;
  }

  function render(events: AuditEvent[]): void {
    // Redraw only on change, so a screen reader or a selection in the table is not disturbed every few seconds.
    const key = `${events.length}:${events[0]?.eventId ?? ''}:${events[events.length - 1]?.eventId ?? ''}`;
    if (key === shown) return;
    shown = key;
    const filtered = Object.keys(query).length > 1;
    replace(
      listing,
      events.length === 0
        ? h('p', { class: 'empty' }, filtered ? 'No events match these filters.' : 'No audit events yet.')
        : table(
            `Newest ${events.length} event${events.length === 1 ? '' : 's'}${filtered ? ' matching the filters' : ''}, newest first`,
            ['Time', 'Outcome', 'Actor', 'Action', 'Database', 'Status', 'Error code', 'Route', 'Source', 'Latency', 'Kind'],
            events.map((e) => [
              h('time', { datetime: e.timestamp, title: e.timestamp }, formatTime(new Date(e.timestampMs))),
              h('span', { class: `badge ${e.outcome === 'success' ? 'ok' : e.outcome === 'denied' ? 'bad' : e.outcome === 'error' ? 'warn' : ''}` }, e.outcome),
              h('span', { class: 'mono' }, e.actor),
              h('span', { class: 'mono' }, e.action),
              e.database ?? '—',
              e.statusCode === null ? '—' : String(e.statusCode),
              e.errorCode === null ? '' : h('span', { class: 'mono small' }, e.errorCode),
              h('span', { class: 'mono small' }, e.route),
              e.sourceAddress,
              e.latencyMs === null ? '—' : `${e.latencyMs.toFixed(1)} ms`,
              e.kind,
            ]),
            { 'data-testid': 'audit-events' },
          ),
    );
    listing.setAttribute('aria-busy', 'false');
  }

  async function poll(): Promise<void> {
    try {
      const { events } = await api.auditLog(query, context.signal);
      if (context.signal.aborted) return;
      replace(problems);
      render(events);
      updated.textContent = `Updated ${formatTime(new Date())}${live.checked ? `, every ${AUDIT_REFRESH_MS / 1000} s` : ''}.`;
    } catch (error) {
      if (context.signal.aborted) return;
      replace(problems, notice('error', explain(error, 'read the audit log')));
    }
  }

  let polling: AbortController | undefined;
  context.signal.addEventListener('abort', () => polling?.abort());
  function restart(): void {
    polling?.abort();
    polling = new AbortController();
    if (live.checked) every(AUDIT_REFRESH_MS, polling.signal, poll);
    else void poll();
  }

  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter audit events' },
    field('Actor', actor, 'Token subject or key:<id>, exactly.'),
    field('Action', action, 'e.g. databases.create.'),
    field('Outcome', outcome),
    field('Database', database),
    field('Show', limit),
    h('datalist', { id: 'audit-actions' }, ACTIONS.map((a) => h('option', { value: a }))),
    h('div', { class: 'form-end' }, h('button', { type: 'submit' }, 'Apply filters'), h('button', { type: 'reset', class: 'secondary' }, 'Clear')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    query = readFilters();
    shown = '';
    restart();
  });
  form.addEventListener('reset', () => {
    // After the browser has cleared the fields.
    window.setTimeout(() => {
      query = readFilters();
      shown = '';
      restart();
    });
  });
  for (const control of [outcome, limit]) control.addEventListener('change', () => form.requestSubmit());
  live.addEventListener('change', () => {
    if (live.checked) restart();
    else {
      polling?.abort();
      updated.textContent = 'Paused.';
    }
  });

  const element = h(
    'section',
    { 'aria-labelledby': 'audit-title' },
    h(
      'div',
      { class: 'page-head' },
      h('h1', { id: 'audit-title', tabindex: -1 }, 'Audit log'),
      h('div', { class: 'check' }, live, h('label', { for: 'audit-live' }, `Live (every ${AUDIT_REFRESH_MS / 1000} s)`)),
    ),
    identity.admin ? null : notice('info', 'The audit log is for admins: the server will refuse this identity.'),
    form,
    updated,
    problems,
    listing,
  );
  restart();
  return { title: 'Audit log', element };
}

/** Databases: the ones this identity may see, with their shape and size; create and drop for admins. */
import type { Database } from '../api';
import { field, formatNumber, h, notice, replace, select, table } from '../dom';
import { explain, type Page, type PageContext } from '../page';

export function describeIndex(index: Database['index']): string {
  if (index === undefined) return 'defaults';
  const parts: string[] = [];
  if (index.m !== undefined) parts.push(`M ${index.m}`);
  if (index.efConstruction !== undefined) parts.push(`efConstruction ${index.efConstruction}`);
  if (index.efSearch !== undefined) parts.push(`efSearch ${index.efSearch}`);
  return parts.length === 0 ? 'defaults' : parts.join(' · ');
}

export function databasesPage(context: PageContext): Page {
  const { api, identity } = context.session;
  const messages = h('div', { class: 'messages' });
  const listing = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading databases…'));
  const dialog = h('dialog', { 'aria-labelledby': 'drop-title' });

  async function load(): Promise<void> {
    listing.setAttribute('aria-busy', 'true');
    let databases: Database[];
    try {
      ({ databases } = await api.listDatabases());
    } catch (error) {
      replace(listing, notice('error', explain(error, 'list databases')));
      return;
    } finally {
      listing.setAttribute('aria-busy', 'false');
    }
    context.session.databases = databases;
    if (context.signal.aborted) return;
    const counts = new Map(databases.map((db) => [db.name, h('span', { class: 'muted' }, '…')]));
    const rows = databases.map((db) => [
      h('a', { href: `#/databases/${encodeURIComponent(db.name)}`, class: 'mono' }, db.name),
      formatNumber(db.dimension),
      db.metric,
      h('span', { class: 'num' }, counts.get(db.name)),
      describeIndex(db.index),
      db.createdAt === undefined ? '—' : new Date(db.createdAt).toLocaleString('en-GB'),
      db.description ?? '',
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button secondary', href: `#/databases/${encodeURIComponent(db.name)}`, 'aria-label': `Browse vectors of ${db.name}` }, 'Browse'),
        h('a', { class: 'button secondary', href: `#/search?db=${encodeURIComponent(db.name)}`, 'aria-label': `Search ${db.name}` }, 'Search'),
        identity.admin ? h('button', { type: 'button', class: 'danger', 'aria-label': `Drop ${db.name}`, onclick: () => confirmDrop(db.name) }, 'Drop') : null,
      ),
    ]);
    replace(
      listing,
      databases.length === 0
        ? h('p', { class: 'empty' }, identity.admin ? 'No databases yet: create one above.' : 'No databases are visible to this identity.')
        : table(
            `${databases.length} database${databases.length === 1 ? '' : 's'} visible to ${identity.subject}`,
            ['Name', 'Dimension', 'Metric', 'Vectors', 'Index', 'Created', 'Description', 'Actions'],
            rows,
            { 'data-testid': 'databases' },
          ),
    );
    // Counts need one request per database; the table shows first. A database created a moment ago may not be
    // applied by every shard yet: ask again shortly before giving up.
    await Promise.all(
      databases.map(async (db) => {
        const cell = counts.get(db.name)!;
        for (let attempt = 1; ; attempt++) {
          try {
            const full = await api.getDatabase(db.name);
            cell.textContent = full.vectorCount === undefined ? '—' : formatNumber(full.vectorCount);
            cell.className = '';
            return;
          } catch (error) {
            if (attempt >= 3 || context.signal.aborted) {
              cell.textContent = 'unavailable';
              cell.title = (error as Error).message;
              return;
            }
            await new Promise((resolve) => window.setTimeout(resolve, 500 * attempt));
          }
        }
      }),
    );
  }

  function confirmDrop(name: string): void {
    const confirm = h('button', { type: 'button', class: 'danger' }, `Drop ${name}`);
    const cancel = h('button', { type: 'button', class: 'secondary', autofocus: true, onclick: () => dialog.close() }, 'Cancel');
    const problems = h('div', { class: 'messages' });
    confirm.addEventListener('click', () => {
      confirm.disabled = true;
      api.dropDatabase(name).then(
        () => {
          dialog.close();
          replace(messages, notice('info', `Dropped ${name}. Its vectors are being erased from every shard.`));
          context.announce(`Dropped ${name}`);
          void load();
        },
        (error: unknown) => {
          confirm.disabled = false;
          replace(problems, notice('error', explain(error, `drop ${name}`)));
        },
      );
    });
    replace(
      dialog,
      h('h2', { id: 'drop-title' }, `Drop ${name}?`),
      h('p', {}, 'Every vector in it is erased from every shard. This cannot be undone.'),
      problems,
      h('div', { class: 'actions' }, cancel, confirm),
    );
    dialog.showModal();
  }

  const section = h(
    'section',
    { 'aria-labelledby': 'databases-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'databases-title', tabindex: -1 }, 'Databases'), h('button', { type: 'button', class: 'secondary', onclick: () => void load() }, 'Refresh')),
    messages,
    identity.admin ? createForm(context, messages, load) : null,
    listing,
    dialog,
  );
  void load();
  return { title: 'Databases', element: section };
}

function createForm(context: PageContext, messages: HTMLElement, reload: () => Promise<void>): HTMLElement {
  const name = h('input', { name: 'name', required: true, pattern: '[a-z0-9][a-z0-9_-]{0,62}', maxlength: 63, autocomplete: 'off', spellcheck: 'false' });
  const dimension = h('input', { name: 'dimension', type: 'number', required: true, min: 1, max: 4096, step: 1, value: 128 });
  const metric = select({ name: 'metric' }, ['cosine', 'euclidean', 'dot'], 'cosine');
  const m = h('input', { name: 'm', type: 'number', min: 2, max: 100, step: 1, placeholder: '16' });
  const efConstruction = h('input', { name: 'efConstruction', type: 'number', min: 10, max: 2000, step: 1, placeholder: '200' });
  const efSearch = h('input', { name: 'efSearch', type: 'number', min: 1, max: 10000, step: 1, placeholder: '64' });
  const description = h('input', { name: 'description', maxlength: 4096 });
  const problems = h('div', { class: 'messages' });
  const submit = h('button', { type: 'submit' }, 'Create database');

  const form = h(
    'form',
    { class: 'grid-form', 'aria-label': 'Create a database' },
    field('Name', name, 'Lowercase letters, digits, _ and -; starts with a letter or digit.'),
    field('Dimension', dimension, 'Values per vector, 1 to 4096.'),
    field('Metric', metric, 'cosine and dot: higher is closer; euclidean: lower is closer.'),
    field('HNSW M', m, 'Links per node (default 16).'),
    field('efConstruction', efConstruction, 'Build beam (default 200).'),
    field('Default efSearch', efSearch, 'Search beam per shard (default 64).'),
    field('Description', description, 'Optional.'),
    h('div', { class: 'form-end' }, problems, submit),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const index: Record<string, number> = {};
    for (const [key, input] of [['m', m], ['efConstruction', efConstruction], ['efSearch', efSearch]] as const) {
      if (input.value !== '') index[key] = Number(input.value);
    }
    submit.disabled = true;
    replace(problems);
    context.session.api
      .createDatabase({
        name: name.value,
        dimension: Number(dimension.value),
        metric: metric.value,
        ...(Object.keys(index).length === 0 ? {} : { index }),
        ...(description.value === '' ? {} : { description: description.value }),
      })
      .then(
        (created) => {
          replace(messages, notice('info', `Created ${created.name} (${created.dimension} dimensions, ${created.metric}).`));
          context.announce(`Created ${created.name}`);
          form.reset();
          return reload();
        },
        (error: unknown) => replace(problems, notice('error', explain(error, 'create the database'))),
      )
      .finally(() => (submit.disabled = false));
  });

  return h('details', { class: 'panel' }, h('summary', {}, 'Create a database'), form);
}

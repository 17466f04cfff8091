/** The search playground: a pasted vector or a stored one as the query, every search option, scored results. */
import type { Consistency, Database, SearchRequest } from '../api';
import { field, formatNumber, h, json, notice, replace, select, table } from '../dom';
import { explain, type Page, type PageContext } from '../page';

/** Parses a JSON array or numbers separated by commas or white space. */
export function parseVector(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('paste a vector, e.g. [0.1, 0.2, 0.3]');
  let values: unknown;
  if (trimmed.startsWith('[')) {
    try {
      values = JSON.parse(trimmed);
    } catch {
      throw new Error('the vector is not valid JSON');
    }
  } else {
    values = trimmed.split(/[\s,]+/).filter((s) => s !== '').map(Number);
  }
  if (!Array.isArray(values) || values.length === 0) throw new Error('the vector must be a non-empty list of numbers');
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`value ${i + 1} is not a finite number`);
  });
  return values as number[];
}

/** Parses the filter box: empty means no filter; otherwise a JSON object. */
export function parseFilter(text: string): unknown {
  if (text.trim() === '') return undefined;
  let filter: unknown;
  try {
    filter = JSON.parse(text);
  } catch (err) {
    throw new Error(`the filter is not valid JSON (${(err as Error).message})`);
  }
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw new Error('the filter must be a JSON object');
  return filter;
}

const FILTER_EXAMPLE = '{ "must": [ { "key": "genre", "match": "jazz" } ] }';

export function searchPage(context: PageContext): Page {
  const { api } = context.session;
  const database = select({ id: 'search-db', name: 'database', required: true }, [], undefined);
  const dbHint = h('p', { class: 'hint', id: 'search-db-hint' });
  database.setAttribute('aria-describedby', 'search-db-hint');
  const byVector = h('input', { type: 'radio', name: 'query-kind', id: 'query-vector', value: 'vector', checked: true });
  const byId = h('input', { type: 'radio', name: 'query-kind', id: 'query-id', value: 'id' });
  const vectorText = h('textarea', { id: 'query-values', rows: 4, spellcheck: 'false', placeholder: '[0.12, -0.5, 0.33, …]' });
  const idText = h('input', { id: 'query-id-value', autocomplete: 'off', spellcheck: 'false' });
  const topK = h('input', { id: 'topk', type: 'number', min: 1, max: 1000, step: 1, value: 10, required: true });
  const efSearch = h('input', { id: 'ef-search', type: 'number', min: 1, max: 10000, step: 1 });
  const consistency = select({ id: 'consistency' }, ['eventual', 'strong', ['after', 'after token']], 'eventual');
  const token = h('input', { id: 'consistency-token', autocomplete: 'off', spellcheck: 'false' });
  const filter = h('textarea', { id: 'filter', rows: 3, spellcheck: 'false', placeholder: FILTER_EXAMPLE });
  const includeMetadata = h('input', { type: 'checkbox', id: 'include-metadata', checked: true });
  const problems = h('div', { class: 'messages' });
  const results = h('div', { class: 'results', 'aria-live': 'polite', 'data-testid': 'search-results' });
  const submit = h('button', { type: 'submit' }, 'Search');

  const vectorField = field('Query vector', vectorText, 'A JSON array, or numbers separated by commas or spaces.');
  const idField = field('Vector id', idText, 'The stored vector with this id becomes the query.');
  const tokenField = field('Consistency token', token, 'The token a write returned: the search sees that write.');
  let databases: Database[] = context.session.databases;

  function current(): Database | undefined {
    return databases.find((db) => db.name === database.value);
  }
  function sync(): void {
    vectorField.hidden = !byVector.checked;
    idField.hidden = byVector.checked;
    tokenField.hidden = consistency.value !== 'after';
    const db = current();
    dbHint.textContent = db === undefined ? '' : `${formatNumber(db.dimension)} dimensions, ${db.metric} (${db.metric === 'euclidean' ? 'lower scores are closer' : 'higher scores are closer'}).`;
    efSearch.placeholder = db?.index?.efSearch === undefined ? 'database default' : `database default (${db.index.efSearch})`;
  }
  for (const control of [byVector, byId, consistency, database]) control.addEventListener('change', sync);

  function fillDatabases(list: Database[], wanted: string | null): void {
    databases = list;
    replace(
      database,
      list.map((db) => h('option', { value: db.name, selected: db.name === wanted }, db.name)),
    );
    if (list.length === 0) replace(problems, notice('info', 'No databases are visible to this identity.'));
    sync();
  }

  async function run(): Promise<void> {
    replace(problems);
    const db = current();
    if (db === undefined) throw new Error('pick a database');
    let vector: number[];
    let queryLabel: string;
    if (byVector.checked) {
      vector = parseVector(vectorText.value);
      queryLabel = 'the pasted vector';
    } else {
      const id = idText.value.trim();
      if (id === '') throw new Error('enter the id of a stored vector');
      const stored = await api.getVector(db.name, id);
      if (stored.values === undefined || stored.values.length === 0) throw new Error(`vector ${id} came back without values`);
      vector = stored.values;
      queryLabel = `vector ${id}`;
    }
    if (vector.length !== db.dimension) throw new Error(`the query has ${vector.length} values; ${db.name} expects ${db.dimension}`);
    const k = Number(topK.value);
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw new Error('topK must be a whole number from 1 to 1000');
    let level: Consistency = consistency.value === 'strong' ? 'strong' : 'eventual';
    if (consistency.value === 'after') {
      if (token.value.trim() === '') throw new Error('paste the consistency token, or pick another level');
      level = { after: token.value.trim() };
    }
    const request: SearchRequest = { vector, topK: k, consistency: level, includeMetadata: includeMetadata.checked };
    if (efSearch.value !== '') request.efSearch = Number(efSearch.value);
    const parsedFilter = parseFilter(filter.value);
    if (parsedFilter !== undefined) request.filter = parsedFilter;

    const started = performance.now();
    const reply = await api.search(db.name, request);
    const roundTrip = performance.now() - started;
    const better = db.metric === 'euclidean' ? 'distance, lower is closer' : db.metric === 'dot' ? 'dot product, higher is closer' : 'cosine similarity, higher is closer';
    replace(
      results,
      h(
        'p',
        { class: 'took', 'data-testid': 'search-summary' },
        h('strong', {}, `${reply.results.length} result${reply.results.length === 1 ? '' : 's'}`),
        ` for ${queryLabel} in ${reply.tookMs.toFixed(2)} ms on the server (${roundTrip.toFixed(0)} ms round trip).`,
      ),
      reply.results.length === 0
        ? h('p', { class: 'empty' }, 'Nothing matched.')
        : table(
            `Top ${k} of ${db.name}, best first; score is ${better}`,
            ['Rank', 'Id', 'Score', 'Metadata'],
            reply.results.map((hit, i) => [String(i + 1), h('span', { class: 'mono' }, hit.id), h('span', { class: 'num mono' }, hit.score.toFixed(6)), json(hit.metadata)]),
            { 'data-testid': 'hits' },
          ),
    );
    context.announce(`${reply.results.length} results in ${reply.tookMs.toFixed(1)} milliseconds`);
  }

  const form = h(
    'form',
    { class: 'search-form', 'aria-label': 'Search', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'search-db' }, 'Database'), database, dbHint),
    h(
      'fieldset',
      { class: 'inline' },
      h('legend', {}, 'Query'),
      h('span', { class: 'check' }, byVector, h('label', { for: 'query-vector' }, 'Paste a vector')),
      h('span', { class: 'check' }, byId, h('label', { for: 'query-id' }, 'Use a stored vector')),
    ),
    vectorField,
    idField,
    h(
      'div',
      { class: 'row' },
      field('topK', topK, 'Results wanted, 1 to 1000.'),
      field('efSearch', efSearch, 'Search beam per shard: higher is more accurate and slower.'),
      field('Consistency', consistency, 'eventual: no wait; strong: sees every earlier write.'),
    ),
    tokenField,
    field('Metadata filter (JSON, optional)', filter, 'Conditions match, in, range and exists on (dotted) keys under must, should and must_not.'),
    h('div', { class: 'check' }, includeMetadata, h('label', { for: 'include-metadata' }, 'Return metadata')),
    problems,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    results.setAttribute('aria-busy', 'true');
    run()
      .catch((error: unknown) => replace(problems, notice('error', explain(error, 'search'))))
      .finally(() => {
        submit.disabled = false;
        results.setAttribute('aria-busy', 'false');
      });
  });

  const wantedDb = context.params.get('db');
  const wantedId = context.params.get('id');
  if (wantedId !== null) {
    byId.checked = true;
    idText.value = wantedId;
  }
  fillDatabases(databases, wantedDb);
  // Refresh the list: databases may have been created since sign-in.
  api.listDatabases().then(
    ({ databases: list }) => {
      context.session.databases = list;
      if (!context.signal.aborted) fillDatabases(list, database.value === '' ? wantedDb : database.value);
    },
    (error: unknown) => replace(problems, notice('error', explain(error, 'list databases'))),
  );

  const element = h(
    'section',
    { 'aria-labelledby': 'search-title' },
    h('h1', { id: 'search-title', tabindex: -1 }, 'Search playground'),
    h('div', { class: 'split' }, h('div', { class: 'panel' }, form), h('div', { class: 'panel' }, h('h2', {}, 'Results'), results)),
  );
  return { title: 'Search playground', element };
}

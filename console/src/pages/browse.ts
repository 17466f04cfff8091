/** One database's vectors, a page at a time in id order, with their metadata. */
import type { Database, StoredVector } from '../api';
import { formatNumber, h, json, notice, replace, select, table } from '../dom';
import { explain, type Page, type PageContext } from '../page';
import { describeIndex } from './databases';

const PREVIEW = 6;

/** The first few values of a vector, rounded, with how many more there are. */
export function previewValues(values: number[] | undefined): string {
  if (values === undefined || values.length === 0) return '—';
  const shown = values.slice(0, PREVIEW).map((v) => Number(v.toPrecision(4)).toString());
  return `[${shown.join(', ')}${values.length > PREVIEW ? `, … ${values.length - PREVIEW} more` : ''}]`;
}

export function browsePage(context: PageContext, name: string): Page {
  const { api } = context.session;
  const summary = h('dl', { class: 'facts' });
  const pageInfo = h('p', { class: 'muted', 'aria-live': 'polite' });
  const listing = h('div', { 'aria-busy': 'true' });
  const size = select({ id: 'page-size' }, ['10', '25', '50', '100'], context.params.get('limit') ?? '25');
  const previous = h('button', { type: 'button', class: 'secondary', disabled: true }, '← Previous page');
  const next = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Next page →');
  // cursors[i] opens page i; page 0 starts at the beginning.
  let cursors: (string | undefined)[] = [undefined];
  let pageIndex = 0;

  async function loadSummary(): Promise<void> {
    let db: Database;
    try {
      db = await api.getDatabase(name);
    } catch (error) {
      replace(summary, h('div', {}, notice('error', explain(error, `read ${name}`))));
      return;
    }
    const fact = (term: string, value: string) => [h('dt', {}, term), h('dd', {}, value)];
    replace(
      summary,
      fact('Dimension', formatNumber(db.dimension)),
      fact('Metric', db.metric),
      fact('Vectors', db.vectorCount === undefined ? '—' : formatNumber(db.vectorCount)),
      fact('Index', describeIndex(db.index)),
      db.description ? fact('Description', db.description) : [],
    );
  }

  async function loadPage(): Promise<void> {
    listing.setAttribute('aria-busy', 'true');
    previous.disabled = true;
    next.disabled = true;
    const limit = Number(size.value);
    let page: { vectors: StoredVector[]; nextCursor: string | null };
    try {
      page = await api.listVectors(name, limit, cursors[pageIndex]);
    } catch (error) {
      replace(listing, notice('error', explain(error, `list the vectors of ${name}`)));
      listing.setAttribute('aria-busy', 'false');
      return;
    }
    if (context.signal.aborted) return;
    cursors = cursors.slice(0, pageIndex + 1);
    if (page.nextCursor !== null) cursors.push(page.nextCursor);
    previous.disabled = pageIndex === 0;
    next.disabled = page.nextCursor === null;
    const first = pageIndex * limit + 1;
    pageInfo.textContent =
      page.vectors.length === 0 ? 'No vectors on this page.' : `Page ${pageIndex + 1}: vectors ${formatNumber(first)} to ${formatNumber(first + page.vectors.length - 1)} in id order.`;
    replace(
      listing,
      page.vectors.length === 0 && pageIndex === 0
        ? h('p', { class: 'empty' }, `${name} holds no vectors yet (or they are still being applied).`)
        : table(
            `Vectors of ${name}, page ${pageIndex + 1}`,
            ['Id', 'Values', 'Metadata', ''],
            page.vectors.map((v) => [
              h('span', { class: 'mono' }, v.id),
              h('span', { class: 'mono small' }, previewValues(v.values)),
              json(v.metadata),
              h('a', { class: 'button secondary', href: `#/search?db=${encodeURIComponent(name)}&id=${encodeURIComponent(v.id)}`, 'aria-label': `Search for vectors like ${v.id}` }, 'Find similar'),
            ]),
            { 'data-testid': 'vectors' },
          ),
    );
    listing.setAttribute('aria-busy', 'false');
  }

  previous.addEventListener('click', () => {
    pageIndex = Math.max(0, pageIndex - 1);
    void loadPage();
  });
  next.addEventListener('click', () => {
    if (cursors[pageIndex + 1] === undefined) return;
    pageIndex += 1;
    void loadPage();
  });
  size.addEventListener('change', () => {
    cursors = [undefined];
    pageIndex = 0;
    void loadPage();
  });

  const element = h(
    'section',
    { 'aria-labelledby': 'browse-title' },
    h('nav', { 'aria-label': 'Breadcrumb', class: 'breadcrumb' }, h('a', { href: '#/databases' }, 'Databases'), ' / ', h('span', { 'aria-current': 'page' }, name)),
    h(
      'div',
      { class: 'page-head' },
      h('h1', { id: 'browse-title', tabindex: -1 }, name),
      h('a', { class: 'button secondary', href: `#/search?db=${encodeURIComponent(name)}` }, 'Search this database'),
    ),
    summary,
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: 'page-size' }, 'Vectors per page'),
      size,
      previous,
      next,
      h('button', { type: 'button', class: 'secondary', onclick: () => void Promise.all([loadSummary(), loadPage()]) }, 'Refresh'),
    ),
    pageInfo,
    listing,
  );
  void loadSummary();
  void loadPage();
  return { title: `${name} · Databases`, element };
}

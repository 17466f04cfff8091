/**
 * A few DOM helpers. Every piece of text goes in through `textContent` (never `innerHTML`): ids and metadata are
 * user data, and the page must not run what they contain.
 */
export type Child = Node | string | number | null | undefined | false;
type Listener = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Listener>;

/** Creates an element: `on<event>` attributes become listeners, `true` an empty attribute, falsy ones are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttributes(element, attrs);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element (attributes only: no inline styles, which the Content-Security-Policy forbids). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attrs);
  append(element, children);
  return element;
}

function setAttributes(element: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
}

function append(element: Element, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
}

/** Replaces an element's children. */
export function replace(element: Element, ...children: (Child | Child[])[]): void {
  element.replaceChildren();
  append(element, children);
}

let nextId = 0;
/** A unique id for label/description pairs. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** A labelled form field: the label names the control, the hint describes it (`aria-describedby`). */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLDivElement {
  if (control.id === '') control.id = uid('field');
  const hintId = hint === undefined ? undefined : `${control.id}-hint`;
  if (hintId !== undefined) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint === undefined ? null : h('p', { class: 'hint', id: hintId }, hint));
}

/** A `<select>` with its options; `selected` picks one. */
export function select(attrs: Attrs, options: (string | [value: string, label: string])[], selected?: string): HTMLSelectElement {
  return h(
    'select',
    attrs,
    options.map((option) => {
      const [value, label] = typeof option === 'string' ? [option, option] : option;
      return h('option', { value, selected: value === selected }, label);
    }),
  );
}

/** A table with a caption and column headers; rows are arrays of cells. */
export function table(caption: Child | Child[], headers: string[], rows: Child[][], attrs: Attrs = {}): HTMLDivElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      attrs,
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col' }, header)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell))))),
    ),
  );
}

/** Metadata as JSON (on one line when short), or a dash. */
export function json(value: unknown): HTMLElement {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, '—');
  const compact = JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
  return h('pre', { class: 'json' }, compact.length <= 80 ? compact : JSON.stringify(value, null, 1));
}

/** A message in a page: `role=alert` for errors so screen readers speak it at once. */
export function notice(kind: 'error' | 'info', text: string): HTMLParagraphElement {
  return h('p', kind === 'error' ? { class: 'notice error', role: 'alert' } : { class: 'notice info' }, text);
}

export function formatNumber(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatTime(date: Date): string {
  return date.toLocaleTimeString('en-GB', { hour12: false });
}

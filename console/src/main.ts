/**
 * The JadeVectorDB web console: sign-in, then a page per hash route (`#/databases`, `#/databases/<name>`,
 * `#/search`, `#/cluster`, `#/audit`). Hash routes keep every page at one URL the gateway serves, and reloading
 * signs out on purpose: the credential is held in memory only.
 */
import './styles.css';
import type { ApiError } from './api';
import { h, replace } from './dom';
import type { Page, PageContext } from './page';
import { auditPage } from './pages/audit';
import { browsePage } from './pages/browse';
import { clusterPage } from './pages/cluster';
import { databasesPage } from './pages/databases';
import { searchPage } from './pages/search';
import { signInPage } from './pages/sign-in';
import { describeIdentity, type Session } from './session';

interface Route {
  path: string[];
  params: URLSearchParams;
}

const root = document.getElementById('app')!;
let session: Session | undefined;
let current: { controller: AbortController } | undefined;

function parseRoute(hash: string): Route | undefined {
  if (!hash.startsWith('#/')) return undefined;
  const [path = '', query = ''] = hash.slice(2).split('?', 2);
  return { path: path.split('/').filter((s) => s !== '').map(decodeURIComponent), params: new URLSearchParams(query) };
}

function navigate(hash: string): void {
  if (window.location.hash === hash) render();
  else window.location.hash = hash;
}

const announcer = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });

/** Speaks a short message to screen readers (and shows nothing). */
function announce(message: string): void {
  announcer.textContent = '';
  // A fresh text node after clearing makes screen readers repeat an identical message.
  window.setTimeout(() => (announcer.textContent = message), 50);
}

function signOut(reason?: string): void {
  current?.controller.abort();
  current = undefined;
  session = undefined;
  showSignIn(reason);
}

function showSignIn(reason?: string): void {
  document.title = 'Sign in · JadeVectorDB console';
  replace(
    root,
    signInPage({
      ...(reason === undefined ? {} : { reason }),
      onUnauthorized: (error: ApiError) => signOut(`The server no longer accepts this credential: ${error.message}. Sign in again.`),
      onSignedIn: (signedIn) => {
        session = signedIn;
        announce(`Signed in: ${describeIdentity(signedIn.identity)}`);
        if (parseRoute(window.location.hash) === undefined) window.location.hash = '#/databases';
        else render();
      },
    }),
    announcer,
  );
  root.querySelector<HTMLElement>('input[type=password]')?.focus();
}

const NAV: { hash: string; label: string; section: string; admin?: boolean }[] = [
  { hash: '#/databases', label: 'Databases', section: 'databases' },
  { hash: '#/search', label: 'Search playground', section: 'search' },
  { hash: '#/cluster', label: 'Cluster', section: 'cluster' },
  { hash: '#/audit', label: 'Audit log', section: 'audit', admin: true },
];

function pageFor(route: Route, context: PageContext): Page {
  const [section = 'databases', name] = route.path;
  switch (section) {
    case 'databases':
      return name === undefined ? databasesPage(context) : browsePage(context, name);
    case 'search':
      return searchPage(context);
    case 'cluster':
      return clusterPage(context);
    case 'audit':
      return auditPage(context);
    default:
      return { title: 'Not found', element: h('section', {}, h('h1', { tabindex: -1 }, 'Not found'), h('p', {}, 'There is no such page in the console.')) };
  }
}

function render(): void {
  if (session === undefined) return;
  const route = parseRoute(window.location.hash);
  if (route === undefined) return;
  current?.controller.abort();
  const controller = new AbortController();
  current = { controller };
  const active = session;
  const section = route.path[0] ?? 'databases';

  const main = h('main', { id: 'main', tabindex: -1 });
  const context: PageContext = { session: active, params: route.params, signal: controller.signal, navigate, announce };
  const page = pageFor(route, context);
  document.title = `${page.title} · JadeVectorDB console`;
  main.append(page.element);

  // Not a plain #main link: that would change the hash route.
  const skip = h('a', { class: 'skip', href: '#main' }, 'Skip to content');
  skip.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  const nav = h(
    'nav',
    { 'aria-label': 'Console pages', class: 'sidebar' },
    h(
      'ul',
      {},
      NAV.filter((item) => item.admin !== true || active.identity.admin).map((item) =>
        h('li', {}, h('a', { href: item.hash, 'aria-current': item.section === section ? 'page' : null }, item.label)),
      ),
    ),
  );
  const header = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '#/databases' }, h('img', { src: 'favicon.svg', alt: '', width: 24, height: 24 }), 'JadeVectorDB'),
    h('p', { class: 'identity', 'data-testid': 'identity' }, describeIdentity(active.identity)),
    h('button', { type: 'button', class: 'secondary', onclick: () => signOut('Signed out. The credential was forgotten.') }, 'Sign out'),
  );
  replace(root, skip, header, h('div', { class: 'layout' }, nav, main), announcer);
  // Move focus to the new page's heading so keyboard and screen-reader users start there.
  main.querySelector<HTMLElement>('h1')?.focus();
}

window.addEventListener('hashchange', () => render());
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof DOMException && event.reason.name === 'AbortError') event.preventDefault();
});
showSignIn();

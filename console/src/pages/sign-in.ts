/** Sign-in: a token or an API key, checked against the server, kept in memory only. */
import type { ApiError, Credential } from '../api';
import { h, notice, replace } from '../dom';
import { explain } from '../page';
import { guessKind, signIn, type Session } from '../session';

export interface SignInOptions {
  /** Why the user is here again (signed out, credential refused). */
  reason?: string;
  onSignedIn: (session: Session) => void;
  onUnauthorized: (error: ApiError) => void;
}

export function signInPage(options: SignInOptions): HTMLElement {
  const secret = h('input', {
    id: 'credential',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'credential-hint',
  });
  const tokenRadio = h('input', { type: 'radio', name: 'kind', value: 'token', id: 'kind-token', checked: true });
  const keyRadio = h('input', { type: 'radio', name: 'kind', value: 'api-key', id: 'kind-key' });
  const reveal = h('input', { type: 'checkbox', id: 'reveal' });
  const messages = h('div', { class: 'messages' }, options.reason === undefined ? null : notice('info', options.reason));
  const submit = h('button', { type: 'submit' }, 'Sign in');

  secret.addEventListener('input', () => {
    const kind = guessKind(secret.value);
    if (kind === 'token') tokenRadio.checked = true;
    if (kind === 'api-key') keyRadio.checked = true;
  });
  reveal.addEventListener('change', () => (secret.type = reveal.checked ? 'text' : 'password'));

  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title', novalidate: true },
    h('h1', { id: 'sign-in-title' }, 'Sign in to JadeVectorDB'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'credential' }, 'Token or API key'),
      secret,
      h(
        'p',
        { class: 'hint', id: 'credential-hint' },
        'Kept in this tab’s memory only: nothing is stored, so reloading or closing the tab signs you out. Mint a token with ',
        h('code', {}, 'jadevectordb token'),
        '.',
      ),
    ),
    h('div', { class: 'check' }, reveal, h('label', { for: 'reveal' }, 'Show what I typed')),
    h(
      'fieldset',
      { class: 'inline' },
      h('legend', {}, 'Kind of credential'),
      h('span', { class: 'check' }, tokenRadio, h('label', { for: 'kind-token' }, 'Token (JWT, sent as Bearer)')),
      h('span', { class: 'check' }, keyRadio, h('label', { for: 'kind-key' }, 'API key')),
    ),
    messages,
    submit,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const credential: Credential = { kind: keyRadio.checked ? 'api-key' : 'token', secret: secret.value };
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    replace(messages);
    signIn(credential, options.onUnauthorized).then(
      (session) => {
        secret.value = '';
        options.onSignedIn(session);
      },
      (error: unknown) => {
        submit.disabled = false;
        submit.textContent = 'Sign in';
        const status = (error as { status?: number }).status;
        replace(messages, notice('error', status === 401 ? `The server refused this credential: ${(error as Error).message}.` : explain(error, 'sign in')));
        secret.focus();
      },
    );
  });

  return h('div', { class: 'sign-in-page' }, h('main', { id: 'main' }, h('div', { class: 'brand-large' }, h('img', { src: 'favicon.svg', alt: '', width: 40, height: 40 }), 'JadeVectorDB console'), form));
}

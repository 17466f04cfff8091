/** What every page gets, and what it gives back. */
import type { Session } from './session';

export interface PageContext {
  session: Session;
  /** The query part of the hash route (`#/search?db=x&id=y`). */
  params: URLSearchParams;
  /** Aborted when the user leaves the page: stops its timers and requests. */
  signal: AbortSignal;
  navigate(hash: string): void;
  /** Speaks a short message to screen readers. */
  announce(message: string): void;
}

export interface Page {
  title: string;
  element: HTMLElement;
}

/** Runs `tick` now and then every `intervalMs` after each run finishes, until `signal` aborts. */
export function every(intervalMs: number, signal: AbortSignal, tick: () => Promise<void>): void {
  let timer: number | undefined;
  const run = async (): Promise<void> => {
    if (signal.aborted) return;
    try {
      await tick();
    } finally {
      if (!signal.aborted) timer = window.setTimeout(() => void run(), intervalMs);
    }
  };
  signal.addEventListener('abort', () => window.clearTimeout(timer));
  void run();
}

/** A page's error as one sentence: "not allowed" for a 403, the server's message otherwise. */
export function explain(error: unknown, doing: string): string {
  const e = error as { status?: number; code?: string; message?: string };
  if (e.status === 403) return `This identity is not allowed to ${doing}: ${e.message ?? 'forbidden'}.`;
  return `Could not ${doing}: ${e.message ?? String(error)}${e.code !== undefined && e.status !== 0 ? ` (${e.code})` : ''}.`;
}

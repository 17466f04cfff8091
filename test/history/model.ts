/**
 * The model of a history checker: what each id may hold, given the writes acknowledged so far.
 *
 * A history is a sequence of steps separated by barriers (every request of a step has its reply before the next step
 * starts). Within a step, requests run concurrently, so for each id the model takes every order of the step's writes
 * of that id: the set of states the id may be in is the union over those orders. A write that was acknowledged took
 * effect; one that failed definitely (a 4xx) did not; one whose outcome is unknown (a 5xx, a cut connection) may or
 * may not have. Reads run in steps of their own, and a `strong` read must return one of the possible states, after
 * which the model knows the state exactly.
 */
import type { JsonObject } from '../../src/log/records';

/** A point's state as the API returns it. */
export interface PointState {
  values: number[];
  metadata: JsonObject | null;
}

/** What a write did to one id, as its reply tells. */
export type Outcome = 'applied' | 'not-applied' | 'unknown';

/** The effect of one write on one id, given the id's state before it (undefined: absent). */
export type Effect = (before: PointState | undefined) => PointState | undefined;

export interface IdWrite {
  id: string;
  effect: Effect;
  outcome: Outcome;
  /** For messages: which request of the history this was. */
  label: string;
}

const ABSENT = 'absent';

export function encodeState(state: PointState | undefined): string {
  return state === undefined ? ABSENT : JSON.stringify([state.values, state.metadata]);
}

function decodeState(text: string): PointState | undefined {
  if (text === ABSENT) return undefined;
  const [values, metadata] = JSON.parse(text) as [number[], JsonObject | null];
  return { values, metadata };
}

export class Violation extends Error {}

export class HistoryModel {
  private readonly possible = new Map<string, Set<string>>();
  /** Every state any request ever tried to give an id: an eventual read may see any of them, nothing else. */
  private readonly everSent = new Map<string, Set<string>>();

  /** The states an id may be in. */
  statesOf(id: string): (PointState | undefined)[] {
    return [...(this.possible.get(id) ?? new Set([ABSENT]))].map(decodeState);
  }

  /** Ids that may hold a vector. */
  ids(): string[] {
    return [...this.possible.keys()].filter((id) => [...this.possible.get(id)!].some((s) => s !== ABSENT));
  }

  /** Whether every id's state is known exactly. */
  certain(): boolean {
    for (const states of this.possible.values()) if (states.size > 1) return false;
    return true;
  }

  /** Applies one step's writes: for each id, every order of the writes of that id, each taking effect as its outcome allows. */
  applyStep(writes: IdWrite[]): void {
    const byId = new Map<string, IdWrite[]>();
    for (const w of writes) byId.set(w.id, [...(byId.get(w.id) ?? []), w]);
    for (const [id, ofId] of byId) {
      const after = new Set<string>();
      for (const order of permutations(ofId)) {
        let states = [...(this.possible.get(id) ?? new Set([ABSENT]))].map(decodeState);
        for (const w of order) {
          const next: (PointState | undefined)[] = [];
          for (const s of states) {
            if (w.outcome !== 'not-applied') next.push(w.effect(s));
            if (w.outcome !== 'applied') next.push(s);
          }
          states = dedupe(next);
        }
        for (const s of states) after.add(encodeState(s));
      }
      this.possible.set(id, after);
      for (const w of ofId) {
        if (w.outcome === 'not-applied') continue;
        const sent = this.everSent.get(id) ?? new Set<string>();
        for (const s of [...after]) sent.add(s);
        this.everSent.set(id, sent);
      }
    }
  }

  /** Every id is absent (a drop). */
  clear(): void {
    this.possible.clear();
  }

  /** A strong read saw `state`: it must be possible, and from now on it is the state. */
  observe(id: string, state: PointState | undefined, context: string): void {
    const seen = encodeState(state);
    const possible = this.possible.get(id) ?? new Set([ABSENT]);
    if (!possible.has(seen)) {
      throw new Violation(`${context}: id ${id} read as ${seen}, but the acknowledged writes allow only ${[...possible].join(' | ')}`);
    }
    this.possible.set(id, new Set([seen]));
  }

  /** An eventual read saw `state`: it must be absent or a state some request tried to write. */
  observeEventual(id: string, state: PointState | undefined, context: string): void {
    if (state === undefined) return;
    const seen = encodeState(state);
    if (!(this.everSent.get(id)?.has(seen) ?? false)) throw new Violation(`${context}: id ${id} read as ${seen}, which no request ever wrote`);
  }
}

function dedupe(states: (PointState | undefined)[]): (PointState | undefined)[] {
  const seen = new Map<string, PointState | undefined>();
  for (const s of states) seen.set(encodeState(s), s);
  return [...seen.values()];
}

function* permutations<T>(items: T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield items;
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of permutations(rest)) yield [items[i]!, ...tail];
  }
}

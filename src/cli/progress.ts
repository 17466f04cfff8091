/**
 * Progress of a long import or export on stderr: a bar redrawn in place on a terminal, or a plain line every
 * few seconds otherwise (a log file or CI output should not fill with carriage returns). Small enough to keep
 * here rather than take a dependency for it.
 */
import { formatCount, type OutputStream } from './cli-io';

export interface ProgressOptions {
  stream: OutputStream;
  /** Names the operation: `import`, `export`. */
  label: string;
  /** What is counted. @default 'vectors' */
  unit?: string;
  /** Units expected, when known; otherwise the caller passes a fraction (e.g. of bytes read) to `update`. */
  total?: number;
  /** Draw nothing (`--no-progress`). @default true */
  enabled?: boolean;
  /** Draw a bar even when the stream is not a terminal, or plain lines even when it is. @default stream.isTTY */
  tty?: boolean;
  /** Between plain lines (not a terminal). @default 5000 */
  lineIntervalMs?: number;
  /** Between bar redraws (terminal). @default 100 */
  redrawIntervalMs?: number;
  now?: () => number;
}

const BAR_WIDTH = 30;

export class Progress {
  private readonly startedAt: number;
  private readonly now: () => number;
  private readonly tty: boolean;
  private readonly enabled: boolean;
  private readonly unit: string;
  private total: number | undefined;
  private done = 0;
  private fraction: number | undefined;
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.tty = options.tty ?? options.stream.isTTY === true;
    this.enabled = options.enabled ?? true;
    this.unit = options.unit ?? 'vectors';
    this.total = options.total;
  }

  /** Seconds since the start. */
  get elapsedSeconds(): number {
    return (this.now() - this.startedAt) / 1000;
  }

  setTotal(total: number | undefined): void {
    this.total = total;
  }

  /** Records `done` units; `fraction` (0..1) stands in for done/total when the total is unknown. */
  update(done: number, fraction?: number): void {
    this.done = done;
    if (fraction !== undefined) this.fraction = fraction;
    if (!this.enabled) return;
    const now = this.now();
    const interval = this.tty ? (this.options.redrawIntervalMs ?? 100) : (this.options.lineIntervalMs ?? 5000);
    // Plain lines start after one interval: a quick run prints only its summary.
    if (!this.tty && this.lastDrawAt === Number.NEGATIVE_INFINITY) this.lastDrawAt = this.startedAt;
    if (now - this.lastDrawAt < interval) return;
    this.lastDrawAt = now;
    this.draw();
  }

  /** Prints a message line without garbling the bar (which is redrawn on the next update). */
  note(message: string): void {
    const clear = this.tty && this.drawn ? '\r\u001b[K' : '';
    this.options.stream.write(`${clear}${message}\n`);
    this.lastDrawAt = Number.NEGATIVE_INFINITY;
  }

  /** Draws the final state and ends the bar's line, so what follows starts on a fresh one. */
  finish(): void {
    if (!this.enabled) return;
    if (this.tty) {
      this.draw();
      this.options.stream.write('\n');
    }
  }

  private currentFraction(): number | undefined {
    if (this.total !== undefined && this.total > 0) return Math.min(1, this.done / this.total);
    return this.fraction;
  }

  private draw(): void {
    const fraction = this.currentFraction();
    const seconds = this.elapsedSeconds;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const counted = this.total === undefined ? `${formatCount(this.done)} ${this.unit}` : `${formatCount(this.done)}/${formatCount(this.total)} ${this.unit}`;
    const percent = fraction === undefined ? '' : ` ${Math.floor(fraction * 100)}%`;
    const eta = fraction !== undefined && fraction > 0 && fraction < 1 ? ` eta ${Math.ceil((seconds * (1 - fraction)) / fraction)}s` : '';
    if (this.tty) {
      const filled = Math.round((fraction ?? 0) * BAR_WIDTH);
      const bar = fraction === undefined ? '' : ` [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
      // \r returns to the line start, ESC[K clears what a longer previous line left behind.
      this.options.stream.write(`\r${this.options.label}${bar}${percent} ${counted} ${formatCount(rate)}/s${eta}\u001b[K`);
    } else {
      this.options.stream.write(`${this.options.label}: ${counted}${percent}, ${formatCount(rate)} ${this.unit}/s${eta}\n`);
    }
    this.drawn = true;
  }

  /** Whether anything was drawn (tests, and callers deciding whether to end a line). */
  get hasDrawn(): boolean {
    return this.drawn;
  }
}

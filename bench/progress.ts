/**
 * A progress bar on stderr: the run is a list of weighted steps, each of which may report how far it is. On a
 * terminal it redraws one line; elsewhere (CI logs) it prints a line per step and one every few seconds.
 */
export class Progress {
  private readonly started = performance.now();
  private done = 0;
  private current: { name: string; weight: number; fraction: number } | undefined;
  private lastLineMs = 0;
  private readonly tty: boolean;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly totalWeight: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = stream.isTTY === true;
    if (this.tty) {
      this.timer = setInterval(() => this.render(), 250);
      this.timer.unref();
    }
  }

  /** Starts a step of `weight` units (the previous one, if any, counts as finished). */
  step(name: string, weight: number): void {
    if (this.current !== undefined) this.done += this.current.weight;
    this.current = { name, weight, fraction: 0 };
    this.render(true);
  }

  /** How far the current step is, 0..1. */
  update(fraction: number, detail?: string): void {
    if (this.current === undefined) return;
    this.current.fraction = Math.min(1, Math.max(0, fraction));
    if (detail !== undefined) this.current.name = `${this.current.name.split(' · ')[0]} · ${detail}`;
    this.render();
  }

  /** Prints a line above the bar (a finding worth seeing while the run goes on). */
  note(message: string): void {
    if (this.tty) this.stream.write('\r\x1b[2K');
    this.stream.write(`${message}\n`);
    this.render(true);
  }

  finish(): void {
    if (this.current !== undefined) this.done += this.current.weight;
    this.current = undefined;
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.tty) this.stream.write('\r\x1b[2K');
    this.stream.write(`bench: done in ${formatDuration(performance.now() - this.started)}\n`);
  }

  private render(force = false): void {
    const fraction = Math.min(1, (this.done + (this.current ? this.current.weight * this.current.fraction : 0)) / this.totalWeight);
    const elapsed = performance.now() - this.started;
    const eta = fraction > 0.02 ? (elapsed / fraction) * (1 - fraction) : undefined;
    const name = this.current?.name ?? '';
    const width = 28;
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
    const time = `${formatDuration(elapsed)}${eta === undefined ? '' : `, ~${formatDuration(eta)} left`}`;
    if (this.tty) {
      const columns = this.stream.columns ?? 100;
      this.stream.write(`\r\x1b[2K${`${bar} ${time}  ${name}`.slice(0, columns - 1)}`);
      return;
    }
    const now = performance.now();
    if (force || now - this.lastLineMs > 5_000) {
      this.lastLineMs = now;
      this.stream.write(`${bar} ${time}  ${name}\n`);
    }
  }
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

import { Progress } from '../../src/cli/progress';
import { Capture } from '../client/test-server';

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('Progress', () => {
  it('on a terminal redraws one bar in place, at most every redrawIntervalMs, and ends its line', () => {
    const stream = new Capture(true);
    const time = clock();
    const progress = new Progress({ stream, label: 'import', total: 1000, now: time.now, redrawIntervalMs: 100 });
    time.advance(500);
    progress.update(250);
    time.advance(50);
    progress.update(300); // within the interval: not drawn
    time.advance(100);
    progress.update(500);
    progress.finish();
    const frames = stream.text.split('\r').filter((f) => f !== '');
    expect(frames).toHaveLength(3);
    expect(frames[0]).toContain('import [');
    expect(frames[0]).toContain(' 25% 250/1,000 vectors');
    expect(frames[1]).toContain(' 50% 500/1,000 vectors');
    expect(frames[2]!.endsWith('\u001b[K\n')).toBe(true);
    expect(stream.text).not.toContain('300/');
  });

  it('not on a terminal writes a plain line every lineIntervalMs and nothing for a quick run', () => {
    const stream = new Capture(false);
    const time = clock();
    const progress = new Progress({ stream, label: 'export', lineIntervalMs: 1000, now: time.now });
    time.advance(400);
    progress.update(100, 0.1);
    expect(stream.text).toBe('');
    time.advance(700);
    progress.update(300, 0.3);
    time.advance(200);
    progress.update(350, 0.35);
    progress.finish();
    expect(stream.text).toBe('export: 300 vectors 30%, 273 vectors/s eta 3s\n');
    expect(stream.text).not.toContain('\r');
  });

  it('can be turned off, and notes never garble the bar', () => {
    const off = new Capture(true);
    const disabled = new Progress({ stream: off, label: 'import', enabled: false });
    disabled.update(10);
    disabled.finish();
    expect(off.text).toBe('');

    const on = new Capture(true);
    const progress = new Progress({ stream: on, label: 'import', total: 10 });
    progress.update(1);
    progress.note('created database x');
    expect(on.text.endsWith('\r\u001b[Kcreated database x\n')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { SerialFlush } from './serial-flush.js';

/** A recorder's shape: items pile up, a write takes them all and is slow to finish. */
function recorder() {
  const pending: number[] = [];
  const written: number[] = [];
  let writes = 0;
  const line = new SerialFlush(async () => {
    writes++;
    const batch = pending.splice(0);
    await new Promise((r) => setTimeout(r, 20));
    written.push(...batch);
  });
  return { pending, written, line, writes: () => writes };
}

describe('SerialFlush', () => {
  it('a flush called while a write is under way waits for what was recorded after that write began', async () => {
    const r = recorder();
    r.pending.push(1);
    const tick = r.line.flush(); // the timer's write takes [1]
    r.pending.push(2);
    const audit = r.line.flush();
    const shutdown = r.line.flush(); // shares the audit's write
    await audit;
    expect(r.written).toEqual([1, 2]);
    await Promise.all([tick, shutdown]);
    expect(r.writes()).toBe(2);
  });

  it('a failed write does not stop the next one', async () => {
    let fail = true;
    const done: string[] = [];
    const line = new SerialFlush(async () => {
      if (fail) {
        fail = false;
        throw new Error('database blip');
      }
      done.push('written');
    });
    const first = line.flush();
    const second = line.flush();
    await expect(first).rejects.toThrow('database blip');
    await second;
    expect(done).toEqual(['written']);
  });
});

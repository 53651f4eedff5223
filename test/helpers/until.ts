import { settle } from '../../src/api/clock.js';

/**
 * Waits for real I/O (git over HTTP, disk, child processes) by yielding to the event loop until
 * `check` holds. No timer is involved and no clock moves.
 */
export async function until(check: () => Promise<boolean> | boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    if (await check()) return;
    await settle(1);
  }
  throw new Error(`${what} not reached`);
}

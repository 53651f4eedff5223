import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { runFluxion } from '../helpers/cli.js';

describe('the command index', () => {
  it('names each command as its module does, with the same summary, once', async () => {
    for (const entry of commands) {
      const c = await entry.load();
      expect({ name: c.name, summary: c.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
  });

  it('lists every command in --help and rejects an unknown one', async () => {
    const help = await runFluxion(['--help']);
    for (const c of commands) expect(help.out).toContain(`  ${c.name.padEnd(14)}${c.summary}\n`);
    const bad = await runFluxion(['nope']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('unknown command "nope"');
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { main } from '../../src/cli/main.js';
import { chartDocs } from '../../src/charts/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const haveMachines = existsSync(path.join(root, 'machines/index.ts'));
if (!haveMachines) console.warn('[charts] machines/index.ts not found: the charts command tests are skipped');

async function run(argv: string[], cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(['charts', ...argv], { stdout, stderr, cwd, env: {} });
  return { code, out, err };
}

describe.skipIf(!haveMachines)('fluxion charts', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('prints one machine as titled Mermaid', async () => {
    const { machines } = await import('../../machines/index.js');
    const name = Object.keys(machines)[0] as string;
    const { code, out, err } = await run([name], root);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out.startsWith(`---\ntitle: "${name}"\n---\nstateDiagram-v2\n`)).toBe(true);
  });

  it('writes the page and one SVG per machine with --write, removing charts of machines that are gone', async () => {
    const { machines } = await import('../../machines/index.js');
    dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-charts-cli-'));
    mkdirSync(path.join(dir, 'out/charts'), { recursive: true });
    writeFileSync(path.join(dir, 'out/charts/retired.svg'), '<svg/>');
    writeFileSync(path.join(dir, 'out/charts/keep.txt'), 'not a chart');
    const { code, err } = await run(['--write', 'out'], dir);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    for (const f of chartDocs(machines as unknown as Record<string, AnyStateMachine>)) {
      expect(readFileSync(path.join(dir, 'out', f.path), 'utf8')).toBe(f.content);
    }
    expect(readdirSync(path.join(dir, 'out/charts')).sort()).toEqual([...Object.keys(machines).map((m) => `${m}.svg`), 'keep.txt'].sort());
  });

  it.each([
    [['no-such-machine'], /no machine "no-such-machine"; machines: /],
    [['--write'], /--write needs a directory/],
    [['--bogus'], /unknown flag "--bogus"/],
  ])('fails clearly for %j', async (argv, message) => {
    const { code, out, err } = await run(argv, root);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(message);
  });
});

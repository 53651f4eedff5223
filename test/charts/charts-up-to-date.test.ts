import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { chartDocs } from '../../src/charts/index.js';
import { staleChartFiles } from './stale.js';

const root = path.resolve(import.meta.dirname, '../..');
const docs = path.join(root, 'docs');
const haveMachines = existsSync(path.join(root, 'machines/index.ts'));
if (!haveMachines) console.warn('[charts] machines/index.ts not found: the docs staleness check is skipped');

describe.skipIf(!haveMachines)('committed state charts', () => {
  it('docs/state-charts.md and docs/charts/*.svg match the machines', async () => {
    const { machines } = await import('../../machines/index.js');
    const stale = staleChartFiles(chartDocs(machines as unknown as Record<string, AnyStateMachine>), docs);
    expect(stale, `stale: ${stale.map((f) => `docs/${f}`).join(', ')} — run npm run docs`).toEqual([]);
  });
});

describe('the staleness check', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reports missing, changed and orphaned files and nothing else', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-charts-'));
    mkdirSync(path.join(dir, 'charts'));
    const files = [
      { path: 'state-charts.md', content: '# charts\n' },
      { path: 'charts/a.svg', content: '<svg/>\n' },
      { path: 'charts/b.svg', content: '<svg/>\n' },
    ];
    writeFileSync(path.join(dir, 'state-charts.md'), '# charts\n');
    writeFileSync(path.join(dir, 'charts/a.svg'), '<svg>old</svg>\n');
    writeFileSync(path.join(dir, 'charts/gone.svg'), '<svg/>\n');
    writeFileSync(path.join(dir, 'charts/notes.txt'), 'not a chart\n');
    expect(staleChartFiles(files, dir)).toEqual(['charts/a.svg', 'charts/b.svg', 'charts/gone.svg']);
    writeFileSync(path.join(dir, 'charts/a.svg'), '<svg/>\n');
    writeFileSync(path.join(dir, 'charts/b.svg'), '<svg/>\n');
    rmSync(path.join(dir, 'charts/gone.svg'));
    expect(staleChartFiles(files, dir)).toEqual([]);
  });
});

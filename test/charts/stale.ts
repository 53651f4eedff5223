/** Compares generated chart files with the ones on disk (the staleness test and its own test use it). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChartFile } from '../../src/charts/index.js';

/** Paths (relative to `dir`) that are missing, differ, or are SVGs no machine generates any more. */
export function staleChartFiles(files: ChartFile[], dir: string): string[] {
  const stale: string[] = [];
  for (const f of files) {
    const file = path.join(dir, f.path);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== f.content) stale.push(f.path);
  }
  const generated = new Set(files.map((f) => f.path));
  const chartsDir = path.join(dir, 'charts');
  if (existsSync(chartsDir)) {
    for (const name of readdirSync(chartsDir).sort()) {
      if (name.endsWith('.svg') && !generated.has(`charts/${name}`)) stale.push(`charts/${name}`);
    }
  }
  return stale;
}

/**
 * kustomize's own test cases (api/krusty at v5.5.0, extracted as data): every case must build
 * byte-identically to its expected output, or fail when kustomize fails. Cases this engine does
 * not support are listed in KNOWN_UNSUPPORTED with the reason (and in docs/kustomize.md).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildYaml, diskFs } from '../../src/kustomize/index.js';
import { KNOWN_UNSUPPORTED } from './known-unsupported.js';

const corpus = path.resolve(import.meta.dirname, '../../../shared/conformance/kustomize/krusty-v5.5.0');
const present = existsSync(corpus);
if (!present) console.warn(`kustomize conformance corpus not found at ${corpus}: skipping`);

interface CaseMeta {
  test: string;
  run: string;
  kind: 'ok' | 'err';
  flags: string[];
}

const cases = present ? readdirSync(corpus).sort() : [];

describe.skipIf(!present)('kustomize krusty v5.5.0 conformance corpus', () => {
  it('has the 190 cases', () => {
    expect(cases.length).toBe(190);
  });
  it.each(cases)('%s', (name) => {
    const meta = JSON.parse(readFileSync(path.join(corpus, name, 'case.json'), 'utf8')) as CaseMeta;
    const inDir = path.join(corpus, name, 'in');
    const run = () =>
      buildYaml(diskFs(inDir), path.join(inDir, meta.run), {
        reorder: meta.flags.includes('REORDER_LEGACY') ? 'legacy' : 'none',
      });
    const reason = KNOWN_UNSUPPORTED[name];
    if (reason) {
      // Listed as unsupported: assert it still differs, so the list cannot go stale silently.
      let same = false;
      try {
        const out = run();
        same = meta.kind === 'ok' && out === readFileSync(path.join(corpus, name, 'expected.yaml'), 'utf8');
      } catch {
        same = meta.kind === 'err';
      }
      expect(same, `${name} now passes: remove it from KNOWN_UNSUPPORTED`).toBe(false);
      return;
    }
    if (meta.kind === 'err') {
      expect(run).toThrow();
      return;
    }
    expect(run()).toBe(readFileSync(path.join(corpus, name, 'expected.yaml'), 'utf8'));
  });
});

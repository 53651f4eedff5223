import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.js';

describe('npm run demo', () => {
  it('walks through every phase against the real git server and the simulator', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const code = await runDemo(out);
    expect(code, text).toBe(0);
    for (const phase of ['== 1.', '== 2.', '== 3.', '== 4.', '== 5.', '== 6.', '== 7.']) expect(text).toContain(phase);
    expect(text).toContain('git-upload-pack requests: 1 (one ls-refs, no fetch); revision unchanged: true');
    expect(text).toMatch(/Ready=False \(GitOperationFailed\) branch 'does-not-exist' not found/);
    expect(text).toMatch(/Stalled=True \(URLInvalid\)/);
    expect(text).toContain('actors left: 0');
  });
});

/** The output helpers: flux's table layout, Go-style times and sizes, the TTY spinner. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCliLogger } from '../../src/cli/output/logger.js';
import { renderTable } from '../../src/cli/output/table.js';
import { formatSize, goTimeString, humanDuration, truncateHex } from '../../src/cli/output/time.js';
import { dyff, renderDyff } from '../../src/cli/output/dyff.js';

describe('output helpers', () => {
  it('renders tables as tablewriter does in flux: padded cells, each followed by a tab', () => {
    expect(renderTable(['Name', 'Last seen'], [['a', '5m'], ['longer', '']])).toBe('NAME  \tLAST SEEN \na     \t5m       \t\nlonger\t         \t\n');
    expect(renderTable([], [])).toBe('');
  });

  it.each([
    [0, '0s'],
    [119_000, '119s'],
    [200_000, '3m20s'],
    [600_000, '10m'],
    [3 * 3_600_000 + 5 * 60_000, '3h5m'],
    [30 * 3_600_000, '30h'],
    [3 * 86_400_000 + 3_600_000, '3d1h'],
    [400 * 86_400_000, '400d'],
    [3 * 365 * 86_400_000, '3y'],
  ])('humanDuration(%d) = %s', (ms, s) => expect(humanDuration(ms)).toBe(s));

  it('formats sizes, times and revisions as flux', () => {
    expect([formatSize(0), formatSize(512), formatSize(1536), formatSize(2_621_440)]).toEqual(['-', '512 B', '1.5 KiB', '2.5 MiB']);
    expect(goTimeString('2026-11-01T10:00:00Z')).toBe('2026-11-01 10:00:00 +0000 UTC');
    expect(truncateHex('main@sha1:696f056df216eea4f9401adbee0ff744d4df390f')).toBe('main@sha1:696f056d');
  });

  it('prints plain lines off a TTY and a spinner on one', () => {
    const plain = new PassThrough();
    let out = '';
    plain.on('data', (c: Buffer) => (out += c.toString()));
    const log = createCliLogger(plain, { spinner: false });
    log.waiting('waiting for Kustomization reconciliation');
    log.success('done');
    expect(out).toBe('◎ waiting for Kustomization reconciliation\n✔ done\n');

    const tty = new PassThrough();
    let shown = '';
    tty.on('data', (c: Buffer) => (shown += c.toString()));
    const spin = createCliLogger(tty, { spinner: true });
    spin.waiting('waiting');
    spin.success('done');
    expect(shown).toBe('⠋ waiting\r\x1b[2K◎ waiting\n✔ done\n');
  });

  it('reports differences as dyff does, masking Secret values', () => {
    expect(renderDyff(dyff({ spec: { ports: [{ name: 'http', port: 9899 }] } }, { spec: { ports: [{ name: 'http', port: 9898 }] } }))).toBe('\nspec.ports.http.port\n± value change\n- 9899\n+ 9898\n\n');
    expect(renderDyff(dyff({ metadata: { name: 'a' } }, { metadata: { name: 'a', labels: { x: 'y' } } }))).toBe('\nmetadata\n+ one map entry added:\n  labels:\n    x: y\n\n');
    expect(renderDyff(dyff({ data: { password: 'YQ==' } }, { data: { password: 'Yg==' } }, { secret: true }))).toBe('\ndata.password\n± value change\n- *** (before)\n+ *** (after)\n\n');
  });
});

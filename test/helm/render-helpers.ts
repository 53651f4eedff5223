/** Running `fluxion helm template` in-process and `helm template`, and comparing them. */
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { helmCommand } from '../../src/cli/commands/helm.js';
import { documents, helm } from './chart/oracle.js';

export interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** `fluxion helm template ARGS…` run in-process. */
export async function fluxion(args: string[], cwd = process.cwd()): Promise<Run> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await helmCommand.run(['template', ...args], { stdout, stderr, cwd, env: {} });
  return { stdout: stdout.text, stderr: stderr.text, code };
}

function parse(body: string): unknown[] {
  return parseAllDocuments(body).map((d) => d.toJS() as unknown);
}

/**
 * Both outputs, document by document (Source header, order, parsed object), then byte for byte;
 * or, when helm fails, the same error.
 */
export function expectSameOutput(ours: Run, theirs: Run): void {
  if (theirs.code !== 0) {
    expect(ours.code).not.toBe(0);
    expect(ours.stderr.trim()).toBe(helmError(theirs.stderr).trim());
    return;
  }
  expect(ours.stderr).toBe('');
  const a = documents(ours.stdout);
  const b = documents(theirs.stdout);
  expect(a.map((d) => d.source)).toEqual(b.map((d) => d.source));
  for (let i = 0; i < b.length; i++) {
    expect(parse(a[i]!.body), `document ${i} (${b[i]!.source})`).toEqual(parse(b[i]!.body));
  }
  expect(ours.stdout).toBe(theirs.stdout);
}

/** Values only randomness makes (`randAlphaNum` in podinfo's test pod names): masked on both sides. */
const RANDOM = /(-test-)[a-z0-9]{5}\b/g;
const masked = (r: Run): Run => ({ ...r, stdout: r.stdout.replace(RANDOM, '$1xxxxx') });

/** Runs both and compares (helm gets the release name as its first argument). */
export async function compareWithHelm(chart: string, args: string[], name?: string): Promise<{ ours: Run; theirs: Run }> {
  const [ours, theirs] = await Promise.all([
    fluxion([...(name ? ['--name', name] : []), chart, ...args]),
    helm(['template', ...(name ? [name] : []), chart, ...args]),
  ]);
  expectSameOutput(masked(ours), masked(theirs));
  return { ours, theirs };
}

/** helm's stderr without its log lines (e.g. "skipping unknown hook"). */
export function helmError(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/^\S+\.go:\d+: /.test(l))
    .join('\n');
}

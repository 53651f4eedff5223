/**
 * `fluxion logs`: the controllers' JSON log lines (from `--file` or stdin: `kubectl logs
 * deploy/fluxion-controller | fluxion logs --kind Kustomization`), filtered by kind, name,
 * namespace and level and printed as `flux logs` prints them:
 * `ts level Kind/name.namespace - msg error`.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { CommandError, defineCommand } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { untilAborted } from '../output/wait.js';

/** The fields of a controller log line flux reads (controller-runtime's zap JSON). */
interface LogEntry {
  ts?: string | number;
  level?: string;
  msg?: string;
  error?: string;
  'reconciler kind'?: string;
  controllerKind?: string;
  name?: string;
  namespace?: string;
}

const LEVELS = ['debug', 'info', 'error'];

function timestamp(ts: string | number | undefined): string {
  if (typeof ts === 'number') return new Date(ts * 1000).toISOString();
  return ts ?? '';
}

/** One line as flux's template prints it, or undefined when filtered out or not JSON. */
export function formatLogLine(line: string, f: { kind?: string; name?: string; level?: string; namespace?: string; allNamespaces: boolean; sinceMs?: number }): string | undefined {
  if (!line.startsWith('{')) return undefined;
  let l: LogEntry;
  try {
    l = JSON.parse(line) as LogEntry;
  } catch (err) {
    throw new CommandError(`parse error: ${(err as Error).message}`);
  }
  const eq = (a: string | undefined, b: string | undefined): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
  const kind = l['reconciler kind'] || l.controllerKind || '';
  if (f.level && f.level !== l.level) return undefined;
  if (f.kind && !eq(f.kind, l['reconciler kind']) && !eq(f.kind, l.controllerKind)) return undefined;
  if (f.name && !eq(f.name, l.name)) return undefined;
  if (!f.allNamespaces && !eq(f.namespace, l.namespace)) return undefined;
  if (f.sinceMs !== undefined && Date.parse(timestamp(l.ts)) < f.sinceMs) return undefined;
  return `${timestamp(l.ts)} ${l.level ?? ''} ${kind}${l.name ? `/${l.name}.${l.namespace ?? ''}` : ''} - ${l.msg ?? ''} ${l.error ?? ''}\n`;
}

async function printLines(ctx: CommandContext, input: Readable, filter: (line: string) => string | undefined, tail: number): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  const kept: string[] = [];
  for await (const line of lines) {
    const out = filter(line);
    if (out === undefined) continue;
    if (tail >= 0) {
      kept.push(out);
      if (kept.length > tail) kept.shift();
    } else ctx.io.stdout.write(out);
  }
  for (const out of kept) ctx.io.stdout.write(out);
}

/** `-f` on a file: print what is there, then what is appended, until the command is stopped. */
async function follow(ctx: CommandContext, file: string, filter: (line: string) => string | undefined): Promise<void> {
  let offset = 0;
  let partial = '';
  const readMore = async (): Promise<void> => {
    const { size } = await stat(file);
    if (size < offset) offset = 0; // truncated or rotated
    if (size === offset) return;
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      await fh.read(buf, 0, buf.length, offset);
      offset = size;
      const text = partial + buf.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        const out = filter(line);
        if (out !== undefined) ctx.io.stdout.write(out);
      }
    } finally {
      await fh.close();
    }
  };
  await readMore();
  const { watch } = await import('node:fs');
  let chain = Promise.resolve();
  const watcher = watch(file, () => {
    chain = chain.then(readMore).catch(() => undefined);
  });
  // fs.watch can miss events on some filesystems: also look every 250 ms.
  const timer = setInterval(() => (chain = chain.then(readMore).catch(() => undefined)), 250);
  try {
    await untilAborted(ctx.io.signal);
  } finally {
    clearInterval(timer);
    watcher.close();
    await chain;
  }
}

/** The log lines of every fluxion-controller pod in the namespace (`app=fluxion-controller`), in order of pod name. */
async function controllerLogs(ctx: CommandContext): Promise<string[]> {
  const cluster = await ctx.cluster();
  if (!cluster.podLogs) throw new CommandError('this cluster does not serve pod logs: use --file');
  const pods = (await cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace: ctx.namespace, labelSelector: 'app=fluxion-controller' })).items;
  if (pods.length === 0) throw new CommandError(`no fluxion-controller pods found in the ${ctx.namespace} namespace`);
  const lines: string[] = [];
  for (const pod of pods.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const text = await cluster.podLogs({ namespace: ctx.namespace, name: pod.metadata.name }, { container: 'manager' });
    lines.push(...text.split('\n').filter((l) => l !== ''));
  }
  return lines;
}

export const logsCommand = defineCommand({
  name: 'logs',
  summary: 'Display formatted logs for Flux components',
  description: `The logs command displays formatted logs from fluxion's controller: it reads the JSON log lines of the
fluxion-controller pods through the Kubernetes API (or from --file, \`--file -\` for stdin) and prints those
matching the filters.`,
  usageLine: 'fluxion logs [--file PATH|-] [--kind KIND] [--name NAME] [--level LEVEL] [-f] [flags]',
  examples: `  # Print the reconciliation logs of all Flux custom resources in the flux-system namespace
  fluxion logs

  # The same from kubectl
  kubectl logs -n flux-system deploy/fluxion-controller | fluxion logs --file -

  # Print all logs of a particular Kustomization, from a saved file
  fluxion logs --file controller.log --kind=Kustomization --name=podinfo

  # Follow the error logs of every namespace
  fluxion logs --file controller.log -f --level=error --all-namespaces`,
  flags: {
    file: { type: 'string', help: 'read the controller log lines from this file (- for stdin) instead of the cluster' },
    level: { type: 'string', help: 'log level, available options are: (debug, info, error)' },
    kind: { type: 'string', help: 'displays errors of a particular toolkit kind e.g GitRepository' },
    name: { type: 'string', help: 'specifies the name of the object logs to be displayed' },
    follow: { type: 'bool', short: 'f', help: 'specifies if the logs should be streamed' },
    tail: { type: 'int', default: -1, help: 'lines of recent log file to display' },
    'all-namespaces': { type: 'bool', short: 'A', help: 'displays logs for objects across all namespaces' },
    since: { type: 'duration', help: 'Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs.' },
    'since-time': { type: 'string', help: 'Only return logs after a specific date (RFC3339). Defaults to all logs. Only one of since-time / since may be used.' },
  },
  async run(ctx) {
    if (ctx.args.length) throw new CommandError('no argument required');
    const level = ctx.flags.level as string | undefined;
    if (level !== undefined && !LEVELS.includes(level)) throw new CommandError(`invalid argument "${level}" for "--level" flag: unsupported log level '${level}', must be one of: debug, info, error`);
    if (ctx.flags.since !== undefined && ctx.flags['since-time'] !== undefined) throw new CommandError('at most one of `sinceTime` or `sinceDuration` may be specified');
    let sinceMs: number | undefined;
    if (ctx.flags['since-time'] !== undefined) {
      sinceMs = Date.parse(String(ctx.flags['since-time']));
      if (Number.isNaN(sinceMs)) throw new CommandError(`${String(ctx.flags['since-time'])} is not a valid (RFC3339) time`);
    } else if (ctx.flags.since !== undefined) sinceMs = Date.now() - Number(ctx.flags.since);
    const filter = (line: string): string | undefined =>
      formatLogLine(line, {
        ...(ctx.flags.kind ? { kind: String(ctx.flags.kind) } : {}),
        ...(ctx.flags.name ? { name: String(ctx.flags.name) } : {}),
        ...(level ? { level } : {}),
        namespace: ctx.namespace,
        allNamespaces: ctx.flags['all-namespaces'] === true,
        ...(sinceMs !== undefined ? { sinceMs } : {}),
      });
    // `--file -` reads stdin (e.g. piped from kubectl logs).
    const file = ctx.flags.file && ctx.flags.file !== '-' ? path.resolve(ctx.io.cwd, String(ctx.flags.file)) : undefined;
    if (file && ctx.flags.follow === true) {
      await follow(ctx, file, filter);
      return 0;
    }
    if (!file && ctx.flags.file === undefined) {
      // As flux logs: the controller pods' own logs, read through the Kubernetes API.
      if (ctx.flags.follow === true) throw new CommandError('--follow needs --file (or `kubectl logs -f … | fluxion logs --file -`)');
      await printLines(ctx, Readable.from((await controllerLogs(ctx)).map((l) => `${l}\n`)), filter, Number(ctx.flags.tail ?? -1));
      return 0;
    }
    const input = file ? createReadStream(file) : process.stdin;
    try {
      await printLines(ctx, input, filter, Number(ctx.flags.tail ?? -1));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CommandError(`open ${String(ctx.flags.file)}: no such file or directory`);
      throw err;
    }
    return 0;
  },
});

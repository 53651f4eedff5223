/**
 * What every Flux-style command shares: the global flags (`--kubeconfig`, `--context`,
 * `-n/--namespace`, `--timeout`), the connection through `connectCluster`, the stderr logger,
 * and errors printed as flux prints them (`✗ message`, exit 1).
 */
import type { CliCommand, CliIO } from '../command.js';
import { connectCluster } from '../connect.js';
import { FlagError, flagHelp, parseFlags } from '../flags.js';
import type { FlagSpec, FlagValues } from '../flags.js';
import type { Cluster } from '../../cluster/types.js';
import { KindError } from './kinds.js';
import { createCliLogger, isTTY } from './logger.js';
import type { CliLogger } from './logger.js';

export const globalFlags: Record<string, FlagSpec> = {
  // KUBECONFIG (a path list) is read by connectCluster itself.
  kubeconfig: { type: 'string', help: 'path to the kubeconfig file (default $KUBECONFIG or ~/.kube/config)' },
  context: { type: 'string', help: 'kubernetes context to use' },
  namespace: { type: 'string', short: 'n', default: 'flux-system', env: 'FLUX_SYSTEM_NAMESPACE', help: 'the namespace scope for this operation' },
  timeout: { type: 'duration', default: '5m0s', help: 'timeout for this operation' },
};

export interface CommandContext {
  io: CliIO;
  flags: FlagValues;
  args: string[];
  namespace: string;
  timeoutMs: number;
  log: CliLogger;
  /** Connects on first use. */
  cluster(): Promise<Cluster>;
}

/** An error the command reports as `✗ message` (exit 1). */
export class CommandError extends Error {}

export interface CommandDefinition {
  name: string;
  summary: string;
  /** Text between the usage line and the flags. */
  description: string;
  usageLine: string;
  examples: string;
  flags: Record<string, FlagSpec>;
  /** Leave out the global cluster flags (offline commands such as `completion`). */
  offline?: boolean;
  run(ctx: CommandContext): Promise<number>;
}

export function usageOf(def: CommandDefinition): string {
  const specs = def.offline ? def.flags : { ...def.flags, ...globalFlags };
  return `${def.description.trim()}

Usage:
  ${def.usageLine}

Flags:
${flagHelp(specs)}

Examples:
${def.examples.replace(/^\n+|\n+$/g, '')}`;
}

/** Wraps a definition into a `CliCommand` with flag parsing and flux's error reporting. */
export function defineCommand(def: CommandDefinition): CliCommand {
  return {
    name: def.name,
    summary: def.summary,
    usage: usageOf(def),
    async run(argv, io) {
      const log = createCliLogger(io.stderr, { spinner: isTTY(io.stdout) });
      try {
        const specs = def.offline ? def.flags : { ...globalFlags, ...def.flags };
        const { values, args } = parseFlags(argv, specs, io.env);
        let connected: Promise<Cluster> | undefined;
        const ctx: CommandContext = {
          io,
          flags: values,
          args,
          namespace: String(values.namespace ?? 'flux-system'),
          timeoutMs: Number(values.timeout ?? 300_000),
          log,
          cluster: () =>
            (connected ??= connectCluster({
              ...(values.kubeconfig ? { kubeconfig: String(values.kubeconfig) } : {}),
              ...(values.context ? { context: String(values.context) } : {}),
              env: io.env,
            })),
        };
        const code = await def.run(ctx);
        log.stop();
        return code;
      } catch (err) {
        log.stop();
        if (err instanceof FlagError || err instanceof KindError || err instanceof CommandError) log.failure(err.message);
        else log.failure(err instanceof Error ? err.message : String(err));
        return 1;
      }
    },
  };
}

/** Flux's `namespaceNameOrAny`: `any` with `-A`, else the quoted namespace. */
export function namespaceNameOrAny(all: boolean, ns: string): string {
  return all ? 'any' : `"${ns}"`;
}

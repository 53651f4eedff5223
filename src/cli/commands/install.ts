import { stringify } from 'yaml';
import type { CliCommand } from '../command.js';
import type { KubeObject } from '../../api/meta.js';
import { FlagError, flagHelp, parseFlags } from '../flags.js';
import type { FlagSpec, FlagValues } from '../flags.js';
import { installManifests } from '../install.js';
import type { InstallOptions } from '../install.js';

export const installFlags: Record<string, FlagSpec> = {
  export: { type: 'bool', help: 'print the manifests as YAML instead of applying them' },
  namespace: { type: 'string', short: 'n', default: 'flux-system', help: 'the namespace fluxion runs in' },
  image: { type: 'string', help: 'container image of the controller (default fluxion:v<version>)' },
  replicas: { type: 'int', default: 1, help: 'controller replicas; they elect a leader' },
  'watch-label-selector': { type: 'string', help: 'reconcile only objects matching this selector (sharding)' },
  'log-level': { type: 'string', default: 'info', help: 'debug, info or error' },
};

const usage = `Usage: fluxion install --export [flags]

Prints what runs fluxion in a cluster, in apply order: the CRDs of every Flux kind fluxion serves,
the namespace, the controller's ServiceAccount and its ClusterRoleBinding, the metrics Service and
the Deployment running \`fluxion controller\` with leader election, probes and metrics.

Flags:
${flagHelp(installFlags)}

Examples:
  fluxion install --export > fluxion.yaml && kubectl apply --server-side -f fluxion.yaml
  fluxion install --export --image registry.example.com/fluxion:v0.1.0 --replicas 2
  fluxion install --export --namespace shard1 --watch-label-selector sharding.fluxcd.io/key=shard1`;

/** The manifests as one multi-document YAML stream, as `flux install --export` prints them. */
export function manifestsYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}

export function installOptionsFrom(flags: FlagValues): InstallOptions {
  const selector = flags['watch-label-selector'] as string | undefined;
  return {
    namespace: flags.namespace as string,
    replicas: flags.replicas as number,
    logLevel: flags['log-level'] as InstallOptions['logLevel'],
    ...(flags.image ? { image: flags.image as string } : {}),
    ...(selector ? { args: [`--watch-label-selector=${selector}`] } : {}),
  };
}

export const installCommand: CliCommand = {
  name: 'install',
  summary: 'Print the manifests that install fluxion in a cluster (--export)',
  usage,
  async run(argv, io) {
    let flags: FlagValues;
    try {
      ({ values: flags } = parseFlags(argv, installFlags, io.env));
      if (!['debug', 'info', 'error'].includes(flags['log-level'] as string)) throw new FlagError(`--log-level must be debug, info or error, not ${String(flags['log-level'])}`);
      if ((flags.replicas as number) < 1) throw new FlagError('--replicas must be at least 1');
    } catch (err) {
      io.stderr.write(`fluxion install: ${(err as Error).message}\n`);
      return 1;
    }
    if (!flags.export) {
      io.stderr.write('fluxion install: only --export is supported: pipe it to `kubectl apply --server-side -f -`\n');
      return 1;
    }
    io.stdout.write(manifestsYaml(installManifests(installOptionsFrom(flags))));
    return 0;
  },
};

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommand } from '../command.js';

const usage = `Usage: fluxion helm template [NAME] CHART_DIR_OR_TGZ [flags]

Renders a chart in-process (no cluster, no network) and prints the manifests byte for byte as
\`helm template\` (Helm 3.17) does: manifests in install order, then hooks.

  -f, --values FILE        values file (repeatable, comma-separated allowed)
      --set K=V            set values (repeatable): a.b=c, a={x,y}, a[0].b=c
      --set-string K=V     like --set, values kept as strings
      --name NAME          release name (default release-name; or give NAME before the chart)
  -n, --namespace NS       release namespace (default default)
      --kube-version V     Kubernetes version for .Capabilities.KubeVersion (default v1.32.0)
  -a, --api-versions V     extra API versions for .Capabilities.APIVersions (repeatable)
      --include-crds       print the files under crds/ first
  -s, --show-only PATH     only print documents from templates matching PATH (repeatable)
      --skip-tests         leave out test hooks
      --is-upgrade         set .Release.IsUpgrade instead of .Release.IsInstall
      --skip-schema-validation
                           do not validate values against values.schema.json

Examples:
  fluxion helm template ./charts/podinfo --set replicaCount=2
  fluxion helm template my-release podinfo-6.14.1.tgz -f values-prod.yaml -n apps`;

const BOOL_FLAGS = new Set(['--include-crds', '--skip-tests', '--is-upgrade', '--skip-schema-validation']);
const SHORT: Record<string, string> = { '-f': '--values', '-n': '--namespace', '-a': '--api-versions', '-s': '--show-only' };

export const helmCommand: CliCommand = {
  name: 'helm',
  summary: 'Render a Helm chart like `helm template`',
  usage,
  async run(argv, io) {
    if (argv[0] === '--help' || argv[0] === '-h' || argv.length === 0) {
      io.stdout.write(`${usage}\n`);
      return argv.length === 0 ? 1 : 0;
    }
    if (argv[0] !== 'template') {
      io.stderr.write(`fluxion helm: unknown sub-command ${argv[0]}\n${usage}\n`);
      return 1;
    }
    const positional: string[] = [];
    const values: string[] = [];
    const set: string[] = [];
    const setString: string[] = [];
    const apiVersions: string[] = [];
    const showOnly: string[] = [];
    const flags = new Set<string>();
    let name: string | undefined;
    let namespace = 'default';
    let kubeVersion: string | undefined;
    const args = argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--help' || a === '-h') {
        io.stdout.write(`${usage}\n`);
        return 0;
      }
      if (!a.startsWith('-') || a === '-') {
        positional.push(a);
        continue;
      }
      let flag = a;
      let inline: string | undefined;
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) {
        flag = a.slice(0, eq);
        inline = a.slice(eq + 1);
      } else if (!a.startsWith('--') && a.length > 2) {
        flag = a.slice(0, 2);
        inline = a.slice(2).replace(/^=/, '');
      }
      flag = SHORT[flag] ?? flag;
      if (BOOL_FLAGS.has(flag)) {
        flags.add(flag);
        continue;
      }
      const value = inline ?? args[++i];
      if (value === undefined) {
        io.stderr.write(`Error: flag needs an argument: ${a}\n`);
        return 1;
      }
      switch (flag) {
        case '--values':
          values.push(...value.split(','));
          break;
        case '--set':
          set.push(value);
          break;
        case '--set-string':
          setString.push(value);
          break;
        case '--name':
          name = value;
          break;
        case '--namespace':
          namespace = value;
          break;
        case '--kube-version':
          kubeVersion = value;
          break;
        case '--api-versions':
          apiVersions.push(...value.split(','));
          break;
        case '--show-only':
          showOnly.push(value);
          break;
        default:
          io.stderr.write(`Error: unknown flag: ${flag}\n`);
          return 1;
      }
    }
    if (positional.length === 0 || positional.length > 2) {
      io.stderr.write(`Error: "helm template" requires at least 1 argument\n\n${usage}\n`);
      return 1;
    }
    // Loaded on use, so other commands start without the template engine.
    const { formatTemplateOutput, HelmError, loadChart, mergeUserValues, renderChartSync } = await import('../../helm/index.js');
    const chartPath = path.resolve(io.cwd, positional[positional.length - 1]!);
    if (positional.length === 2) name = positional[0];
    try {
      const files = await Promise.all(
        values.map(async (f) => {
          const p = path.resolve(io.cwd, f);
          const text = await readFile(p, 'utf8').catch((): never => {
            throw new HelmError(`open ${f}: no such file or directory`);
          });
          return { name: f, text };
        }),
      );
      const userValues = mergeUserValues({ files, set, setString });
      const chart = loadChart(chartPath);
      const result = renderChartSync(chart, {
        values: userValues,
        releaseName: name ?? 'release-name',
        namespace,
        kubeVersion,
        apiVersions,
        isUpgrade: flags.has('--is-upgrade'),
        skipSchemaValidation: flags.has('--skip-schema-validation'),
      });
      io.stdout.write(
        formatTemplateOutput(result, { includeCrds: flags.has('--include-crds'), skipTests: flags.has('--skip-tests'), showOnly }),
      );
      return 0;
    } catch (e) {
      if (e instanceof HelmError) {
        const debugHint = e.phase === 'render' ? '\n\nUse --debug flag to render out invalid YAML' : '';
        io.stderr.write(`Error: ${e.message}${debugHint}\n`);
        return 1;
      }
      throw e;
    }
  },
};

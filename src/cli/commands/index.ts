/**
 * Every sub-command, in the order `fluxion --help` lists them. A command's module (and what it
 * imports: the Kubernetes client, the Helm engine, the controllers…) is loaded only when that
 * command runs, so `fluxion helm template` does not pay for loading the controller. The summaries
 * here are the modules' own (a test keeps them equal).
 */
import type { CliCommand } from '../command.js';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
}

export const commands: CommandEntry[] = [
  { name: 'charts', summary: "Print a machine's state chart, or write docs/state-charts.md and the SVGs", load: async () => (await import('./charts.js')).chartsCommand },
  { name: 'controller', summary: "Run fluxion's controllers against a Kubernetes cluster (in-cluster mode)", load: async () => (await import('./controller.js')).controllerCommand },
  { name: 'crds', summary: 'Print the CustomResourceDefinitions of the Flux kinds fluxion serves', load: async () => (await import('./crds.js')).crdsCommand },
  { name: 'demo', summary: 'Reconcile the bundled example repository on the embedded simulator, phase by phase', load: async () => (await import('./demo.js')).demoCommand },
  { name: 'helm', summary: 'Render a Helm chart like `helm template`', load: async () => (await import('./helm.js')).helmCommand },
  { name: 'install', summary: 'Install fluxion in a cluster, or print its manifests (--export)', load: async () => (await import('./install.js')).installCommand },
  { name: 'kustomize', summary: 'Build a kustomization directory and print it, like `kubectl kustomize`', load: async () => (await import('./kustomize.js')).kustomizeCommand },
  { name: 'sim', summary: 'Run Flux objects on the embedded simulator, offline', load: async () => (await import('./sim.js')).simCommand },
  { name: 'get', summary: 'Get the resources and their status', load: async () => (await import('./get.js')).getCommand },
  { name: 'reconcile', summary: 'Reconcile sources and resources', load: async () => (await import('./reconcile.js')).reconcileCommand },
  { name: 'suspend', summary: 'Suspend resources', load: async () => (await import('./suspend.js')).suspendCommand },
  { name: 'resume', summary: 'Resume suspended resources', load: async () => (await import('./suspend.js')).resumeCommand },
  { name: 'events', summary: 'Display Kubernetes events for Flux resources', load: async () => (await import('./events.js')).eventsCommand },
  { name: 'export', summary: 'Export resources in YAML format', load: async () => (await import('./export.js')).exportCommand },
  { name: 'tree', summary: 'Print the resources reconciled by Flux', load: async () => (await import('./tree.js')).treeCommand },
  { name: 'trace', summary: 'Trace in-cluster objects throughout the GitOps delivery pipeline', load: async () => (await import('./trace.js')).traceCommand },
  { name: 'stats', summary: 'Stats of Flux reconciles', load: async () => (await import('./stats.js')).statsCommand },
  { name: 'logs', summary: 'Display formatted logs for Flux components', load: async () => (await import('./logs.js')).logsCommand },
  { name: 'create', summary: 'Create or update sources and resources', load: async () => (await import('./create.js')).createCommand },
  { name: 'delete', summary: 'Delete sources and resources', load: async () => (await import('./delete.js')).deleteCommand },
  { name: 'push', summary: 'Push artifacts', load: async () => (await import('./artifact.js')).pushCommand },
  { name: 'pull', summary: 'Pull artifacts', load: async () => (await import('./artifact.js')).pullCommand },
  { name: 'list', summary: 'List artifacts', load: async () => (await import('./artifact.js')).listCommand },
  { name: 'tag', summary: 'Tag artifacts', load: async () => (await import('./artifact.js')).tagCommand },
  { name: 'check', summary: 'Check requirements and installation', load: async () => (await import('./check.js')).checkCommand },
  { name: 'uninstall', summary: 'Uninstall fluxion and its custom resource definitions', load: async () => (await import('./uninstall.js')).uninstallCommand },
  { name: 'build', summary: 'Build a flux resource', load: async () => (await import('./build.js')).buildCommand },
  { name: 'diff', summary: 'Diff a flux resource', load: async () => (await import('./diff.js')).diffCommand },
  { name: 'completion', summary: 'Generates completion scripts for various shells', load: async () => (await import('./completion.js')).completionCommand },
];

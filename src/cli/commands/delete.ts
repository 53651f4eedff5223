/** `fluxion delete`: deletes a Flux object, asking first unless `-s/--silent`, as `flux delete` does. */
import { createInterface } from 'node:readline/promises';
import { CommandError, defineCommand } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { notFound, parseKindArgs } from '../output/kinds.js';
import { isTTY } from '../output/logger.js';

/** Asks `label [y/N]` on the terminal; without one, refuses (use `--silent`). */
export async function confirm(ctx: CommandContext, label: string): Promise<boolean> {
  if (!isTTY(ctx.io.stdout) || !process.stdin.isTTY) throw new CommandError(`${label}? refusing to ask without a terminal: use --silent`);
  const rl = createInterface({ input: process.stdin, output: ctx.io.stdout });
  try {
    const answer = await rl.question(`${label} [y/N]: `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export const deleteCommand = defineCommand({
  name: 'delete',
  summary: 'Delete sources and resources',
  description: 'The delete sub-commands delete sources and resources; the controller finalises them (pruning what a Kustomization applied, when prune is on).',
  usageLine: 'fluxion delete source git|source oci|source helm|source chart|source bucket|kustomization|helmrelease|alert|alert-provider|receiver|image repository|image policy NAME [-s] [flags]',
  examples: `  # Delete a Kustomization and the Kubernetes objects it reconciled (when prune is on)
  fluxion delete kustomization podinfo

  # Delete a GitRepository without asking
  fluxion delete source git podinfo --silent`,
  flags: { silent: { type: 'bool', short: 's', help: 'delete resource without asking for confirmation' } },
  async run(ctx) {
    const { kind, rest } = parseKindArgs(ctx.args, 'delete');
    const name = rest[0];
    if (!name) throw new CommandError(`${kind.humanKind} name is required`);
    const cluster = await ctx.cluster();
    const ref = { apiVersion: kind.apiVersion, kind: kind.kind, name, namespace: ctx.namespace };
    const obj = await cluster.get(ref);
    if (!obj) throw new CommandError(notFound(kind, name));
    if (ctx.flags.silent !== true) {
      if (!(await confirm(ctx, `Are you sure you want to delete this ${kind.humanKind}`))) throw new CommandError('aborting');
    }
    ctx.log.action(`deleting ${kind.humanKind} ${name} in ${ctx.namespace} namespace`);
    await cluster.delete(ref);
    ctx.log.success(`${kind.humanKind} deleted`);
    return 0;
  },
});

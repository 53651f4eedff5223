/**
 * `fluxion suspend` / `fluxion resume`: toggle `spec.suspend`, as `flux suspend|resume` do;
 * `resume` of one object waits for it to become Ready again (`--wait` forces, `--wait=false` skips).
 */
import type { KubeObject, ObjectRef } from '../../api/meta.js';
import { CommandError, defineCommand } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { parseKindArgs, readyCondition } from '../output/kinds.js';
import type { CliKind } from '../output/kinds.js';
import { isObjectReady, isStaticObjectReady } from '../output/readiness.js';
import { waitForObject } from '../output/wait.js';

const refFor = (kind: CliKind, name: string, namespace: string): ObjectRef => ({ apiVersion: kind.apiVersion, kind: kind.kind, name, namespace });


/** The objects named by `args` (in order, duplicates dropped), or every one with `--all`. */
async function targets(ctx: CommandContext, kind: CliKind, names: string[], verb: string): Promise<{ found: KubeObject[]; missing: number }> {
  const cluster = await ctx.cluster();
  const { items } = await cluster.list({ apiVersion: kind.apiVersion, kind: kind.kind, namespace: ctx.namespace });
  if (ctx.flags.all === true) {
    if (items.length === 0) ctx.log.failure(`no ${kind.kind} objects found in ${ctx.namespace} namespace`);
    return { found: items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)), missing: items.length === 0 ? 1 : 0 };
  }
  const out: KubeObject[] = [];
  let missing = 0;
  for (const name of [...new Set(names)]) {
    const obj = items.find((o) => o.metadata.name === name);
    if (obj) out.push(obj);
    else {
      missing++;
      ctx.log.failure(verb === 'suspend' ? `${kind.kind} ${name} not found in ${ctx.namespace} namespace` : `${kind.kind} object '${name}' not found in ${ctx.namespace} namespace`);
    }
  }
  return { found: out, missing };
}

const examples = (verb: string): string => `  # ${verb === 'suspend' ? 'Suspend' : 'Resume'} reconciliation for an existing Kustomization
  fluxion ${verb} ks podinfo

  # ${verb === 'suspend' ? 'Suspend' : 'Resume'} reconciliation for multiple Kustomizations
  fluxion ${verb} ks podinfo-1 podinfo-2

  # ${verb === 'suspend' ? 'Suspend' : 'Resume'} every GitRepository in a namespace
  fluxion ${verb} source git --all -n apps

  # ${verb === 'suspend' ? 'Suspend' : 'Resume'} an Alert and a Receiver
  fluxion ${verb} alert main
  fluxion ${verb} receiver github`;

export const suspendCommand = defineCommand({
  name: 'suspend',
  summary: 'Suspend resources',
  description: 'The suspend sub-commands suspend the reconciliation of a resource (spec.suspend: true).',
  usageLine: 'fluxion suspend source git|source oci|source helm|source chart|source bucket|kustomization|helmrelease|alert|alert-provider|receiver|image repository|image policy [NAME...] [--all] [flags]',
  examples: examples('suspend'),
  flags: { all: { type: 'bool', help: 'suspend all resources in that namespace' } },
  async run(ctx) {
    const { kind, rest } = parseKindArgs(ctx.args, 'suspend');
    if (rest.length === 0 && ctx.flags.all !== true) throw new CommandError(`${kind.humanKind} name is required`);
    const cluster = await ctx.cluster();
    const { found, missing } = await targets(ctx, kind, rest, 'suspend');
    let failed = missing;
    for (const obj of found) {
      ctx.log.action(`suspending ${kind.humanKind} ${obj.metadata.name} in ${ctx.namespace} namespace`);
      try {
        await cluster.patch(refFor(kind, obj.metadata.name, ctx.namespace), { spec: { suspend: true } }, 'merge');
        ctx.log.success(`${kind.humanKind} suspended`);
      } catch (err) {
        failed++;
        ctx.log.failure(`failed suspending ${kind.kind} ${obj.metadata.name} in ${ctx.namespace} namespace: ${(err as Error).message}`);
      }
    }
    return failed ? 1 : 0;
  },
});

export const resumeCommand = defineCommand({
  name: 'resume',
  summary: 'Resume suspended resources',
  description: `The resume sub-commands resume the reconciliation of a suspended resource (spec.suspend: false)
and, for a single object, wait until it is Ready for its new generation.`,
  usageLine: 'fluxion resume source git|source oci|source helm|source chart|source bucket|kustomization|helmrelease|alert|alert-provider|receiver|image repository|image policy [NAME...] [--all] [--wait] [flags]',
  examples: examples('resume'),
  flags: {
    all: { type: 'bool', help: 'resume all resources in that namespace' },
    wait: { type: 'bool', help: 'waits for one resource to reconcile before moving to the next one (default true for a single resource)' },
  },
  async run(ctx) {
    const { kind, rest } = parseKindArgs(ctx.args, 'resume');
    if (rest.length === 0 && ctx.flags.all !== true) throw new CommandError(`${kind.humanKind} name is required`);
    const cluster = await ctx.cluster();
    const explicitWait = ctx.flags.wait;
    const shouldWait = explicitWait === undefined ? rest.length === 1 && ctx.flags.all !== true : explicitWait === true;
    const resumed: string[] = [];
    const { found, missing } = await targets(ctx, kind, rest, 'resume');
    for (const obj of found) {
      ctx.log.action(`resuming ${kind.humanKind} ${obj.metadata.name} in ${ctx.namespace} namespace`);
      await cluster.patch(refFor(kind, obj.metadata.name, ctx.namespace), { spec: { suspend: false } }, 'merge');
      resumed.push(obj.metadata.name);
      ctx.log.success(`${kind.humanKind} resumed`);
    }
    if (!shouldWait) return missing ? 1 : 0;
    const results = await Promise.all(
      resumed.map(async (name) => {
        ctx.log.waiting(`waiting for ${kind.kind} reconciliation`);
        try {
          const obj = await waitForObject(cluster, refFor(kind, name, ctx.namespace), kind.isStatic ? isStaticObjectReady : isObjectReady, { timeoutMs: ctx.timeoutMs, ...(ctx.io.signal ? { signal: ctx.io.signal } : {}) });
          return { name, obj, err: undefined };
        } catch (err) {
          // On a timeout, say why the object is not Ready, when it says.
          const last = await cluster.get(refFor(kind, name, ctx.namespace)).catch(() => undefined);
          const ready = last ? readyCondition(last) : undefined;
          const why = ready && ready.status !== 'True' && (err as Error).message === 'context deadline exceeded' ? `: ${ready.message}` : '';
          return { name, obj: undefined, err: new Error(`${(err as Error).message}${why}`) };
        }
      }),
    );
    ctx.log.stop();
    let failed = 0;
    for (const r of results.sort((a, b) => a.name.localeCompare(b.name))) {
      if (r.err) {
        failed++;
        ctx.log.failure(`${kind.kind} ${r.name} reconciliation failed: ${r.err.message}`);
        continue;
      }
      ctx.log.success(`${kind.kind} ${r.name} reconciliation completed`);
      ctx.log.success(kind.successMessage(r.obj!));
    }
    if (failed) throw new CommandError(`reconciliation failed for ${failed} ${kind.kind}(s)`);
    return missing ? 1 : 0;
  },
});

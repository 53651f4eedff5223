/**
 * Waiting on one object, event-driven: a watch on the object (which starts with its current
 * state) re-evaluates `check` on every change until it holds, throws, the timeout passes
 * (`context deadline exceeded`, as flux reports it) or the command is aborted.
 */
import type { KubeObject, ObjectRef } from '../../api/meta.js';
import type { Cluster, Watch } from '../../cluster/types.js';
import { CommandError } from './command.js';

/** `true` when done, `false` to keep waiting; throwing fails the wait with that error. */
export type WaitCheck = (obj: KubeObject | undefined) => boolean;

export function waitForObject(cluster: Cluster, ref: ObjectRef, check: WaitCheck, options: { timeoutMs: number; signal?: AbortSignal }): Promise<KubeObject | undefined> {
  return new Promise((resolve, reject) => {
    let watch: Watch | undefined;
    let finished = false;
    const finish = (err: unknown, obj?: KubeObject): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      watch?.stop();
      if (err) reject(err);
      else resolve(obj);
    };
    const evaluate = (obj: KubeObject | undefined): void => {
      if (finished) return;
      try {
        if (check(obj)) finish(undefined, obj);
      } catch (err) {
        finish(err);
      }
    };
    const timer = setTimeout(() => finish(new CommandError('context deadline exceeded')), options.timeoutMs);
    const onAbort = (): void => finish(new CommandError('context canceled'));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort);
    cluster
      .watch({ apiVersion: ref.apiVersion, kind: ref.kind, ...(ref.namespace ? { namespace: ref.namespace } : {}), fieldSelector: `metadata.name=${ref.name}` }, (e) => {
        if (e.object?.metadata?.name !== ref.name) return;
        if (e.type === 'ADDED' || e.type === 'MODIFIED') evaluate(e.object);
        else if (e.type === 'DELETED') evaluate(undefined);
      })
      .then(
        async (w) => {
          watch = w;
          if (finished) return w.stop();
          // The watch reports the current state too; a get covers a watch that starts late.
          evaluate(await cluster.get(ref));
        },
        (err: unknown) => finish(err),
      );
  });
}

/** Resolves when `signal` aborts (never, without one). */
export function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

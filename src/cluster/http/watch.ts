/** Watch: a chunked stream of JSON events, one per line (Table rows when asked), until stopped, timed out or closed. */
import type { KubeObject } from '../../api/meta.js';
import type { WatchEvent } from '../types.js';
import type { RequestContext } from './context.js';
import { includeOf, printer } from './context.js';
import type { ResourceTarget } from './request.js';
import { wantsTable } from './request.js';
import { toTable } from './table.js';

export async function watch(ctx: RequestContext, t: ResourceTarget): Promise<void> {
  const q = ctx.query;
  const res = ctx.res;
  const table = wantsTable(ctx.req.headers.accept) ? await printer(ctx, ctx.view?.target ?? t) : undefined;
  const present = ctx.view?.out ?? ((o: KubeObject) => o);
  const include = includeOf(q);
  let head = false;
  const ensureHead = (): void => {
    if (head) return;
    head = true;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
  };
  const encode = (e: WatchEvent): unknown => {
    if (e.type === 'ERROR') return e;
    if (!table) return e.type === 'BOOKMARK' ? e : { type: e.type, object: present(e.object) };
    if (e.type === 'BOOKMARK') return { type: e.type, object: toTable(table, [], e.object.metadata.resourceVersion ?? '', ctx.cluster.clock.now(), include) };
    return { type: e.type, object: toTable(table, [present(e.object)], e.object.metadata.resourceVersion ?? '', ctx.cluster.clock.now(), include) };
  };
  const write = (e: WatchEvent): void => {
    if (res.writableEnded) return;
    ensureHead();
    res.write(`${JSON.stringify(encode(e))}\n`);
  };
  const rv = q.get('resourceVersion') ?? undefined;
  const w = await ctx.cluster.watch(
    {
      apiVersion: t.groupVersion,
      kind: t.info.kind,
      ...(t.namespace !== undefined ? { namespace: t.namespace } : {}),
      ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector') as string } : {}),
      ...(q.get('fieldSelector') ? { fieldSelector: q.get('fieldSelector') as string } : {}),
      ...(t.name !== undefined ? { fieldSelector: [q.get('fieldSelector'), `metadata.name=${t.name}`].filter(Boolean).join(',') } : {}),
      ...(rv ? { resourceVersion: rv } : {}),
    },
    write,
  );
  ensureHead();
  const timers: ReturnType<typeof setTimeout>[] = [];
  const finish = (): void => {
    w.stop();
    for (const timer of timers) clearTimeout(timer);
    unregister();
    if (!res.writableEnded) res.end();
  };
  const unregister = ctx.onClose(finish);
  const timeout = Number(q.get('timeoutSeconds') ?? '');
  if (Number.isFinite(timeout) && timeout > 0) timers.push(setTimeout(finish, timeout * 1000));
  if (q.get('allowWatchBookmarks') === 'true') {
    const bookmark = setInterval(() => {
      const shown = ctx.view?.target ?? t;
      write({ type: 'BOOKMARK', object: { apiVersion: shown.groupVersion, kind: shown.info.kind, metadata: { name: '', resourceVersion: ctx.cluster.resourceVersion } } });
    }, 5_000);
    bookmark.unref();
    timers.push(bookmark);
  }
  res.on('close', finish);
  void w.done.then(finish);
}

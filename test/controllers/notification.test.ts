/**
 * notification-controller in the engine, end to end: a Kustomization that fails to build sends
 * its error event to a generic webhook served on 127.0.0.1, in Flux's JSON shape; a GitHub
 * Receiver served over real HTTP turns a correctly signed push into a reconcile of its
 * GitRepository, and refuses a bad signature or an event it does not listen to.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createEngine } from '../../src/controllers/engine.js';
import type { Engine } from '../../src/controllers/engine.js';
import { Dispatcher } from '../../src/notify/dispatcher.js';
import { startReceiverServer } from '../../src/server/receiver.js';
import type { ReceiverServer } from '../../src/server/receiver.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { GitServer } from '../../src/sources/git/serve.js';
import { makeRepo } from '../helpers/git.js';
import type { TestRepo } from '../helpers/git.js';
import { startWebhookSink } from '../helpers/webhook-sink.js';
import type { WebhookSink } from '../helpers/webhook-sink.js';

type Cond = { type: string; status: string; reason: string; message: string };
const NOTIFICATION = 'notification.toolkit.fluxcd.io';
const GIT = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'app', namespace: 'flux-system' };
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'app', namespace: 'flux-system' };
const RECEIVER = { apiVersion: `${NOTIFICATION}/v1`, kind: 'Receiver', name: 'github', namespace: 'flux-system' };
const TOKEN = 'webhook-token';

describe('notifications in the engine', () => {
  let tmp: string;
  let repo: TestRepo;
  let git: GitServer;
  let sink: WebhookSink;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let dispatcher: Dispatcher;
  let engine: Engine;
  let receiver: ReceiverServer;

  beforeEach(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-notify-'));
    repo = makeRepo('app');
    git = await startGitServer({ root: repo.root });
    sink = await startWebhookSink();
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds(), rolloutDelayMs: 1000 });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    dispatcher = new Dispatcher({ clock, reportingInstance: 'fluxion-0' });
    engine = createEngine({ cluster, clock, stateDir: path.join(tmp, 'state'), healthPollMs: 500, randomSeed: () => 0.5, dispatcher });
    await engine.start();
    receiver = await startReceiverServer({ host: '127.0.0.1', port: 0, receive: (p, req) => engine.notifications.receive(p, req) });
  });

  afterEach(async () => {
    await receiver.close();
    await engine.stop();
    await sink.close();
    await git.close();
    repo.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const until = async (check: () => Promise<boolean>, what: string): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      for (let j = 0; j < 100; j++) {
        if (await check()) return;
        await settle(2);
      }
      await clock.advanceAsync(500);
    }
    throw new Error(`${what}: not reached`);
  };
  const ready = async (ref: typeof GIT): Promise<Cond | undefined> => ((await cluster.get(ref))?.status as { conditions?: Cond[] } | undefined)?.conditions?.find((c) => c.type === 'Ready');
  const create = (obj: KubeObject): Promise<KubeObject> => cluster.create(obj);
  const gitRepository = (): Promise<KubeObject> => create({ apiVersion: GIT.apiVersion, kind: 'GitRepository', metadata: { name: 'app', namespace: 'flux-system' }, spec: { url: git.url('app.git'), interval: '1h', ref: { branch: 'main' } } });

  it('a Kustomization that fails to build sends its error event to a generic webhook, as Flux posts it', async () => {
    const commit = repo.commit({ 'deploy/kustomization.yaml': 'resources: [missing.yaml]\n' });
    await create({ apiVersion: `${NOTIFICATION}/v1beta3`, kind: 'Provider', metadata: { name: 'hook', namespace: 'flux-system' }, spec: { type: 'generic', address: `${sink.url}/flux` } });
    await create({ apiVersion: `${NOTIFICATION}/v1beta2`, kind: 'Alert', metadata: { name: 'errors', namespace: 'flux-system' }, spec: { providerRef: { name: 'hook' }, eventSeverity: 'error', eventSources: [{ kind: 'Kustomization', name: '*' }, { kind: 'GitRepository', name: '*' }] } });
    await gitRepository();
    // Flux's recorder copies the object's event.toolkit.fluxcd.io annotations onto its events.
    await create({ apiVersion: KS.apiVersion, kind: 'Kustomization', metadata: { name: 'app', namespace: 'flux-system', annotations: { 'event.toolkit.fluxcd.io/env': 'prod' } }, spec: { interval: '10m', prune: true, path: './deploy', sourceRef: { kind: 'GitRepository', name: 'app' } } });
    await until(async () => (await ready(KS))?.reason === 'BuildFailed', 'build failed');
    await until(async () => {
      await dispatcher.idle();
      return sink.requests.length > 0;
    }, 'alert delivered');
    // Only the error reached this Alert: the GitRepository's NewArtifact (info) did not.
    expect(sink.requests).toHaveLength(1);
    const r = sink.requests[0]!;
    expect(r.path).toBe('/flux');
    expect(r.headers['gotk-component']).toBe('kustomize-controller');
    const body = JSON.parse(r.body) as Record<string, unknown>;
    const uid = (await cluster.get(KS))!.metadata.uid;
    expect(body).toEqual({
      involvedObject: { kind: 'Kustomization', namespace: 'flux-system', name: 'app', uid, apiVersion: 'kustomize.toolkit.fluxcd.io/v1' },
      severity: 'error',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      message: (await ready(KS))!.message,
      reason: 'BuildFailed',
      metadata: { env: 'prod', revision: `main@sha1:${commit}` },
      reportingController: 'kustomize-controller',
      reportingInstance: 'fluxion-0',
    });
    expect(Object.keys(body)).toEqual(['involvedObject', 'severity', 'timestamp', 'message', 'reason', 'metadata', 'reportingController', 'reportingInstance']);
  });

  it('a webhook that keeps failing neither blocks nor fails the reconcile; the failure is a Warning event on the Alert', async () => {
    sink.answer = () => ({ status: 503, body: 'down' });
    repo.commit({ 'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: flux-system\n' });
    await create({ apiVersion: `${NOTIFICATION}/v1beta3`, kind: 'Provider', metadata: { name: 'hook', namespace: 'flux-system' }, spec: { type: 'generic', address: sink.url, timeout: '3s' } });
    await create({ apiVersion: `${NOTIFICATION}/v1beta3`, kind: 'Alert', metadata: { name: 'all', namespace: 'flux-system' }, spec: { providerRef: { name: 'hook' }, eventSources: [{ kind: 'Kustomization', name: '*' }, { kind: 'GitRepository', name: '*' }] } });
    await gitRepository();
    await create({ apiVersion: KS.apiVersion, kind: 'Kustomization', metadata: { name: 'app', namespace: 'flux-system' }, spec: { interval: '10m', prune: true, path: './deploy', sourceRef: { kind: 'GitRepository', name: 'app' } } });
    await until(async () => (await ready(KS))?.status === 'True', 'applied');
    expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'flux-system' })).toBeDefined();
    await until(async () => {
      const events = await cluster.list({ apiVersion: 'v1', kind: 'Event', namespace: 'flux-system' });
      return events.items.some((e) => (e as { reason?: string; involvedObject?: { kind?: string } }).reason === 'NotificationDispatchFailed' && (e as { involvedObject?: { kind?: string } }).involvedObject?.kind === 'Alert');
    }, 'failure recorded');
    expect(sink.requests.length).toBeGreaterThan(1);
  });

  it('follows Alerts as they are created, changed and deleted', async () => {
    const event = { involvedObject: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'x', namespace: 'flux-system' }, type: 'Warning' as const, reason: 'GitOperationFailed', message: 'one', reportingController: 'source-controller' };
    const deliveredAfter = async (message: string): Promise<number> => {
      engine.dispatcher!.dispatch({ ...event, message });
      await settle(5);
      await dispatcher.idle();
      return sink.requests.length;
    };
    await create({ apiVersion: `${NOTIFICATION}/v1beta3`, kind: 'Provider', metadata: { name: 'hook', namespace: 'flux-system' }, spec: { type: 'generic', address: sink.url } });
    expect(await deliveredAfter('no alert yet')).toBe(0);
    await create({ apiVersion: `${NOTIFICATION}/v1beta3`, kind: 'Alert', metadata: { name: 'a', namespace: 'flux-system' }, spec: { providerRef: { name: 'hook' }, eventSources: [{ kind: 'GitRepository', name: '*' }] } });
    await settle(5);
    expect(await deliveredAfter('alert created')).toBe(1);
    await cluster.patch({ apiVersion: `${NOTIFICATION}/v1beta3`, kind: 'Alert', name: 'a', namespace: 'flux-system' }, { spec: { exclusionList: ['^excluded'] } }, 'merge');
    await settle(5);
    expect(await deliveredAfter('excluded now')).toBe(1);
    await cluster.delete({ apiVersion: `${NOTIFICATION}/v1beta3`, kind: 'Alert', name: 'a', namespace: 'flux-system' });
    await settle(5);
    expect(await deliveredAfter('alert deleted')).toBe(1);
  });

  describe('a GitHub Receiver', () => {
    const payload = Buffer.from(JSON.stringify({ ref: 'refs/heads/main', after: 'abc' }));
    const post = (hookPath: string, headers: Record<string, string>): Promise<number> =>
      fetch(`${receiver.url}${hookPath}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload }).then((r) => r.status);
    const signature = (key: string): string => `sha256=${createHmac('sha256', key).update(payload).digest('hex')}`;
    const requestedAt = async (): Promise<string | undefined> => (await cluster.get(GIT))?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];

    beforeEach(async () => {
      repo.commit({ 'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: flux-system\n' });
      await gitRepository();
      await until(async () => (await ready(GIT))?.status === 'True', 'source ready');
      await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'receiver-token', namespace: 'flux-system' }, stringData: { token: TOKEN } });
      await create({
        apiVersion: RECEIVER.apiVersion,
        kind: 'Receiver',
        metadata: { name: 'github', namespace: 'flux-system' },
        spec: { type: 'github', events: ['ping', 'push'], secretRef: { name: 'receiver-token' }, resources: [{ kind: 'GitRepository', name: 'app' }] },
      });
      await until(async () => (await ready(RECEIVER))?.status === 'True', 'receiver ready');
    });

    const hookPath = `/hook/${createHash('sha256').update(`${TOKEN}githubflux-system`).digest('hex')}`;

    it('is Ready with the webhook path Flux computes', async () => {
      const st = (await cluster.get(RECEIVER))!.status as { webhookPath: string; observedGeneration: number };
      expect(st.webhookPath).toBe(hookPath);
      expect(await ready(RECEIVER)).toMatchObject({ reason: 'Succeeded', message: `Receiver initialized for path: ${hookPath}` });
    });

    it('a correctly signed push annotates the GitRepository, which reconciles', async () => {
      const head = repo.commit({ 'deploy/cm2.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  namespace: flux-system\n' });
      expect(await post(hookPath, { 'x-github-event': 'push', 'x-hub-signature-256': signature(TOKEN) })).toBe(200);
      const stamp = await requestedAt();
      expect(stamp).toBeDefined();
      await until(async () => ((await cluster.get(GIT))?.status as { lastHandledReconcileAt?: string }).lastHandledReconcileAt === stamp, 'reconciled');
      await until(async () => ((await cluster.get(GIT))?.status as { artifact?: { revision: string } }).artifact?.revision === `main@sha1:${head}`, 'new revision');
    });

    it('a wrong signature is refused (400, as Flux answers) and nothing is annotated', async () => {
      expect(await post(hookPath, { 'x-github-event': 'push', 'x-hub-signature-256': signature('not-the-token') })).toBe(400);
      expect(await post(hookPath, { 'x-github-event': 'push' })).toBe(400);
      expect(await requestedAt()).toBeUndefined();
    });

    it('an event not in spec.events is refused and nothing is annotated', async () => {
      expect(await post(hookPath, { 'x-github-event': 'issues', 'x-hub-signature-256': signature(TOKEN) })).toBe(400);
      expect(await requestedAt()).toBeUndefined();
    });

    it('an unknown path is 404; a suspended Receiver is 503', async () => {
      expect(await post('/hook/0000', { 'x-github-event': 'push', 'x-hub-signature-256': signature(TOKEN) })).toBe(404);
      await cluster.patch(RECEIVER, { spec: { suspend: true } }, 'merge');
      expect(await post(hookPath, { 'x-github-event': 'push', 'x-hub-signature-256': signature(TOKEN) })).toBe(503);
      expect(await requestedAt()).toBeUndefined();
    });

    it('without its Secret the Receiver is not Ready (TokenNotFound) and has no path', async () => {
      await cluster.delete({ apiVersion: 'v1', kind: 'Secret', name: 'receiver-token', namespace: 'flux-system' });
      await cluster.patch(RECEIVER, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now' } } }, 'merge');
      await until(async () => (await ready(RECEIVER))?.status === 'False', 'not ready');
      expect(await ready(RECEIVER)).toMatchObject({ reason: 'TokenNotFound' });
      expect(((await cluster.get(RECEIVER))!.status as { webhookPath?: string }).webhookPath).toBeUndefined();
      expect(await post(hookPath, { 'x-github-event': 'push', 'x-hub-signature-256': signature(TOKEN) })).toBe(404);
    });
  });
});

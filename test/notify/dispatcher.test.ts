/**
 * Alerts → Providers through the in-process dispatcher, against real HTTP servers on 127.0.0.1:
 * the exact bodies and headers each provider type sends, filtering by source, severity and
 * inclusion/exclusion lists, metadata merging, duplicate suppression and retries on a fake clock.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { NotificationController } from '../../src/controllers/notification.js';
import { Dispatcher } from '../../src/notify/dispatcher.js';
import type { DispatchProblem } from '../../src/notify/dispatcher.js';
import type { RecordedEvent } from '../../src/notify/event.js';
import { buildRequest } from '../../src/notify/providers.js';
import { startWebhookSink } from '../helpers/webhook-sink.js';
import type { WebhookSink } from '../helpers/webhook-sink.js';

const NOTIFICATION = 'notification.toolkit.fluxcd.io/v1beta3';
const REVISION = 'main@sha1:0123456789abcdef0123456789abcdef01234567';

const failed: RecordedEvent = {
  involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'webapp', namespace: 'apps', uid: 'uid-1' },
  type: 'Warning',
  reason: 'BuildFailed',
  message: 'kustomize build failed: accumulating resources: missing.yaml',
  reportingController: 'kustomize-controller',
  annotations: { 'kustomize.toolkit.fluxcd.io/revision': REVISION },
};
const succeeded: RecordedEvent = {
  ...failed,
  type: 'Normal',
  reason: 'ReconciliationSucceeded',
  message: 'Reconciliation finished in 1s, next run in 10m0s',
};

describe('notification dispatcher', () => {
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let sink: WebhookSink;
  let dispatcher: Dispatcher;
  let problems: DispatchProblem[];
  let controller: NotificationController;

  beforeEach(async () => {
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds() });
    for (const name of ['apps', 'flux-system']) await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await cluster.create({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'webapp', namespace: 'apps', labels: { team: 'web' } }, spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'app' } } });
    sink = await startWebhookSink();
    problems = [];
    dispatcher = new Dispatcher({ clock, reportingInstance: 'fluxion-0', onProblem: (p) => problems.push(p) });
    controller = new NotificationController({ cluster, clock, dispatcher });
  });

  afterEach(async () => {
    controller.stop();
    await sink.close();
  });

  const provider = (name: string, spec: Record<string, unknown>): Promise<KubeObject> => cluster.create({ apiVersion: NOTIFICATION, kind: 'Provider', metadata: { name, namespace: 'apps' }, spec });
  const alert = (name: string, spec: Record<string, unknown>): Promise<KubeObject> =>
    cluster.create({ apiVersion: NOTIFICATION, kind: 'Alert', metadata: { name, namespace: 'apps' }, spec: { providerRef: { name: 'hook' }, eventSources: [{ kind: 'Kustomization', name: '*' }], ...spec } });
  const secret = (name: string, stringData: Record<string, string>): Promise<KubeObject> =>
    cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'apps' }, data: Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) });
  const send = async (...events: RecordedEvent[]): Promise<void> => {
    for (const e of events) dispatcher.dispatch(e);
    await dispatcher.idle();
  };

  it('generic: POSTs the event JSON as Flux marshals it, with gotk-component and the secret headers', async () => {
    await secret('hook-secret', { headers: 'X-Team: web\nAuthorization: Bearer abc\n' });
    await provider('hook', { type: 'generic', address: `${sink.url}/events`, secretRef: { name: 'hook-secret' } });
    await alert('all', {});
    await send(failed);
    expect(sink.requests).toHaveLength(1);
    const r = sink.requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/events');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['gotk-component']).toBe('kustomize-controller');
    expect(r.headers['x-team']).toBe('web');
    expect(r.headers.authorization).toBe('Bearer abc');
    expect(r.body).toBe(
      '{"involvedObject":{"kind":"Kustomization","namespace":"apps","name":"webapp","uid":"uid-1","apiVersion":"kustomize.toolkit.fluxcd.io/v1"},' +
        '"severity":"error","timestamp":"2026-01-01T00:00:00Z","message":"kustomize build failed: accumulating resources: missing.yaml","reason":"BuildFailed",' +
        `"metadata":{"revision":"${REVISION}"},"reportingController":"kustomize-controller","reportingInstance":"fluxion-0"}`,
    );
  });

  it('generic-hmac: X-Signature is sha256=HMAC(body, token), verifiable with node:crypto', async () => {
    await secret('hmac', { token: 'it-is-a-secret\n' });
    await provider('hook', { type: 'generic-hmac', address: sink.url, secretRef: { name: 'hmac' } });
    await alert('all', {});
    await send(failed);
    const r = sink.requests[0]!;
    const expected = createHmac('sha256', 'it-is-a-secret').update(r.raw).digest('hex');
    expect(r.headers['x-signature']).toBe(`sha256=${expected}`);
    expect(createHmac('sha256', 'another').update(r.raw).digest('hex')).not.toBe(expected);
  });

  it('generic-hmac without a token is refused and recorded on the Alert', async () => {
    await provider('hook', { type: 'generic-hmac', address: sink.url });
    await alert('all', {});
    await send(failed);
    expect(sink.requests).toHaveLength(0);
    expect(problems).toEqual([{ alert: { namespace: 'apps', name: 'all' }, reason: 'NotificationDispatchFailed', message: 'failed to send notification for Kustomization/apps/webapp: HMAC key is empty' }]);
  });

  it('slack: an attachment per event, username defaulted to the controller, the token as a bearer', async () => {
    await secret('slack', { address: `${sink.url}/services/T0/B0/x`, token: 'xoxb-1' });
    await provider('hook', { type: 'slack', channel: 'general', secretRef: { name: 'slack' } });
    await alert('all', { eventMetadata: { cluster: 'prod' } });
    await send(failed);
    const r = sink.requests[0]!;
    expect(r.path).toBe('/services/T0/B0/x');
    expect(r.headers.authorization).toBe('Bearer xoxb-1');
    expect(JSON.parse(r.body)).toEqual({
      channel: 'general',
      username: 'kustomize-controller',
      icon_url: '',
      icon_emoji: '',
      attachments: [
        {
          fallback: 'kustomization/webapp.apps: kustomize build failed: accumulating resources: missing.yaml',
          color: 'danger',
          author_name: 'kustomization/webapp.apps',
          text: failed.message,
          mrkdwn_in: ['text'],
          fields: [
            { title: 'cluster', value: 'prod', short: false },
            { title: 'revision', value: REVISION, short: false },
          ],
        },
      ],
    });
  });

  it('discord: the Slack-compatible endpoint (/slack appended), no fallback', async () => {
    await provider('hook', { type: 'discord', address: `${sink.url}/api/webhooks/1/abc`, username: 'flux' });
    await alert('all', {});
    await send(failed);
    const r = sink.requests[0]!;
    expect(r.path).toBe('/api/webhooks/1/abc/slack');
    expect(JSON.parse(r.body)).toMatchObject({ channel: '', username: 'flux', attachments: [{ fallback: '', color: 'danger', author_name: 'kustomization/webapp.apps' }] });
  });

  it('msteams: an Adaptive Card, summary first among the facts, the message in attention colour for errors', async () => {
    await provider('hook', { type: 'msteams', address: `${sink.url}/workflows/1` });
    await alert('all', { eventMetadata: { summary: 'prod cluster', env: 'prod' } });
    await send(failed);
    expect(JSON.parse(sink.requests[0]!.body)).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'Container',
                items: [
                  { type: 'TextBlock', text: 'kustomization/webapp.apps', size: 'large', weight: 'bolder', wrap: true },
                  { type: 'TextBlock', text: failed.message, color: 'attention', wrap: true },
                  {
                    type: 'FactSet',
                    facts: [
                      { title: 'summary', value: 'prod cluster' },
                      { title: 'env', value: 'prod' },
                      { title: 'revision', value: REVISION },
                    ],
                  },
                ],
              },
            ],
            msteams: { width: 'Full' },
          },
        },
      ],
    });
  });

  it('msteams: a legacy *.webhook.office.com address gets a MessageCard', () => {
    const out = buildRequest({ namespace: 'apps', name: 'x', type: 'msteams', address: 'https://org.webhook.office.com/webhookb2/x', timeoutMs: 15_000 }, { involvedObject: { kind: 'GitRepository', namespace: 'apps', name: 'app', apiVersion: 'source.toolkit.fluxcd.io/v1' }, severity: 'info', timestamp: '2026-01-01T00:00:00Z', message: 'stored artifact', reason: 'NewArtifact', metadata: { revision: 'r1' }, reportingController: 'source-controller' });
    expect(JSON.parse(out.body)).toEqual({
      '@type': 'MessageCard',
      '@context': 'http://schema.org/extensions',
      themeColor: '0076D7',
      summary: 'gitrepository/app.apps',
      sections: [{ activityTitle: 'stored artifact', activitySubtitle: 'gitrepository/app.apps', facts: [{ name: 'revision', value: 'r1' }] }],
    });
  });

  it('googlechat: a card with the message in red for errors and the metadata as key-values', async () => {
    await provider('hook', { type: 'googlechat', address: `${sink.url}/v1/spaces/x` });
    await alert('all', {});
    await send(failed);
    expect(JSON.parse(sink.requests[0]!.body)).toEqual({
      cards: [
        {
          header: { title: 'kustomization/webapp.apps', subtitle: 'kustomize-controller', imageUrl: null, imageStyle: null },
          sections: [
            { header: '', widgets: [{ textParagraph: { text: `<font color="#ff0000">${failed.message}</font>` }, keyValue: null }] },
            { header: '', widgets: [{ textParagraph: null, keyValue: { topLabel: 'revision', content: REVISION, contentMultiline: false, bottomLabel: null, icon: null } }] },
          ],
        },
      ],
    });
  });

  it('alertmanager: one firing alert labelled with the object, the summary as an annotation, basic auth', async () => {
    await secret('am', { username: 'u', password: 'p' });
    await provider('hook', { type: 'alertmanager', address: `${sink.url}/api/v2/alerts`, secretRef: { name: 'am' } });
    await alert('all', { eventMetadata: { summary: 'prod', env: 'prod' } });
    await send(failed);
    const r = sink.requests[0]!;
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(JSON.parse(r.body)).toEqual([
      {
        status: 'firing',
        labels: {
          alertname: 'FluxKustomizationBuildfailed',
          env: 'prod',
          kind: 'Kustomization',
          name: 'webapp',
          namespace: 'apps',
          reason: 'BuildFailed',
          reportingcontroller: 'kustomize-controller',
          revision: REVISION,
          severity: 'error',
        },
        annotations: { message: failed.message, summary: 'prod' },
        startsAt: '2026-01-01T00:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
      },
    ]);
  });

  describe('commit statuses', () => {
    const SHA = REVISION.slice(-40);
    const uidPrefix = async (): Promise<string> => (await cluster.get({ apiVersion: NOTIFICATION, kind: 'Provider', name: 'hook', namespace: 'apps' }))!.metadata.uid!.split('-')[0]!;

    it('github: lists the statuses of the commit, then sets failure for an error, named kind/name/<provider uid>', async () => {
      await secret('gh', { token: 'ghp_1' });
      await provider('hook', { type: 'github', address: `${sink.url}/org/repo.git`, secretRef: { name: 'gh' } });
      await alert('all', {});
      sink.answer = (_n, r) => (r.method === 'GET' ? { status: 200, body: '[]' } : { status: 201, body: '{}' });
      await send(failed);
      expect(sink.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/v3/repos/org/repo/commits/${SHA}/statuses?per_page=50`, `POST /api/v3/repos/org/repo/statuses/${SHA}`]);
      expect(sink.requests[1]!.headers.authorization).toBe('Bearer ghp_1');
      expect(JSON.parse(sink.requests[1]!.body)).toEqual({ state: 'failure', description: 'build failed', context: `kustomization/webapp/${await uidPrefix()}` });
    });

    it('github: an identical latest status is not set again; info events only when they update the commit status', async () => {
      await secret('gh', { token: 'ghp_1' });
      await provider('hook', { type: 'github', address: `${sink.url}/org/repo`, secretRef: { name: 'gh' } });
      await alert('all', {});
      const context = `kustomization/webapp/${await uidPrefix()}`;
      sink.answer = (_n, r) => (r.method === 'GET' ? { status: 200, body: JSON.stringify([{ context, state: 'failure', description: 'build failed' }]) } : { status: 201 });
      await send(failed, succeeded);
      expect(sink.requests.map((r) => r.method)).toEqual(['GET']);
      await send({ ...succeeded, message: 'ready', annotations: { ...succeeded.annotations, 'kustomize.toolkit.fluxcd.io/commit_status': 'update' } });
      expect(sink.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'POST']);
      expect(JSON.parse(sink.requests[2]!.body)).toEqual({ state: 'success', description: 'reconciliation succeeded', context });
    });

    it('gitlab: PRIVATE-TOKEN, the project path encoded, state failed', async () => {
      await secret('gl', { token: 'glpat-1' });
      await provider('hook', { type: 'gitlab', address: `${sink.url}/group/sub/repo`, secretRef: { name: 'gl' } });
      await alert('all', {});
      sink.answer = (_n, r) => (r.method === 'GET' ? { status: 200, body: '[]' } : { status: 201, body: '{}' });
      await send(failed);
      const name = `kustomization/webapp/${await uidPrefix()}`;
      expect(sink.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `GET /api/v4/projects/group%2Fsub%2Frepo/repository/commits/${SHA}/statuses?name=${encodeURIComponent(name)}`,
        `POST /api/v4/projects/group%2Fsub%2Frepo/statuses/${SHA}`,
      ]);
      expect(sink.requests[1]!.headers['private-token']).toBe('glpat-1');
      expect(JSON.parse(sink.requests[1]!.body)).toEqual({ state: 'failed', name, description: 'build failed' });
    });
  });

  it('eventSeverity error drops info events; info takes both', async () => {
    await provider('hook', { type: 'generic', address: sink.url });
    await alert('errors', { eventSeverity: 'error' });
    await send(succeeded);
    expect(sink.requests).toHaveLength(0);
    await send(failed);
    expect(sink.requests.map((r) => JSON.parse(r.body).reason)).toEqual(['BuildFailed']);
    await alert('everything', {});
    await send({ ...succeeded, message: 'another success' });
    expect(sink.requests.map((r) => JSON.parse(r.body).reason)).toEqual(['BuildFailed', 'ReconciliationSucceeded']);
  });

  it('exclusionList drops a matching message even when inclusionList takes it', async () => {
    await provider('hook', { type: 'generic', address: sink.url });
    await alert('all', { inclusionList: ['.*'], exclusionList: ['missing\\.yaml$'] });
    await send(failed, { ...failed, message: 'health check failed after 5m0s' });
    expect(sink.requests.map((r) => JSON.parse(r.body).message)).toEqual(['health check failed after 5m0s']);
  });

  it('sources match by kind, name, namespace and the labels of the involved object', async () => {
    await provider('hook', { type: 'generic', address: sink.url });
    await alert('other-kind', { eventSources: [{ kind: 'HelmRelease', name: '*' }] });
    await alert('other-name', { eventSources: [{ kind: 'Kustomization', name: 'api' }] });
    await alert('other-namespace', { eventSources: [{ kind: 'Kustomization', name: 'webapp', namespace: 'flux-system' }] });
    await alert('other-team', { eventSources: [{ kind: 'Kustomization', name: '*', matchLabels: { team: 'db' } }] });
    await send(failed);
    expect(sink.requests).toHaveLength(0);
    await alert('web-team', { eventSources: [{ kind: 'Kustomization', name: '*', matchLabels: { team: 'web' } }] });
    await send({ ...failed, message: 'again' });
    expect(sink.requests).toHaveLength(1);
  });

  it('suspended Alerts and Providers send nothing', async () => {
    await provider('hook', { type: 'generic', address: sink.url, suspend: true });
    await alert('all', {});
    await send(failed);
    await cluster.patch({ apiVersion: NOTIFICATION, kind: 'Provider', name: 'hook', namespace: 'apps' }, { spec: { suspend: false } }, 'merge');
    await cluster.patch({ apiVersion: NOTIFICATION, kind: 'Alert', name: 'all', namespace: 'apps' }, { spec: { suspend: true } }, 'merge');
    await send({ ...failed, message: 'second' });
    expect(sink.requests).toHaveLength(0);
  });

  it('commit-status updates (Ready at a revision) reach generic providers but not chat providers', async () => {
    const ready: RecordedEvent = { ...succeeded, annotations: { ...succeeded.annotations, 'kustomize.toolkit.fluxcd.io/commit_status': 'update' } };
    await provider('hook', { type: 'generic', address: `${sink.url}/generic` });
    await provider('chat', { type: 'slack', address: `${sink.url}/slack` });
    await alert('all', {});
    await alert('chat', { providerRef: { name: 'chat' } });
    await send(ready);
    expect(sink.requests.map((r) => r.path)).toEqual(['/generic']);
    expect(JSON.parse(sink.requests[0]!.body).metadata).toEqual({ commit_status: 'update', revision: REVISION });
  });

  it('metadata: event-group keys, then eventMetadata, then summary, then the object group wins; checksum and foreign keys are dropped', async () => {
    await provider('hook', { type: 'generic', address: sink.url });
    await alert('all', { eventMetadata: { revision: 'overridden-by-the-object', env: 'prod' }, summary: 'from summary' });
    await send({ ...failed, annotations: { 'kustomize.toolkit.fluxcd.io/revision': REVISION, 'kustomize.toolkit.fluxcd.io/checksum': 'x', 'event.toolkit.fluxcd.io/env': 'dev', 'example.com/other': 'y' } });
    expect(JSON.parse(sink.requests[0]!.body).metadata).toEqual({ env: 'prod', revision: REVISION, summary: 'from summary' });
    expect(problems.map((p) => p.reason)).toEqual(['MetadataAppendFailed']);
  });

  it('the same event is sent once per 5-minute window; another revision or message goes through', async () => {
    await provider('hook', { type: 'generic', address: sink.url });
    await alert('all', {});
    await send(failed, failed);
    expect(sink.requests).toHaveLength(1);
    await send({ ...failed, annotations: { 'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:ffff' } });
    expect(sink.requests).toHaveLength(2);
    await clock.advanceAsync(4 * 60_000);
    await send(failed);
    expect(sink.requests).toHaveLength(2);
    await clock.advanceAsync(60_000);
    await send(failed);
    expect(sink.requests).toHaveLength(3);
    expect(dispatcher.stats).toMatchObject({ events: 5, rateLimited: 2, sent: 3 });
  });

  it('retries a 500 after 2s on the clock; a 400 fails at once and is recorded with the token masked', async () => {
    await secret('tok', { token: 'sekret', address: `${sink.url}/sekret` });
    await provider('hook', { type: 'slack', secretRef: { name: 'tok' } });
    await alert('all', {});
    sink.answer = (n) => (n === 0 ? { status: 500, body: 'busy' } : { status: 200 });
    dispatcher.dispatch(failed);
    for (let i = 0; i < 100 && sink.requests.length < 1; i++) await settle();
    expect(sink.requests).toHaveLength(1);
    await clock.advanceAsync(1_999);
    expect(sink.requests).toHaveLength(1);
    await clock.advanceAsync(1);
    await dispatcher.idle();
    expect(sink.requests).toHaveLength(2);
    expect(dispatcher.stats.sent).toBe(1);

    sink.answer = () => ({ status: 400, body: 'bad token sekret' });
    await send({ ...failed, message: 'other' });
    expect(sink.requests).toHaveLength(3);
    expect(problems).toEqual([{ alert: { namespace: 'apps', name: 'all' }, reason: 'NotificationDispatchFailed', message: 'failed to send notification for Kustomization/apps/webapp: request failed with status code 400: bad token *****' }]);
  });

  it('gives up when the provider timeout passes on the clock', async () => {
    await provider('hook', { type: 'generic', address: sink.url, timeout: '5s' });
    await alert('all', {});
    sink.answer = () => ({ status: 503 });
    dispatcher.dispatch(failed);
    for (let i = 0; i < 20; i++) await clock.advanceAsync(1_000);
    await dispatcher.idle();
    // 0s, 2s, then 6s would be past the 5s deadline.
    expect(sink.requests).toHaveLength(2);
    expect(problems[0]!.message).toMatch(/^failed to send notification for Kustomization\/apps\/webapp: timed out after 5000ms; last error: request failed with status code 503/);
  });

  it('a missing Provider, a proxy, an unsupported type: recorded on the Alert as Warning events, nothing sent', async () => {
    await alert('no-provider', { providerRef: { name: 'nope' } });
    await provider('proxied', { type: 'generic', address: sink.url, proxy: 'http://proxy:3128' });
    await alert('via-proxy', { providerRef: { name: 'proxied' } });
    await provider('pd', { type: 'pagerduty', address: sink.url });
    await alert('pager', { providerRef: { name: 'pd' } });
    await send(failed);
    expect(sink.requests).toHaveLength(0);
    expect(problems.map((p) => `${p.alert.name}: ${p.message}`).sort()).toEqual([
      'no-provider: failed to dispatch notification for Kustomization/apps/webapp: failed to read provider: Provider.notification.toolkit.fluxcd.io "nope" not found',
      'pager: failed to send notification for Kustomization/apps/webapp: provider type pagerduty is not supported by fluxion (supported: generic, generic-hmac, slack, discord, msteams, googlechat, alertmanager, github, gitlab)',
      'via-proxy: failed to send notification for Kustomization/apps/webapp: sending through a proxy (spec.proxy, spec.proxySecretRef) is not supported by fluxion',
    ]);
    await settle();
    const events = await cluster.list({ apiVersion: 'v1', kind: 'Event', namespace: 'apps' });
    expect(events.items.filter((e) => (e as { reason?: string }).reason === 'NotificationDispatchFailed').length).toBe(3);
  });
});

/**
 * The notification kinds on the command line — `get alerts|alert-providers|receivers`, `export`,
 * `suspend`/`resume`, `reconcile receiver`, `delete` — against the served simulator, golden
 * output compared byte for byte with what flux prints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { startFakeController } from './fake-controller.js';
import type { Behaviour } from './fake-controller.js';
import type { CliHarness } from './harness.js';
import { cond, startCliHarness } from './harness.js';

/** flux's tablewriter: cells padded and tab-separated, the header's last cell followed by a space. */
const table = (header: string[], ...rows: string[][]): string => {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[], last: string) => `${r.map((c, i) => `${c.padEnd(widths[i]!)}${i === r.length - 1 ? last : '\t'}`).join('')}\n`;
  return line(header, ' ') + rows.map((r) => line(r, '\t')).join('');
};

const V1B3 = 'notification.toolkit.fluxcd.io/v1beta3';
const V1 = 'notification.toolkit.fluxcd.io/v1';
const HOOK = '/hook/bed6d00b5555b1603e1f59b94d7fdbca58089cb5663633fb83f2815dc626d92b';

const provider = (name: string, namespace = 'flux-system'): KubeObject => ({
  apiVersion: V1B3,
  kind: 'Provider',
  metadata: { name, namespace },
  spec: { type: 'slack', channel: 'A channel with spacess', address: 'https://hooks.slack.com/services/mock' },
});
const alert = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: V1B3,
  kind: 'Alert',
  metadata: { name, namespace: 'flux-system' },
  spec: {
    providerRef: { name: 'slack' },
    eventSeverity: 'info',
    eventSources: [
      { kind: 'GitRepository', name: '*' },
      { kind: 'Kustomization', name: '*' },
    ],
    summary: 'Slacktest Notification',
    ...extra,
  },
});
const receiver = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: V1,
  kind: 'Receiver',
  metadata: { name, namespace: 'flux-system' },
  spec: { type: 'github', events: ['ping', 'push'], interval: '10m', resources: [{ kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' }], secretRef: { name: 'webhook-token' }, ...extra },
});
const ready = (message: string) => ({ conditions: [cond('Ready', 'True', 'Succeeded', message)], webhookPath: HOOK });

describe('notification kinds on the command line', () => {
  let h: CliHarness;
  let controller: { stop(): void };
  beforeAll(async () => {
    h = await startCliHarness();
    await h.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
    const behaviours: Record<string, Behaviour> = { 'flux-system': { ready: true, revision: HOOK }, broken: { ready: false, reason: 'TokenNotFound', message: "unable to read token from secret 'flux-system/missing'" } };
    for (const o of [provider('slack'), provider('teams', 'monitoring'), alert('flux-system'), alert('paused', { suspend: true })]) await h.cluster.create(o);
    await h.seed(receiver('flux-system'), ready(`Receiver initialized for path: ${HOOK}`));
    await h.seed(receiver('broken', { secretRef: { name: 'missing' } }), { conditions: [cond('Ready', 'False', 'TokenNotFound', "unable to read token from secret 'flux-system/missing'")] });
    // Started after seeding: it leaves alone what is already observed.
    controller = await startFakeController(h.cluster, (o) => (o.kind === 'Receiver' ? (behaviours[o.metadata.name] ?? 'silent') : 'silent'));
  });
  afterAll(async () => {
    controller.stop();
    await h.close();
  });

  describe('get', () => {
    // flux prints Alerts and Providers as static objects: always Ready, no REVISION; Providers have no SUSPENDED.
    const ALERTS = ['NAME', 'SUSPENDED', 'READY', 'MESSAGE'];
    const PROVIDERS = ['NAME', 'READY', 'MESSAGE'];
    const RX_OK = ['flux-system', 'False', 'True', `Receiver initialized for path: ${HOOK}`];
    const RX_BROKEN = ['broken', 'False', 'False', "unable to read token from secret 'flux-system/missing'"];

    it.each([
      [['get', 'alerts'], table(ALERTS, ['flux-system', 'False', 'True', 'Alert is Ready'], ['paused', 'True', 'True', 'Alert is Ready'])],
      [['get', 'alert', 'paused'], table(ALERTS, ['paused', 'True', 'True', 'Alert is Ready'])],
      [['get', 'alert-providers'], table(PROVIDERS, ['slack', 'True', 'Provider is Ready'])],
      [['get', 'alert-providers', '-A'], table(['NAMESPACE', ...PROVIDERS], ['flux-system', 'slack', 'True', 'Provider is Ready'], ['monitoring', 'teams', 'True', 'Provider is Ready'])],
      [['get', 'receivers'], table(ALERTS, RX_BROKEN, RX_OK)],
      [['get', 'receiver', '--status-selector', 'ready=false'], table(ALERTS, RX_BROKEN)],
      [['get', 'receivers', '--status-selector', 'ready!=false'], table(ALERTS, RX_OK)],
      // A static object matches `ready=true` only.
      [['get', 'alerts', '--status-selector', 'ready=true', '--no-header'], 'flux-system\tFalse\tTrue\tAlert is Ready\t\npaused     \tTrue \tTrue\tAlert is Ready\t\n'],
      [['get', 'alerts', '--status-selector', 'ready!=true'], `${ALERTS.join('\t')} \n`],
    ])('%j prints flux’s table', async (args, expected) => {
      expect(await h.run(args)).toEqual({ code: 0, out: expected, err: '' });
    });

    it('get all lists receivers, providers and alerts after the Kustomizations, names prefixed with the kind', async () => {
      const r = await h.run(['get', 'all']);
      expect(r).toEqual({
        code: 0,
        err: '',
        out: [
          table(ALERTS, ['receiver/broken', ...RX_BROKEN.slice(1)], ['receiver/flux-system', ...RX_OK.slice(1)]),
          table(PROVIDERS, ['provider/slack', 'True', 'Provider is Ready']),
          table(ALERTS, ['alert/flux-system', 'False', 'True', 'Alert is Ready'], ['alert/paused', 'True', 'True', 'Alert is Ready']),
        ].join('\n') + '\n',
      });
    });

    it.each([
      [['get', 'alerts', 'nope'], "✗ Alert object 'nope' not found in \"flux-system\" namespace\n"],
      [['get', 'receivers', '-n', 'monitoring'], '✗ no Receiver objects found in "monitoring" namespace\n'],
    ])('%j fails with flux’s message', async (args, err) => {
      expect(await h.run(args)).toEqual({ code: 1, out: '', err });
    });
  });

  describe('export', () => {
    // flux's goldens: cmd/flux/testdata/export/{alert,provider,receiver}.yaml.
    it.each([
      [
        ['export', 'alert', 'flux-system'],
        `---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: flux-system
  namespace: flux-system
spec:
  eventSeverity: info
  eventSources:
  - kind: GitRepository
    name: '*'
  - kind: Kustomization
    name: '*'
  providerRef:
    name: slack
  summary: Slacktest Notification
`,
      ],
      [
        ['export', 'alert-provider', 'slack'],
        `---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
  namespace: flux-system
spec:
  address: https://hooks.slack.com/services/mock
  channel: A channel with spacess
  type: slack
`,
      ],
      [
        ['export', 'receiver', 'flux-system'],
        `---
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: flux-system
  namespace: flux-system
spec:
  events:
  - ping
  - push
  interval: 10m0s
  resources:
  - kind: GitRepository
    name: flux-system
    namespace: flux-system
  secretRef:
    name: webhook-token
  type: github
`,
      ],
    ])('%j prints flux’s golden', async (args, out) => {
      expect(await h.run(args)).toEqual({ code: 0, out, err: '' });
    });

    it('export alert --all prints every Alert of the namespace; a missing one is reported as the API does', async () => {
      const r = await h.run(['export', 'alert', '--all']);
      expect(r.out.match(/^kind: Alert$/gm)).toHaveLength(2);
      expect(r.out).toContain('  suspend: true\n');
      expect(await h.run(['export', 'receiver', 'nope'])).toEqual({ code: 1, out: '', err: '✗ receivers.notification.toolkit.fluxcd.io "nope" not found\n' });
    });
  });

  describe('suspend, resume, reconcile', () => {
    it('suspend alert sets spec.suspend; resume waits only for the static object to be current', async () => {
      await h.cluster.create(alert('toggled'));
      expect(await h.run(['suspend', 'alert', 'toggled'])).toEqual({ code: 0, out: '', err: '► suspending alert toggled in flux-system namespace\n✔ alert suspended\n' });
      const ref = { apiVersion: V1B3, kind: 'Alert', name: 'toggled', namespace: 'flux-system' };
      expect(((await h.cluster.get(ref))!.spec as { suspend?: boolean }).suspend).toBe(true);
      expect(await h.run(['resume', 'alert', 'toggled'])).toEqual({
        code: 0,
        out: '',
        err: `► resuming alert toggled in flux-system namespace
✔ alert resumed
◎ waiting for Alert reconciliation
✔ Alert toggled reconciliation completed
✔ Alert reconciliation completed
`,
      });
      expect(((await h.cluster.get(ref))!.spec as { suspend?: boolean }).suspend).toBe(false);
    });

    it('suspend and resume alert-provider, as flux also offers', async () => {
      expect((await h.run(['suspend', 'alert-provider', 'slack'])).err).toBe('► suspending alert provider slack in flux-system namespace\n✔ alert provider suspended\n');
      expect((await h.run(['resume', 'alert-provider', 'slack'])).err).toBe(
        '► resuming alert provider slack in flux-system namespace\n✔ alert provider resumed\n◎ waiting for Provider reconciliation\n✔ Provider slack reconciliation completed\n✔ Provider reconciliation completed\n',
      );
    });

    it('suspend receiver; resume waits for Ready at the new generation', async () => {
      expect((await h.run(['suspend', 'receiver', 'flux-system'])).err).toBe('► suspending receiver flux-system in flux-system namespace\n✔ receiver suspended\n');
      expect(await h.run(['resume', 'receiver', 'flux-system'])).toEqual({
        code: 0,
        out: '',
        err: `► resuming receiver flux-system in flux-system namespace
✔ receiver resumed
◎ waiting for Receiver reconciliation
✔ Receiver flux-system reconciliation completed
✔ Receiver reconciliation completed
`,
      });
    });

    it('reconcile receiver annotates it and waits for the controller', async () => {
      expect(await h.run(['reconcile', 'receiver', 'flux-system'])).toEqual({
        code: 0,
        out: '',
        err: `► annotating Receiver flux-system in flux-system namespace
✔ Receiver annotated
◎ waiting for Receiver reconciliation
✔ Receiver reconciliation completed
`,
      });
    });

    it('reconcile receiver quotes the failure message, as flux does', async () => {
      expect(await h.run(['reconcile', 'receiver', 'broken'])).toEqual({
        code: 1,
        out: '',
        err: `► annotating Receiver broken in flux-system namespace
✔ Receiver annotated
◎ waiting for Receiver reconciliation
✗ Receiver reconciliation failed: 'unable to read token from secret 'flux-system/missing''
`,
      });
    });

    it.each([
      [['reconcile', 'alert', 'flux-system'], '✗ unknown kind "alert" for "fluxion reconcile": one of source git, source oci, source helm, source chart, source bucket, kustomization, helmrelease, receiver, image repository, image policy\n'],
      [['suspend', 'receiver', 'nope'], '✗ Receiver nope not found in flux-system namespace\n'],
      [['suspend', 'alert'], '✗ alert name is required\n'],
    ])('%j is refused', async (args, err) => {
      expect(await h.run(args)).toEqual({ code: 1, out: '', err });
    });
  });

  describe('delete', () => {
    it.each([
      ['alert', V1B3, 'Alert', alert('gone'), 'alert'],
      ['alert-provider', V1B3, 'Provider', provider('gone'), 'alert provider'],
      ['receiver', V1, 'Receiver', receiver('gone'), 'receiver'],
    ])('delete %s -s deletes it', async (word, apiVersion, kind, obj, human) => {
      await h.cluster.create(obj);
      expect(await h.run(['delete', word, 'gone', '-s'])).toEqual({ code: 0, out: '', err: `► deleting ${human} gone in flux-system namespace\n✔ ${human} deleted\n` });
      expect(await h.cluster.get({ apiVersion, kind, name: 'gone', namespace: 'flux-system' })).toBeUndefined();
    });

    it('delete of a missing receiver relays the API’s NotFound', async () => {
      expect(await h.run(['delete', 'receiver', 'nope', '-s'])).toEqual({ code: 1, out: '', err: '✗ receivers.notification.toolkit.fluxcd.io "nope" not found\n' });
    });
  });
});

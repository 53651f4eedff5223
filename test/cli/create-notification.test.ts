/**
 * `create alert-provider|alert|receiver` and `create source bucket`: the YAML `flux create …
 * --export` prints, the errors it gives, and applying the object and waiting for it against the
 * served simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFluxion } from '../helpers/cli.js';
import { startFakeController } from './fake-controller.js';
import type { CliHarness } from './harness.js';
import { startCliHarness } from './harness.js';

const HOOK = '/hook/4f2b6c1bd0f6fcbbd2fdc3ddc1d7e5c2a0a11e4e1a06d1af3dd0ff0bd7a6a4b2';
const exportOf = (...args: string[]) => runFluxion(['create', ...args, '--export']);

describe('create --export prints the YAML flux prints', () => {
  it('alert-provider: the optional fields only when given, keys sorted', async () => {
    expect(await exportOf('alert-provider', 'slack', '--type', 'slack', '--channel', 'general', '--address', 'https://hooks.slack.com/services/mock', '--secret-ref', 'webhook-url', '--username', 'flux')).toEqual({
      code: 0,
      err: '',
      out: `---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
  namespace: flux-system
spec:
  address: https://hooks.slack.com/services/mock
  channel: general
  secretRef:
    name: webhook-url
  type: slack
  username: flux
`,
    });
    expect((await exportOf('alert-provider', 'gh', '--type=github', '--label=team=a', '-n', 'apps')).out).toBe(`---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  labels:
    team: a
  name: gh
  namespace: apps
spec:
  type: github
`);
  });

  it('alert: event sources as <kind>/<name>[.<namespace>], comma-separated or repeated', async () => {
    expect(await exportOf('alert', 'flux-system', '--provider-ref', 'slack', '--event-severity', 'info', '--event-source', 'Kustomization/*,GitRepository/podinfo.apps', '--event-source', 'HelmRelease/redis')).toEqual({
      code: 0,
      err: '',
      out: `---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: flux-system
  namespace: flux-system
spec:
  eventSeverity: info
  eventSources:
  - kind: Kustomization
    name: '*'
  - kind: GitRepository
    name: podinfo
    namespace: apps
  - kind: HelmRelease
    name: redis
  providerRef:
    name: slack
`,
    });
    // Without --event-severity flux leaves it out (the CRD defaults it to info).
    expect((await exportOf('alert', 'a', '--provider-ref=p', '--event-source=Kustomization/apps')).out).not.toContain('eventSeverity');
  });

  it('receiver: no interval (flux sets none), events and resources as given', async () => {
    expect(await exportOf('receiver', 'github-receiver', '--type', 'github', '--event', 'ping', '--event', 'push', '--secret-ref', 'webhook-token', '--resource', 'GitRepository/webapp', '--resource', 'HelmRepository/webapp')).toEqual({
      code: 0,
      err: '',
      out: `---
apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: github-receiver
  namespace: flux-system
spec:
  events:
  - ping
  - push
  resources:
  - kind: GitRepository
    name: webapp
  - kind: HelmRepository
    name: webapp
  secretRef:
    name: webhook-token
  type: github
`,
    });
  });

  it('source bucket: flux’s export golden (cmd/flux/testdata/export/bucket.yaml), made with create', async () => {
    expect(await exportOf('source', 'bucket', 'flux-system', '--bucket-name=podinfo', '--endpoint=s3.amazonaws.com', '--provider=aws', '--region=us-east-1', '--interval=5m', '--fetch-timeout=30s')).toEqual({
      code: 0,
      err: '',
      out: `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata:
  name: flux-system
  namespace: flux-system
spec:
  bucketName: podinfo
  endpoint: s3.amazonaws.com
  interval: 5m0s
  provider: aws
  region: us-east-1
  timeout: 30s
`,
    });
  });

  it('source bucket: the provider defaults to generic; insecure, secret and ignore paths when given', async () => {
    expect((await exportOf('source', 'bucket', 'podinfo', '--bucket-name=podinfo', '--endpoint=minio.minio.svc:9000', '--insecure', '--secret-ref=minio-creds', '--ignore-paths=drafts/,*.md')).out).toBe(`---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata:
  name: podinfo
  namespace: flux-system
spec:
  bucketName: podinfo
  endpoint: minio.minio.svc:9000
  ignore: |-
    drafts/
    *.md
  insecure: true
  interval: 1m0s
  provider: generic
  secretRef:
    name: minio-creds
`);
  });

  it.each([
    [['alert-provider'], '✗ name is required\n'],
    [['alert-provider', 'slack'], '✗ Provider type is required\n'],
    [['alert', 'a', '--event-source=Kustomization/apps'], '✗ provider ref is required\n'],
    [['alert', 'a', '--provider-ref=slack'], '✗ at least one event source is required\n'],
    [['alert', 'a', '--provider-ref=slack', '--event-source=apps'], "✗ invalid event source 'apps', must be in format <kind>/<name>\n"],
    [['alert', 'a', '--type=slack'], '✗ unknown flag: --type for "fluxion create alert"\n'],
    [['receiver', 'r', '--secret-ref=t', '--resource=GitRepository/a'], '✗ Receiver type is required\n'],
    [['receiver', 'r', '--type=svn', '--secret-ref=t', '--resource=GitRepository/a'], "✗ invalid argument \"svn\" for \"--type\" flag: receiver type 'svn' is not supported, must be one of: generic, generic-hmac, github, gitlab, bitbucket, harbor, dockerhub, quay, gcr, nexus, acr, cdevents\n"],
    [['receiver', 'r', '--type=github', '--resource=GitRepository/a'], '✗ secret ref is required\n'],
    [['receiver', 'r', '--type=github', '--secret-ref=t'], '✗ atleast one resource is required\n'],
    [['receiver', 'r', '--type=github', '--secret-ref=t', '--resource=a'], "✗ invalid event source 'a', must be in format <kind>/<name>\n"],
    [['source', 'bucket', 'b', '--endpoint=s3.amazonaws.com'], '✗ bucket-name is required\n'],
    [['source', 'bucket', 'b', '--bucket-name=b'], '✗ endpoint is required\n'],
    [['source', 'bucket', 'b', '--bucket-name=b', '--endpoint=e', '--provider=minio'], "✗ invalid argument \"minio\" for \"--provider\" flag: source bucket provider 'minio' is not supported, must be one of: generic, aws, azure, gcp\n"],
    [['source', 'bucket', 'b', '--bucket-name=b', '--endpoint=e', '--url=https://x'], '✗ unknown flag: --url for "fluxion create source bucket"\n'],
  ])('%j is refused', async (args, err) => {
    expect(await exportOf(...args)).toEqual({ code: 1, out: '', err });
  });
});

describe('create against the served simulator', () => {
  let h: CliHarness;
  let controller: { stop(): void };
  const revision = 'sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae';

  beforeAll(async () => {
    h = await startCliHarness();
    controller = await startFakeController(h.cluster, (o) => ({ ready: true, revision: o.kind === 'Receiver' ? HOOK : revision }));
  });
  afterAll(async () => {
    controller.stop();
    await h.close();
  });

  it('alert-provider and alert are static: ready once applied', async () => {
    expect(await h.run(['create', 'alert-provider', 'slack', '--type', 'slack', '--channel', 'general', '--secret-ref', 'webhook-url'])).toEqual({
      code: 0,
      out: '',
      err: '✚ generating Provider\n► applying Provider\n✔ Provider created\n◎ waiting for Provider reconciliation\n✔ Provider slack is ready\n',
    });
    expect(await h.run(['create', 'alert', 'flux-system', '--provider-ref', 'slack', '--event-source', 'Kustomization/*'])).toEqual({
      code: 0,
      out: '',
      err: '✚ generating Alert\n► applying Alert\n✔ Alert created\n◎ waiting for Alert reconciliation\n✔ Alert flux-system is ready\n',
    });
    const spec = (await h.cluster.get({ apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Alert', name: 'flux-system', namespace: 'flux-system' }))?.spec;
    expect(spec).toMatchObject({ providerRef: { name: 'slack' }, eventSources: [{ kind: 'Kustomization', name: '*' }] });
    // Again: the spec is replaced, and flux says "updated".
    const r = await h.run(['create', 'alert', 'flux-system', '--provider-ref', 'slack', '--event-source', 'GitRepository/podinfo']);
    expect(r.err.split('\n')[2]).toBe('✔ Alert updated');
  });

  it('receiver waits for Ready and prints the webhook path the controller generated', async () => {
    expect(await h.run(['create', 'receiver', 'github-receiver', '--type', 'github', '--event', 'ping,push', '--secret-ref', 'webhook-token', '--resource', 'GitRepository/webapp'])).toEqual({
      code: 0,
      out: '',
      err: `✚ generating Receiver
► applying Receiver
✔ Receiver created
◎ waiting for Receiver reconciliation
✔ Receiver github-receiver is ready
✔ generated webhook URL ${HOOK}
`,
    });
  });

  it('source bucket waits for the artifact and prints its revision', async () => {
    expect(await h.run(['create', 'source', 'bucket', 'podinfo', '--bucket-name=podinfo', '--endpoint=minio.minio.svc:9000', '--insecure', '--secret-ref=minio-creds'])).toEqual({
      code: 0,
      out: '',
      err: `✚ generating Bucket source
► applying Bucket source
✔ Bucket source created
◎ waiting for Bucket source reconciliation
✔ Bucket source reconciliation completed
✔ fetched revision: ${revision}
`,
    });
    const spec = (await h.cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'Bucket', name: 'podinfo', namespace: 'flux-system' }))?.spec;
    expect(spec).toMatchObject({ bucketName: 'podinfo', endpoint: 'minio.minio.svc:9000', insecure: true, provider: 'generic', secretRef: { name: 'minio-creds' } });
  });

  it('source bucket with --access-key and --secret-key keeps them in a bucket-NAME Secret, never in the output', async () => {
    const r = await h.run(['create', 'source', 'bucket', 'static', '--bucket-name=podinfo', '--endpoint=minio.minio.svc:9000', '--access-key=AKIAEXAMPLE', '--secret-key=s3cr3t-value']);
    expect(r).toEqual({
      code: 0,
      out: '',
      err: `✚ generating Bucket source
► applying secret with the bucket credentials
✔ authentication configured
► applying Bucket source
✔ Bucket source created
◎ waiting for Bucket source reconciliation
✔ Bucket source reconciliation completed
✔ fetched revision: ${revision}
`,
    });
    const secret = await h.cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'bucket-static', namespace: 'flux-system' });
    expect(secret?.data).toEqual({ accesskey: Buffer.from('AKIAEXAMPLE').toString('base64'), secretkey: Buffer.from('s3cr3t-value').toString('base64') });
    const spec = (await h.cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'Bucket', name: 'static', namespace: 'flux-system' }))?.spec;
    expect(spec).toMatchObject({ secretRef: { name: 'bucket-static' } });
  });

  it('source bucket --export leaves the keys out, as flux does', async () => {
    const r = await h.run(['create', 'source', 'bucket', 'exported', '--bucket-name=b', '--endpoint=e', '--access-key=AKIAEXAMPLE', '--secret-key=s3cr3t-value', '--export']);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/secretRef|AKIAEXAMPLE|s3cr3t/);
    expect(await h.cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'bucket-exported', namespace: 'flux-system' })).toBeUndefined();
  });
});

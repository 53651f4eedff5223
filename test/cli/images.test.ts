/**
 * The image kinds on the command line — `get images repository|policy|all`, `reconcile`,
 * `suspend`/`resume`, `export` and `delete` of `image repository|policy` — against the served
 * simulator, with the tables and messages flux prints (cmd/flux/get_image_*.go, image.go).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { Watch } from '../../src/cluster/types.js';
import type { CliHarness } from './harness.js';
import { cond, startCliHarness } from './harness.js';

/** flux's tablewriter: cells padded and tab-separated, the header's last cell followed by a space. */
const table = (header: string[], ...rows: string[][]): string => {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[], last: string) => `${r.map((c, i) => `${c.padEnd(widths[i]!)}${i === r.length - 1 ? last : '\t'}`).join('')}\n`;
  return line(header, ' ') + rows.map((r) => line(r, '\t')).join('');
};

const API = 'image.toolkit.fluxcd.io/v1';
const IMAGE = 'ghcr.io/stefanprodan/podinfo';
const SCANNED = 'successful scan: found 42 tags with checksum 5f1b3c2a';
const RESOLVED = `Latest image tag for ${IMAGE} resolved to 6.5.0`;

const repository = (name: string, namespace = 'flux-system', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: API,
  kind: 'ImageRepository',
  metadata: { name, namespace },
  spec: { image: IMAGE, interval: '5m', ...extra },
});
const policy = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: API,
  kind: 'ImagePolicy',
  metadata: { name, namespace: 'flux-system' },
  spec: { imageRepositoryRef: { name: 'podinfo' }, policy: { semver: { range: '>=6.0.0' } }, ...extra },
});
const scanned = (tagCount: number, scanTime: string, message: string) => ({
  canonicalImageName: IMAGE,
  lastScanResult: { tagCount, scanTime, latestTags: ['6.5.0', '6.4.1'] },
  conditions: [cond('Ready', 'True', 'Succeeded', message)],
});

/**
 * A stand-in for the image-reflector controller: answers a reconcile request or a new generation
 * of the objects it knows (by name) with a fresh scan or selection; leaves the rest alone.
 */
async function startImageController(h: CliHarness): Promise<{ stop(): void }> {
  const answers: Record<string, Record<string, unknown>> = {
    'ImageRepository/podinfo': scanned(43, '2026-11-02T08:00:00Z', 'successful scan: found 43 tags with checksum 77aa01bc'),
    'ImageRepository/toggled': scanned(3, '2026-11-02T08:00:00Z', 'successful scan: found 3 tags with checksum 01ab'),
    'ImagePolicy/podinfo': { latestRef: { name: IMAGE, tag: '6.5.1', digest: 'sha256:0123' }, conditions: [cond('Ready', 'True', 'Succeeded', `Latest image tag for ${IMAGE} resolved to 6.5.1`)] },
    'ImageRepository/broken': { conditions: [cond('Ready', 'False', 'ReadOperationFailed', 'scan failed: GET https://ghcr.io/v2/: unexpected status code 503')] },
  };
  const handle = async (obj: KubeObject): Promise<void> => {
    const answer = answers[`${obj.kind}/${obj.metadata.name}`];
    if (!answer || (obj.spec as { suspend?: boolean }).suspend) return;
    const status = (obj.status ?? {}) as Record<string, unknown>;
    const requested = obj.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
    if (status.observedGeneration === obj.metadata.generation && (!requested || status.lastHandledReconcileAt === requested)) return;
    const conditions = (answer.conditions as Record<string, unknown>[]).map((c) => ({ ...c, observedGeneration: obj.metadata.generation }));
    const next = { ...status, ...answer, conditions, observedGeneration: obj.metadata.generation, ...(requested ? { lastHandledReconcileAt: requested } : {}) };
    await h.cluster.updateStatus({ ...obj, status: next }).catch(() => undefined);
  };
  const watches: Watch[] = [];
  for (const kind of ['ImageRepository', 'ImagePolicy']) {
    watches.push(await h.cluster.watch({ apiVersion: API, kind }, (e) => void (e.type === 'ADDED' || e.type === 'MODIFIED' ? handle(e.object) : undefined)));
  }
  return { stop: () => watches.forEach((w) => w.stop()) };
}

describe('image kinds on the command line', () => {
  let h: CliHarness;
  let controller: { stop(): void };
  const tz = process.env.TZ;
  beforeAll(async () => {
    // flux prints LAST SCAN in the local zone (metav1.Time decodes to time.Local).
    process.env.TZ = 'UTC';
    h = await startCliHarness();
    await h.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    await h.seed(repository('podinfo'), scanned(42, '2026-11-01T10:00:00Z', SCANNED));
    await h.cluster.create(repository('paused', 'flux-system', { suspend: true }));
    await h.seed(repository('podinfo', 'apps'), scanned(42, '2026-11-01T10:00:00Z', SCANNED));
    await h.seed(policy('podinfo'), { latestRef: { name: IMAGE, tag: '6.5.0' }, conditions: [cond('Ready', 'True', 'Succeeded', RESOLVED)] });
    await h.seed(policy('pending'), { conditions: [cond('Ready', 'False', 'DependencyNotReady', 'no tags in database')] });
    controller = await startImageController(h);
  });
  afterAll(async () => {
    controller.stop();
    await h.close();
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  describe('get', () => {
    const REPOS = ['NAME', 'LAST SCAN', 'SUSPENDED', 'READY', 'MESSAGE'];
    const POLICIES = ['NAME', 'IMAGE', 'TAG', 'READY', 'MESSAGE'];
    const REPO_PAUSED = ['paused', '', 'True', 'False', 'waiting to be reconciled'];
    const REPO_OK = ['podinfo', '2026-11-01T10:00:00Z', 'False', 'True', SCANNED];
    const POL_PENDING = ['pending', '', '', 'False', 'no tags in database'];
    const POL_OK = ['podinfo', IMAGE, '6.5.0', 'True', RESOLVED];

    it.each([
      [['get', 'images', 'repository'], table(REPOS, REPO_PAUSED, REPO_OK)],
      [['get', 'image', 'repository', 'podinfo'], table(REPOS, REPO_OK)],
      [['get', 'images', 'repository', '-A'], table(['NAMESPACE', ...REPOS], ['apps', ...REPO_OK], ['flux-system', ...REPO_PAUSED], ['flux-system', ...REPO_OK])],
      [['get', 'images', 'policy'], table(POLICIES, POL_PENDING, POL_OK)],
      [['get', 'images', 'policy', '--status-selector', 'ready=false', '--no-header'], 'pending\t\t\tFalse\tno tags in database\t\n'],
    ])('%j prints flux’s table', async (args, expected) => {
      expect(await h.run(args)).toEqual({ code: 0, out: expected, err: '' });
    });

    it('LAST SCAN is in the local zone, as Go formats a decoded metav1.Time', async () => {
      process.env.TZ = 'Asia/Kolkata';
      try {
        expect((await h.run(['get', 'images', 'repository', 'podinfo', '--no-header'])).out).toBe(`podinfo\t2026-11-01T15:30:00+05:30\tFalse\tTrue\t${SCANNED}\t\n`);
      } finally {
        process.env.TZ = 'UTC';
      }
    });

    it('get images all prints repositories then policies, names prefixed with the kind', async () => {
      expect(await h.run(['get', 'images', 'all'])).toEqual({
        code: 0,
        err: '',
        out: [
          table(REPOS, ['imagerepository/paused', ...REPO_PAUSED.slice(1)], ['imagerepository/podinfo', ...REPO_OK.slice(1)]),
          table(POLICIES, ['imagepolicy/pending', ...POL_PENDING.slice(1)], ['imagepolicy/podinfo', ...POL_OK.slice(1)]),
        ].join('\n') + '\n',
      });
    });

    it('get all lists the image kinds after the sources', async () => {
      const r = await h.run(['get', 'all', '-n', 'apps']);
      expect(r).toEqual({ code: 0, err: '', out: table(['NAME', ...REPOS.slice(1)], ['imagerepository/podinfo', ...REPO_OK.slice(1)]) + '\n' });
    });

    it.each([
      [['get', 'images', 'policy', 'nope'], "✗ ImagePolicy object 'nope' not found in \"flux-system\" namespace\n"],
      [['get', 'images', 'policy', '-n', 'apps'], '✗ no ImagePolicy objects found in "apps" namespace\n'],
      [['get', 'images', 'automation'], '✗ unknown image kind "automation" for "fluxion get images": one of repository, policy\n'],
      [['get', 'images'], '✗ an image kind is required: fluxion get images repository|policy\n'],
    ])('%j fails with flux’s message', async (args, err) => {
      expect(await h.run(args)).toEqual({ code: 1, out: '', err });
    });
  });

  describe('reconcile, suspend, resume', () => {
    it('reconcile image repository waits for the scan and prints the tag count', async () => {
      expect(await h.run(['reconcile', 'image', 'repository', 'podinfo'])).toEqual({
        code: 0,
        out: '',
        err: `► annotating ImageRepository podinfo in flux-system namespace
✔ ImageRepository annotated
◎ waiting for ImageRepository reconciliation
✔ scan fetched 43 tags
`,
      });
    });

    it('reconcile image policy prints the selected ref', async () => {
      expect((await h.run(['reconcile', 'image', 'policy', 'podinfo'])).err).toBe(
        `► annotating ImagePolicy podinfo in flux-system namespace
✔ ImagePolicy annotated
◎ waiting for ImagePolicy reconciliation
✔ selected ref ${IMAGE}:6.5.1@sha256:0123
`,
      );
    });

    it('reconcile image repository quotes the failure message', async () => {
      await h.cluster.create(repository('broken'));
      expect(await h.run(['reconcile', 'image', 'repository', 'broken'])).toEqual({
        code: 1,
        out: '',
        err: `► annotating ImageRepository broken in flux-system namespace
✔ ImageRepository annotated
◎ waiting for ImageRepository reconciliation
✗ ImageRepository reconciliation failed: 'scan failed: GET https://ghcr.io/v2/: unexpected status code 503'
`,
      });
    });

    it('suspend image repository sets spec.suspend; resume waits for the new scan', async () => {
      await h.cluster.create(repository('toggled'));
      const ref = { apiVersion: API, kind: 'ImageRepository', name: 'toggled', namespace: 'flux-system' };
      expect(await h.run(['suspend', 'image', 'repository', 'toggled'])).toEqual({ code: 0, out: '', err: '► suspending image repository toggled in flux-system namespace\n✔ image repository suspended\n' });
      expect(((await h.cluster.get(ref))!.spec as { suspend?: boolean }).suspend).toBe(true);
      expect(await h.run(['reconcile', 'image', 'repository', 'toggled'])).toEqual({ code: 1, out: '', err: '✗ resource is suspended\n' });
      expect(await h.run(['resume', 'image', 'repository', 'toggled'])).toEqual({
        code: 0,
        out: '',
        err: `► resuming image repository toggled in flux-system namespace
✔ image repository resumed
◎ waiting for ImageRepository reconciliation
✔ ImageRepository toggled reconciliation completed
✔ scan fetched 3 tags
`,
      });
      expect(((await h.cluster.get(ref))!.spec as { suspend?: boolean }).suspend).toBe(false);
    });

    it.each([
      [['reconcile', 'image', 'repository'], '✗ ImageRepository name is required\n'],
      [['suspend', 'image', 'policy'], '✗ image policy name is required\n'],
      [['suspend', 'image', 'repository', 'nope'], '✗ ImageRepository nope not found in flux-system namespace\n'],
      [['reconcile', 'image', 'repository', 'nope'], '✗ imagerepositories.image.toolkit.fluxcd.io "nope" not found\n'],
    ])('%j is refused', async (args, err) => {
      expect(await h.run(args)).toEqual({ code: 1, out: '', err });
    });
  });

  describe('export', () => {
    it.each([
      [
        ['export', 'image', 'repository', 'podinfo', '-n', 'apps'],
        `---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata:
  name: podinfo
  namespace: apps
spec:
  image: ghcr.io/stefanprodan/podinfo
  interval: 5m0s
`,
      ],
      [
        ['export', 'image', 'policy', 'pending'],
        `---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata:
  name: pending
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: podinfo
  policy:
    semver:
      range: '>=6.0.0'
`,
      ],
    ])('%j prints the object without status', async (args, out) => {
      expect(await h.run(args)).toEqual({ code: 0, out, err: '' });
    });

    it('export image policy --all prints every policy of the namespace; a missing one is reported as the API does', async () => {
      const r = await h.run(['export', 'image', 'policy', '--all']);
      expect(r.out.match(/^kind: ImagePolicy$/gm)).toHaveLength(2);
      expect(await h.run(['export', 'image', 'policy', 'nope'])).toEqual({ code: 1, out: '', err: '✗ imagepolicies.image.toolkit.fluxcd.io "nope" not found\n' });
    });
  });

  describe('delete', () => {
    it.each([
      ['repository', 'ImageRepository', repository('gone'), 'image repository'],
      ['policy', 'ImagePolicy', policy('gone'), 'image policy'],
    ])('delete image %s -s deletes it', async (word, kind, obj, human) => {
      await h.cluster.create(obj);
      expect(await h.run(['delete', 'image', word, 'gone', '-s'])).toEqual({ code: 0, out: '', err: `► deleting ${human} gone in flux-system namespace\n✔ ${human} deleted\n` });
      expect(await h.cluster.get({ apiVersion: API, kind, name: 'gone', namespace: 'flux-system' })).toBeUndefined();
    });
  });
});

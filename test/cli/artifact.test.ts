/**
 * `push`, `list`, `pull` and `tag artifact` against the in-process OCI registry (plain HTTP on
 * 127.0.0.1): a directory goes up as Flux's artifact and comes back as the same files, the list
 * shows each tag's digest and origin, and a new tag names the same manifest.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFluxion } from '../helpers/cli.js';
import { startOciRegistry } from '../helpers/oci-registry.js';
import type { OciRegistry } from '../helpers/oci-registry.js';
import { guardRegistry } from './oci-guard.js';
import type { GuardedRegistry } from './oci-guard.js';

const SOURCE = 'https://github.com/org/app';
const REV = 'main@sha1:0123456789abcdef0123456789abcdef01234567';
const REV2 = 'main@sha1:89abcdef0123456789abcdef0123456789abcdef';
const DIGEST = /sha256:[0-9a-f]{64}/;

/** Every file below `dir`, relative and sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

function writeTree(root: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), content);
  }
}

const push = (url: string, dir: string, ...extra: string[]) => runFluxion(['push', 'artifact', url, `--path=${dir}`, `--source=${SOURCE}`, `--revision=${REV}`, '--reproducible', '--insecure-registry', ...extra]);

describe('push, list, pull and tag artifact', () => {
  let registry: OciRegistry;
  let tmp: string;
  let src: string;
  let repo: string;
  let v1: string;

  beforeAll(async () => {
    registry = await startOciRegistry();
    repo = `${registry.host}/org/app-config`;
    tmp = mkdtempSync(path.join(tmpdir(), 'fluxion-artifact-'));
    src = path.join(tmp, 'src');
    writeTree(src, {
      'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n',
      'deploy/overlays/prod/kustomization.yaml': 'resources: []\n',
      // flux push does not read .sourceignore: the file and what it names are packed, and the
      // OCIRepository consuming the artifact applies it.
      '.sourceignore': 'drafts/\n',
      'drafts/wip.yaml': 'wip: true\n',
      'scripts/render.sh': '#!/bin/sh\n',
      // flux's default --ignore-paths: VCS files and binary extensions.
      '.git/config': '[core]\n',
      '.gitignore': 'tmp/\n',
      'docs/logo.png': 'PNG',
      'dist/bundle.tar.gz': 'tgz',
    });
    chmodSync(path.join(src, 'scripts/render.sh'), 0o755);
  });
  afterAll(async () => {
    await registry.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('push packs the directory without VCS files and binaries, and prints the digest as flux does', async () => {
    const r = await push(`oci://${repo}:v1.0.0`, src);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const [first, second, ...rest] = r.err.split('\n');
    expect(first).toBe(`► pushing artifact to ${repo}:v1.0.0`);
    expect(second).toMatch(new RegExp(`^✔ artifact successfully pushed to ${repo.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`));
    expect(rest).toEqual(['']);
    v1 = DIGEST.exec(second!)![0];
    // --reproducible: the same tree gives the same digest.
    expect((await push(`oci://${repo}:v1.0.0`, src)).err).toContain(`@${v1}\n`);
  });

  it('--output json and yaml print the digest URL, repository, tag and digest', async () => {
    const json = await push(`oci://${repo}:v1.0.0`, src, '--output=json');
    expect(json).toEqual({ code: 0, err: '', out: `${JSON.stringify({ url: `oci://${repo}@${v1}`, repository: repo, tag: 'v1.0.0', digest: v1 }, null, 2)}\n` });
    const yaml = await push(`oci://${repo}:v1.0.0`, src, '-o', 'yaml');
    expect(yaml.out).toBe(`digest: ${v1}\nrepository: ${repo}\ntag: v1.0.0\nurl: oci://${repo}@${v1}\n`);
  });

  it('pull extracts the files that were packed and prints the origin', async () => {
    const out = path.join(tmp, 'pulled');
    mkdirSync(out);
    const r = await runFluxion(['pull', 'artifact', `oci://${repo}:v1.0.0`, `--output=${out}`, '--insecure-registry']);
    expect(r).toEqual({
      code: 0,
      out: '',
      err: `► pulling artifact from ${repo}:v1.0.0
✔ source ${SOURCE}
✔ revision ${REV}
✔ digest ${repo}@${v1}
✔ artifact content extracted to ${out}
`,
    });
    expect(tree(out)).toEqual(['.sourceignore', 'deploy/cm.yaml', 'deploy/overlays/prod/kustomization.yaml', 'drafts/wip.yaml', 'scripts/render.sh']);
    for (const f of tree(out)) expect(readFileSync(path.join(out, f), 'utf8')).toBe(readFileSync(path.join(src, f), 'utf8'));
    expect(statSync(path.join(out, 'scripts/render.sh')).mode & 0o100).toBe(0o100);
  });

  it('pull takes a digest reference too', async () => {
    const out = path.join(tmp, 'by-digest');
    mkdirSync(out);
    const r = await runFluxion(['pull', 'artifact', `oci://${repo}@${v1}`, '-o', out, '--insecure-registry']);
    expect(r.code).toBe(0);
    expect(tree(out)).toContain('deploy/cm.yaml');
  });

  it('list artifacts prints each tag with its digest, source and revision, in flux’s table', async () => {
    const other = path.join(tmp, 'other');
    writeTree(other, { 'cm.yaml': 'kind: ConfigMap\n' });
    const pushed = await runFluxion(['push', 'artifact', `oci://${repo}:v1.1.0`, `--path=${other}`, `--source=${SOURCE}`, `--revision=${REV2}`, '--reproducible', '--insecure-registry']);
    const v11 = DIGEST.exec(pushed.err)![0];
    // A cosign signature tag is left out, as flux leaves it out.
    expect((await runFluxion(['tag', 'artifact', `oci://${repo}:v1.1.0`, `--tag=sha256-${v11.slice(7)}.sig`])).code).toBe(0);
    const r = await runFluxion(['list', 'artifacts', `oci://${repo}`, '--insecure-registry']);
    const w = `${repo}:v1.0.0`.length;
    expect(r).toEqual({
      code: 0,
      err: '',
      out: [
        `${'ARTIFACT'.padEnd(w)}\t${'DIGEST'.padEnd(71)}\t${'SOURCE'.padEnd(SOURCE.length)}\t${'REVISION'.padEnd(REV.length)} \n`,
        `${repo}:v1.1.0\t${v11}\t${SOURCE}\t${REV2}\t\n`,
        `${repo}:v1.0.0\t${v1}\t${SOURCE}\t${REV}\t\n`,
      ].join(''),
    });
    expect((await runFluxion(['list', 'artifacts', `oci://${repo}`, '--insecure-registry', '--filter-semver=<1.1.0'])).out.split('\n').slice(1, -1)).toEqual([`${repo}:v1.0.0\t${v1}\t${SOURCE}\t${REV}\t`]);
    expect((await runFluxion(['list', 'artifacts', `oci://${repo}`, '--insecure-registry', '--filter-regex=1\\.1'])).out.split('\n').slice(1, -1)).toEqual([`${repo}:v1.1.0\t${v11}\t${SOURCE}\t${REV2}\t`]);
  });

  it('tag artifact puts the manifest under new tags, with the same digest (plain HTTP found without --insecure-registry)', async () => {
    const r = await runFluxion(['tag', 'artifact', `oci://${repo}:v1.0.0`, '--tag', 'latest,stable']);
    expect(r).toEqual({ code: 0, out: '', err: `► tagging artifact\n✔ artifact tagged as ${repo}:latest\n✔ artifact tagged as ${repo}:stable\n` });
    const rows = (await runFluxion(['list', 'artifacts', `oci://${repo}`])).out.split('\n').slice(1, -1).map((l) => l.split('\t').map((c) => c.trim()));
    expect(rows.map(([a, d]) => [a, d])).toEqual([
      [`${repo}:v1.1.0`, expect.stringMatching(DIGEST)],
      [`${repo}:v1.0.0`, v1],
      [`${repo}:stable`, v1],
      [`${repo}:latest`, v1],
    ]);
  });

  it('--ignore-paths replaces the defaults; --add-ignore-paths adds to them', async () => {
    const replaced = await push(`oci://${repo}:replaced`, src, '--ignore-paths=drafts/,.git/');
    expect(replaced.code).toBe(0);
    const added = await push(`oci://${repo}:added`, src, '--add-ignore-paths=scripts/,*.sh');
    expect(added.code).toBe(0);
    const pull = async (tag: string): Promise<string[]> => {
      const out = mkdtempSync(path.join(tmp, `${tag}-`));
      expect((await runFluxion(['pull', 'artifact', `oci://${repo}:${tag}`, '-o', out])).code).toBe(0);
      return tree(out);
    };
    expect(await pull('replaced')).toEqual(['.gitignore', '.sourceignore', 'deploy/cm.yaml', 'deploy/overlays/prod/kustomization.yaml', 'dist/bundle.tar.gz', 'docs/logo.png', 'scripts/render.sh']);
    expect(await pull('added')).toEqual(['.sourceignore', 'deploy/cm.yaml', 'deploy/overlays/prod/kustomization.yaml', 'drafts/wip.yaml']);
  });

  it('push takes a single file, and custom annotations', async () => {
    const r = await push(`oci://${repo}:single`, path.join(src, 'deploy/cm.yaml'), '--annotations=org.opencontainers.image.description=Production, EU', '-a', 'org.opencontainers.image.licenses=Apache-2.0');
    expect(r.code).toBe(0);
    const out = mkdtempSync(path.join(tmp, 'single-'));
    expect((await runFluxion(['pull', 'artifact', `oci://${repo}:single`, '-o', out])).code).toBe(0);
    expect(tree(out)).toEqual(['cm.yaml']);
    const manifest = await fetch(`http://${registry.host}/v2/org/app-config/manifests/single`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } }).then((res) => res.json() as Promise<{ annotations: Record<string, string>; layers: { mediaType: string }[]; config: { mediaType: string } }>);
    expect(manifest.annotations).toEqual({
      'org.opencontainers.image.created': '1970-01-01T00:00:00Z',
      'org.opencontainers.image.source': SOURCE,
      'org.opencontainers.image.revision': REV,
      'org.opencontainers.image.description': 'Production, EU',
      'org.opencontainers.image.licenses': 'Apache-2.0',
    });
    expect(manifest.config.mediaType).toBe('application/vnd.cncf.flux.config.v1+json');
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.cncf.flux.content.v1.tar+gzip']);
  });

  it.each([
    [['push', 'artifact'], 'artifact URL is required'],
    [['push', 'artifacts', 'oci://h/r:t'], 'unknown command "artifacts" for "fluxion push": use artifact'],
    [['push', 'artifact', 'oci://127.0.0.1:1/r:t'], '--source is required'],
    [['push', 'artifact', 'oci://127.0.0.1:1/r:t', '--source=s'], '--revision is required'],
    [['push', 'artifact', 'oci://127.0.0.1:1/r:t', '--source=s', '--revision=r'], 'invalid path ""'],
    [['push', 'artifact', 'oci://127.0.0.1:1/r:t', '--source=s', '--revision=r', '--path=missing'], "invalid path 'missing', must point to an existing directory or file: stat missing: no such file or directory"],
    [['push', 'artifact', 'https://127.0.0.1:1/r:t', '--source=s', '--revision=r', '--path=.'], "URL must be in format 'oci://<domain>/<org>/<repo>'"],
    [['push', 'artifact', 'oci://127.0.0.1:1/r:t', '--source=s', '--revision=r', '--path=.', '--annotations=a=b=c'], 'invalid annotation a=b=c, must be in the format key=value'],
    [['push', 'artifact', 'oci://127.0.0.1:1/r:t', '--source=s', '--revision=r', '--path=.', '--provider=aws'], 'error during login with provider: fluxion has no aws login; use --creds or a Docker config'],
    [['pull', 'artifact', 'oci://127.0.0.1:1/r:t'], 'output path cannot be empty'],
    [['pull', 'artifact', 'oci://127.0.0.1:1/r:t', '--output=missing'], 'invalid output path "missing": must be an existing directory'],
    [['list', 'artifacts', 'oci://127.0.0.1:1/r:t'], "'oci://127.0.0.1:1/r:t' invalid URL: a repository URL must not contain a tag or digest"],
    [['list', 'artifacts', 'oci://127.0.0.1:1/Upper'], "'oci://127.0.0.1:1/Upper' invalid URL: invalid OCI URL 'oci://127.0.0.1:1/Upper': repository name 'Upper' must be lowercase alphanumerics separated by '.', '_', '-' or '/'"],
    [['tag', 'artifact', 'oci://127.0.0.1:1/r:t'], '--tag is required'],
    [['tag', 'artifact'], 'artifact name is required'],
  ])('%j is refused', async (args, message) => {
    expect(await runFluxion(args, { cwd: tmp })).toEqual({ code: 1, out: '', err: `✗ ${message}\n` });
  });

  it('pull refuses an archive that would write outside the output directory', async () => {
    const { pushArtifact } = await import('../../src/sources/oci/push.js');
    const { RegistryClient, parseOciUrl } = await import('../../src/sources/oci/registry.js');
    const { gzipSync } = await import('node:zlib');
    // A hand-made tar whose only entry is `../escape.txt`.
    const header = Buffer.alloc(512, 0);
    header.write('../escape.txt', 0, 'utf8');
    header.write('0000644\0', 100, 'ascii');
    header.write('0000000\0', 108, 'ascii');
    header.write('0000000\0', 116, 'ascii');
    header.write('00000000002\0', 124, 'ascii');
    header.write('00000000000\0', 136, 'ascii');
    header.write('        ', 148, 'ascii');
    header.write('0', 156, 'ascii');
    header.write('ustar\0' + '00', 257, 'ascii');
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    const body = Buffer.concat([header, Buffer.from('x\n'), Buffer.alloc(510, 0), Buffer.alloc(1024, 0)]);
    await pushArtifact(new RegistryClient(parseOciUrl(`oci://${registry.host}/org/evil`, { plainHttp: true })), 'v1', gzipSync(body));
    const out = path.join(tmp, 'evil', 'out');
    mkdirSync(out, { recursive: true });
    const r = await runFluxion(['pull', 'artifact', `oci://${registry.host}/org/evil:v1`, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('✗ extracting layer failed: entry "../escape.txt" escapes the target directory\n');
    expect(readdirSync(path.join(tmp, 'evil'))).toEqual(['out']);
  });
});

describe('help', () => {
  it.each([
    ['push', /-f, --path string +path to the directory where the Kubernetes manifests are located/],
    ['pull', /-o, --output string +path where the artifact content should be extracted\./],
    ['list', /--filter-semver string +filter tags returned from the oci repository using semver/],
    ['tag', /--tag strings +tag name/],
  ])('%s --help shows usage, flags and examples', async (name, flag) => {
    const r = await runFluxion([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`\nUsage:\n {2}fluxion ${name} artifacts? oci://`));
    expect(r.out).toMatch(flag);
    expect(r.out).toMatch(/--creds string +credentials for OCI registry in the format <username>\[:<password>\] if --provider is generic/);
    expect(r.out).toContain('\nExamples:\n');
  });
});

describe('registries that want credentials', () => {
  const readers = { username: 'reader', password: 's3cret' };
  let registry: OciRegistry;
  let guarded: GuardedRegistry;
  let tmp: string;
  let src: string;

  beforeAll(async () => {
    registry = await startOciRegistry({ readers });
    guarded = await guardRegistry(registry);
    tmp = mkdtempSync(path.join(tmpdir(), 'fluxion-artifact-auth-'));
    src = path.join(tmp, 'src');
    writeTree(src, { 'cm.yaml': 'kind: ConfigMap\n' });
  });
  afterAll(async () => {
    await guarded.close();
    await registry.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  // The registry client keeps tokens per repository for the process: each case asks without
  // credentials before it asks with them.
  it('push without --creds fails with the registry’s refusal; with them it goes through the token flow', async () => {
    const url = `oci://${guarded.host}/team/app:v1`;
    const denied = await push(url, src);
    expect(denied.code).toBe(1);
    expect(denied.err).toBe(
      `► pushing artifact to ${guarded.host}/team/app:v1\n✗ pushing artifact failed: http://${guarded.host}/token: 401 Unauthorized: the registry's token service refused: UNAUTHORIZED (no credentials were given: use --creds <username>:<password> or docker login)\n`,
    );
    const wrong = await push(url, src, '--creds=reader:wrong');
    expect(wrong.err).toContain('✗ pushing artifact failed: ');
    expect(wrong.err).toContain('401 Unauthorized');
    expect(wrong.err).not.toContain('no credentials were given');
    const ok = await push(url, src, `--creds=${readers.username}:${readers.password}`);
    expect(ok.code).toBe(0);
    expect(ok.err.split('\n').slice(0, 2)).toEqual(['► logging in to registry with credentials', `► pushing artifact to ${guarded.host}/team/app:v1`]);
    expect(ok.err).toMatch(/✔ artifact successfully pushed to .*@sha256:[0-9a-f]{64}\n$/);
    expect(registry.requests).toContain('GET /token');
  });

  it('list and pull need credentials for reads: --creds, or the Docker config', async () => {
    const push1 = await push(`oci://${registry.host}/team/reads:v1`, src, `--creds=${readers.username}:${readers.password}`);
    expect(push1.code).toBe(0);
    const denied = await runFluxion(['list', 'artifacts', `oci://${registry.host}/team/reads`]);
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/^✗ listing tags failed: http:\/\/127\.0\.0\.1:\d+\/token: 401 Unauthorized: the registry's token service refused: UNAUTHORIZED \(no credentials were given/);
    const listed = await runFluxion(['list', 'artifacts', `oci://${registry.host}/team/reads`, `--creds=${readers.username}:${readers.password}`]);
    expect(listed.code).toBe(0);
    expect(listed.out.split('\n')[1]).toMatch(new RegExp(`^${registry.host}/team/reads:v1\\tsha256:`));

    const dockerConfig = path.join(tmp, 'docker');
    mkdirSync(dockerConfig);
    writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${readers.username}:${readers.password}`).toString('base64') } } }));
    await push(`oci://${registry.host}/team/docker:v1`, src, `--creds=${readers.username}:${readers.password}`);
    const out = path.join(tmp, 'out');
    mkdirSync(out);
    const pulled = await runFluxion(['pull', 'artifact', `oci://${registry.host}/team/docker:v1`, '-o', out], { env: { DOCKER_CONFIG: dockerConfig } });
    expect(pulled.code).toBe(0);
    expect(tree(out)).toEqual(['cm.yaml']);
  });
});

/**
 * The OCI pieces on their own: URL parsing, Docker config credentials, semver tag selection (a
 * property against a plain model), the chart version helm-controller derives from an OCI
 * revision, layer extraction, and a registry that sends content not matching its digest.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import semver from 'semver';
import { afterEach, describe, expect, it } from 'vitest';
import { chartVersionWithDigest } from '../../src/controllers/helm-release.js';
import { tar } from '../../src/sources/artifact/tarball.js';
import { readArchive } from '../../src/sources/git-repository.js';
import { layerFiles, selectSemverTag } from '../../src/sources/oci-repository.js';
import { OciError, RegistryClient, dockerConfigCredentials, parseOciUrl } from '../../src/sources/oci/registry.js';
import { gzipSync } from 'node:zlib';

describe('parseOciUrl', () => {
  it('splits host and repository; plain HTTP when asked or written as http://', () => {
    expect(parseOciUrl('oci://ghcr.io/stefanprodan/manifests/podinfo')).toEqual({ base: 'https://ghcr.io', host: 'ghcr.io', repository: 'stefanprodan/manifests/podinfo' });
    expect(parseOciUrl('oci://127.0.0.1:5000/charts/web/', { plainHttp: true })).toEqual({ base: 'http://127.0.0.1:5000', host: '127.0.0.1:5000', repository: 'charts/web' });
    expect(parseOciUrl('http://127.0.0.1:5000/charts/web').base).toBe('http://127.0.0.1:5000');
  });

  it.each([
    ['oci://ghcr.io/org/app:v1', "URL must not contain a tag; remove ':v1'"],
    [`oci://ghcr.io/org/app@sha256:${'a'.repeat(64)}`, `URL must not contain a digest; remove '@sha256:${'a'.repeat(64)}'`],
    ['oci://ghcr.io', "invalid OCI URL 'oci://ghcr.io': want oci://HOST/PATH"],
    ['https//ghcr.io/x', "invalid OCI URL 'https//ghcr.io/x': want oci://HOST/PATH"],
    ['oci://ghcr.io/Org/App', "invalid OCI URL 'oci://ghcr.io/Org/App': repository name 'Org/App' must be lowercase alphanumerics separated by '.', '_', '-' or '/'"],
  ])('refuses %s', (url, message) => {
    expect(() => parseOciUrl(url)).toThrow(new OciError(message));
  });
});

describe('dockerConfigCredentials', () => {
  const config = JSON.stringify({
    auths: {
      'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') },
      'ghcr.io': { username: 'gh', password: 'token:with:colons' },
      '127.0.0.1:5000': { auth: Buffer.from('local:p:w').toString('base64') },
    },
  });
  it('finds the entry of the registry host, by name or URL, with auth or username/password', () => {
    expect(dockerConfigCredentials(config, 'ghcr.io')).toEqual({ username: 'gh', password: 'token:with:colons' });
    expect(dockerConfigCredentials(config, '127.0.0.1:5000')).toEqual({ username: 'local', password: 'p:w' });
    expect(dockerConfigCredentials(config, 'docker.io')).toEqual({ username: 'hub', password: 'pw' });
    expect(dockerConfigCredentials(config, 'quay.io')).toBeUndefined();
  });
  it('says what is wrong with a broken config', () => {
    expect(() => dockerConfigCredentials('{', 'x')).toThrow(/^\.dockerconfigjson is not JSON/);
    expect(() => dockerConfigCredentials(JSON.stringify({ auths: { x: { auth: Buffer.from('nocolon').toString('base64') } } }), 'x')).toThrow(".dockerconfigjson: the auth of 'x' is not base64 of user:password");
  });
});

describe('selectSemverTag', () => {
  it('takes the highest tag in range, with an optional v, pre-releases only when the range names one', () => {
    const tags = ['1.0.0', 'v1.4.0', '1.5.0-rc.1', '2.0.0', 'latest', '1.2', 'main'];
    expect(selectSemverTag(tags, '1.x', undefined)).toBe('v1.4.0');
    expect(selectSemverTag(tags, '>=1.0.0-0 <2.0.0', undefined)).toBe('1.5.0-rc.1');
    expect(selectSemverTag(tags, '*', '^1\\.')).toBe('1.0.0');
    expect(selectSemverTag(tags, '>=3.0.0', undefined)).toBeUndefined();
    // Helm charts write `+` as `_` in tags.
    expect(selectSemverTag(['1.0.0_build.1', '1.0.0'], '1.0.0', undefined, 'application/vnd.cncf.helm.chart.content.v1.tar+gzip')).toBe('1.0.0_build.1');
  });

  const version = fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.option(fc.constantFrom('rc.1', 'beta.2', 'alpha'), { nil: undefined })).map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ''}`);
  const tag = fc.oneof(version, version.map((v) => `v${v}`), fc.constantFrom('latest', 'main', 'sha-abc'));
  it('picks a tag that passes the filter and the range, and none higher (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(tag, { maxLength: 12 }), fc.constantFrom('*', '>=1.0.0', '<3.0.0', '2.x', '>=1.0.0-0', '~1.2.0'), fc.constantFrom(undefined, '^v', 'rc', '^[0-9]'), (tags, range, filter) => {
        const re = filter ? new RegExp(filter) : undefined;
        const candidates = tags.filter((t) => (!re || re.test(t)) && semver.valid(t.replace(/^v/, '')) && semver.satisfies(t.replace(/^v/, ''), range, { includePrerelease: /\d-/.test(range) }));
        const picked = selectSemverTag(tags, range, filter);
        if (!candidates.length) return picked === undefined;
        const best = candidates.map((t) => t.replace(/^v/, '')).sort(semver.rcompare)[0]!;
        return picked !== undefined && candidates.includes(picked) && semver.eq(picked.replace(/^v/, ''), best);
      }),
      { numRuns: 300 },
    );
  });
});

describe('chartVersionWithDigest (helm-controller’s mutateChartWithSourceRevision)', () => {
  const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
  it('puts the first 12 hex digits of the digest into the build metadata', () => {
    expect(chartVersionWithDigest('6.5.0', `6.5.0@${digest}`)).toEqual({ version: '6.5.0+0123456789ab', digest });
    expect(chartVersionWithDigest('6.5.0+old', `6.5.0_old@${digest}`)).toEqual({ version: '6.5.0+0123456789ab', digest });
    // Not a version tag: the whole revision is the digest.
    expect(chartVersionWithDigest('1.0.0', `latest@${digest}`)).toEqual({ version: '1.0.0+0123456789ab', digest: `latest@${digest}` });
    expect(chartVersionWithDigest('1.0.0', digest)).toEqual({ version: '1.0.0+0123456789ab', digest });
  });
  it('refuses a version tag that is not the chart’s, and malformed revisions', () => {
    expect(() => chartVersionWithDigest('1.0.0', `3.0.0@${digest}`)).toThrow('artifact revision 3.0.0 does not match chart version 1.0.0');
    expect(() => chartVersionWithDigest('1.0.0', 'latest@sha256:abc')).toThrow('invalid artifact revision latest@sha256:abc');
    expect(() => chartVersionWithDigest('not-a-version', digest)).toThrow('invalid chart version not-a-version');
  });
  it('keeps the version and changes only the build metadata (property)', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)), fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.boolean(), ([a, b, c], seed, tagged) => {
        const v = `${a}.${b}.${c}`;
        const d = `sha256:${createHash('sha256').update(seed).digest('hex')}`;
        const out = chartVersionWithDigest(v, tagged ? `${v}@${d}` : d);
        return semver.eq(out.version, v) && semver.parse(out.version)!.build.join('.') === d.slice(7, 19) && out.digest === d;
      }),
    );
  });
});

describe('layerFiles', () => {
  it('keeps regular files, drops ./ prefixes, skips links, and refuses paths that leave the root', async () => {
    const header = (name: string, type: string, size: number, link = ''): Buffer => {
      const h = Buffer.alloc(512);
      h.write(name, 0, 100);
      h.write('0000644\0', 100);
      h.write('0000000\0', 108);
      h.write('0000000\0', 116);
      h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
      h.write('00000000000\0', 136);
      h.write('        ', 148);
      h.write(type, 156);
      h.write(link, 157, 100);
      h.write('ustar\0', 257);
      h.write('00', 263);
      let sum = 0;
      for (const byte of h) sum += byte;
      h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
      return h;
    };
    const entry = (name: string, content: string): Buffer[] => [header(name, '0', content.length), Buffer.concat([Buffer.from(content), Buffer.alloc((512 - (content.length % 512)) % 512)])];
    const layer = gzipSync(Buffer.concat([...entry('./a.yaml', 'a'), header('link', '2', 0, '/etc/passwd'), ...entry('dir/b.yaml', 'b'), Buffer.alloc(1024)]));
    expect((await layerFiles(layer)).map((f) => [f.path, Buffer.from(f.content).toString()])).toEqual([
      ['a.yaml', 'a'],
      ['dir/b.yaml', 'b'],
    ]);
    const hostile = gzipSync(Buffer.concat([...entry('../escape.yaml', 'x'), Buffer.alloc(1024)]));
    await expect(layerFiles(hostile)).rejects.toThrow('failed to extract layer contents from artifact: entry "../escape.yaml" escapes the target directory');
    // Artifacts read back from storage (includes, consumers' cache) refuse it the same way.
    await expect(readArchive(hostile)).rejects.toThrow('entry "../escape.yaml" escapes the target directory');
    await expect(readArchive(layer)).rejects.toThrow('entry "link" is a SymbolicLink, not a file or directory');
    // A deterministic archive of ours reads back as written.
    const ours = gzipSync(tar([{ path: 'x/y.yaml', content: Buffer.from('y') }]));
    expect((await layerFiles(ours)).map((f) => f.path)).toEqual(['x/y.yaml']);
  });
});

describe('RegistryClient against a registry that lies', () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('refuses blobs and manifests whose content does not match the digest', async () => {
    const real = Buffer.from('the real content');
    const digestOf = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    server = http.createServer((req, res) => {
      if (req.url?.includes('/blobs/')) return void res.writeHead(200).end('tampered content');
      if (req.url?.includes('/manifests/')) return void res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }).end('{"schemaVersion":2,"layers":[]}');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const client = new RegistryClient(parseOciUrl(`oci://127.0.0.1:${(server.address() as AddressInfo).port}/x/y`, { plainHttp: true }));
    await expect(client.blob(digestOf(real))).rejects.toThrow(`blob ${digestOf(real)}: the registry sent content with digest ${digestOf(Buffer.from('tampered content'))}`);
    await expect(client.manifest(digestOf(real))).rejects.toThrow(/^manifest sha256:[0-9a-f]{64}: the registry sent content with digest sha256:/);
  });
});

/**
 * A Helm chart repository for tests: charts packaged by the real `helm package`, indexed by the
 * real `helm repo index`, served by a plain HTTP server on 127.0.0.1 (optionally behind basic
 * auth), counting the requests it answers.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { helm } from '../helm/chart/oracle.js';

export interface ChartSpec {
  name: string;
  version: string;
  appVersion?: string;
  /** templates/<file> → content. */
  templates?: Record<string, string>;
  values?: string;
}

export interface HelmRepoServer {
  url: string;
  dir: string;
  requests: string[];
  /** Packages the charts (adding to those already there) and re-indexes the repository. */
  publish(charts: ChartSpec[]): Promise<void>;
  /** Packages chart directories as they are (e.g. the podinfo chart) and re-indexes the repository. */
  publishDirs(dirs: string[]): Promise<void>;
  /** Replaces index.yaml with arbitrary text. */
  corruptIndex(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHelmRepo(options: { auth?: { username: string; password: string }; tls?: { cert: string; key: string } } = {}): Promise<HelmRepoServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fluxion-helmrepo-'));
  const requests: string[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    requests.push(req.url ?? '');
    if (options.auth) {
      const expected = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="charts"' }).end('unauthorized');
        return;
      }
    }
    const file = path.join(dir, path.normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, ''));
    readFile(file).then(
      (body) => res.writeHead(200, { 'Content-Type': file.endsWith('.yaml') ? 'text/yaml' : 'application/gzip' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const src = await mkdtemp(path.join(os.tmpdir(), 'fluxion-helmsrc-'));
  return {
    url,
    dir,
    requests,
    async publish(charts) {
      for (const c of charts) {
        const chartDir = path.join(src, `${c.name}-${c.version}`, c.name);
        await mkdir(path.join(chartDir, 'templates'), { recursive: true });
        await writeFile(path.join(chartDir, 'Chart.yaml'), `apiVersion: v2\nname: ${c.name}\nversion: ${c.version}\n${c.appVersion ? `appVersion: "${c.appVersion}"\n` : ''}`);
        await writeFile(path.join(chartDir, 'values.yaml'), c.values ?? 'replicaCount: 1\n');
        for (const [file, text] of Object.entries(c.templates ?? { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  version: {{ .Chart.Version | quote }}\n' })) {
          await writeFile(path.join(chartDir, 'templates', file), text);
        }
        const r = await helm(['package', chartDir, '--destination', dir]);
        if (r.code !== 0) throw new Error(`helm package failed: ${r.stderr}`);
      }
      const r = await helm(['repo', 'index', dir, '--url', url]);
      if (r.code !== 0) throw new Error(`helm repo index failed: ${r.stderr}`);
    },
    async publishDirs(dirs) {
      for (const d of dirs) {
        const r = await helm(['package', d, '--destination', dir]);
        if (r.code !== 0) throw new Error(`helm package failed: ${r.stderr}`);
      }
      const r = await helm(['repo', 'index', dir, '--url', url]);
      if (r.code !== 0) throw new Error(`helm repo index failed: ${r.stderr}`);
    },
    async corruptIndex(text) {
      await writeFile(path.join(dir, 'index.yaml'), text);
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
      await rm(src, { recursive: true, force: true });
    },
  };
}

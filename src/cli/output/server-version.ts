/**
 * The API server's `/version` (the Cluster port has no verb for it): fetched with the
 * kubeconfig's server, CA and credentials, as `flux check` reads it.
 */
import http from 'node:http';
import https from 'node:https';
import { loadKubeConfig } from '../../cluster/kube/index.js';

export interface ServerVersion {
  major: string;
  minor: string;
  gitVersion: string;
}

export async function serverVersion(options: { kubeconfig?: string; context?: string; env: NodeJS.ProcessEnv }): Promise<ServerVersion> {
  const { kubeConfig } = loadKubeConfig({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), ...(options.context ? { context: options.context } : {}), env: options.env });
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('no server in the kubeconfig context');
  const opts = (await kubeConfig.applyToFetchOptions({})) as { agent?: http.Agent; headers?: Record<string, string> | Headers };
  const headers: Record<string, string> = {};
  const h = opts.headers;
  if (h && typeof (h as Headers).forEach === 'function') (h as Headers).forEach((v, k) => (headers[k] = v));
  else Object.assign(headers, h ?? {});
  const url = new URL('/version', server);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers, ...(opts.agent ? { agent: opts.agent } : {}) }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 400) return reject(new Error(`GET ${url.href}: ${res.statusCode}`));
        try {
          resolve(JSON.parse(body) as ServerVersion);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('error', reject);
  });
}

/** `v1.32.3-eks-x` → `1.32.3`. */
export function semverOf(gitVersion: string): string {
  return /(\d+\.\d+\.\d+)/.exec(gitVersion)?.[1] ?? gitVersion.replace(/^v/, '');
}

export function versionAtLeast(v: string, min: string): boolean {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

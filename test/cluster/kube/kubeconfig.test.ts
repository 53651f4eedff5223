import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectCluster } from '../../../src/cli/connect.js';
import { KubeConfigError, loadKubeConfig } from '../../../src/cluster/kube/kubeconfig.js';

const config = (server: string, name = 'dev', extra = ''): string => `apiVersion: v1
kind: Config
clusters:
- name: ${name}
  cluster:
    server: ${server}
users:
- name: ${name}
  user:
    token: t
contexts:
- name: ${name}
  context:
    cluster: ${name}
    user: ${name}
    namespace: team-${name}
current-context: ${name}
${extra}`;

describe('loadKubeConfig', () => {
  let dir: string;
  const file = (name: string, body: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, body);
    return p;
  };
  const noSa = (): string => path.join(dir, 'no-service-account');
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-kubeconfig-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function errorOf(fn: () => unknown): KubeConfigError {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(KubeConfigError);
      return err as KubeConfigError;
    }
    throw new Error('expected a KubeConfigError');
  }

  it.each([
    ['not YAML', 'clusters: [a\n  b: {', /is not valid YAML/],
    ['empty', '', /is empty/],
    ['a list', '- a\n- b\n', /expected a mapping/],
    ['clusters not a list', 'clusters: {a: 1}\n', /"clusters" must be a list/],
    ['a cluster without a name', 'clusters:\n- cluster: {server: "http://x"}\n', /clusters\[0\]\.name is missing/],
    ['a cluster without a server', 'clusters:\n- name: a\n  cluster: {}\ncontexts: []\nusers: []\n', /clusters\[0\]\.cluster\.server is missing/],
    ['a context without its mapping', 'contexts:\n- name: a\n', /contexts\[0\] \("a"\) has no "context" mapping/],
  ])('names the file and the problem when it is %s', (_what, body, pattern) => {
    const p = file('config', body);
    const err = errorOf(() => loadKubeConfig({ kubeconfig: p, env: {} }));
    expect(err.message).toContain(p);
    expect(err.message).toMatch(pattern);
    expect(err.file).toBe(p);
  });

  it('says when the file does not exist', () => {
    const p = path.join(dir, 'missing');
    expect(errorOf(() => loadKubeConfig({ kubeconfig: p, env: {} })).message).toBe(`kubeconfig ${p}: no such file`);
  });

  it('refuses a current-context that points nowhere, and an unknown --context', () => {
    const p = file('config', config('http://127.0.0.1:1').replace('current-context: dev', 'current-context: prod'));
    expect(errorOf(() => loadKubeConfig({ kubeconfig: p, env: {} })).message).toContain('current-context "prod" is not defined');
    expect(errorOf(() => loadKubeConfig({ kubeconfig: p, context: 'staging', env: {} })).message).toBe(`context "staging" not found in ${p} (contexts: dev)`);
  });

  it('prefers --kubeconfig over KUBECONFIG over the in-cluster account over ~/.kube/config', () => {
    const explicit = file('explicit', config('http://explicit:1', 'a'));
    const fromEnv = file('env', config('http://env:1', 'b'));
    mkdirSync(path.join(dir, 'home', '.kube'), { recursive: true });
    file('home/.kube/config', config('http://home:1', 'c'));
    const sa = path.join(dir, 'sa');
    mkdirSync(sa);
    writeFileSync(path.join(sa, 'token'), 'sa-token');
    writeFileSync(path.join(sa, 'namespace'), 'flux-system\n');
    const env = { KUBECONFIG: fromEnv, HOME: path.join(dir, 'home'), KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const server = (o: Parameters<typeof loadKubeConfig>[0]): string | undefined => loadKubeConfig(o).kubeConfig.getCurrentCluster()?.server;
    expect(server({ kubeconfig: explicit, env, serviceAccountDir: sa })).toBe('http://explicit:1');
    expect(server({ env, serviceAccountDir: sa })).toBe('http://env:1');
    const { KUBECONFIG: _k, ...noKubeconfig } = env;
    const inCluster = loadKubeConfig({ env: noKubeconfig, serviceAccountDir: sa });
    expect(inCluster.source).toBe('in-cluster');
    expect(inCluster.kubeConfig.getCurrentCluster()?.server).toBe('https://10.0.0.1:443');
    expect(inCluster.kubeConfig.getContextObject(inCluster.kubeConfig.getCurrentContext())?.namespace).toBe('flux-system');
    expect(server({ env: { HOME: env.HOME }, serviceAccountDir: sa })).toBe('http://home:1');
    expect(errorOf(() => loadKubeConfig({ env: { HOME: path.join(dir, 'nowhere') }, serviceAccountDir: noSa() })).message).toMatch(/no Kubernetes configuration/);
  });

  it('merges a KUBECONFIG list: the first file to name something wins, later files add contexts', () => {
    const first = file('first', config('http://first:1', 'a'));
    const second = file('second', config('http://second:1', 'b').replace('current-context: b', ''));
    const { kubeConfig } = loadKubeConfig({ env: { KUBECONFIG: [first, path.join(dir, 'absent'), second].join(path.delimiter) }, serviceAccountDir: noSa() });
    expect(kubeConfig.getCurrentContext()).toBe('a');
    expect(kubeConfig.contexts.map((c) => c.name)).toEqual(['a', 'b']);
    kubeConfig.setCurrentContext('b');
    expect(kubeConfig.getCurrentCluster()?.server).toBe('http://second:1');
  });

  it('connectCluster uses the chosen context and its namespace', async () => {
    const two = file(
      'two',
      `clusters:
- {name: one, cluster: {server: "http://one:1"}}
- {name: two, cluster: {server: "http://two:2"}}
users:
- {name: u, user: {token: t}}
contexts:
- {name: one, context: {cluster: one, user: u}}
- {name: two, context: {cluster: two, user: u, namespace: apps}}
current-context: one
`,
    );
    const cluster = await connectCluster({ kubeconfig: two, context: 'two', env: {} });
    expect(cluster.server).toBe('http://two:2');
    expect(cluster.defaultNamespace).toBe('apps');
    await expect(connectCluster({ kubeconfig: two, context: 'three', env: {} })).rejects.toThrow(/context "three" not found/);
  });
});

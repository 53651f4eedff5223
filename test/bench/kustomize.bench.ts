/**
 * `fluxion kustomize` against `kubectl kustomize` on a large overlay: N Deployments + N Services
 * in a base, an overlay with a namespace, a prefix, labels with selectors, an image override, a
 * patch targeting all Deployments and a generated ConfigMap. Whole command against whole
 * command (fluxion as users run it, the compiled `dist/src/cli/fluxion.js` that `npm ci` builds;
 * through tsx when there is no build), plus the in-process build and the floor: parsing and
 * printing the same YAML with the `yaml` package.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { buildYaml, diskFs } from '../../src/kustomize/index.js';
import { oracles } from '../helpers/oracles.js';
import type { Benchmark, BenchFigure } from './types.js';

function tree(root: string, n: number): string {
  mkdirSync(path.join(root, 'base'), { recursive: true });
  mkdirSync(path.join(root, 'overlay'), { recursive: true });
  const docs: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const dep = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  labels:
    app: app-${i}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        ports:
        - containerPort: 8080
        envFrom:
        - configMapRef:
            name: settings
`;
    const svc = `apiVersion: v1
kind: Service
metadata:
  name: app-${i}
spec:
  selector:
    app: app-${i}
  ports:
  - port: 80
    targetPort: 8080
`;
    docs.push(dep, svc);
    if (i % 100 === 0) files.push(`part-${i / 100}.yaml`);
  }
  for (let f = 0; f < files.length; f++) {
    writeFileSync(path.join(root, 'base', files[f]!), docs.slice(f * 200, f * 200 + 200).join('---\n'));
  }
  writeFileSync(path.join(root, 'base', 'kustomization.yaml'), `resources:\n${files.map((f) => `- ${f}`).join('\n')}\n`);
  writeFileSync(
    path.join(root, 'overlay', 'kustomization.yaml'),
    `resources:
- ../base
namespace: bench
namePrefix: prod-
labels:
- pairs:
    team: bench
  includeSelectors: true
images:
- name: nginx
  newName: registry.example.com/nginx
  newTag: "1.27"
patches:
- target:
    kind: Deployment
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: app
            resources:
              limits:
                memory: 128Mi
configMapGenerator:
- name: settings
  literals:
  - LOG_LEVEL=info
`,
  );
  return path.join(root, 'overlay');
}

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const bench: Benchmark = {
  title: 'kustomize: fluxion kustomize vs kubectl kustomize',
  async run() {
    const { kubectl } = await oracles();
    const figures: BenchFigure[] = [];
    const compiled = path.resolve(import.meta.dirname, '../../dist/src/cli/fluxion.js');
    const entry = existsSync(compiled) ? [compiled] : ['--import', 'tsx', path.resolve(import.meta.dirname, '../../src/cli/fluxion.ts')];
    const via = existsSync(compiled) ? 'compiled dist/' : 'node --import tsx';
    for (const n of [500, 1000, 2000]) {
      const objects = 2 * n;
      const root = mkdtempSync(path.join(os.tmpdir(), 'fluxion-kz-bench-'));
      try {
        const dir = tree(root, n);
        let theirs = '';
        const kt = time(() => {
          theirs = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
        });
        let ours = '';
        const ft = time(() => {
          ours = execFileSync(process.execPath, [...entry, 'kustomize', dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
        });
        const same = ours === theirs;
        const inproc = time(() => buildYaml(diskFs(root), dir));
        const floor = time(() => {
          const parsed = parseAllDocuments(theirs).map((d) => d.toJS());
          stringify(parsed);
        });
        const target = objects === 2000 ? '>= 10x faster' : objects === 4000 ? '>= 30x faster' : undefined;
        figures.push({
          name: `whole command, ${objects} objects (output identical: ${same})`,
          value: ft,
          unit: 's',
          target,
          peer: { name: 'kubectl kustomize', value: kt },
          note: `fluxion via ${via}; ${(kt / ft).toFixed(1)}x`,
        });
        figures.push({
          name: `in-process build + print, ${objects} objects`,
          value: inproc,
          unit: 's',
          note: `floor (yaml parse + print of the output): ${floor.toFixed(3)} s, build is ${(inproc / floor).toFixed(2)}x the floor`,
        });
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
    return figures;
  },
};

export default bench;

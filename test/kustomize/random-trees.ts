/** fast-check generator of random kustomize trees: bases, overlays, components, patches, generators. */
import fc from 'fast-check';

const names = fc.constantFrom('web', 'api', 'db', 'cache', 'worker');
const labelKey = fc.constantFrom('app', 'team', 'tier', 'env', 'example.com/owner');
const labelVal = fc.constantFrom('a', 'b', 'prod', 'x1', 'blue');
const image = fc.constantFrom('nginx', 'nginx:1.25', 'busybox@sha256:' + 'a'.repeat(64), 'registry.io/app/server:v2', 'redis');

interface Workload {
  name: string;
  image: string;
  cm: string;
  replicas: number;
  withService: boolean;
}

const workload = fc.record({ name: names, image, cm: fc.constantFrom('settings', 'extra', 'web'), replicas: fc.integer({ min: 0, max: 5 }), withService: fc.boolean() });

const varName = (w: string) => `W_${w.toUpperCase()}`;

function deployment(w: Workload, vars: boolean): string {
  const args = vars ? `        args:\n        - --self=$(${varName(w.name)})\n        - --replicas=$(R_${w.name.toUpperCase()})\n        env:\n        - name: SELF\n          value: $(${varName(w.name)})\n` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${w.name}
  labels:
    app: ${w.name}
spec:
  replicas: ${w.replicas}
  selector:
    matchLabels:
      app: ${w.name}
  template:
    metadata:
      labels:
        app: ${w.name}
    spec:
      containers:
      - name: main
        image: ${w.image}
${args}        envFrom:
        - configMapRef:
            name: ${w.cm}
        volumeMounts:
        - name: conf
          mountPath: /etc/conf
      volumes:
      - name: conf
        configMap:
          name: ${w.cm}
`;
}

function service(w: Workload): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${w.name}
spec:
  selector:
    app: ${w.name}
  ports:
  - port: 80
`;
}

const labels = fc.dictionary(labelKey, labelVal, { minKeys: 1, maxKeys: 2 });

const overlayOpts = fc.record(
  {
    namespace: fc.constantFrom('prod', 'staging'),
    namePrefix: fc.constantFrom('p-', 'dev-'),
    nameSuffix: fc.constantFrom('-x', '-v2'),
    commonLabels: labels,
    labels: fc.record({ pairs: labels, includeSelectors: fc.boolean(), includeTemplates: fc.boolean() }),
    commonAnnotations: labels,
    images: fc.record({ name: fc.constantFrom('nginx', 'redis', 'busybox'), newName: fc.option(fc.constantFrom('mirror.io/nginx', 'other'), { nil: undefined }), newTag: fc.option(fc.constantFrom('1.27', 'latest'), { nil: undefined }) }),
    replicas: fc.record({ name: names, count: fc.integer({ min: 1, max: 9 }) }),
    smp: fc.record({ kind: fc.constantFrom('Deployment', 'Service'), key: labelKey, value: labelVal }),
    json6902: fc.record({ value: labelVal }),
    generator: fc.record({ name: fc.constantFrom('settings', 'extra'), behavior: fc.constantFrom('create', 'merge'), value: labelVal }),
    component: fc.record({ annotation: labelVal }),
    vars: fc.record({ target: names, field: fc.constantFrom('metadata.name', 'spec.replicas', 'spec.template.spec.containers[0].image') }),
  },
  { requiredKeys: [] },
);

export interface RandomTree {
  files: Record<string, string>;
  dir: string;
}

export const randomTree: fc.Arbitrary<RandomTree> = fc
  .record({
    workloads: fc.uniqueArray(workload, { selector: (w) => w.name, minLength: 1, maxLength: 4 }),
    overlays: fc.array(overlayOpts, { minLength: 1, maxLength: 2 }),
    baseGen: fc.boolean(),
    baseVars: fc.boolean(),
    buildMetadata: fc.option(fc.constantFrom('[transformerAnnotations]', '[originAnnotations, transformerAnnotations]'), { nil: undefined }),
  })
  .map(({ workloads, overlays, baseGen, baseVars, buildMetadata }) => {
    const files: Record<string, string> = {};
    files['base/workloads.yaml'] = workloads.map((w) => deployment(w, baseVars)).join('---\n');
    const svcs = workloads.filter((w) => w.withService);
    const res = ['workloads.yaml'];
    if (svcs.length) {
      files['base/services.yaml'] = svcs.map(service).join('---\n');
      res.push('services.yaml');
    }
    // Deprecated vars: each workload's name and replica count, used in its args and env.
    const vars = baseVars
      ? `vars:\n${workloads
          .map((w) => `- name: ${varName(w.name)}\n  objref:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: ${w.name}\n- name: R_${w.name.toUpperCase()}\n  objref:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: ${w.name}\n  fieldref:\n    fieldpath: spec.replicas\n`)
          .join('')}`
      : '';
    files['base/kustomization.yaml'] = `resources:\n${res.map((r) => `- ${r}`).join('\n')}\n${baseGen ? 'configMapGenerator:\n- name: settings\n  literals:\n  - LEVEL=info\n' : ''}${vars}`;
    let prev = 'base';
    overlays.forEach((o, i) => {
      const d = `o${i}`;
      const k: string[] = [`resources:\n- ../${prev}`];
      if (o.namespace) k.push(`namespace: ${o.namespace}`);
      if (o.namePrefix) k.push(`namePrefix: ${o.namePrefix}`);
      if (o.nameSuffix) k.push(`nameSuffix: ${o.nameSuffix}`);
      // Layers share label keys on purpose: re-labelling a key a lower layer set exercises
      // kustomize's shared-node behaviour (src/kustomize/aliases.ts).
      const map = (m: Record<string, string>) => Object.entries(m).map(([a, b]) => `  ${a}: ${b}`).join('\n');
      if (o.commonLabels) k.push(`commonLabels:\n${map(o.commonLabels)}`);
      if (o.labels) k.push(`labels:\n- pairs:\n${map(o.labels.pairs).replace(/^/gm, '  ')}\n  includeSelectors: ${o.labels.includeSelectors}\n  includeTemplates: ${o.labels.includeTemplates}`);
      // An overlay var used in an annotation (which shares its node with the template's).
      const annotations = o.vars ? { ...(o.commonAnnotations ?? {}), [`ref${i}`]: `$(O${i}_V)` } : o.commonAnnotations;
      if (annotations) k.push(`commonAnnotations:\n${map(annotations)}`);
      if (o.vars) k.push(`vars:\n- name: O${i}_V\n  objref:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: ${o.vars.target}\n  fieldref:\n    fieldpath: ${o.vars.field}`);
      if (o.images) {
        const im = o.images;
        k.push(`images:\n- name: ${im.name}${im.newName ? `\n  newName: ${im.newName}` : ''}${im.newTag ? `\n  newTag: "${im.newTag}"` : ''}`);
      }
      if (o.replicas) k.push(`replicas:\n- name: ${o.replicas.name}\n  count: ${o.replicas.count}`);
      const patches: string[] = [];
      if (o.smp) {
        patches.push(`- target:\n    kind: ${o.smp.kind}\n  patch: |-\n    apiVersion: v1\n    kind: ${o.smp.kind}\n    metadata:\n      name: any\n      labels:\n        ${o.smp.key}: ${o.smp.value}`);
      }
      if (o.json6902) {
        patches.push(`- target:\n    kind: Deployment\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        patched: ${o.json6902.value}`);
      }
      if (patches.length) k.push(`patches:\n${patches.join('\n')}`);
      if (o.generator) {
        const exists = o.generator.name === 'settings' && baseGen;
        const behavior = exists ? o.generator.behavior : 'create';
        if (!(o.generator.name === 'settings' && baseGen && behavior === 'create')) {
          k.push(`configMapGenerator:\n- name: ${o.generator.name}\n  behavior: ${behavior}\n  literals:\n  - KEY_${i}=${o.generator.value}`);
        }
      }
      if (o.component) {
        k.push(`components:\n- ../c${i}`);
        files[`c${i}/kustomization.yaml`] = `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  component: ${o.component.annotation}\n`;
      }
      // The top overlay may record origins and every transformer that ran (buildMetadata).
      if (buildMetadata && i === overlays.length - 1) k.push(`buildMetadata: ${buildMetadata}`);
      files[`${d}/kustomization.yaml`] = k.join('\n') + '\n';
      prev = d;
    });
    return { files, dir: prev };
  });

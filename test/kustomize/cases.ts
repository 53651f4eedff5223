/** Hand-written kustomize trees, one per feature, built by both kubectl and fluxion. */
import { ADVANCED_CASES } from './cases-advanced.js';

export interface TreeCase {
  name: string;
  files: Record<string, string>;
  /** Directory to build, relative to the tree. */
  dir: string;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
        env:
        - name: A
          value: "1"
        - name: FROM_CM
          valueFrom:
            configMapKeyRef:
              name: web-config
              key: k
        envFrom:
        - secretRef:
            name: web-secret
        volumeMounts:
        - name: cfg
          mountPath: /etc/cfg
      volumes:
      - name: cfg
        configMap:
          name: web-config
      - name: data
        persistentVolumeClaim:
          claimName: web-data
`;
const service = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
`;
const rbac = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: web
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: web
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: web
subjects:
- kind: ServiceAccount
  name: web
- kind: ServiceAccount
  name: default
`;
const pvc = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: web-data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`;
const base = {
  'base/kustomization.yaml': `resources:
- deployment.yaml
- service.yaml
- rbac.yaml
- pvc.yaml
configMapGenerator:
- name: web-config
  literals:
  - k=v
  - greeting="hello world"
secretGenerator:
- name: web-secret
  literals:
  - password=s3cr3t
`,
  'base/deployment.yaml': deployment,
  'base/service.yaml': service,
  'base/rbac.yaml': rbac,
  'base/pvc.yaml': pvc,
};

export const CASES: TreeCase[] = [
  { name: 'base with generators and name references', dir: 'base', files: base },
  {
    name: 'overlay: namespace, prefix, suffix, labels, annotations, images, replicas',
    dir: 'overlay',
    files: {
      ...base,
      'overlay/kustomization.yaml': `resources:
- ../base
namespace: prod
namePrefix: p-
nameSuffix: -v2
commonLabels:
  team: blue
commonAnnotations:
  owner: "ops team"
  note: "true"
images:
- name: nginx
  newName: registry.example.com/nginx
  newTag: "1.27"
replicas:
- name: web
  count: 3
`,
    },
  },
  {
    name: 'labels without selectors, with templates',
    dir: 'overlay',
    files: {
      ...base,
      'overlay/kustomization.yaml': `resources:
- ../base
labels:
- pairs:
    tier: frontend
  includeTemplates: true
- pairs:
    env: dev
  includeSelectors: true
`,
    },
  },
  {
    name: 'strategic merge patches: inline, file, $patch delete and replace',
    dir: 'overlay',
    files: {
      ...base,
      'overlay/kustomization.yaml': `resources:
- ../base
patches:
- path: patch.yaml
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          containers:
          - name: sidecar
            image: busybox
          - name: web
            env:
            - name: B
              value: two
            - name: A
              $patch: delete
- patch: |-
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      ports:
      - port: 443
        targetPort: 8443
`,
      'overlay/patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 5
  template:
    spec:
      volumes:
      - name: data
        $patch: delete
      - name: extra
        emptyDir: {}
`,
    },
  },
  {
    name: 'patches with target selectors and JSON 6902',
    dir: 'overlay',
    files: {
      ...base,
      'overlay/kustomization.yaml': `resources:
- ../base
patches:
- target:
    kind: Deployment
    labelSelector: app=web
  patch: |-
    - op: replace
      path: /spec/replicas
      value: 7
    - op: add
      path: /metadata/annotations
      value:
        patched: "yes"
- target:
    group: ""
    version: v1
    kind: Service
    name: "w.*"
  patch: |-
    apiVersion: v1
    kind: Service
    metadata:
      name: ignored
    spec:
      type: NodePort
patchesJson6902:
- target:
    group: apps
    version: v1
    kind: Deployment
    name: web
  path: ops.yaml
`,
      'overlay/ops.yaml': `- op: add
  path: /spec/template/spec/containers/0/args
  value: ["--verbose"]
`,
    },
  },
  {
    name: 'patchesStrategicMerge (deprecated form)',
    dir: 'overlay',
    files: {
      ...base,
      'overlay/kustomization.yaml': `resources:
- ../base
patchesStrategicMerge:
- dep.yaml
- |-
  apiVersion: v1
  kind: Service
  metadata:
    name: web
  spec:
    clusterIP: None
`,
      'overlay/dep.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:latest
`,
    },
  },
  {
    name: 'generators: files, envs, behaviors, options',
    dir: 'overlay',
    files: {
      ...base,
      'overlay/kustomization.yaml': `resources:
- ../base
namePrefix: o-
generatorOptions:
  labels:
    generated: "true"
configMapGenerator:
- name: web-config
  behavior: merge
  literals:
  - extra=1
  files:
  - app.properties
  - renamed.conf=other.conf
- name: env-config
  envs:
  - app.env
  options:
    disableNameSuffixHash: true
secretGenerator:
- name: web-secret
  behavior: replace
  literals:
  - token=abc
- name: tls
  type: kubernetes.io/tls
  files:
  - tls.crt
  - tls.key
`,
      'overlay/app.properties': 'a=b\nc=d\n',
      'overlay/other.conf': 'line one\nline two\n',
      'overlay/app.env': '# comment\nFOO=bar\nBAZ="quoted value"\n\nEMPTY=\n',
      'overlay/tls.crt': '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUX0kP4vV6o1xwE2Q3yY6c3hLr8mUwCgYIKoZIzj0EAwIwEjEQMA4GA1UEAwwHdGVzdC1jYTAeFw0y\n-----END CERTIFICATE-----\n',
      'overlay/tls.key': 'key-material\n',
    },
  },
  {
    name: 'components',
    dir: 'overlay',
    files: {
      ...base,
      'overlay/kustomization.yaml': `resources:
- ../base
components:
- ../comp
namespace: with-comp
`,
      'comp/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
- extra.yaml
commonLabels:
  component: added
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          containers:
          - name: web
            image: nginx:from-component
configMapGenerator:
- name: web-config
  behavior: merge
  literals:
  - fromComponent=yes
`,
      'comp/extra.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: extra
data:
  x: "y"
`,
    },
  },
  {
    name: 'name references: ingress, statefulset, hpa, cronjob',
    dir: 'overlay',
    files: {
      'base/kustomization.yaml': `resources:
- all.yaml
`,
      'base/all.yaml': `apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  ports:
  - port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: db
        image: postgres:16
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: db
spec:
  defaultBackend:
    service:
      name: db
      port:
        number: 5432
  rules:
  - host: example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: db
            port:
              number: 5432
  tls:
  - secretName: tls
---
apiVersion: v1
kind: Secret
metadata:
  name: tls
type: Opaque
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: db
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: StatefulSet
    name: db
  minReplicas: 1
  maxReplicas: 3
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: backup
            image: postgres:16
            envFrom:
            - secretRef:
                name: tls
`,
      'overlay/kustomization.yaml': `resources:
- ../base
namePrefix: staging-
commonLabels:
  env: staging
`,
    },
  },
  {
    name: 'replacements',
    dir: '.',
    files: {
      'kustomization.yaml': `resources:
- res.yaml
replacements:
- source:
    kind: ConfigMap
    name: src
    fieldPath: data.image
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.template.spec.containers.[name=app].image
- source:
    kind: ConfigMap
    name: src
    fieldPath: data.host
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - metadata.annotations.host
    options:
      create: true
`,
      'res.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: src
data:
  image: busybox:1.36
  host: db.example.com
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: app
        image: placeholder
`,
    },
  },
  {
    name: 'scalar styles and key order',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- cm.yaml\n',
      'cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: styles
  annotations:
    a10: x
    a2: y
    A_B: z
    AB: w
data:
  star: "*"
  cron: "* * * * *"
  yes: "yes"
  num: "12"
  float: "1.5"
  date: "2024-01-02"
  empty: ""
  colon: "a: b"
  hash: "a #b"
  quote: "'"
  multi: "line1\\nline2\\n"
  trailing: "line1\\nline2"
  leadingSpace: " x"
  tab: "a\\tb"
  long: "${'word '.repeat(30).trim()}"
  unicode: "héllo"
  tilde: "~"
  dash: "- x"
  json: '{"a": 1}'
  octal: "0755"
  hex: "0x1F"
  exp: "1e3"
  nulls: "null"
`,
    },
  },
  {
    name: 'legacy order across many kinds',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- many.yaml\n',
      'many.yaml': ['ValidatingWebhookConfiguration|admissionregistration.k8s.io/v1', 'Deployment|apps/v1', 'Namespace|v1', 'ConfigMap|v1', 'Service|v1', 'Widget|example.com/v1', 'ClusterRole|rbac.authorization.k8s.io/v1', 'CustomResourceDefinition|apiextensions.k8s.io/v1', 'Secret|v1', 'Ingress|networking.k8s.io/v1']
        .flatMap((kv, i) => {
          const [kind, apiVersion] = kv.split('|');
          return [`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: b${i}\n`, `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: a${i}\n`];
        })
        .join('---\n'),
    },
  },
  {
    name: 'overlay re-labels a key a base set with selectors (shared label nodes)',
    dir: 'top',
    files: {
      ...base,
      'mid/kustomization.yaml': `resources:
- ../base
commonLabels:
  owner: blue
  tier: web
`,
      'top/kustomization.yaml': `resources:
- ../mid
labels:
- pairs:
    tier: edge
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels:
        owner: red
`,
    },
  },
  {
    name: 'error: missing resource file',
    dir: '.',
    files: { 'kustomization.yaml': 'resources:\n- missing.yaml\n' },
  },
  {
    name: 'error: malformed YAML',
    dir: '.',
    files: { 'kustomization.yaml': 'resources:\n- bad.yaml\n', 'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n' },
  },
  {
    name: 'error: cycle between bases',
    dir: 'a',
    files: { 'a/kustomization.yaml': 'resources:\n- ../b\n', 'b/kustomization.yaml': 'resources:\n- ../a\n' },
  },
  {
    name: 'error: duplicate objects',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\n',
      'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n',
      'b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n',
    },
  },
  {
    name: 'error: file escapes the kustomization root',
    dir: 'app',
    files: { 'app/kustomization.yaml': 'resources:\n- ../outside.yaml\n', 'outside.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' },
  },
  {
    name: 'error: strategic merge patch matching nothing',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- a.yaml\npatchesStrategicMerge:\n- p.yaml\n',
      'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
      'p.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nope\ndata:\n  x: y\n',
    },
  },
  {
    name: 'error: JSON 6902 replace of a missing path',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- a.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: replace\n      path: /spec/missing\n      value: x\n',
      'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: y\n',
    },
  },
  ...ADVANCED_CASES,
];

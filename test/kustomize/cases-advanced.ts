/**
 * Differential cases (see cases.ts) for deprecated `vars`, `configurations:`, `crds:`, kustomization
 * directories as generators/transformers, buildMetadata and kustomize's name-reference rules.
 */
import type { TreeCase } from './cases.js';

const app = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
      annotations:
        svc: $(SVC)
    spec:
      initContainers:
      - name: init
        image: busybox
        command: ["sh", "-c", "until nslookup $(SVC); do sleep 1; done"]
      containers:
      - name: app
        image: app:1
        args:
        - --db=$(SVC).$(NS).svc:$(PORT)
        - --literal=$$(SVC)
        - --unknown=$(NOPE)
        - --open=$(SVC
        - --cm=$(CM)
        env:
        - name: PORT
          value: $(PORT)
        - name: REPLICAS
          value: "$(REPLICAS)"
        - name: DB
          value: $(SVC)
        volumeMounts:
        - name: data
          mountPath: /data/$(SVC)
      volumes:
      - name: data
        nfs:
          server: $(SVC).nfs
          path: /
`;
const db = `apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  ports:
  - port: 5432
    targetPort: $(PORT)
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 3
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
        image: postgres
        env:
        - name: SELF
          value: $(SVC)
`;
const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
spec:
  tls:
  - hosts:
    - $(SVC).example.com
    secretName: $(SVC)-tls
  rules:
  - host: $(SVC).example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: db
            port:
              number: 80
`;
const baseVars = `vars:
- name: SVC
  objref:
    apiVersion: v1
    kind: Service
    name: db
- name: PORT
  objref:
    apiVersion: v1
    kind: Service
    name: db
  fieldref:
    fieldpath: spec.ports[0].port
- name: REPLICAS
  objref:
    apiVersion: apps/v1
    kind: StatefulSet
    name: db
  fieldref:
    fieldpath: spec.replicas
- name: CM
  objref:
    apiVersion: v1
    kind: ConfigMap
    name: settings
`;

const crd = `apiVersion: example.com/v1
kind: Job
metadata:
  name: nightly
spec:
  target: $(SVC)
  nested:
    target: $(SVC)
  steps:
  - run: echo $(SVC)
`;

const custom = `apiVersion: example.com/v1
kind: App
metadata:
  name: shop
spec:
  replicaCount: 1
  image: nginx:1.25
  sidecar: busybox
  configRef: settings
  secretRefs:
  - creds
  serviceRef:
    name: shop
  targetNamespace: none
  selectorLabels: {}
  template:
    annotations: {}
  owner: team
`;

const customConfig = `nameReference:
- kind: ConfigMap
  version: v1
  fieldSpecs:
  - path: spec/configRef
    kind: App
- kind: Secret
  version: v1
  fieldSpecs:
  - path: spec/secretRefs
    kind: App
- kind: Service
  version: v1
  fieldSpecs:
  - path: spec/serviceRef
    kind: App
commonLabels:
- path: spec/selectorLabels
  kind: App
  create: true
commonAnnotations:
- path: spec/template/annotations
  kind: App
images:
- path: spec/image
  kind: App
- path: spec/sidecar
  kind: App
namespace:
- path: spec/targetNamespace
  kind: App
replicas:
- path: spec/replicaCount
  kind: App
namePrefix:
- path: spec/owner
  kind: App
`;

const openapi = `{
  "example.com/v1.Widget": {
    "Schema": {
      "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"$ref": "k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta"},
        "spec": {"$ref": "example.com/v1.WidgetSpec"}
      }
    }
  },
  "example.com/v1.WidgetSpec": {
    "Schema": {
      "properties": {
        "configRef": {
          "x-kubernetes-object-ref-api-version": "v1",
          "x-kubernetes-object-ref-kind": "ConfigMap",
          "$ref": "example.com/v1.Ref"
        },
        "account": {
          "x-kubernetes-object-ref-api-version": "v1",
          "x-kubernetes-object-ref-kind": "ServiceAccount",
          "x-kubernetes-object-ref-name-key": "accountName",
          "type": "object"
        },
        "podAnnotations": {"x-kubernetes-annotation": "", "type": "object"},
        "selector": {"x-kubernetes-label-selector": "", "type": "object"},
        "identity": {"x-kubernetes-identity": "", "type": "string"}
      }
    }
  }
}
`;

const deployUsing = (name: string, cm: string, sa: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      serviceAccountName: ${sa}
      containers:
      - name: app
        image: app
        envFrom:
        - configMapRef:
            name: ${cm}
`;

const crb = (name: string) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${name}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
- kind: ServiceAccount
  name: sa
`;

const refsTree = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa
secrets:
- name: s
imagePullSecrets:
- name: s
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: claim
spec:
  volumeName: vol
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: vol
spec:
  claimRef:
    name: claim
  azureFile:
    secretName: s
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
rules:
- apiGroups: [""]
  resources: [configmaps, secrets, persistentvolumes]
  resourceNames: [cm, s, vol, other]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: ic
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing
  annotations:
    nginx.ingress.kubernetes.io/auth-secret: s
    nginx.ingress.kubernetes.io/auth-tls-secret: s
    ingress.kubernetes.io/auth-secret: s
    nginx.ingress.kubernetes.io/fastcgi-params-configmap: cm
spec:
  ingressClassName: ic
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: sc
provisioner: x
parameters:
  adminSecretName: s
  secretName: s
  secretRef: s
  userSecretName: s
---
apiVersion: v1
kind: Node
metadata:
  name: n
spec:
  configSource:
    configMap:
      name: cm
      namespace: kube-system
      kubeletConfigKey: k
`;

export const ADVANCED_CASES: TreeCase[] = [
  {
    name: 'error: a number as a commonAnnotations value (kustomize decodes a map of strings)',
    dir: '.',
    files: { 'kustomization.yaml': 'resources:\n- r.yaml\ncommonAnnotations:\n  a: 1\n', 'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' },
  },
  {
    name: 'error: a boolean as a labels pair value',
    dir: '.',
    files: { 'kustomization.yaml': 'resources:\n- r.yaml\nlabels:\n- pairs:\n    a: true\n', 'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' },
  },
  {
    name: 'buildMetadata: a JSON patch replacing or removing metadata.annotations drops the origin (the next transformer becomes it)',
    dir: 'o',
    files: {
      'base/kustomization.yaml': 'namePrefix: b-\nresources:\n- r.yaml\n',
      'base/r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    x: y\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
      'o/kustomization.yaml': 'buildMetadata: [originAnnotations, transformerAnnotations]\nresources:\n- ../base\npatches:\n- target:\n    name: b-a\n  patch: |-\n    - op: replace\n      path: /metadata/annotations\n      value:\n        z: w\n- target:\n    name: b-b\n  patch: |-\n    - op: remove\n      path: /metadata/annotations\n- target:\n    name: b-c\n  patch: |-\n    - op: add\n      path: /metadata/annotations/k\n      value: v\nnameSuffix: -s\n',
    },
  },
  {
    name: 'patches name an object by its original or new kind and name after a kind change',
    dir: 'overlay',
    files: {
      'base/kustomization.yaml': 'resources:\n- d.yaml\npatches:\n- target:\n    kind: Deployment\n  options:\n    allowNameChange: true\n    allowKindChange: true\n  patch: |-\n    apiVersion: apps/v1\n    kind: StatefulSet\n    metadata:\n      name: new\n',
      'base/d.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: old\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx\n',
      'overlay/kustomization.yaml': 'resources:\n- ../base\npatchesStrategicMerge:\n- |-\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: old\n  spec:\n    replicas: 3\n- |-\n  apiVersion: apps/v1\n  kind: StatefulSet\n  metadata:\n    name: new\n  spec:\n    serviceName: s\n',
    },
  },
  {
    name: 'configurations: a kind\'s metadata/name prefix spec replaces the builtin one; a local-config object as a name reference source',
    dir: '.',
    files: {
      'kustomization.yaml': 'namePrefix: p-\nnameSuffix: -s\nresources:\n- r.yaml\nconfigurations:\n- c.yaml\n',
      'c.yaml': 'namePrefix:\n- path: metadata/name\n  kind: Host\n- path: spec/x\n  kind: Foo\nnameSuffix:\n- path: metadata/name\n  kind: ValidatingWebhookConfiguration\nnameReference:\n- kind: Host\n  fieldSpecs:\n  - path: spec/rules/host\n    kind: Ingress\n',
      'r.yaml': 'apiVersion: local/v1\nkind: Host\nmetadata:\n  name: example.com\n  annotations:\n    config.kubernetes.io/local-config: "true"\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing\nspec:\n  rules:\n  - host: example.com\n  - host: other.com\n---\napiVersion: x/v1\nkind: Foo\nmetadata:\n  name: f\nspec:\n  x: a\n',
    },
  },
  {
    name: 'namespace renames a Namespace object; references to it and to the object itself follow (configurations)',
    dir: '.',
    files: {
      'kustomization.yaml': 'namespace: team\nnameSuffix: -v1\nresources:\n- r.yaml\nconfigurations:\n- c.yaml\n',
      'c.yaml': 'nameReference:\n- kind: Namespace\n  fieldSpecs:\n  - path: data/ns\n    kind: ConfigMap\n- kind: ConfigMap\n  fieldSpecs:\n  - path: data/self\n    kind: ConfigMap\n',
      'r.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: old\n---\napiVersion: example.com/v1\nkind: Namespace\nmetadata:\n  name: custom\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  ns: old\n  self: cm\n',
    },
  },
  {
    name: 'error: namespace gives two Namespace objects the same name',
    dir: '.',
    files: {
      'kustomization.yaml': 'namespace: team\nresources:\n- r.yaml\n',
      'r.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n',
    },
  },
  {
    name: 'name references kustomize has beyond pod specs: RBAC resourceNames, StorageClass parameters, ingress annotations (and none from SA secrets, PV claimRef, ingressClassName)',
    dir: '.',
    files: { 'kustomization.yaml': `namePrefix: p-
resources:
- r.yaml
secretGenerator:
- name: s
  literals: [a=b]
configMapGenerator:
- name: cm
  literals: [a=b]
`, 'r.yaml': refsTree },
  },
  {
    name: 'buildMetadata transformerAnnotations: every builtin transformer of every layer, plugin configs, components',
    dir: 'overlay',
    files: {
      'base/kustomization.yaml': 'namePrefix: b-\nnamespace: base\nlabels:\n- pairs:\n    a: b\nresources:\n- r.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n  - k=v\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 2\n',
      'base/r.yaml': deployUsing('web', 'settings', 'default') + '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: base\n',
      'comp/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  c: d\n',
      'overlay/kustomization.yaml': 'buildMetadata: [transformerAnnotations, originAnnotations]\nresources:\n- ../base\n- extra.yaml\ncomponents:\n- ../comp\nnameSuffix: -o\ncommonLabels:\n  x: z\nimages:\n- name: app\n  newTag: "2"\n- name: other\n  newTag: "3"\nreplicas:\n- name: b-web\n  count: 3\npatchesStrategicMerge:\n- |-\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: extra\n  data:\n    z: z\ntransformers:\n- t.yaml\n',
      'overlay/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n',
      'overlay/t.yaml': 'apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: notes\nannotations:\n  t: u\nfieldSpecs:\n- path: metadata/annotations\n  create: true\n',
    },
  },
  {
    name: 'error: a subject without namespace matching ServiceAccounts of two namespaces',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- a\n- b\n',
      'a/kustomization.yaml': 'namespace: a\nresources:\n- r.yaml\n',
      'a/r.yaml': crb('a'),
      'b/kustomization.yaml': 'namespace: b\nresources:\n- r.yaml\n',
      'b/r.yaml': crb('b'),
    },
  },
  {
    name: 'error: a RoleBinding subject with a blank namespace',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- r.yaml\n',
      'r.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: sa\n  namespace:\n',
    },
  },
  {
    name: 'name references: the same base under two prefixes, suffixes in a nested base, an empty generated ConfigMap',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- a\n- b\n',
      'a/kustomization.yaml': 'namePrefix: a-\nresources:\n- ../common\n',
      'b/kustomization.yaml': 'namePrefix: b-\nnamespace: bee\nresources:\n- ../common\n',
      'common/kustomization.yaml': 'resources:\n- svc\n- sa.yaml\nconfigMapGenerator:\n- name: empty\n- name: full\n  literals:\n  - k=v\n',
      'common/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n',
      'common/svc/kustomization.yaml': 'nameSuffix: -api\nresources:\n- d.yaml\n',
      'common/svc/d.yaml': deployUsing('web', 'empty', 'runner') + '---\n' + deployUsing('worker', 'full', 'runner'),
    },
  },
  {
    name: 'error: a reference matching renamed objects of two bases',
    dir: 'combined',
    files: {
      'base/kustomization.yaml': 'namePrefix: pfx-\nresources:\n- r.yaml\n',
      'base/r.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: sa\n',
      'a/kustomization.yaml': 'namePrefix: a-\nresources:\n- sa.yaml\n- ../base\n',
      'a/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n',
      'b/kustomization.yaml': 'namePrefix: b-\nresources:\n- ../base\n',
      'combined/kustomization.yaml': 'resources:\n- ../a\n- ../b\n',
    },
  },
  {
    name: 'webhook service references follow their Service across layers; a Service outside the build keeps its namespace',
    dir: 'combined',
    files: {
      'base/kustomization.yaml': 'resources:\n- svc.yaml\n- hooks.yaml\n',
      'base/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: hook\n  namespace: sys\nspec:\n  ports:\n  - port: 443\n',
      'base/hooks.yaml': 'apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: hooks\nwebhooks:\n- name: a.example.com\n  clientConfig:\n    service:\n      name: hook\n      namespace: sys\n- name: b.example.com\n  clientConfig:\n    service:\n      name: elsewhere\n      namespace: other\n',
      'overlay/kustomization.yaml': 'namespace: moved\nnameSuffix: -x\nresources:\n- ../base\npatchesStrategicMerge:\n- delete.yaml\n',
      'overlay/delete.yaml': 'apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: hooks\n$patch: delete\n',
      'combined/kustomization.yaml': 'resources:\n- ../base\n- ../overlay\n',
    },
  },
  {
    name: 'namespace, prefix and suffix with webhook, CRD conversion and RBAC subject references',
    dir: '.',
    files: {
      'kustomization.yaml': 'namespace: team\nnamePrefix: p-\nresources:\n- r.yaml\n',
      'r.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  namespace: a\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: v\nwebhooks:\n- name: x.example.com\n  clientConfig:\n    service:\n      name: svc\n      namespace: a\n- name: y.example.com\n  clientConfig:\n    service:\n      name: gone\n      namespace: z\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\nspec:\n  conversion:\n    strategy: Webhook\n    webhook:\n      clientConfig:\n        service:\n          name: svc\n          namespace: a\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: sa\n  namespace: default\n- kind: ServiceAccount\n  name: other\n  namespace: elsewhere\n',
    },
  },
  {
    name: 'buildMetadata originAnnotations of generators under generators: (file, inline, kustomization directory)',
    dir: 'top',
    files: {
      'top/kustomization.yaml': 'resources:\n- ../base\nbuildMetadata: [originAnnotations]\ngenerators:\n- |-\n  apiVersion: builtin\n  kind: SecretGenerator\n  metadata:\n    name: inlineGen\n    namespace: ns1\n  name: inline\n  literals:\n  - k=v\n',
      'base/kustomization.yaml': 'resources:\n- cm.yaml\ngenerators:\n- gen.yaml\n- ../gens\nconfigMapGenerator:\n- name: plain\n  literals:\n  - x=y\n',
      'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: static\n',
      'base/gen.yaml': 'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: fromFile\nname: file\nliterals:\n- a=b\n',
      'gens/kustomization.yaml': 'resources:\n- more.yaml\n',
      'gens/more.yaml': 'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: fromDir\nname: dir\nliterals:\n- c=d\n',
    },
  },
  {
    name: 'generators and transformers: kustomization directories of builtin plugin configs, inline configs first',
    dir: 'app',
    files: {
      'app/kustomization.yaml': 'resources:\n- deploy.yaml\ngenerators:\n- ../gens\ntransformers:\n- ../labels\n- |-\n  apiVersion: builtin\n  kind: PrefixSuffixTransformer\n  metadata:\n    name: inline\n  prefix: inl-\n  fieldSpecs:\n  - path: metadata/name\n- ../patches\n',
      'app/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        envFrom:\n        - configMapRef:\n            name: env\n',
      'gens/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'gens/cm.yaml': 'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: env\nliterals:\n- A=1\n---\napiVersion: builtin\nkind: SecretGenerator\nmetadata:\n  name: creds\nliterals:\n- P=2\n',
      'labels/kustomization.yaml': 'resources:\n- labels.yaml\n',
      'labels/labels.yaml': 'apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: labels\nlabels:\n  team: a\nfieldSpecs:\n- path: metadata/labels\n  create: true\n',
      'patches/kustomization.yaml': 'resources:\n- patch.yaml\n',
      'patches/patch.yaml': 'apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: p\ntarget:\n  kind: Deployment\npatch: |-\n  - op: add\n    path: /spec/replicas\n    value: 3\n',
    },
  },
  {
    name: 'crds: name references, annotations, label selectors and identities declared in OpenAPI definitions',
    dir: 'overlay',
    files: {
      'base/kustomization.yaml': 'crds:\n- widget.json\nresources:\n- widget.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n  - a=b\n',
      'base/widget.json': openapi,
      'base/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  configRef:\n    name: settings\n  account:\n    accountName: runner\n  podAnnotations: {}\n  selector: {}\n  identity: w\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n',
      'overlay/kustomization.yaml': 'namePrefix: p-\ncommonLabels:\n  app: w\ncommonAnnotations:\n  note: hi\nresources:\n- ../base\n',
    },
  },
  {
    name: 'configurations: nameReference, commonLabels, commonAnnotations, images, namespace, replicas, namePrefix of a custom kind',
    dir: 'overlay',
    files: {
      'base/kustomization.yaml': 'resources:\n- app.yaml\n- svc.yaml\nconfigurations:\n- config.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n  - a=b\nsecretGenerator:\n- name: creds\n  literals:\n  - p=q\n',
      'base/config.yaml': customConfig,
      'base/app.yaml': custom,
      'base/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  ports:\n  - port: 80\n',
      'overlay/kustomization.yaml': 'namePrefix: p-\nnamespace: prod\ncommonLabels:\n  env: prod\ncommonAnnotations:\n  note: hi\nimages:\n- name: nginx\n  newTag: "1.27"\n- name: busybox\n  newName: mirror/busybox\nreplicas:\n- name: shop\n  count: 4\nresources:\n- ../base\n',
    },
  },
  {
    name: 'error: conflicting field specs in configurations',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- app.yaml\nconfigurations:\n- a.yaml\n- b.yaml\n',
      'a.yaml': 'commonLabels:\n- path: spec/selectorLabels\n  kind: App\n  create: true\n',
      'b.yaml': 'commonLabels:\n- path: spec/selectorLabels\n  kind: App\n',
      'app.yaml': custom,
    },
  },
  {
    name: 'error: unknown field in a configurations file',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- app.yaml\nconfigurations:\n- a.yaml\n',
      'a.yaml': 'labelz:\n- path: spec/selectorLabels\n',
      'app.yaml': custom,
    },
  },
  {
    name: 'vars: objref, fieldpath, types, escapes, hash suffixes; overlay renames, adds a namespace and its own var',
    dir: 'overlay',
    files: {
      'base/kustomization.yaml': `resources:\n- app.yaml\n- db.yaml\n- ingress.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n  - a=b\ncommonAnnotations:\n  db: $(SVC)\n${baseVars}`,
      'base/app.yaml': app,
      'base/db.yaml': db,
      'base/ingress.yaml': ingress,
      'overlay/kustomization.yaml': `namePrefix: prod-\nnamespace: shop\nresources:\n- ../base\nvars:\n- name: NS\n  objref:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: app\n    namespace: shop\n  fieldref:\n    fieldpath: metadata.namespace\n`,
    },
  },
  {
    name: 'vars: a component declares a var; version-only objref; [key=value] field paths',
    dir: 'app',
    files: {
      'app/kustomization.yaml': 'resources:\n- db.yaml\n- app.yaml\ncomponents:\n- ../comp\nnameSuffix: -v2\n',
      'app/db.yaml': db,
      'app/app.yaml': app.replace(/\$\(NS\)|\$\(REPLICAS\)|\$\(CM\)/g, 'x'),
      'comp/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nvars:\n- name: SVC\n  objref:\n    version: v1\n    kind: Service\n    name: db\n- name: PORT\n  objref:\n    apiVersion: apps/v1\n    kind: StatefulSet\n    name: db\n  fieldref:\n    fieldpath: spec.template.spec.containers.[name=db].image\n`,
    },
  },
  {
    name: 'configurations: varReference fields of a custom kind, merged up from a base',
    dir: 'overlay',
    files: {
      'base/kustomization.yaml': 'resources:\n- db.yaml\n- job.yaml\nconfigurations:\n- config.yaml\n',
      'base/config.yaml': 'varReference:\n- path: spec\n  kind: Job\n  group: example.com\n- path: spec/steps/run\n  kind: Job\n',
      'base/db.yaml': db,
      'base/job.yaml': crd,
      'overlay/kustomization.yaml': 'namePrefix: o-\nresources:\n- ../base\nvars:\n- name: SVC\n  objref:\n    apiVersion: v1\n    kind: Service\n    name: db\n- name: PORT\n  objref:\n    apiVersion: v1\n    kind: Service\n    name: db\n  fieldref:\n    fieldpath: spec.ports[0].port\n',
    },
  },
  {
    name: 'error: var whose object is not in the build',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- db.yaml\nvars:\n- name: SVC\n  objref:\n    apiVersion: v1\n    kind: Service\n    name: missing\n- name: PORT\n  objref:\n    apiVersion: v1\n    kind: Service\n    name: db\n',
      'db.yaml': db,
    },
  },
  {
    name: 'error: var objref without the version the object has',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- db.yaml\nvars:\n- name: PORT\n  objref:\n    kind: Service\n    name: db\n',
      'db.yaml': db,
    },
  },
  {
    name: 'error: the same var declared in two bases',
    dir: 'top',
    files: {
      'a/kustomization.yaml': 'namePrefix: a-\nresources:\n- db.yaml\nvars:\n- name: PORT\n  objref:\n    apiVersion: v1\n    kind: Service\n    name: db\n',
      'a/db.yaml': db,
      'b/kustomization.yaml': 'namePrefix: b-\nresources:\n- db.yaml\nvars:\n- name: PORT\n  objref:\n    apiVersion: v1\n    kind: Service\n    name: db\n',
      'b/db.yaml': db,
      'top/kustomization.yaml': 'resources:\n- ../a\n- ../b\n',
    },
  },
  {
    name: 'error: var matching objects in two namespaces',
    dir: 'top',
    files: {
      'a/kustomization.yaml': 'namespace: a\nresources:\n- db.yaml\n',
      'a/db.yaml': db,
      'b/kustomization.yaml': 'namespace: b\nresources:\n- db.yaml\n',
      'b/db.yaml': db,
      'top/kustomization.yaml': 'resources:\n- ../a\n- ../b\nvars:\n- name: PORT\n  objref:\n    apiVersion: v1\n    kind: Service\n    name: db\n',
    },
  },
  {
    name: 'error: a non-string list item in a var reference field',
    dir: '.',
    files: {
      'kustomization.yaml': 'resources:\n- db.yaml\n- pod.yaml\nvars:\n- name: PORT\n  objref:\n    apiVersion: v1\n    kind: Service\n    name: db\n',
      'db.yaml': db,
      'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x\n    args:\n    - 1\n    - $(PORT)\n',
    },
  },
];

/**
 * OpenAPI v3 schemas of the Flux kinds' specs, written once here; `crds.ts` turns them into
 * CustomResourceDefinitions and `crds/*.yaml` is generated from them (a test keeps it in step).
 */

export type Schema = Record<string, unknown>;

const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const bool = (): Schema => ({ type: 'boolean' });
const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
const duration = (description: string): Schema => ({ type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$', description });
const obj = (properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  ...extra,
});
const arr = (items: Schema): Schema => ({ type: 'array', items });
const enumOf = (values: string[], extra: Schema = {}): Schema => ({ type: 'string', enum: values, ...extra });
const localRef = (): Schema => obj({ name: str() }, ['name']);
const stringMap = (): Schema => ({ type: 'object', additionalProperties: { type: 'string' } });
const open = (): Schema => ({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
const dependsOn = (): Schema => arr(obj({ name: str(), namespace: str(), kind: str(), readyExpr: str() }, ['name']));
const selector = (): Schema =>
  obj({ group: str(), version: str(), kind: str(), name: str(), namespace: str(), labelSelector: str(), annotationSelector: str() });

/** Status is written by the controllers; its shape is kept open like Flux's is in places. */
export const statusSchema: Schema = open();

export const gitRepositorySpec: Schema = obj(
  {
    url: str({ pattern: '^((http|https|ssh|file)://.*|/.*)$', description: 'The repository URL (fluxion also accepts file:// URLs and absolute local paths).' }),
    secretRef: localRef(),
    provider: enumOf(['generic', 'aws', 'azure', 'github']),
    interval: duration('How often to check the remote for a new revision.'),
    timeout: { ...duration('Timeout of Git operations.'), default: '60s' },
    ref: obj({ branch: str(), tag: str(), semver: str(), name: str(), commit: str() }),
    verify: obj({ mode: { ...enumOf(['head', 'HEAD', 'Tag', 'TagAndHEAD']), default: 'HEAD' }, secretRef: localRef() }, ['secretRef']),
    proxySecretRef: localRef(),
    ignore: str(),
    suspend: bool(),
    recurseSubmodules: bool(),
    include: arr(obj({ repository: localRef(), fromPath: str(), toPath: str() }, ['repository'])),
    sparseCheckout: arr(str()),
  },
  ['url', 'interval'],
);

export const ociRepositorySpec: Schema = obj(
  {
    url: str({ pattern: '^oci://.*$', description: 'The repository in the registry, oci://HOST/PATH, without tag or digest.' }),
    ref: obj({ tag: str(), semver: str(), semverFilter: str(), digest: str() }),
    layerSelector: obj({ mediaType: str(), operation: enumOf(['extract', 'copy']) }),
    provider: { ...enumOf(['generic', 'aws', 'azure', 'gcp']), default: 'generic' },
    secretRef: localRef(),
    verify: obj({ provider: { ...enumOf(['cosign', 'notation']), default: 'cosign' }, secretRef: localRef(), matchOIDCIdentity: arr(obj({ issuer: str(), subject: str() }, ['issuer', 'subject'])), trustedRootSecretRef: localRef() }, ['provider']),
    serviceAccountName: str(),
    certSecretRef: localRef(),
    proxySecretRef: localRef(),
    interval: duration('How often to check the registry for a new digest.'),
    timeout: { ...duration('Timeout of registry operations.'), default: '60s' },
    ignore: str(),
    insecure: bool(),
    suspend: bool(),
  },
  ['url', 'interval'],
);

export const bucketSpec: Schema = obj(
  {
    provider: { ...enumOf(['generic', 'aws', 'gcp', 'azure']), default: 'generic', description: 'fluxion reaches S3-compatible storage: generic, or aws with spec.secretRef.' },
    bucketName: str({ description: 'The bucket to list and download.' }),
    endpoint: str({ description: 'The S3 endpoint, host[:port] without scheme.' }),
    sts: obj({ provider: enumOf(['aws', 'ldap']), endpoint: str({ pattern: '^(http|https)://.*$' }), secretRef: localRef(), certSecretRef: localRef() }, ['provider', 'endpoint']),
    insecure: bool(),
    region: str(),
    prefix: str({ description: 'Only objects whose key starts with this prefix.' }),
    secretRef: localRef(),
    serviceAccountName: str(),
    certSecretRef: localRef(),
    proxySecretRef: localRef(),
    interval: duration('How often to list the bucket for a new revision.'),
    timeout: { ...duration('Timeout of bucket operations.'), default: '60s' },
    ignore: str(),
    suspend: bool(),
  },
  ['bucketName', 'endpoint', 'interval'],
);

export const helmRepositorySpec: Schema = obj(
  {
    url: str({ pattern: '^(http|https|oci)://.*$' }),
    type: enumOf(['default', 'oci']),
    secretRef: localRef(),
    certSecretRef: localRef(),
    passCredentials: bool(),
    insecure: bool(),
    interval: duration('How often to fetch the index.'),
    timeout: duration('Timeout of index fetches.'),
    suspend: bool(),
    provider: { ...enumOf(['generic', 'aws', 'azure', 'gcp']), default: 'generic' },
    accessFrom: open(),
  },
  ['url'],
);

const chartTemplate = (): Record<string, Schema> => ({
  chart: str({ minLength: 1 }),
  version: { ...str(), default: '*' },
  sourceRef: obj({ apiVersion: str(), kind: enumOf(['HelmRepository', 'GitRepository', 'Bucket']), name: str(), namespace: str() }, ['kind', 'name']),
  interval: duration('How often to check for a new chart version.'),
  reconcileStrategy: { ...enumOf(['ChartVersion', 'Revision']), default: 'ChartVersion' },
  valuesFiles: arr(str()),
  valuesFile: str(),
  ignoreMissingValuesFiles: bool(),
  verify: open(),
});

export const helmChartSpec: Schema = obj({ ...chartTemplate(), suspend: bool(), accessFrom: open() }, ['chart', 'sourceRef', 'interval']);

export const kustomizationSpec: Schema = obj(
  {
    sourceRef: obj({ apiVersion: str(), kind: enumOf(['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact']), name: str(), namespace: str() }, ['kind', 'name']),
    path: str(),
    interval: duration('How often to reconcile.'),
    retryInterval: duration('How long to wait after a failure.'),
    timeout: duration('Timeout for build, apply and health checks.'),
    prune: bool(),
    deletionPolicy: enumOf(['MirrorPrune', 'Delete', 'WaitForTermination', 'Orphan']),
    wait: bool(),
    healthChecks: arr(obj({ apiVersion: str(), kind: str(), name: str(), namespace: str() }, ['kind', 'name'])),
    healthCheckExprs: arr(obj({ apiVersion: str(), kind: str(), current: str(), failed: str(), inProgress: str() }, ['apiVersion', 'kind', 'current'])),
    dependsOn: dependsOn(),
    targetNamespace: str({ maxLength: 63, minLength: 1 }),
    namePrefix: str({ maxLength: 200 }),
    nameSuffix: str({ maxLength: 200 }),
    patches: arr(obj({ patch: str(), target: selector() }, ['patch'])),
    patchesStrategicMerge: arr(open()),
    patchesJson6902: arr(obj({ target: selector(), patch: arr(open()) })),
    images: arr(obj({ name: str(), newName: str(), newTag: str(), digest: str() }, ['name'])),
    components: arr(str()),
    commonMetadata: obj({ labels: stringMap(), annotations: stringMap() }),
    force: { ...bool(), default: false },
    ignore: arr(obj({ paths: arr(str()), target: selector() }, ['paths'])),
    suspend: bool(),
    postBuild: obj({
      substitute: stringMap(),
      substituteFrom: arr(obj({ kind: enumOf(['ConfigMap', 'Secret']), name: str(), optional: bool() }, ['kind', 'name'])),
    }),
    decryption: obj({ provider: enumOf(['sops']), secretRef: localRef() }, ['provider']),
    serviceAccountName: str(),
    kubeConfig: obj({ secretRef: obj({ name: str(), key: str() }, ['name']) }),
    ignoreMissingComponents: bool(),
    validation: enumOf(['none', 'client', 'server']),
  },
  ['sourceRef', 'interval', 'prune'],
);

/** Flux 2.7+: what to do when an install/upgrade fails (remediate, or retry as is after `retryInterval`). */
const actionStrategy = (): Schema => obj({ name: enumOf(['RemediateOnFailure', 'RetryOnFailure']), retryInterval: duration('Time to wait before retrying (RetryOnFailure).') }, ['name']);

const remediation = (): Schema => obj({ retries: int(), ignoreTestFailures: bool(), remediateLastFailure: bool(), strategy: enumOf(['rollback', 'uninstall']) });

export const helmReleaseSpec: Schema = obj(
  {
    chart: obj({ spec: obj(chartTemplate(), ['chart', 'sourceRef']), metadata: obj({ labels: stringMap(), annotations: stringMap() }) }, ['spec']),
    chartRef: obj({ apiVersion: str(), kind: enumOf(['OCIRepository', 'HelmChart', 'ExternalArtifact']), name: str(), namespace: str() }, ['kind', 'name']),
    interval: duration('How often to reconcile.'),
    kubeConfig: open(),
    suspend: bool(),
    releaseName: str({ maxLength: 53, minLength: 1 }),
    targetNamespace: str({ maxLength: 63, minLength: 1 }),
    storageNamespace: str({ maxLength: 63, minLength: 1 }),
    dependsOn: dependsOn(),
    timeout: duration('Timeout of Helm actions.'),
    maxHistory: int(),
    serviceAccountName: str(),
    persistentClient: bool(),
    driftDetection: obj({ mode: enumOf(['enabled', 'warn', 'disabled']), ignore: arr(open()) }),
    install: obj({ timeout: duration('Install timeout.'), remediation: remediation(), strategy: actionStrategy(), disableWait: bool(), disableWaitForJobs: bool(), disableHooks: bool(), disableOpenAPIValidation: bool(), replace: bool(), skipCRDs: bool(), crds: enumOf(['Skip', 'Create', 'CreateReplace']), createNamespace: bool() }),
    upgrade: obj({ timeout: duration('Upgrade timeout.'), remediation: remediation(), strategy: actionStrategy(), disableWait: bool(), disableWaitForJobs: bool(), disableHooks: bool(), force: bool(), preserveValues: bool(), cleanupOnFail: bool(), crds: enumOf(['Skip', 'Create', 'CreateReplace']) }),
    test: obj({ enable: bool(), timeout: duration('Test timeout.'), ignoreFailures: bool(), filters: arr(obj({ name: str(), exclude: bool() }, ['name'])) }),
    rollback: obj({ timeout: duration('Rollback timeout.'), disableWait: bool(), disableWaitForJobs: bool(), disableHooks: bool(), recreate: bool(), force: bool(), cleanupOnFail: bool() }),
    uninstall: obj({ timeout: duration('Uninstall timeout.'), disableHooks: bool(), keepHistory: bool(), disableWait: bool(), deletionPropagation: enumOf(['background', 'foreground', 'orphan']) }),
    valuesFrom: arr(obj({ kind: enumOf(['ConfigMap', 'Secret']), name: str(), valuesKey: str(), targetPath: str(), optional: bool() }, ['kind', 'name'])),
    values: open(),
    postRenderers: arr(open()),
  },
  ['interval'],
);

export const externalArtifactSpec: Schema = obj({
  sourceRef: obj({ apiVersion: str(), kind: str(), name: str(), namespace: str() }, ['kind', 'name'], { description: 'The object the artifact is generated for.' }),
});

const aliasRef = (description: string): Schema => str({ pattern: '^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)$', maxLength: 64, description });

export const artifactGeneratorSpec: Schema = obj(
  {
    commonMetadata: obj({ labels: stringMap(), annotations: stringMap() }),
    sources: arr(
      obj(
        {
          alias: str({ pattern: '^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$', maxLength: 63, description: 'How copy operations name the source (@alias).' }),
          name: str({ pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$', maxLength: 253 }),
          namespace: str({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63, minLength: 1 }),
          kind: enumOf(['Bucket', 'GitRepository', 'OCIRepository', 'HelmChart', 'ExternalArtifact']),
        },
        ['alias', 'name', 'kind'],
      ),
    ),
    pathPattern: str({ pattern: '^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)/(.*)$', maxLength: 1024 }),
    artifacts: arr(
      obj(
        {
          name: str({ minLength: 1, maxLength: 253, description: 'Name of the ExternalArtifact generated.' }),
          revision: aliasRef('Take the revision of this source (@alias) instead of latest@<digest>.'),
          originRevision: aliasRef("Record this source's revision (@alias) as the artifact's org.opencontainers.image.revision."),
          copy: arr(
            obj(
              {
                from: str({ pattern: '^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)/(.*)$', minLength: 1, maxLength: 1024, description: '@alias/<glob or path>' }),
                to: str({ pattern: '^@(artifact)/(.*)$', minLength: 1, maxLength: 1024, description: '@artifact/<path>; a trailing / names a directory.' }),
                exclude: { ...arr(str()), maxItems: 100 },
                strategy: enumOf(['Overwrite', 'Merge', 'Extract']),
              },
              ['from', 'to'],
            ),
          ),
        },
        ['name', 'copy'],
      ),
    ),
  },
  ['sources', 'artifacts'],
);

const SOURCE_KINDS = ['Bucket', 'GitRepository', 'Kustomization', 'HelmRelease', 'HelmChart', 'HelmRepository', 'ImageRepository', 'ImagePolicy', 'ImageUpdateAutomation', 'OCIRepository', 'ArtifactGenerator', 'ExternalArtifact'];
const crossNamespaceRef = (extra: Record<string, Schema> = {}): Schema =>
  obj(
    {
      apiVersion: str(),
      kind: enumOf(SOURCE_KINDS),
      name: str({ minLength: 1, maxLength: 253, description: 'Name of the object, or * with matchLabels.' }),
      namespace: str({ minLength: 1, maxLength: 253 }),
      matchLabels: stringMap(),
      ...extra,
    },
    ['kind', 'name'],
  );

export const providerSpec: Schema = obj(
  {
    type: enumOf(['slack', 'discord', 'msteams', 'rocket', 'generic', 'generic-hmac', 'github', 'gitlab', 'gitea', 'giteapullrequestcomment', 'bitbucketserver', 'bitbucket', 'azuredevops', 'googlechat', 'googlepubsub', 'webex', 'sentry', 'azureeventhub', 'telegram', 'lark', 'matrix', 'opsgenie', 'alertmanager', 'grafana', 'githubdispatch', 'githubpullrequestcomment', 'gitlabmergerequestcomment', 'pagerduty', 'datadog', 'nats', 'zulip', 'otel', 'zoom', 'incident.io'], {
      description: 'fluxion sends to generic, generic-hmac, slack, msteams, discord, googlechat and alertmanager, and sets github and gitlab commit statuses; other types are refused when an event is dispatched.',
    }),
    interval: duration('Unused since v1beta3 (kept for compatibility).'),
    channel: str({ maxLength: 2048 }),
    username: str({ maxLength: 2048 }),
    address: str({ maxLength: 2048, description: 'The webhook URL (or the secret key address).' }),
    timeout: { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m))+$', description: 'Timeout of one send; 15s by default.' },
    proxy: str({ pattern: '^(http|https)://.*$', maxLength: 2048, description: 'Deprecated; fluxion refuses to send through a proxy.' }),
    proxySecretRef: localRef(),
    secretRef: localRef(),
    serviceAccountName: str(),
    certSecretRef: localRef(),
    suspend: bool(),
    commitStatusExpr: str(),
  },
  ['type'],
);

export const alertSpec: Schema = obj(
  {
    providerRef: localRef(),
    eventSeverity: { ...enumOf(['info', 'error']), default: 'info' },
    eventSources: arr(crossNamespaceRef()),
    inclusionList: arr(str()),
    exclusionList: arr(str()),
    eventMetadata: stringMap(),
    summary: str({ maxLength: 255, description: 'Deprecated: use eventMetadata.summary.' }),
    suspend: bool(),
  },
  ['providerRef', 'eventSources'],
);

export const receiverSpec: Schema = obj(
  {
    type: enumOf(['generic', 'generic-hmac', 'generic-oidc', 'github', 'gitlab', 'bitbucket', 'harbor', 'dockerhub', 'quay', 'gcr', 'nexus', 'acr', 'cdevents'], {
      description: 'fluxion verifies generic, generic-hmac, github, gitlab, bitbucket, harbor, dockerhub and quay requests.',
    }),
    interval: { ...duration('How often to re-read the token Secret.'), default: '10m' },
    events: arr(str()),
    resources: arr(crossNamespaceRef({ filter: str({ description: 'A CEL expression (not evaluated by fluxion).' }) })),
    resourceFilter: str({ description: 'A CEL expression (not evaluated by fluxion).' }),
    secretRef: localRef(),
    suspend: bool(),
  },
  ['type', 'resources'],
);

export const imageRepositorySpec: Schema = obj(
  {
    image: str({ description: 'The image to scan, without tag or digest (Docker Hub and library/ defaulted).' }),
    interval: duration('How often to scan the registry for tags.'),
    timeout: duration('Timeout of a scan; the interval when unset.'),
    secretRef: localRef(),
    serviceAccountName: str(),
    certSecretRef: localRef(),
    proxySecretRef: localRef(),
    accessFrom: open(),
    suspend: bool(),
    exclusionList: { ...arr(str()), maxItems: 25, default: ['^.*\\.sig$'] },
    provider: { ...enumOf(['generic', 'aws', 'azure', 'gcp'], { description: 'fluxion authenticates with generic only.' }), default: 'generic' },
    insecure: bool(),
  },
  ['image', 'interval'],
);

const order = (): Schema => ({ ...enumOf(['asc', 'desc']), default: 'asc' });

export const imagePolicySpec: Schema = obj(
  {
    imageRepositoryRef: obj({ name: str(), namespace: str() }, ['name']),
    policy: obj({ semver: obj({ range: str() }, ['range']), alphabetical: obj({ order: order() }), numerical: obj({ order: order() }) }),
    filterTags: obj({ pattern: str(), extract: str() }),
    digestReflectionPolicy: { ...enumOf(['Never', 'IfNotPresent', 'Always']), default: 'Never' },
    interval: duration('How often to re-resolve the digest (digestReflectionPolicy Always).'),
    suspend: bool(),
  },
  ['imageRepositoryRef', 'policy'],
);

/**
 * Flux's condition reasons, spelled exactly as Flux spells them. Sources: fluxcd/pkg
 * apis/meta (generic reasons), source-controller api/v1/condition_types.go, kustomize-controller
 * api/v1/kustomization_types.go (condition reasons), helm-controller api/v2/condition_types.go.
 */

/** fluxcd/pkg apis/meta (conditions.go): shared by every controller. */
export const MetaReasons = {
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  Suspended: 'Suspended',
  DependencyNotReady: 'DependencyNotReady',
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  BuildFailed: 'BuildFailed',
  ArtifactFailed: 'ArtifactFailed',
} as const;

/**
 * source-controller: api/v1/condition_types.go (the generic source reasons),
 * api/v1/gitrepository_types.go (GitOperation*), api/v1/helmrepository_types.go and
 * helmchart_types.go (Indexation*, ChartPull*, ChartPackage*). `NewRevision` is the reason the
 * controller puts on `ArtifactOutdated`/`Reconciling` when the upstream revision moved.
 */
export const SourceReasons = {
  GitOperationSucceeded: 'GitOperationSucceeded',
  GitOperationFailed: 'GitOperationFailed',
  AuthenticationFailed: 'AuthenticationFailed',
  URLInvalid: 'URLInvalid',
  StorageOperationFailed: 'StorageOperationFailed',
  ArchiveOperationFailed: 'ArchiveOperationFailed',
  IndexationFailed: 'IndexationFailed',
  IndexationSucceeded: 'IndexationSucceeded',
  ChartPullFailed: 'ChartPullFailed',
  ChartPullSucceeded: 'ChartPullSucceeded',
  ChartPackageFailed: 'ChartPackageFailed',
  ChartPackageSucceeded: 'ChartPackageSucceeded',
  NewRevision: 'NewRevision',
  NewArtifact: 'NewArtifact',
  ArtifactUpToDate: 'ArtifactUpToDate',
  SymlinkUpdateFailed: 'SymlinkUpdateFailed',
  VerificationError: 'VerificationError',
  DirectoryCreationFailed: 'DirectoryCreationFailed',
  StatOperationFailed: 'StatOperationFailed',
  ReadOperationFailed: 'ReadOperationFailed',
  AcquireLockFailed: 'AcquireLockFailed',
  InvalidPath: 'InvalidPath',
  CacheOperationFailed: 'CacheOperationFailed',
  InvalidSTSConfiguration: 'InvalidSTSConfiguration',
  OCIArtifactPullFailed: 'OCIArtifactPullFailed',
  BucketOperationFailed: 'BucketOperationFailed',
  BucketOperationSucceeded: 'BucketOperationSucceeded',
  OCIArtifactLayerOperationFailed: 'OCIArtifactLayerOperationFailed',
} as const;

/** kustomize-controller: api/v1/kustomization_types.go and api/v1/condition_types.go. */
export const KustomizeReasons = {
  ArtifactFailed: 'ArtifactFailed',
  BuildFailed: 'BuildFailed',
  PruneFailed: 'PruneFailed',
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  DependencyNotReady: 'DependencyNotReady',
} as const;

/** helm-controller: api/v2/condition_types.go (DriftDetected/NoDrift are its drift-detection event reasons). */
export const HelmReasons = {
  InstallSucceeded: 'InstallSucceeded',
  InstallFailed: 'InstallFailed',
  UpgradeSucceeded: 'UpgradeSucceeded',
  UpgradeFailed: 'UpgradeFailed',
  TestSucceeded: 'TestSucceeded',
  TestFailed: 'TestFailed',
  RollbackSucceeded: 'RollbackSucceeded',
  RollbackFailed: 'RollbackFailed',
  UninstallSucceeded: 'UninstallSucceeded',
  UninstallFailed: 'UninstallFailed',
  ArtifactFailed: 'ArtifactFailed',
  InitFailed: 'InitFailed',
  GetLastReleaseFailed: 'GetLastReleaseFailed',
  DependencyNotReady: 'DependencyNotReady',
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  DriftDetected: 'DriftDetected',
  NoDrift: 'NoDrift',
} as const;

/** fluxion: an invalid spec (Stalled); Flux reports these as `InvalidSpec`-style Stalled reasons. */
export const FluxionReasons = {
  InvalidSpec: 'InvalidSpec',
  DependencyCycle: 'DependencyCycle',
} as const;

/** source-watcher: api/v1beta1/artifactgenerator_types.go (the ArtifactGenerator's own reasons). */
export const GeneratorReasons = {
  SourceFetchFailed: 'SourceFetchFailed',
  ValidationFailed: 'ValidationFailed',
  AccessDenied: 'AccessDenied',
  ReconciliationDisabled: 'ReconciliationDisabled',
} as const;

/** notification-controller: api/v1/condition_types.go and the events of internal/server. */
export const NotificationReasons = {
  TokenNotFound: 'TokenNotFound',
  ValidationFailed: 'ValidationFailed',
  NotificationDispatchFailed: 'NotificationDispatchFailed',
  InvalidConfig: 'InvalidConfig',
  MetadataAppendFailed: 'MetadataAppendFailed',
} as const;

/** image-reflector-controller: api/v1/condition_types.go and the ImagePolicy reconciler's reasons. */
export const ImageReasons = {
  ImageURLInvalid: 'ImageURLInvalid',
  AuthenticationFailed: 'AuthenticationFailed',
  ReadOperationFailed: 'ReadOperationFailed',
  DependencyNotReady: 'DependencyNotReady',
  InvalidPolicy: 'InvalidPolicy',
  /** `metav1.StatusFailure`: the policy found no tag, or the digest could not be read. */
  Failure: 'Failure',
} as const;

/**
 * Flux's condition reasons, spelled exactly as Flux spells them. Sources: fluxcd/pkg
 * apis/meta (generic reasons), source-controller api/v1/condition_types.go, kustomize-controller
 * api/v1/kustomization_types.go (condition reasons), helm-controller api/v2/condition_types.go.
 */

/** fluxcd/pkg apis/meta: shared by every controller. */
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
  InvalidPath: 'InvalidPath',
  InvalidURL: 'InvalidURL',
} as const;

/** source-controller. */
export const SourceReasons = {
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
  InvalidSTSConfiguration: 'InvalidSTSConfiguration',
} as const;

/** kustomize-controller. */
export const KustomizeReasons = {
  ArtifactFailed: 'ArtifactFailed',
  BuildFailed: 'BuildFailed',
  PruneFailed: 'PruneFailed',
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  DependencyNotReady: 'DependencyNotReady',
} as const;

/** helm-controller. */
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
  DriftDetected: 'DriftDetected',
  NoDrift: 'NoDrift',
} as const;

/** fluxion: an invalid spec (Stalled); Flux reports these as `InvalidSpec`-style Stalled reasons. */
export const FluxionReasons = {
  InvalidSpec: 'InvalidSpec',
  DependencyCycle: 'DependencyCycle',
} as const;

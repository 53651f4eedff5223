/** Helm 3 releases: the record (`Release`), its storage encoding, and the Secrets storage driver. */
export type { HookDeletePolicy, HookEvent, HookExecution, HookPhase, Release, ReleaseChart, ReleaseHook, ReleaseInfo, ReleaseStatus } from './types.js';
export { PENDING_STATUSES } from './types.js';
export { decodeRelease, encodeRelease, goJson, goTime, parseReleaseJson, releaseJson } from './codec.js';
export { nextVersion, RELEASE_SECRET_TYPE, releaseKey, ReleaseStorage, ReleaseStorageError } from './storage.js';

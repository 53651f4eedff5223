/** notification.toolkit.fluxcd.io Provider (storage v1beta3; accepts v1beta2). Static: Flux writes no status. */
import type { KubeObject } from '../meta.js';
import { Checker } from '../validation.js';
import type { FluxObject, LocalObjectReference } from './common.js';
import { checkLocalRef, checkMetadata, sameFields } from './common.js';

/** Every provider type Flux's Provider CRD accepts (api/v1beta3/provider_types.go). */
export const PROVIDER_TYPES = [
  'slack', 'discord', 'msteams', 'rocket', 'generic', 'generic-hmac', 'github', 'gitlab', 'gitea', 'giteapullrequestcomment',
  'bitbucketserver', 'bitbucket', 'azuredevops', 'googlechat', 'googlepubsub', 'webex', 'sentry', 'azureeventhub', 'telegram',
  'lark', 'matrix', 'opsgenie', 'alertmanager', 'grafana', 'githubdispatch', 'githubpullrequestcomment', 'gitlabmergerequestcomment',
  'pagerduty', 'datadog', 'nats', 'zulip', 'otel', 'zoom', 'incident.io',
] as const;

export type ProviderType = (typeof PROVIDER_TYPES)[number];

export interface ProviderSpec {
  type: ProviderType;
  interval?: string;
  channel?: string;
  username?: string;
  address?: string;
  timeout?: string;
  proxy?: string;
  proxySecretRef?: LocalObjectReference;
  secretRef?: LocalObjectReference;
  serviceAccountName?: string;
  certSecretRef?: LocalObjectReference;
  suspend?: boolean;
  commitStatusExpr?: string;
}

export type Provider = FluxObject<ProviderSpec>;

/** v1beta2 → v1beta3: the same fields; v1beta3 dropped the status. */
export function convertProvider(obj: KubeObject): Provider {
  return sameFields<Provider>(obj, 'notification.toolkit.fluxcd.io/v1beta3');
}

/** The CRD has no defaults; Flux applies `timeout` 15s at send time (`providerTimeoutMs`). */
export function defaultProvider(obj: Provider): Provider {
  return obj;
}

/** Provider.GetTimeout: `spec.timeout`, 15s by default. */
export const DEFAULT_PROVIDER_TIMEOUT = '15s';

const PROVIDER_TIMEOUT = /^([0-9]+(\.[0-9]+)?(ms|s|m))+$/;

/** Field errors of a Provider in any accepted version. */
export function validateProvider(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  c.oneOf('spec.type', s.type, PROVIDER_TYPES, true);
  c.duration('spec.interval', s.interval);
  c.string('spec.timeout', s.timeout, { pattern: PROVIDER_TIMEOUT, patternText: '^([0-9]+(\\.[0-9]+)?(ms|s|m))+$' });
  for (const k of ['channel', 'username', 'address']) c.string(`spec.${k}`, s[k], { max: 2048 });
  c.string('spec.proxy', s.proxy, { pattern: /^(http|https):\/\/.*$/, patternText: '^(http|https)://.*$', max: 2048 });
  checkLocalRef(c, 'spec.secretRef', s.secretRef);
  checkLocalRef(c, 'spec.certSecretRef', s.certSecretRef);
  checkLocalRef(c, 'spec.proxySecretRef', s.proxySecretRef);
  c.string('spec.serviceAccountName', s.serviceAccountName);
  c.string('spec.commitStatusExpr', s.commitStatusExpr);
  c.boolean('spec.suspend', s.suspend);
  return c;
}

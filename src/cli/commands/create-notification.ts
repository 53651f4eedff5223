/**
 * The notification objects `fluxion create alert-provider|alert|receiver` build, field for field
 * as `flux create` builds them (Go's `omitempty` fields left out when empty), and their checks.
 */
import type { KubeObject } from '../../api/meta.js';
import { CommandError } from '../output/command.js';
import { ALERT, ALERT_PROVIDER, RECEIVER } from '../output/kinds.js';

type Flags = Record<string, unknown>;
type Metadata = KubeObject['metadata'];

/** The receiver types `flux create receiver --type` accepts (flux's internal/flags; no `generic-oidc`). */
export const CREATE_RECEIVER_TYPES = ['generic', 'generic-hmac', 'github', 'gitlab', 'bitbucket', 'harbor', 'dockerhub', 'quay', 'gcr', 'nexus', 'acr', 'cdevents'] as const;

const text = (flags: Flags, k: string): string => (typeof flags[k] === 'string' ? (flags[k] as string) : '');
const list = (flags: Flags, k: string): string[] => (Array.isArray(flags[k]) ? (flags[k] as string[]) : []);

/** flux's ParseObjectKindName: `Kind/name` (anything else is a name without a kind). */
export function parseKindName(input: string): { kind: string; name: string } {
  const parts = input.split('/');
  return parts.length === 2 ? { kind: parts[0]!, name: parts[1]! } : { kind: '', name: input };
}

/** flux's ParseObjectKindNameNamespace: `Kind/name[.namespace]`, the namespace after the last dot. */
export function parseKindNameNamespace(input: string): { kind: string; name: string; namespace: string } {
  const { kind, name } = parseKindName(input);
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? { kind, name: name.slice(0, dot), namespace: name.slice(dot + 1) } : { kind, name, namespace: '' };
}

/** A Provider as `flux create alert-provider` builds it (the type is the only required flag). */
export function alertProviderFrom(flags: Flags, metadata: Metadata): KubeObject {
  const type = text(flags, 'type');
  if (!type) throw new CommandError('Provider type is required');
  const optional = (k: string, field: string): Record<string, string> => (text(flags, k) ? { [field]: text(flags, k) } : {});
  return {
    apiVersion: ALERT_PROVIDER.apiVersion,
    kind: ALERT_PROVIDER.kind,
    metadata,
    spec: {
      ...optional('address', 'address'),
      ...optional('channel', 'channel'),
      ...(text(flags, 'secret-ref') ? { secretRef: { name: text(flags, 'secret-ref') } } : {}),
      type,
      ...optional('username', 'username'),
    },
  };
}

/** An Alert as `flux create alert` builds it: `--event-source Kind/name[.namespace]`, one at least. */
export function alertFrom(flags: Flags, metadata: Metadata): KubeObject {
  const providerRef = text(flags, 'provider-ref');
  if (!providerRef) throw new CommandError('provider ref is required');
  const eventSources = list(flags, 'event-source').map((s) => {
    const { kind, name, namespace } = parseKindNameNamespace(s);
    if (!kind) throw new CommandError(`invalid event source '${s}', must be in format <kind>/<name>`);
    return { kind, name, ...(namespace ? { namespace } : {}) };
  });
  if (eventSources.length === 0) throw new CommandError('at least one event source is required');
  return {
    apiVersion: ALERT.apiVersion,
    kind: ALERT.kind,
    metadata,
    spec: {
      ...(text(flags, 'event-severity') ? { eventSeverity: text(flags, 'event-severity') } : {}),
      eventSources,
      providerRef: { name: providerRef },
    },
  };
}

/** A Receiver as `flux create receiver` builds it: no interval (the CRD defaults it), a secret required. */
export function receiverFrom(flags: Flags, metadata: Metadata): KubeObject {
  const type = text(flags, 'type');
  if (!type) throw new CommandError('Receiver type is required');
  if (!(CREATE_RECEIVER_TYPES as readonly string[]).includes(type)) throw new CommandError(`invalid argument "${type}" for "--type" flag: receiver type '${type}' is not supported, must be one of: ${CREATE_RECEIVER_TYPES.join(', ')}`);
  const secretRef = text(flags, 'secret-ref');
  if (!secretRef) throw new CommandError('secret ref is required');
  const resources = list(flags, 'resource').map((r) => {
    const { kind, name } = parseKindName(r);
    // flux's own wording, "event source", for a receiver's resource too.
    if (!kind) throw new CommandError(`invalid event source '${r}', must be in format <kind>/<name>`);
    return { kind, name };
  });
  if (resources.length === 0) throw new CommandError('atleast one resource is required');
  const events = list(flags, 'event');
  return {
    apiVersion: RECEIVER.apiVersion,
    kind: RECEIVER.kind,
    metadata,
    spec: {
      ...(events.length ? { events } : {}),
      resources,
      secretRef: { name: secretRef },
      type,
    },
  };
}

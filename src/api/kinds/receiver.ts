/** notification.toolkit.fluxcd.io Receiver (storage v1; accepts v1beta2). */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../meta.js';
import { Checker, asRecord } from '../validation.js';
import type { FluxObject, FluxStatus, LocalObjectReference } from './common.js';
import { checkLocalRef, checkMetadata, sameFields } from './common.js';
import type { CrossNamespaceObjectReference } from './alert.js';
import { checkCrossNamespaceRef } from './alert.js';

/** Every receiver type Flux's Receiver CRD accepts (api/v1/receiver_types.go). */
export const RECEIVER_TYPES = ['generic', 'generic-hmac', 'generic-oidc', 'github', 'gitlab', 'bitbucket', 'harbor', 'dockerhub', 'quay', 'gcr', 'nexus', 'acr', 'cdevents'] as const;

export type ReceiverType = (typeof RECEIVER_TYPES)[number];

export interface ReceiverResource extends CrossNamespaceObjectReference {
  /** A CEL expression (Flux 2.7+); fluxion does not evaluate CEL and refuses it. */
  filter?: string;
}

export interface ReceiverSpec {
  type: ReceiverType;
  interval?: string;
  events?: string[];
  resources: ReceiverResource[];
  resourceFilter?: string;
  secretRef?: LocalObjectReference;
  suspend?: boolean;
}

export interface ReceiverStatus extends FluxStatus {
  /** `/hook/` + hex(sha256(token + name + namespace)). */
  webhookPath?: string;
}

export type Receiver = FluxObject<ReceiverSpec, ReceiverStatus>;

/** Where Flux serves receivers (`ReceiverWebhookPath`). */
export const RECEIVER_WEBHOOK_PREFIX = '/hook/';

/** Receiver.GetWebhookPath: `/hook/` + hex(sha256(token + name + namespace)). */
export function receiverWebhookPath(token: string, name: string, namespace: string): string {
  return RECEIVER_WEBHOOK_PREFIX + createHash('sha256').update(token + name + namespace).digest('hex');
}

/** v1beta2 → v1: the same fields. */
export function convertReceiver(obj: KubeObject): Receiver {
  return sameFields<Receiver>(obj, 'notification.toolkit.fluxcd.io/v1');
}

/** The CRD's default: `interval: 10m`. */
export function defaultReceiver(obj: Receiver): Receiver {
  obj.spec.interval ??= '10m';
  return obj;
}

/** Field errors of a Receiver in any accepted version. */
export function validateReceiver(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  c.oneOf('spec.type', s.type, RECEIVER_TYPES, true);
  c.duration('spec.interval', s.interval);
  if (c.array('spec.events', s.events)) s.events.forEach((e, i) => c.string(`spec.events[${i}]`, e, { required: true }));
  if (s.resources === undefined) c.fail('spec.resources', 'Required value');
  else if (c.array('spec.resources', s.resources)) {
    s.resources.forEach((r, i) => {
      checkCrossNamespaceRef(c, `spec.resources[${i}]`, r);
      c.string(`spec.resources[${i}].filter`, asRecord(r).filter);
    });
  }
  c.string('spec.resourceFilter', s.resourceFilter);
  checkLocalRef(c, 'spec.secretRef', s.secretRef, s.type !== 'generic-oidc');
  c.boolean('spec.suspend', s.suspend);
  return c;
}

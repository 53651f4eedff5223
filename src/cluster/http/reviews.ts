/**
 * The review APIs clients probe before acting: `kubectl auth can-i` and k9s create
 * SelfSubjectAccessReviews, `kubectl auth whoami` a SelfSubjectReview. The simulator has no
 * RBAC, so every access is allowed; the user is the impersonated one when the client sent
 * `Impersonate-User`/`Impersonate-Group`, else the kubeconfig's token user (`fluxion` when no token
 * arrives, which is how client-go behaves over plain HTTP).
 */
import type { IncomingMessage } from 'node:http';
import type { ResourceInfo } from '../types.js';

const review = (group: string, kind: string, plural: string, namespaced = false): ResourceInfo => ({
  group,
  version: 'v1',
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  statusSubresource: false,
});

/** Create-only resources, listed in discovery next to the cluster's own. */
export const REVIEW_RESOURCES: ResourceInfo[] = [
  review('authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews'),
  review('authorization.k8s.io', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews'),
  review('authorization.k8s.io', 'SubjectAccessReview', 'subjectaccessreviews'),
  review('authorization.k8s.io', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true),
  review('authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews'),
  review('authentication.k8s.io', 'TokenReview', 'tokenreviews'),
];

export function isReview(info: ResourceInfo): boolean {
  return REVIEW_RESOURCES.some((r) => r.group === info.group && r.kind === info.kind);
}

/** Who the request acts as: impersonation headers win, then the bearer token's user. */
export function requestUser(req: IncomingMessage): { username: string; groups: string[] } {
  const impersonated = req.headers['impersonate-user'];
  const groupsHeader = req.headers['impersonate-group'];
  const groups = (Array.isArray(groupsHeader) ? groupsHeader : groupsHeader ? [groupsHeader] : []).flatMap((g) => g.split(','));
  if (typeof impersonated === 'string' && impersonated) return { username: impersonated, groups: [...groups, 'system:authenticated'] };
  // client-go does not send a bearer token over plain HTTP, so a request without one is the
  // kubeconfig's user too: everyone is an administrator of the simulator.
  const token = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
  const username = token?.startsWith('fluxion-') ? token.slice('fluxion-'.length) : 'fluxion';
  return { username, groups: ['system:masters', 'system:authenticated'] };
}

/** The created review with its status filled in. */
export function answerReview(info: ResourceInfo, body: Record<string, unknown>, req: IncomingMessage): Record<string, unknown> {
  const user = requestUser(req);
  const base = { ...body, apiVersion: `${info.group}/v1`, kind: info.kind, metadata: { ...((body.metadata as object | undefined) ?? {}), creationTimestamp: null } };
  switch (info.kind) {
    case 'SelfSubjectReview':
      return { ...base, status: { userInfo: { username: user.username, groups: user.groups } } };
    case 'TokenReview':
      return { ...base, status: { authenticated: true, user: { username: user.username, groups: user.groups } } };
    case 'SelfSubjectRulesReview':
      return {
        ...base,
        status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false },
      };
    default:
      return { ...base, status: { allowed: true, reason: 'the simulator allows everything' } };
  }
}

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/cluster/errors.js';
import { parseStatus, statusToApiError } from '../../../src/cluster/kube/status-error.js';

const patchDeployment = { verb: 'patch', resource: 'deployments', group: 'apps', namespace: 'x', name: 'web', path: '/apis/apps/v1/namespaces/x/deployments/web' };
const statusBody = (code: number, reason: string, message: string, details?: object): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message, ...(details ? { details } : {}) });

describe('statusToApiError', () => {
  it.each([
    [404, 'NotFound', 'configmaps "a" not found'],
    [409, 'AlreadyExists', 'configmaps "a" already exists'],
    [409, 'Conflict', 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again'],
    [410, 'Gone', 'too old resource version: 1 (5)'],
    [422, 'Invalid', 'ConfigMap "A" is invalid: metadata.name: Invalid value: "A"'],
    [500, 'InternalError', 'etcd is sad'],
  ])('keeps a %s %s Status as the server wrote it', (code, reason, message) => {
    const err = statusToApiError(code, statusBody(code, reason, message, { name: 'a', kind: 'configmaps' }), patchDeployment);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: code, reason, message, details: { name: 'a', kind: 'configmaps' } });
  });

  it('keeps the server message of a 403, which names the verb and the resource', () => {
    const message = 'deployments.apps "web" is forbidden: User "system:serviceaccount:x:deployer" cannot patch resource "deployments" in API group "apps" in the namespace "x"';
    const err = statusToApiError(403, statusBody(403, 'Forbidden', message), patchDeployment);
    expect(err.status).toBe(403);
    expect(err.reason).toBe('Forbidden');
    expect(err.message).toContain('cannot patch resource "deployments" in API group "apps" in the namespace "x"');
  });

  it('builds the refusal message from the request when a 403 has no Status body', () => {
    const err = statusToApiError(403, '<html>denied</html>', patchDeployment);
    expect(err.reason).toBe('Forbidden');
    expect(err.message).toBe('forbidden: cannot patch resource "deployments" in API group "apps" in the namespace "x"');
    const cluster = statusToApiError(403, '', { verb: 'list', resource: 'clusterroles', group: 'rbac.authorization.k8s.io', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles' });
    expect(cluster.message).toBe('forbidden: cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope');
  });

  it('derives the reason from the HTTP code when the body is not a Status', () => {
    const err = statusToApiError(503, 'upstream connect error', { verb: 'get', path: '/api/v1' });
    expect(err).toMatchObject({ status: 503, reason: 'ServiceUnavailable' });
    expect(err.message).toContain('upstream connect error');
  });

  it('parses only Status objects', () => {
    expect(parseStatus('{"kind":"ConfigMap"}')).toBeUndefined();
    expect(parseStatus('not json')).toBeUndefined();
    expect(parseStatus({ kind: 'Status', code: 410, reason: 'Gone', message: 'm' })).toEqual({ code: 410, reason: 'Gone', message: 'm' });
  });
});

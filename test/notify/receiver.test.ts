/** Receiver request verification, type by type, as notification-controller's receiver handlers check them. */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { receiverWebhookPath } from '../../src/api/kinds/receiver.js';
import { verifyReceiverRequest } from '../../src/notify/receiver.js';

const body = Buffer.from('{"ref":"refs/heads/main"}');
const sign = (algo: string, key: string, b = body): string => `${algo}=${createHmac(algo, key).update(b).digest('hex')}`;

describe('receiver verification', () => {
  it('the webhook path is /hook/ + hex(sha256(token + name + namespace))', () => {
    expect(receiverWebhookPath('token', 'github-receiver', 'flux-system')).toBe('/hook/' + createHash('sha256').update('tokengithub-receiverflux-system').digest('hex'));
  });

  it.each([
    ['github, X-Hub-Signature-256', 'github', { 'x-hub-signature-256': sign('sha256', 't'), 'x-github-event': 'push' }, true],
    ['github, legacy X-Hub-Signature (sha1)', 'github', { 'x-hub-signature': sign('sha1', 't'), 'x-github-event': 'push' }, true],
    ['github, wrong key', 'github', { 'x-hub-signature-256': sign('sha256', 'other'), 'x-github-event': 'push' }, false],
    ['github, no signature', 'github', { 'x-github-event': 'push' }, false],
    ['github, event not in spec.events', 'github', { 'x-hub-signature-256': sign('sha256', 't'), 'x-github-event': 'issues' }, false],
    ['github, event compared without case', 'github', { 'x-hub-signature-256': sign('sha256', 't'), 'x-github-event': 'PUSH' }, true],
    ['generic-hmac sha512', 'generic-hmac', { 'x-signature': sign('sha512', 't') }, true],
    ['generic-hmac tampered', 'generic-hmac', { 'x-signature': sign('sha256', 't', Buffer.from('{}')) }, false],
    ['generic-hmac unknown algorithm', 'generic-hmac', { 'x-signature': 'md5=00' }, false],
    ['gitlab token', 'gitlab', { 'x-gitlab-token': 't', 'x-gitlab-event': 'Push Hook' }, true],
    ['gitlab wrong token', 'gitlab', { 'x-gitlab-token': 'x', 'x-gitlab-event': 'Push Hook' }, false],
    ['bitbucket', 'bitbucket', { 'x-hub-signature': sign('sha256', 't'), 'x-event-key': 'repo:refs_changed' }, true],
    ['harbor', 'harbor', { authorization: 't' }, true],
    ['harbor wrong', 'harbor', { authorization: 'Bearer t' }, false],
    ['generic accepts anything', 'generic', {}, true],
    ['dockerhub JSON', 'dockerhub', {}, true],
  ] as const)('%s', (_n, type, headers, ok) => {
    const events = type === 'github' ? ['push'] : type === 'gitlab' ? ['Push Hook'] : type === 'bitbucket' ? ['repo:refs_changed'] : undefined;
    expect(verifyReceiverRequest(type, { headers, body }, 't', events).ok).toBe(ok);
  });

  it('names the refused GitHub event as Flux does', () => {
    expect(verifyReceiverRequest('github', { headers: { 'x-hub-signature-256': sign('sha256', 't'), 'x-github-event': 'issues' }, body }, 't', ['push'])).toEqual({ ok: false, message: 'the GitHub event "issues" is not authorised' });
  });

  it('refuses a type fluxion does not verify', () => {
    expect(verifyReceiverRequest('gcr', { headers: {}, body }, 't').ok).toBe(false);
  });
});

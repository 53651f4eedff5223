/**
 * The payloads notification-controller's notifiers send (internal/notifier/*.go), one builder
 * per provider type. Pure: a resolved provider and an event in, URL, headers and body out.
 * Where Flux ranges over a Go map (metadata fields of Slack, Discord, Teams connector cards,
 * Google Chat) the order is random in Flux; fluxion sorts by key.
 */
import type { FluxEvent } from './event.js';
import { goJson, marshalEvent } from './event.js';
import { createHmac } from 'node:crypto';

/** A Provider with its Secrets already read: values only, no cluster. */
export interface ResolvedProvider {
  namespace: string;
  name: string;
  /** The Provider's metadata.uid: commit statuses are named after it. */
  uid?: string;
  type: string;
  /** `spec.address`, or the Secret's `address`. */
  address: string;
  channel?: string;
  username?: string;
  /** The Secret's `token`. */
  token?: string;
  /** The Secret's `username`/`password` (basic auth). */
  basicAuth?: { username: string; password: string };
  /** The Secret's `headers` (YAML map). */
  headers?: Record<string, string>;
  /** PEM from `certSecretRef` (`ca.crt`, `tls.crt`, `tls.key`). */
  tls?: { ca?: string; cert?: string; key?: string };
  timeoutMs: number;
}

/** One HTTP POST. */
export interface Outgoing {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** A further check of a 2xx answer, returning an error message. */
  validate?: (status: number, body: string) => string | undefined;
}

/** Thrown when a provider cannot be used as configured (no retry helps). */
export class ProviderConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderConfigError';
  }
}

const JSON_TYPE = { 'Content-Type': 'application/json' };

/** `kind/name.namespace`, lower-case kind, as Flux titles a notification. */
export function objectName(event: FluxEvent): string {
  const o = event.involvedObject;
  return `${o.kind.toLowerCase()}/${o.name}.${o.namespace}`;
}

const sortedEntries = (m: Record<string, string> | undefined): [string, string][] => Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function checkUrl(url: string, what: string): URL {
  try {
    const u = new URL(url);
    if (!u.protocol || !u.host) throw new Error('no scheme or host');
    return u;
  } catch {
    throw new ProviderConfigError(`invalid ${what} URL ${url}`);
  }
}

/** HMAC-SHA256 of the body, hex, as generic-hmac sends it in `X-Signature: sha256=<hex>`. */
export function hmacSha256(body: string, key: string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

function generic(p: ResolvedProvider, event: FluxEvent, hmac: boolean): Outgoing {
  checkUrl(p.address, 'hook');
  if (hmac && !p.token) throw new ProviderConfigError('HMAC key is empty');
  const body = marshalEvent(event);
  const headers: Record<string, string> = { ...JSON_TYPE, 'gotk-component': event.reportingController, ...(p.headers ?? {}) };
  if (hmac) headers['X-Signature'] = `sha256=${hmacSha256(body, p.token!)}`;
  return { url: p.address, headers, body };
}

const basic = (a: { username: string; password: string }): string => `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;

function slackAttachment(event: FluxEvent, withFallback: boolean): Record<string, unknown> {
  const author = objectName(event);
  return {
    fallback: withFallback ? `${author}: ${event.message.split('\n')[0]}` : '',
    color: event.severity === 'error' ? 'danger' : 'good',
    author_name: author,
    text: event.message,
    mrkdwn_in: ['text'],
    fields: sortedEntries(event.metadata).map(([title, value]) => ({ title, value, short: false })),
  };
}

function slack(p: ResolvedProvider, event: FluxEvent): Outgoing {
  checkUrl(p.address, 'Slack hook');
  const body = goJson({ channel: p.channel ?? '', username: p.username || event.reportingController, icon_url: '', icon_emoji: '', attachments: [slackAttachment(event, true)] });
  const headers: Record<string, string> = { ...JSON_TYPE, ...(p.token ? { Authorization: `Bearer ${p.token}` } : {}) };
  const out: Outgoing = { url: p.address, headers, body };
  if (p.address === 'https://slack.com/api/chat.postMessage') {
    out.validate = (_s, text) => {
      try {
        const r = JSON.parse(text) as { ok?: boolean; error?: string };
        return r.ok ? undefined : `Slack responded with error: ${r.error ?? ''}`;
      } catch (err) {
        return `unable to unmarshal response body: ${(err as Error).message}`;
      }
    };
  }
  return out;
}

function discord(p: ResolvedProvider, event: FluxEvent): Outgoing {
  const u = checkUrl(p.address, 'Discord hook');
  if (!p.address.endsWith('/slack')) u.pathname = `${u.pathname.replace(/\/+$/, '')}/slack`;
  const body = goJson({ channel: '', username: p.username || event.reportingController, icon_url: '', icon_emoji: '', attachments: [slackAttachment(event, false)] });
  return { url: u.toString(), headers: { ...JSON_TYPE }, body };
}

function msteams(p: ResolvedProvider, event: FluxEvent): Outgoing {
  const u = checkUrl(p.address, 'MS Teams webhook');
  const name = objectName(event);
  const error = event.severity === 'error';
  let payload: unknown;
  if (u.hostname.endsWith('.webhook.office.com')) {
    // The retired Office 365 connector: a MessageCard.
    payload = {
      '@type': 'MessageCard',
      '@context': 'http://schema.org/extensions',
      themeColor: error ? 'FF0000' : '0076D7',
      summary: name,
      sections: [{ activityTitle: event.message, activitySubtitle: name, facts: sortedEntries(event.metadata).map(([k, v]) => ({ name: k, value: v })) }],
    };
  } else {
    const meta = event.metadata ?? {};
    const facts = [
      ...(meta.summary !== undefined ? [{ title: 'summary', value: meta.summary }] : []),
      ...sortedEntries(meta)
        .filter(([k]) => k !== 'summary')
        .map(([title, value]) => ({ title, value })),
    ];
    payload = {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'Container',
                items: [
                  { type: 'TextBlock', text: name, size: 'large', weight: 'bolder', wrap: true },
                  { type: 'TextBlock', text: event.message, ...(error ? { color: 'attention' } : {}), wrap: true },
                  { type: 'FactSet', ...(facts.length ? { facts } : {}) },
                ],
              },
            ],
            msteams: { width: 'Full' },
          },
        },
      ],
    };
  }
  return { url: p.address, headers: { ...JSON_TYPE }, body: goJson(payload) };
}

function googlechat(p: ResolvedProvider, event: FluxEvent): Outgoing {
  checkUrl(p.address, 'Google Chat hook');
  const text = event.severity === 'error' ? `<font color="#ff0000">${event.message}</font>` : event.message;
  const sections: unknown[] = [{ header: '', widgets: [{ textParagraph: { text }, keyValue: null }] }];
  const meta = sortedEntries(event.metadata);
  if (meta.length) {
    sections.push({ header: '', widgets: meta.map(([k, v]) => ({ textParagraph: null, keyValue: { topLabel: k, content: v, contentMultiline: false, bottomLabel: null, icon: null } })) });
  }
  const body = goJson({ cards: [{ header: { title: objectName(event), subtitle: event.reportingController, imageUrl: null, imageStyle: null }, sections }] });
  return { url: p.address, headers: { ...JSON_TYPE }, body };
}

/** Go's `cases.Title(language.Und)`: each word's first letter upper-case, the rest lower-case. */
export function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase());
}

function alertmanager(p: ResolvedProvider, event: FluxEvent): Outgoing {
  checkUrl(p.address, 'Alertmanager');
  const annotations: Record<string, string> = { message: event.message };
  const labels: Record<string, string> = { ...(event.metadata ?? {}) };
  if (labels.summary !== undefined) {
    annotations.summary = labels.summary;
    delete labels.summary;
  }
  const o = event.involvedObject;
  Object.assign(labels, {
    alertname: `Flux${o.kind}${titleCase(event.reason)}`,
    severity: event.severity,
    reason: event.reason,
    kind: o.kind,
    name: o.name,
    namespace: o.namespace,
    reportingcontroller: event.reportingController,
  });
  // endsAt is a struct: Go's omitempty keeps its zero value.
  const body = goJson([{ status: 'firing', labels, annotations, startsAt: event.timestamp, endsAt: '0001-01-01T00:00:00Z' }]);
  const headers: Record<string, string> = { ...JSON_TYPE };
  // Flux keeps only the last request modifier: basic auth wins over the token when both are set.
  if (p.basicAuth?.username && p.basicAuth.password) headers.Authorization = basic(p.basicAuth);
  else if (p.token) headers.Authorization = `Bearer ${p.token}`;
  return { url: p.address, headers, body };
}

type Builder = (p: ResolvedProvider, event: FluxEvent) => Outgoing;

const builders: Record<string, Builder> = {
  generic: (p, e) => generic(p, e, false),
  'generic-hmac': (p, e) => generic(p, e, true),
  slack,
  discord,
  msteams,
  googlechat,
  alertmanager,
};

/** The provider types fluxion can send to. */
export const SUPPORTED_PROVIDER_TYPES: readonly string[] = Object.keys(builders);

/** The request a provider makes for an event; a `ProviderConfigError` when it cannot. */
export function buildRequest(p: ResolvedProvider, event: FluxEvent): Outgoing {
  const build = builders[p.type];
  if (!build) throw new ProviderConfigError(`provider type ${p.type} is not supported by fluxion (supported: ${[...SUPPORTED_PROVIDER_TYPES, 'github', 'gitlab'].join(', ')})`);
  if (!p.address) throw new ProviderConfigError(`provider ${p.namespace}/${p.name} has no address: set spec.address or the secret's address key`);
  return build(p, event);
}

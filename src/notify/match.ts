/**
 * Which Alerts an event reaches, and the metadata it then carries: notification-controller's
 * internal/server/event_handlers.go as pure functions (no cluster: the involved object's labels
 * arrive as a value).
 */
import type { Alert } from '../api/kinds/alert.js';
import type { FluxEvent } from './event.js';
import { EVENT_GROUP, objectGroup } from './event.js';

/** Why an Alert does not take an event, or `undefined` when it does. */
export type AlertVerdict = { matched: true } | { matched: false; reason: 'suspended' | 'no-source' | 'not-included' | 'excluded' };

/** A regexp that does not compile is reported, not thrown (Flux records an InvalidConfig event). */
export interface MatchProblems {
  invalidRegexps: string[];
}

function compile(exp: string, problems?: MatchProblems): RegExp | undefined {
  try {
    return new RegExp(exp);
  } catch {
    problems?.invalidRegexps.push(exp);
    return undefined;
  }
}

/** True when every `matchLabels` entry is among `labels`. */
export function labelsMatch(matchLabels: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(matchLabels).every(([k, v]) => labels?.[k] === v);
}

/**
 * Whether one of the Alert's `eventSources` takes the event: same kind, same namespace (the
 * Alert's own when unset), name equal or `*`, severity passing (`info` takes every event,
 * `error` only errors), and `matchLabels` all on the involved object.
 */
export function sourceMatches(event: FluxEvent, alert: Alert, labels: Record<string, string> | undefined): boolean {
  const severity = alert.spec.eventSeverity ?? 'info';
  if (event.severity !== severity && severity !== 'info') return false;
  const o = event.involvedObject;
  return (alert.spec.eventSources ?? []).some((s) => {
    const namespace = s.namespace || alert.metadata.namespace;
    if (o.namespace !== namespace || o.kind !== s.kind) return false;
    if (s.name !== '*' && s.name !== o.name) return false;
    return !s.matchLabels || labelsMatch(s.matchLabels, labels);
  });
}

/**
 * The whole filter: not suspended, a source matches, the message matches some `inclusionList`
 * regexp (when there is one) and no `exclusionList` regexp — exclusion wins.
 */
export function alertTakes(event: FluxEvent, alert: Alert, labels: Record<string, string> | undefined, problems?: MatchProblems): AlertVerdict {
  if (alert.spec.suspend) return { matched: false, reason: 'suspended' };
  if (!sourceMatches(event, alert, labels)) return { matched: false, reason: 'no-source' };
  const inclusion = alert.spec.inclusionList ?? [];
  if (inclusion.length && !inclusion.some((e) => compile(e, problems)?.test(event.message))) return { matched: false, reason: 'not-included' };
  if ((alert.spec.exclusionList ?? []).some((e) => compile(e, problems)?.test(event.message))) return { matched: false, reason: 'excluded' };
  return { matched: true };
}

/** Whether some `eventSources` entry uses `matchLabels` (then the involved object's labels are needed). */
export function needsLabels(alert: Alert): boolean {
  return (alert.spec.eventSources ?? []).some((s) => s.matchLabels !== undefined);
}

/**
 * The metadata a notification carries (RFC 0008 precedence, lowest first): event-group keys
 * without their prefix, the Alert's `eventMetadata`, its `summary` as `summary`, then the
 * involved object's group keys without their prefix. Keys set by more than one source are
 * returned as conflicts (Flux warns about them).
 */
export function combineMetadata(event: FluxEvent, alert: Alert): { metadata: Record<string, string> | undefined; conflicts: string[] } {
  const metadata: Record<string, string> = {};
  const sources: Record<string, number> = {};
  const put = (k: string, v: string): void => {
    metadata[k] = v;
    sources[k] = (sources[k] ?? 0) + 1;
  };
  const eventPrefix = `${EVENT_GROUP}/`;
  const objectPrefix = `${objectGroup(event)}/`;
  for (const [k, v] of Object.entries(event.metadata ?? {})) if (k.startsWith(eventPrefix)) put(k.slice(eventPrefix.length), v);
  for (const [k, v] of Object.entries(alert.spec.eventMetadata ?? {})) put(k, v);
  if (alert.spec.summary) put('summary', alert.spec.summary);
  for (const [k, v] of Object.entries(event.metadata ?? {})) if (k.startsWith(objectPrefix)) put(k.slice(objectPrefix.length), v);
  const conflicts = Object.keys(sources).filter((k) => sources[k]! > 1).sort();
  return { metadata: Object.keys(metadata).length ? metadata : event.metadata, conflicts };
}

/** `<group>/commit_status: update`: the event only updates a commit status (Ready at a revision). */
export function isCommitStatusUpdate(event: FluxEvent): boolean {
  return event.metadata?.[`${objectGroup(event)}/commit_status`] === 'update';
}

/**
 * Alert matching as a property: an event reaches an Alert iff the Alert is not suspended, the
 * severity passes, some event source matches (kind, namespace — the Alert's own by default —,
 * name or `*`, and every matchLabel), the message matches an inclusion regexp when any is set,
 * and matches no exclusion regexp: exclusion wins.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/api/kinds/alert.js';
import type { FluxEvent } from '../../src/notify/event.js';
import { alertTakes } from '../../src/notify/match.js';

const kinds = ['Kustomization', 'HelmRelease', 'GitRepository'] as const;
const names = ['a', 'b'] as const;
const namespaces = ['apps', 'flux-system'] as const;
const words = ['build', 'failed', 'ready', 'x.y', 'a+b'] as const;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const labelsArb = fc.dictionary(fc.constantFrom('team', 'tier'), fc.constantFrom('web', 'db'), { maxKeys: 2 });
const eventArb = fc.record({
  kind: fc.constantFrom(...kinds),
  name: fc.constantFrom(...names),
  namespace: fc.constantFrom(...namespaces),
  severity: fc.constantFrom('info' as const, 'error' as const),
  message: fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')),
  labels: fc.option(labelsArb, { nil: undefined }),
});
const sourceArb = fc.record(
  {
    kind: fc.constantFrom(...kinds),
    name: fc.constantFrom('*', ...names),
    namespace: fc.constantFrom(...namespaces),
    matchLabels: labelsArb,
  },
  { requiredKeys: ['kind', 'name'] },
);
const alertArb = fc.record({
  namespace: fc.constantFrom(...namespaces),
  severity: fc.constantFrom('info' as const, 'error' as const),
  sources: fc.array(sourceArb, { maxLength: 3 }),
  inclusion: fc.array(fc.constantFrom(...words), { maxLength: 2 }),
  exclusion: fc.array(fc.constantFrom(...words), { maxLength: 2 }),
  suspend: fc.boolean(),
});

type E = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;
type A = typeof alertArb extends fc.Arbitrary<infer T> ? T : never;

const toEvent = (e: E): FluxEvent => ({
  involvedObject: { kind: e.kind, namespace: e.namespace, name: e.name, apiVersion: 'x.toolkit.fluxcd.io/v1' },
  severity: e.severity,
  timestamp: '2026-01-01T00:00:00Z',
  message: e.message,
  reason: 'Reason',
  reportingController: 'c',
});
const toAlert = (a: A): Alert => ({
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
  kind: 'Alert',
  metadata: { name: 'alert', namespace: a.namespace },
  spec: {
    providerRef: { name: 'p' },
    eventSeverity: a.severity,
    eventSources: a.sources,
    inclusionList: a.inclusion.map(escape),
    exclusionList: a.exclusion.map(escape),
    suspend: a.suspend,
  },
});

/** The rule, written independently of the implementation: literal substrings instead of regexps. */
function expected(e: E, a: A): boolean {
  if (a.suspend) return false;
  if (a.severity === 'error' && e.severity !== 'error') return false;
  const source = a.sources.some(
    (s) => s.kind === e.kind && (s.namespace ?? a.namespace) === e.namespace && (s.name === '*' || s.name === e.name) && Object.entries(s.matchLabels ?? {}).every(([k, v]) => e.labels?.[k] === v),
  );
  if (!source) return false;
  if (a.inclusion.length && !a.inclusion.some((w) => e.message.includes(w))) return false;
  return !a.exclusion.some((w) => e.message.includes(w));
}

describe('alert matching', () => {
  it('an event is taken iff a source matches, the severity passes, it is included and not excluded', () => {
    fc.assert(
      fc.property(eventArb, alertArb, (e, a) => {
        expect(alertTakes(toEvent(e), toAlert(a), e.labels).matched).toBe(expected(e, a));
      }),
      { numRuns: 2000 },
    );
  });

  it('exclusion wins: excluding a word of the message always drops the event', () => {
    fc.assert(
      fc.property(eventArb, alertArb, (e, a) => {
        const word = e.message.split(' ')[0] as (typeof words)[number];
        const excluded = { ...a, inclusion: [...a.inclusion, word], exclusion: [...a.exclusion, word] };
        expect(alertTakes(toEvent(e), toAlert(excluded), e.labels).matched).toBe(false);
      }),
    );
  });
});

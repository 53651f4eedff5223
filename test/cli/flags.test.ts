import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlagError, flagHelp, parseFlags } from '../../src/cli/flags.js';
import type { FlagSpec } from '../../src/cli/flags.js';

const specs: Record<string, FlagSpec> = {
  namespace: { type: 'string', short: 'n', env: 'RUNTIME_NAMESPACE', default: 'flux-system', help: 'namespace' },
  'enable-leader-election': { type: 'bool', default: false, help: 'elect' },
  timeout: { type: 'duration', default: '5m', help: 'timeout' },
  concurrent: { type: 'int', default: 4, help: 'workers' },
  qps: { type: 'float', default: 50, help: 'qps' },
  label: { type: 'strings', help: 'labels' },
};

describe('parseFlags (pflag semantics)', () => {
  it('fills defaults, converting durations to milliseconds', () => {
    expect(parseFlags([], specs).values).toEqual({ namespace: 'flux-system', 'enable-leader-election': false, timeout: 300_000, concurrent: 4, qps: 50 });
  });

  it('takes --name value, --name=value, -n value, -nvalue and positional arguments in any order', () => {
    const { values, args } = parseFlags(['a', '--namespace', 'x', '--timeout=1m30s', 'b', '--concurrent', '8', '--qps=2.5'], specs);
    expect(values).toMatchObject({ namespace: 'x', timeout: 90_000, concurrent: 8, qps: 2.5 });
    expect(args).toEqual(['a', 'b']);
    expect(parseFlags(['-n', 'y'], specs).values.namespace).toBe('y');
    expect(parseFlags(['-nz'], specs).values.namespace).toBe('z');
  });

  it('takes booleans bare or with =true/=false, never consuming the next word', () => {
    expect(parseFlags(['--enable-leader-election', 'pos'], specs)).toMatchObject({ values: { 'enable-leader-election': true }, args: ['pos'] });
    expect(parseFlags(['--enable-leader-election=false'], specs).values['enable-leader-election']).toBe(false);
    expect(parseFlags(['--enable-leader-election=1'], specs).values['enable-leader-election']).toBe(true);
  });

  it('repeats and comma-splits string lists, and stops at --', () => {
    expect(parseFlags(['--label', 'a,b', '--label=c', '--', '--not-a-flag'], specs)).toMatchObject({ values: { label: ['a', 'b', 'c'] }, args: ['--not-a-flag'] });
  });

  it('reads the environment when the flag is absent; the flag wins over it', () => {
    expect(parseFlags([], specs, { RUNTIME_NAMESPACE: 'from-env' }).values.namespace).toBe('from-env');
    expect(parseFlags(['-n', 'flag'], specs, { RUNTIME_NAMESPACE: 'from-env' }).values.namespace).toBe('flag');
  });

  it.each([
    [['--nope'], 'unknown flag: --nope'],
    [['-x'], "unknown shorthand flag: 'x' in -x"],
    [['--namespace'], 'flag needs an argument: --namespace'],
    [['--concurrent', 'many'], 'invalid argument "many" for "--concurrent" flag'],
    [['--timeout', '5 minutes'], 'invalid argument "5 minutes" for "--timeout" flag: time: invalid duration'],
    [['--enable-leader-election=maybe'], 'invalid argument "maybe" for "--enable-leader-election" flag'],
  ])('rejects %j with a message naming the flag', (argv, message) => {
    expect(() => parseFlags(argv, specs)).toThrow(FlagError);
    expect(() => parseFlags(argv, specs)).toThrow(message);
  });

  it('round-trips any string value through both spellings', () => {
    fc.assert(
      fc.property(fc.string(), (v) => {
        expect(parseFlags([`--namespace=${v}`], specs).values.namespace).toBe(v);
        expect(parseFlags(['--namespace', v], specs).values.namespace).toBe(v);
      }),
    );
  });

  it('prints help with types, defaults and environment variables', () => {
    const help = flagHelp(specs);
    expect(help).toMatch(/-n, --namespace string +namespace \(default flux-system\) \[\$RUNTIME_NAMESPACE\]/);
    expect(help).toMatch(/ {4}--enable-leader-election +elect\n/);
    expect(help).toMatch(/--timeout duration +timeout \(default 5m\)/);
  });
});

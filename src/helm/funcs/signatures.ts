/**
 * Go parameter types of the Sprig and Helm functions, so the template engine converts and checks
 * arguments exactly as text/template does (e.g. `{{ repeat .Values.n "x" }}` fails with a float64
 * count, `{{ upper nil }}` fails, `{{ trunc 3.0 "abc" }}` works).
 */
import type { GoParam, GoSignature } from '../template/signature.js';

type Sig = readonly GoParam[] | GoSignature;
const v = (params: readonly GoParam[], variadic: GoParam): GoSignature => ({ params, variadic });

const S: GoParam = 'string';
const I: GoParam = 'int';
const A: GoParam = 'any';
const M: GoParam = 'map';

function same(sig: Sig, ...names: string[]): Record<string, Sig> {
  return Object.fromEntries(names.map((n) => [n, sig]));
}

/** Declared signatures by function name (functions not listed take `...interface{}`). */
export const SIGNATURES: Record<string, Sig> = {
  hello: [],
  ...same([S], 'trim', 'upper', 'lower', 'title', 'untitle', 'nospace', 'initials', 'swapcase', 'shuffle', 'snakecase', 'camelcase', 'kebabcase'),
  ...same([S], 'sha1sum', 'sha256sum', 'sha512sum', 'adler32sum', 'atoi', 'b64enc', 'b64dec', 'b32enc', 'b32dec'),
  ...same([S], 'base', 'dir', 'clean', 'ext', 'isAbs', 'osBase', 'osDir', 'osClean', 'osExt', 'osIsAbs', 'getHostByName'),
  ...same([S], 'fromJson', 'mustFromJson', 'regexQuoteMeta', 'urlParse', 'semver', 'fail', 'bcrypt', 'genPrivateKey'),
  ...same([S, S], 'trimall', 'trimAll', 'trimSuffix', 'trimPrefix', 'contains', 'hasPrefix', 'hasSuffix', 'split', 'splitList', 'semverCompare'),
  ...same([S, S], 'regexMatch', 'mustRegexMatch', 'regexFind', 'mustRegexFind', 'htpasswd', 'encryptAES', 'decryptAES', 'buildCustomCert', 'toDate', 'mustToDate'),
  ...same([S, S, S], 'replace', 'regexReplaceAll', 'mustRegexReplaceAll', 'regexReplaceAllLiteral', 'mustRegexReplaceAllLiteral'),
  ...same([S, S, I], 'regexFindAll', 'mustRegexFindAll', 'regexSplit', 'mustRegexSplit'),
  ...same([I], 'randAlphaNum', 'randAlpha', 'randAscii', 'randNumeric', 'until', 'randBytes'),
  ...same([I, S], 'abbrev', 'trunc', 'repeat', 'wrap', 'indent', 'nindent'),
  abbrevboth: [I, I, S],
  substr: [I, I, S],
  wrapWith: [I, S, S],
  plural: [S, S, I],
  splitn: [S, I, S],
  untilStep: [I, I, I],
  randInt: [I, I],
  seq: v([], I),
  round: v([A, I], 'float64'),
  ...same([A], 'toString', 'toStrings', 'int64', 'int', 'float64', 'toDecimal', 'add1', 'add1f', 'ceil', 'floor', 'sortAlpha', 'empty'),
  ...same([A], 'compact', 'mustCompact', 'toJson', 'mustToJson', 'toPrettyJson', 'mustToPrettyJson', 'toRawJson', 'mustToRawJson', 'deepCopy', 'mustDeepCopy'),
  ...same([A], 'typeOf', 'kindOf', 'first', 'mustFirst', 'rest', 'mustRest', 'last', 'mustLast', 'initial', 'mustInitial', 'reverse', 'mustReverse', 'uniq', 'mustUniq'),
  ...same([A], 'ago', 'duration', 'durationRound', 'htmlDate', 'unixEpoch'),
  ...same([A, A], 'sub', 'div', 'mod', 'deepEqual', 'append', 'push', 'mustAppend', 'mustPush', 'prepend', 'mustPrepend', 'has', 'mustHas'),
  ...same(v([], A), 'add', 'addf', 'quote', 'squote', 'cat', 'coalesce', 'all', 'any', 'list', 'tuple', 'dict', 'concat', 'dig'),
  ...same(v([A], A), 'mul', 'subf', 'divf', 'mulf', 'biggest', 'max', 'min', 'maxf', 'minf', 'default', 'without', 'mustWithout', 'slice', 'mustSlice'),
  join: [S, A],
  ternary: [A, A, 'bool'],
  ...same([S, A], 'typeIs', 'typeIsLike', 'kindIs', 'date', 'dateModify', 'date_modify', 'mustDateModify', 'must_date_modify'),
  dateInZone: [S, A, S],
  date_in_zone: [S, A, S],
  htmlDateInZone: [A, S],
  now: [],
  uuidv4: [],
  get: [M, S],
  set: [M, S, A],
  unset: [M, S],
  hasKey: [M, S],
  pluck: v([S], M),
  keys: v([], M),
  values: [M],
  urlJoin: [M],
  ...same(v([M], S), 'pick', 'omit'),
  ...same(v([M], M), 'merge', 'mustMerge', 'mergeOverwrite', 'mustMergeOverwrite'),
  ...same([I, A], 'chunk', 'mustChunk'),
  derivePassword: [I, S, S, S, S],
  genCA: [S, I],
  genCAWithKey: [S, I, S],
  genSelfSignedCert: [S, 'slice', 'slice', I],
  genSelfSignedCertWithKey: [S, 'slice', 'slice', I, S],
  genSignedCert: [S, 'slice', 'slice', I, A],
  genSignedCertWithKey: [S, 'slice', 'slice', I, A, S],
  // Helm
  ...same([A], 'toToml', 'toYaml', 'toYamlPretty'),
  ...same([S], 'fromToml', 'fromYaml', 'fromYamlArray', 'fromJsonArray'),
  ...same([S, A], 'include', 'tpl', 'required'),
  lookup: [S, S, S, S],
};

/**
 * The lexer of Go's text/template (`text/template/parse/lex.go`), run eagerly: it returns the
 * whole item list, ending with an EOF or an error item. Positions are JavaScript string indices;
 * error messages convert them to Go's byte columns.
 */

export const ItemType = {
  Error: 'error',
  Bool: 'bool',
  Char: 'char',
  Comment: 'comment',
  CharConstant: 'charconst',
  Complex: 'complex',
  Assign: 'assign',
  Declare: 'declare',
  EOF: 'eof',
  Field: 'field',
  Identifier: 'identifier',
  LeftDelim: 'leftdelim',
  LeftParen: 'leftparen',
  Number: 'number',
  Pipe: 'pipe',
  RawString: 'rawstring',
  RightDelim: 'rightdelim',
  RightParen: 'rightparen',
  Space: 'space',
  String: 'string',
  Text: 'text',
  Variable: 'variable',
  // Keywords.
  Block: 'block',
  Break: 'break',
  Continue: 'continue',
  Dot: 'dot',
  Define: 'define',
  Else: 'else',
  End: 'end',
  If: 'if',
  Nil: 'nil',
  Range: 'range',
  Template: 'template',
  With: 'with',
} as const;
export type ItemType = (typeof ItemType)[keyof typeof ItemType];

const KEYWORDS: Record<string, ItemType> = {
  '.': ItemType.Dot,
  block: ItemType.Block,
  break: ItemType.Break,
  continue: ItemType.Continue,
  define: ItemType.Define,
  else: ItemType.Else,
  end: ItemType.End,
  if: ItemType.If,
  range: ItemType.Range,
  nil: ItemType.Nil,
  template: ItemType.Template,
  with: ItemType.With,
};

const KEYWORD_SET = new Set<ItemType>(Object.values(KEYWORDS));

export interface Item {
  type: ItemType;
  pos: number;
  val: string;
  line: number;
}

/** Go's item.String(), used in "unexpected X in Y" messages. */
export function itemString(item: Item): string {
  if (item.type === ItemType.EOF) return 'EOF';
  if (item.type === ItemType.Error) return item.val;
  if (KEYWORD_SET.has(item.type)) return `<${item.val}>`;
  if ([...item.val].length > 10) return `${goQuote([...item.val].slice(0, 10).join(''))}...`;
  return goQuote(item.val);
}

/** strconv.Quote for the lexer's needs (full version lives in fmt.ts; kept local to avoid a cycle). */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}

const SPACE_CHARS = ' \t\r\n';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
const TRIM_MARKER_LEN = 2;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const ALNUM = /^[\p{L}\p{Nd}]$/u;

function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 0x80) {
    return code === 95 || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  }
  return ALNUM.test(c);
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s[at] === '-' && isSpace(s[at + 1]);
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpace(s[at]) && s[at + 1] === '-';
}

export interface LexOptions {
  breakOK: boolean;
  continueOK: boolean;
  /** Emit comments as items (Go's ParseComments mode); otherwise they are skipped. */
  emitComment?: boolean;
  leftDelim?: string;
  rightDelim?: string;
}

/** Tokenises `input`; the result always ends with an EOF or an Error item. */
export function lex(input: string, options: LexOptions): Item[] {
  const leftDelim = options.leftDelim ?? '{{';
  const rightDelim = options.rightDelim ?? '}}';
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  let line = 1; // line at `start`

  const emit = (type: ItemType): void => {
    items.push({ type, pos: start, val: input.slice(start, pos), line });
    line += countNewlines(input, start, pos);
    start = pos;
  };
  const ignore = (): void => {
    line += countNewlines(input, start, pos);
    start = pos;
  };
  const error = (msg: string): void => {
    items.push({ type: ItemType.Error, pos: start, val: msg, line });
  };
  const next = (): string | undefined => {
    if (pos >= input.length) {
      pos = input.length + 1;
      return undefined;
    }
    const cp = input.codePointAt(pos)!;
    const ch = String.fromCodePoint(cp);
    pos += ch.length;
    return ch;
  };
  const backupOf = (ch: string | undefined): void => {
    pos -= ch === undefined ? 1 : ch.length;
  };
  const peek = (): string | undefined => {
    if (pos >= input.length) return undefined;
    return String.fromCodePoint(input.codePointAt(pos)!);
  };
  const accept = (valid: string): boolean => {
    const c = peek();
    if (c !== undefined && valid.includes(c)) {
      pos += c.length;
      return true;
    }
    return false;
  };
  const acceptRun = (valid: string): void => {
    while (accept(valid));
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(rightDelim, pos + TRIM_MARKER_LEN)) {
      return { delim: true, trim: true };
    }
    if (input.startsWith(rightDelim, pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  };
  const atTerminator = (): boolean => {
    const r = peek();
    if (r === undefined || isSpace(r)) return true;
    if ('.,|:)('.includes(r)) return true;
    return input.startsWith(rightDelim, pos);
  };
  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };

  type State = (() => State) | null;

  const lexText = (): State => {
    const x = input.indexOf(leftDelim, pos);
    if (x >= 0) {
      if (x > pos) {
        pos = x;
        let trimLength = 0;
        const delimEnd = pos + leftDelim.length;
        if (hasLeftTrimMarker(input, delimEnd)) {
          const text = input.slice(start, pos);
          trimLength = text.length - trimRightSpaces(text).length;
        }
        pos -= trimLength;
        if (pos > start) emit(ItemType.Text);
        pos += trimLength;
        ignore();
      }
      return lexLeftDelim;
    }
    pos = input.length;
    if (pos > start) emit(ItemType.Text);
    emit(ItemType.EOF);
    return null;
  };

  const lexLeftDelim = (): State => {
    pos += leftDelim.length;
    const trimSpace = hasLeftTrimMarker(input, pos);
    const afterMarker = trimSpace ? TRIM_MARKER_LEN : 0;
    if (input.startsWith(LEFT_COMMENT, pos + afterMarker)) {
      pos += afterMarker;
      ignore();
      return lexComment;
    }
    emit(ItemType.LeftDelim);
    pos += afterMarker;
    ignore();
    parenDepth = 0;
    return lexInsideAction;
  };

  const lexComment = (): State => {
    pos += LEFT_COMMENT.length;
    const x = input.indexOf(RIGHT_COMMENT, pos);
    if (x < 0) {
      error('unclosed comment');
      return null;
    }
    pos = x + RIGHT_COMMENT.length;
    const { delim, trim } = atRightDelim();
    if (!delim) {
      error('comment ends before closing delimiter');
      return null;
    }
    const comment: Item = { type: ItemType.Comment, pos: start, val: input.slice(start, pos), line };
    if (trim) pos += TRIM_MARKER_LEN;
    pos += rightDelim.length;
    if (trim) pos += leftTrimLength(input, pos);
    ignore();
    if (options.emitComment) items.push(comment);
    return lexText;
  };

  const lexRightDelim = (): State => {
    const { trim } = atRightDelim();
    if (trim) {
      pos += TRIM_MARKER_LEN;
      ignore();
    }
    pos += rightDelim.length;
    emit(ItemType.RightDelim);
    if (trim) {
      pos += leftTrimLength(input, pos);
      ignore();
    }
    return lexText;
  };

  const lexInsideAction = (): State => {
    const { delim } = atRightDelim();
    if (delim) {
      if (parenDepth === 0) return lexRightDelim;
      error('unclosed left paren');
      return null;
    }
    const r = next();
    if (r === undefined) {
      error('unclosed action');
      return null;
    }
    if (isSpace(r)) {
      backupOf(r);
      return lexSpace;
    }
    switch (r) {
      case '=':
        emit(ItemType.Assign);
        return lexInsideAction;
      case ':':
        if (next() !== '=') {
          error('expected :=');
          return null;
        }
        emit(ItemType.Declare);
        return lexInsideAction;
      case '|':
        emit(ItemType.Pipe);
        return lexInsideAction;
      case '"':
        return lexQuote;
      case '`':
        return lexRawQuote;
      case '$':
        return lexVariable;
      case "'":
        return lexChar;
      case '(':
        parenDepth++;
        emit(ItemType.LeftParen);
        return lexInsideAction;
      case ')':
        parenDepth--;
        if (parenDepth < 0) {
          error('unexpected right paren');
          return null;
        }
        emit(ItemType.RightParen);
        return lexInsideAction;
    }
    if (r === '.') {
      const c = input[pos];
      if (pos < input.length && c !== undefined && (c < '0' || c > '9')) return lexField;
    }
    if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      backupOf(r);
      return lexNumber;
    }
    if (isAlphaNumeric(r)) {
      backupOf(r);
      return lexIdentifier;
    }
    const cp = r.codePointAt(0)!;
    if (cp <= 0x7f && cp >= 0x20 && cp !== 0x7f) {
      emit(ItemType.Char);
      return lexInsideAction;
    }
    error(`unrecognized character in action: ${unicodeRepr(cp)}`);
    return null;
  };

  const lexSpace = (): State => {
    let numSpaces = 0;
    while (isSpace(peek())) {
      next();
      numSpaces++;
    }
    if (hasRightTrimMarker(input, pos - 1) && input.startsWith(rightDelim, pos + 1)) {
      pos -= 1;
      if (numSpaces === 1) return lexRightDelim;
    }
    emit(ItemType.Space);
    return lexInsideAction;
  };

  const lexIdentifier = (): State => {
    for (;;) {
      const r = next();
      if (isAlphaNumeric(r)) continue;
      backupOf(r);
      const word = input.slice(start, pos);
      if (!atTerminator()) {
        error(`bad character ${unicodeRepr(r === undefined ? -1 : r.codePointAt(0)!)}`);
        return null;
      }
      // Own keys only: `toString`, `constructor`… are identifiers, not Object.prototype members.
      const kw = Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
      if (kw !== undefined && word !== '.') {
        if ((kw === ItemType.Break && !options.breakOK) || (kw === ItemType.Continue && !options.continueOK)) {
          emit(ItemType.Identifier);
        } else emit(kw);
      } else if (word.startsWith('.')) emit(ItemType.Field);
      else if (word === 'true' || word === 'false') emit(ItemType.Bool);
      else emit(ItemType.Identifier);
      return lexInsideAction;
    }
  };

  const lexFieldOrVariable = (type: ItemType): State => {
    if (atTerminator()) {
      emit(type === ItemType.Variable ? ItemType.Variable : ItemType.Dot);
      return lexInsideAction;
    }
    let r: string | undefined;
    for (;;) {
      r = next();
      if (!isAlphaNumeric(r)) {
        backupOf(r);
        break;
      }
    }
    if (!atTerminator()) {
      error(`bad character ${unicodeRepr(r === undefined ? -1 : r.codePointAt(0)!)}`);
      return null;
    }
    emit(type);
    return lexInsideAction;
  };
  const lexField = (): State => lexFieldOrVariable(ItemType.Field);
  const lexVariable = (): State => {
    if (atTerminator()) {
      emit(ItemType.Variable);
      return lexInsideAction;
    }
    return lexFieldOrVariable(ItemType.Variable);
  };

  /** A quoted token ending at `close`; a backslash escapes the next character; no newlines. */
  const lexQuoted = (close: string, item: ItemType, unterminated: string): State => {
    for (;;) {
      let r = next();
      if (r === '\\') {
        r = next();
        if (r !== undefined && r !== '\n') continue;
      }
      if (r === undefined || r === '\n') {
        error(unterminated);
        return null;
      }
      if (r === close) break;
    }
    emit(item);
    return lexInsideAction;
  };

  const lexChar = (): State => lexQuoted("'", ItemType.CharConstant, 'unterminated character constant');

  const lexNumber = (): State => {
    if (!scanNumber()) {
      error(`bad number syntax: ${goQuote(input.slice(start, Math.min(pos, input.length)))}`);
      return null;
    }
    const sign = peek();
    if (sign === '+' || sign === '-') {
      if (!scanNumber() || input[pos - 1] !== 'i') {
        error(`bad number syntax: ${goQuote(input.slice(start, Math.min(pos, input.length)))}`);
        return null;
      }
      emit(ItemType.Complex);
    } else emit(ItemType.Number);
    return lexInsideAction;
  };

  const lexQuote = (): State => lexQuoted('"', ItemType.String, 'unterminated quoted string');

  const lexRawQuote = (): State => {
    const end = input.indexOf('`', pos);
    if (end < 0) {
      error('unterminated raw quoted string');
      return null;
    }
    pos = end + 1;
    emit(ItemType.RawString);
    return lexInsideAction;
  };

  let state: State = lexText;
  while (state) state = state();
  return items;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to && i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

function trimRightSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && SPACE_CHARS.includes(s[end - 1]!)) end--;
  return s.slice(0, end);
}

function leftTrimLength(s: string, at: number): number {
  let i = at;
  while (i < s.length && SPACE_CHARS.includes(s[i]!)) i++;
  return i - at;
}

/** Go's %#U: `U+0041 'A'`. */
export function unicodeRepr(cp: number): string {
  if (cp < 0) return 'U+FFFFFFFFFFFFFFFF';
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  const ch = String.fromCodePoint(cp);
  const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]$/u.test(ch) && cp !== 0x20 ? true : cp === 0x20;
  return printable ? `U+${hex} '${ch}'` : `U+${hex}`;
}

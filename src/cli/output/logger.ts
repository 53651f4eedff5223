/**
 * The `flux` CLI's stderr logger: one symbol per kind of line (`►` action, `✚` generate,
 * `◎` waiting, `✔` success, `⚠️` warning, `✗` failure). On a TTY, `waiting` lines become a
 * spinner that the next line replaces; elsewhere every line is printed as is.
 */
import type { Writable } from 'node:stream';

export interface CliLogger {
  action(msg: string): void;
  generate(msg: string): void;
  waiting(msg: string): void;
  success(msg: string): void;
  warning(msg: string): void;
  failure(msg: string): void;
  /** Stops a running spinner (idempotent). */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function isTTY(stream: Writable): boolean {
  return (stream as Writable & { isTTY?: boolean }).isTTY === true;
}

/** A logger writing to `out` (the command's stderr, as flux writes these lines). */
export function createCliLogger(out: Writable, options: { spinner?: boolean } = {}): CliLogger {
  const spin = options.spinner ?? isTTY(out);
  let timer: NodeJS.Timeout | undefined;
  let spinning = '';
  const clear = (): void => {
    if (timer) {
      clearInterval(timer);
      timer = undefined;
      out.write(`\r\x1b[2K◎ ${spinning}\n`);
    }
  };
  const line = (symbol: string) => (msg: string) => {
    clear();
    out.write(`${symbol} ${msg}\n`);
  };
  return {
    action: line('►'),
    generate: line('✚'),
    success: line('✔'),
    warning: line('⚠️'),
    failure: line('✗'),
    waiting(msg) {
      clear();
      if (!spin) {
        out.write(`◎ ${msg}\n`);
        return;
      }
      spinning = msg;
      let i = 0;
      out.write(`${FRAMES[0]} ${msg}`);
      timer = setInterval(() => out.write(`\r${FRAMES[++i % FRAMES.length]} ${msg}`), 100);
      timer.unref();
    },
    stop: clear,
  };
}

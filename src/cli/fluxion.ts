#!/usr/bin/env node
/** Executable entry of `fluxion` (package.json `bin`). */
import { main } from './main.js';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }).then(
  (code) => {
    process.exitCode = code;
    // A long-running command (controller, sim --serve) may leave keep-alive sockets behind once
    // it has shut down: they must not keep the process from exiting.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`fluxion: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);

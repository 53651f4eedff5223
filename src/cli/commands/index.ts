import type { CliCommand } from '../command.js';

/** Every sub-command, in the order `fluxion --help` lists them. */
export const commands: CliCommand[] = [];

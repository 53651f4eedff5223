/** The composition root of the `fluxion` command: dispatches to `src/cli/commands/*`. */
import type { CliIO } from './command.js';
import { commands } from './commands/index.js';

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write('fluxion: a GitOps engine that speaks Flux\'s API\n\nUsage: fluxion <command> [flags]\n\nCommands:\n');
    for (const c of commands) io.stdout.write(`  ${c.name.padEnd(14)}${c.summary}\n`);
    io.stdout.write('\nRun `fluxion <command> --help` for a command\'s flags and examples.\n');
    return name ? 0 : 1;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`fluxion: unknown command "${name}"; run \`fluxion --help\`\n`);
    return 1;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  return command.run(rest, io);
}


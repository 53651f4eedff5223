/**
 * `fluxion completion bash|zsh|fish`: shell completion scripts for the commands, their
 * sub-commands (kinds) and flags.
 */
import { CommandError, defineCommand } from '../output/command.js';

const KIND_WORDS = 'source kustomization helmrelease alert alert-provider receiver image';
/** Words that may follow a command (kinds, sub-commands), by command and previous word. */
const SUBWORDS: Record<string, string> = {
  get: 'all sources kustomizations helmreleases alerts alert-providers receivers images',
  reconcile: 'source kustomization helmrelease receiver image',
  suspend: KIND_WORDS,
  resume: KIND_WORDS,
  export: KIND_WORDS,
  delete: KIND_WORDS,
  create: 'source kustomization alert alert-provider receiver',
  push: 'artifact',
  pull: 'artifact',
  list: 'artifacts',
  tag: 'artifact',
  tree: 'kustomization',
  diff: 'kustomization',
  build: 'kustomization',
  completion: 'bash zsh fish',
  source: 'git oci helm chart bucket',
  sources: 'all git oci helm chart bucket',
  image: 'repository policy',
  images: 'all repository policy',
};

async function commandNames(): Promise<{ name: string; summary: string; flags: string[] }[]> {
  const { commands } = await import('./index.js');
  return Promise.all(
    commands.map(async (entry) => {
      const c = await entry.load();
      return { name: c.name, summary: c.summary, flags: [...new Set([...c.usage.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!))] };
    }),
  );
}

function bash(cmds: { name: string; flags: string[] }[]): string {
  const flagCases = cmds.map((c) => `    ${c.name}) flags="${c.flags.join(' ')}" ;;`).join('\n');
  const wordCases = Object.entries(SUBWORDS).map(([k, v]) => `    ${k}) words="${v}" ;;`).join('\n');
  return `# bash completion for fluxion                              -*- shell-script -*-
# Load it with: source <(fluxion completion bash)
_fluxion() {
  local cur prev cmd flags words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [[ \${COMP_CWORD} -eq 1 ]]; then
    COMPREPLY=( $(compgen -W "${cmds.map((c) => c.name).join(' ')}" -- "\${cur}") )
    return
  fi
  case "\${cmd}" in
${flagCases}
  esac
  if [[ "\${cur}" == -* ]]; then
    COMPREPLY=( $(compgen -W "\${flags}" -- "\${cur}") )
    return
  fi
  case "\${prev}" in
${wordCases}
  esac
  COMPREPLY=( $(compgen -W "\${words}" -- "\${cur}") )
}
complete -o default -F _fluxion fluxion
`;
}

function zsh(cmds: { name: string; summary: string; flags: string[] }[]): string {
  return `#compdef fluxion
# zsh completion for fluxion. Load it with: source <(fluxion completion zsh)
_fluxion() {
  local -a commands
  commands=(
${cmds.map((c) => `    '${c.name}:${c.summary.replace(/'/g, "'\\''").replace(/:/g, '\\:')}'`).join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local cmd=\${words[2]} prev=\${words[CURRENT-1]}
  if [[ \${words[CURRENT]} == -* ]]; then
    case \${cmd} in
${cmds.map((c) => `      ${c.name}) compadd -- ${c.flags.join(' ')} ;;`).join('\n')}
    esac
    return
  fi
  case \${prev} in
${Object.entries(SUBWORDS).map(([k, v]) => `    ${k}) compadd -- ${v} ;;`).join('\n')}
  esac
}
if [[ \${funcstack[1]} == _fluxion ]]; then _fluxion "$@"; else compdef _fluxion fluxion; fi
`;
}

function fish(cmds: { name: string; summary: string; flags: string[] }[]): string {
  const lines = ['# fish completion for fluxion. Load it with: fluxion completion fish | source', 'complete -c fluxion -f'];
  for (const c of cmds) lines.push(`complete -c fluxion -n '__fish_use_subcommand' -a ${c.name} -d '${c.summary.replace(/'/g, "\\'")}'`);
  for (const c of cmds) for (const f of c.flags) lines.push(`complete -c fluxion -n '__fish_seen_subcommand_from ${c.name}' -l ${f.slice(2)}`);
  for (const [k, v] of Object.entries(SUBWORDS)) lines.push(`complete -c fluxion -n '__fish_seen_subcommand_from ${k}' -a '${v}'`);
  return `${lines.join('\n')}\n`;
}

export const completionCommand = defineCommand({
  name: 'completion',
  summary: 'Generates completion scripts for various shells',
  description: 'The completion sub-command generates completion scripts for bash, zsh and fish.',
  usageLine: 'fluxion completion bash|zsh|fish',
  examples: `  # Load completion in the current bash session
  source <(fluxion completion bash)

  # Install it for zsh
  fluxion completion zsh > "\${fpath[1]}/_fluxion"

  # Load it in fish
  fluxion completion fish | source`,
  flags: {},
  offline: true,
  async run(ctx) {
    const [shell, ...extra] = ctx.args;
    if (!shell || extra.length) throw new CommandError('accepts 1 arg(s): bash, zsh or fish');
    const cmds = await commandNames();
    if (shell === 'bash') ctx.io.stdout.write(bash(cmds));
    else if (shell === 'zsh') ctx.io.stdout.write(zsh(cmds));
    else if (shell === 'fish') ctx.io.stdout.write(fish(cmds));
    else throw new CommandError(`unsupported shell "${shell}": bash, zsh or fish`);
    return 0;
  },
});

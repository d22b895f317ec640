import { loadSettings } from '../../config/index.js';
import { pruneContainers } from '../../containers/index.js';
import type { CommandContext, CommandRegistrar, CommandResult } from './context.js';
import type { Command } from 'commander';

async function confirm(question: string): Promise<boolean> {
  // Loaded only when asking: every other command would pay for readline at start-up.
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function registerPrune(group: Command, context: CommandContext, result: CommandResult): void {
  group
    .command('prune')
    .description('Remove all stopped containers')
    .option('-f, --force', 'do not prompt for confirmation')
    .action(async (flags: { force?: boolean }) => {
      result.code = 0;
      if (flags.force !== true && !(await confirm('WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] '))) return;
      const removed = pruneContainers(loadSettings().root);
      if (removed.length > 0) {
        context.writeOut('Deleted Containers:');
        for (const id of removed) context.writeOut(id);
        context.writeOut('');
      }
      context.writeOut('Total reclaimed space: 0B');
    });
}

/**
 * mydocker container SUBCOMMAND: Docker's management-command spelling (`container ls`, `container
 * rm`, `container prune`, ...) over the same registrars as the top-level commands.
 */
export function containerGroup(registrars: readonly CommandRegistrar[]): CommandRegistrar {
  return (program, context, result) => {
    const group = program.command('container').description('Manage containers').usage('COMMAND');
    for (const register of registrars) register(group, context, result);
    group.commands.find((c) => c.name() === 'ps')?.alias('ls').alias('list');
    registerPrune(group, context, result);
  };
}

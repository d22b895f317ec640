/**
 * Docker's flag parser (pflag) takes an explicit value for a boolean flag: `--rm=false`, `-d=true`.
 * Commander does not, so before parsing, such tokens of the invoked command become the bare flag
 * (true) or disappear (false). Only the command's own options are rewritten: the scan stops at the
 * first positional argument (the image), after which everything belongs to the container.
 */
import type { Command, Option } from 'commander';
import { MyDockerError } from '../errors.js';

const TRUE = new Set(['true', '1', 't', 'T', 'TRUE', 'True']);
const FALSE = new Set(['false', '0', 'f', 'F', 'FALSE', 'False']);

/** Docker's (pflag's) words for a boolean flag given something else than true or false. */
function badBoolean(value: string, option: Option): MyDockerError {
  const flag = option.short !== undefined && option.long !== undefined ? `${option.short}, ${option.long}` : (option.long ?? option.short ?? '');
  return new MyDockerError('usage', 'ERR_USAGE', `invalid argument "${value}" for "${flag}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`, {
    hint: 'A boolean flag takes true or false, or no value.',
  });
}

function findOption(command: Command, flag: string): Option | undefined {
  return command.options.find((o) => o.long === flag || o.short === flag);
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/** argv with `--flag=true|false` of `command`'s boolean options made bare or removed. */
export function normalizeBooleanValues(argv: readonly string[], program: Command): string[] {
  const out: string[] = [];
  let command: Command = program;
  let i = 0;
  // The global options, then the command (and a subcommand of a group such as `container ls`).
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    out.push(arg);
    if (arg.startsWith('-')) continue;
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) return [...out, ...argv.slice(i + 1)];
    command = sub;
    if (command.commands.length === 0) break;
  }
  for (i++; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--' || !arg.startsWith('-') || arg === '-') return [...out, ...argv.slice(i)];
    const eq = arg.indexOf('=');
    const option = findOption(command, eq < 0 ? arg : arg.slice(0, eq));
    if (option && !takesValue(option) && eq >= 0) {
      const value = arg.slice(eq + 1);
      if (TRUE.has(value)) out.push(arg.slice(0, eq));
      else if (!FALSE.has(value)) throw badBoolean(value, option);
      continue;
    }
    out.push(arg);
    // A value-taking option given as `--flag value`: its value is not a positional.
    if (option && takesValue(option) && eq < 0 && option.required && i + 1 < argv.length) out.push(argv[++i] as string);
  }
  return out;
}

import { loadSettings } from '../../config/index.js';
import { inspectContainer } from '../../containers/index.js';
import { formatError } from '../exit.js';
import type { CommandRegistrar } from './context.js';

/** `{{.State.Status}}`-style paths of a --format template, filled from the inspected object. */
export function applyFormat(format: string, value: unknown): string {
  return format.replace(/\{\{\s*((?:\.[A-Za-z0-9_]+)+|\.)\s*\}\}/g, (_, path: string) => {
    let v: unknown = value;
    for (const key of path.split('.').filter((k) => k !== '')) v = (v as Record<string, unknown> | undefined)?.[key];
    if (v === undefined || v === null) return '<no value>';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

/** mydocker inspect [-f FORMAT] CONTAINER...: Docker's JSON array (or one line per container with -f). */
export const registerInspect: CommandRegistrar = (program, context, result) => {
  program
    .command('inspect')
    .description('Return low-level information on containers')
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .argument('<names...>')
    .option('-f, --format <template>', 'print only these fields ({{.Path.To.Field}} placeholders)')
    .action((refs: string[], flags: { format?: string }) => {
      const { root } = loadSettings();
      const found: Record<string, unknown>[] = [];
      result.code = 0;
      for (const ref of refs) {
        try {
          // TODO: fall back to `image inspect` when REF is not a container (the images helper's).
          found.push(inspectContainer(root, ref));
        } catch (error) {
          context.writeErr(formatError(error, false));
          result.code = 1;
        }
      }
      if (flags.format !== undefined) for (const item of found) context.writeOut(applyFormat(flags.format, item));
      else context.writeOut(JSON.stringify(found, null, 4));
    });
};

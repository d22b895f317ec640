import type { Command } from 'commander';
import type { CommandContext, CommandRegistrar, CommandResult } from './context.js';
import { imagesCommand, imagesOptions, type ImagesFlags } from './image-ls.js';
import { inspectCommand } from './image-inspect.js';
import { pruneCommand } from './image-prune.js';
import { rmiCommand, tagCommand } from './image-rm.js';
import { loadCommand, saveCommand } from './image-save-load.js';

/**
 * Docker's image commands, each reachable both ways Docker has them: `images`, `rmi`, `tag`,
 * `save`, `load` at the top and `image ls|inspect|rm|tag|save|load|prune` under `image`.
 * Actions load the library lazily, so `mydocker run` never pays for them.
 */
type Adder = (parent: Command, name: string, context: CommandContext, result: CommandResult) => Command;

const addLs: Adder = (parent, name, context, result) =>
  imagesOptions(parent.command(name).description('List images').usage('[OPTIONS] [REPOSITORY[:TAG]]')).action(async (reference: string | undefined, flags: ImagesFlags) => {
    result.code = await imagesCommand(reference, flags, context);
  });

const addRm: Adder = (parent, name, context, result) =>
  parent
    .command(name)
    .description('Remove one or more images')
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .argument('<images...>', 'names, IDs or unique ID prefixes')
    .option('-f, --force', 'remove an image ID even when several repositories name it')
    .action(async (names: string[], flags: { force?: boolean }) => {
      result.code = await rmiCommand(names, flags, context);
    });

const addTag: Adder = (parent, name, context, result) =>
  parent
    .command(name)
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .usage('SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]')
    .argument('<source>', 'name or ID of the image')
    .argument('<target>', 'new name')
    .action(async (source: string, target: string) => {
      result.code = await tagCommand(source, target, context);
    });

const addSave: Adder = (parent, name, context, result) =>
  parent
    .command(name)
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .argument('<images...>', 'names or IDs')
    .option('-o, --output <file>', 'write to a file, instead of STDOUT')
    .action(async (names: string[], flags: { output?: string }) => {
      result.code = await saveCommand(names, flags, context);
    });

const addLoad: Adder = (parent, name, context, result) =>
  parent
    .command(name)
    .description('Load images from a tar archive or STDIN (docker save, podman save, OCI layout; gzip too)')
    .usage('[OPTIONS]')
    .option('-i, --input <file>', 'read from a tar archive file, instead of STDIN')
    .option('-q, --quiet', 'suppress the load output')
    .action(async (flags: { input?: string; quiet?: boolean }) => {
      result.code = await loadCommand(flags, context);
    });

export const registerImages: CommandRegistrar = (program, context, result) => {
  addLs(program, 'images', context, result);
  addRm(program, 'rmi', context, result);
  addTag(program, 'tag', context, result);
  addSave(program, 'save', context, result);
  addLoad(program, 'load', context, result);

  const image = program.command('image').description('Manage images');
  addLs(image, 'ls', context, result).alias('list');
  image
    .command('inspect')
    .description('Display detailed information on one or more images (JSON)')
    .usage('IMAGE [IMAGE...]')
    .argument('<images...>', 'names or IDs')
    .action(async (names: string[]) => {
      result.code = await inspectCommand(names, context);
    });
  addRm(image, 'rm', context, result).alias('remove');
  addTag(image, 'tag', context, result);
  addSave(image, 'save', context, result);
  addLoad(image, 'load', context, result);
  image
    .command('prune')
    .description('Remove unused images (dangling ones; with -a every image no container uses)')
    .option('-a, --all', 'remove all unused images, not just dangling ones')
    .option('-f, --force', 'do not prompt for confirmation')
    .action(async (flags: { all?: boolean; force?: boolean }) => {
      result.code = await pruneCommand(flags, context);
    });
};

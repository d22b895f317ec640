import { loadSettings } from '../../config/index.js';
import { MyDockerError } from '../../errors.js';
import type { CommandContext, CommandRegistrar } from './context.js';

export interface LoginFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

/** Username and password from the flags, stdin or the terminal, with Docker's rules and wording. */
async function gatherCredentials(flags: LoginFlags, context: CommandContext): Promise<{ username: string; password: string }> {
  let { username, password } = flags;
  // Loaded here, not at start-up: `mydocker run` must not pay for readline.
  const { promptHidden, promptLine, readStdin } = await import('../prompt.js');
  if (flags.passwordStdin) {
    if (password !== undefined) throw new MyDockerError('usage', 'ERR_USAGE', '--password and --password-stdin are mutually exclusive');
    if (!username) throw new MyDockerError('usage', 'ERR_USAGE', 'Must provide --username with --password-stdin');
    password = await readStdin();
  } else if (password !== undefined) {
    context.writeErr('WARNING! Using --password via the CLI is insecure. Use --password-stdin.');
  }
  if (!username || !password) {
    if (process.stdin.isTTY !== true) {
      throw new MyDockerError('usage', 'ERR_USAGE', 'Cannot perform an interactive login from a non TTY device', {
        hint: 'Give -u USER and --password-stdin.',
      });
    }
    if (!username) username = (await promptLine('Username: ')).trim();
    if (!password) password = await promptHidden('Password: ');
  }
  return { username, password };
}

/** mydocker login [SERVER]: checks the credentials with the registry, then saves them. */
export async function loginCommand(server: string | undefined, flags: LoginFlags, context: CommandContext): Promise<number> {
  const settings = loadSettings();
  const { login, loginWithStored } = await import('../../login/index.js');
  if (flags.username === undefined && flags.password === undefined && !flags.passwordStdin) {
    // As Docker: stored credentials that still work are a login, without asking again.
    if (await loginWithStored(server, settings, context.signal)) {
      context.writeErr('Authenticating with existing credentials...');
      context.writeOut('Login Succeeded');
      return 0;
    }
  }
  const { username, password } = await gatherCredentials(flags, context);
  const { savedTo } = await login({ server, username, password, settings, signal: context.signal });
  if (savedTo.kind === 'file') {
    context.writeErr(`WARNING! Your password will be stored unencrypted in ${savedTo.path}.`);
    context.writeErr('Configure a credential helper to remove this warning. See https://docs.docker.com/go/credential-store/');
  }
  context.writeOut('Login Succeeded');
  return 0;
}

export const registerLogin: CommandRegistrar = (program, context, result) => {
  program
    .command('login')
    .description('Log in to a registry (Docker Hub by default)')
    .usage('[OPTIONS] [SERVER]')
    .argument('[server]', 'registry host[:port]; Docker Hub when omitted')
    .option('-u, --username <username>', 'username')
    .option('-p, --password <password>', 'password (prefer --password-stdin)')
    .option('--password-stdin', 'take the password from stdin')
    .action(async (server: string | undefined, flags: LoginFlags) => {
      result.code = await loginCommand(server, flags, context);
    });
};

import type { CommandContext, CommandRegistrar } from './context.js';

/** mydocker logout [SERVER]: forgets the saved credentials, as docker logout does. */
export async function logoutCommand(server: string | undefined, context: CommandContext): Promise<number> {
  const { logout } = await import('../../login/index.js');
  const { serverKey, removed } = await logout(server);
  context.writeOut(removed ? `Removing login credentials for ${serverKey}` : `Not logged in to ${serverKey}`);
  return 0;
}

export const registerLogout: CommandRegistrar = (program, context, result) => {
  program
    .command('logout')
    .description('Log out from a registry (Docker Hub by default)')
    .usage('[SERVER]')
    .argument('[server]', 'registry host[:port]; Docker Hub when omitted')
    .action(async (server: string | undefined) => {
      result.code = await logoutCommand(server, context);
    });
};

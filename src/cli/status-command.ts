/** `jadevectordb status`: the server's databases, vector counts and per-partition progress, as JSON. */
import type { Command } from 'commander';
import { clientFor, printJson, type CliIo, type GlobalOptions } from './cli-io';

export function registerStatusCommand(program: Command, io: CliIo): void {
  program
    .command('status')
    .description('databases, vector counts and per-partition applied offsets and lag')
    .action(async (_options: unknown, command: Command) => {
      printJson(io, await clientFor(command.optsWithGlobals<GlobalOptions>(), io).status());
    });
}

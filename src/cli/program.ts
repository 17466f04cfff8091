/**
 * The command tree of `jadevectordb` apart from `serve`: the client commands (`db`, `import`, `export`, `search`,
 * `status`) with their global connection options, and one way of turning any failure into `code: message` on
 * stderr and exit code 1. Tests drive it with their own streams through `runCli`.
 */
import { Command, CommanderError, Option } from 'commander';
import { isJadeClientError } from '../client';
import { isJadeError } from '../errors';
import { CliError, DEFAULT_URL, integerOption, type CliIo } from './cli-io';
import { registerDbCommands } from './db-commands';
import { registerExportCommand } from './export-command';
import { registerImportCommand } from './import-command';
import { registerSearchCommand } from './search-command';
import { registerStatusCommand } from './status-command';

export function createProgram(io: CliIo): Command {
  const program = new Command('jadevectordb')
    .description('An event-sourced vector database on a log backbone.')
    .addOption(new Option('--url <url>', `REST API of the server (env JADE_URL, default ${DEFAULT_URL})`))
    .addOption(new Option('--token <jwt>', 'bearer token (env JADE_TOKEN)'))
    .addOption(new Option('--api-key <key>', 'API key (env JADE_API_KEY)'))
    .addOption(new Option('--timeout <ms>', 'deadline of each request (default 30000)').argParser(integerOption(0, 86_400_000)))
    // Set before the subcommands are added, which inherit both: usage errors return a code instead of exiting.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // One error format for everything: `jadevectordb: CODE: message`.
      outputError: (text, write) => write(`jadevectordb: JADE_ERR_CLI_USAGE: ${text.replace(/^error: /, '')}`),
    });
  registerDbCommands(program, io);
  registerImportCommand(program, io);
  registerExportCommand(program, io);
  registerSearchCommand(program, io);
  registerStatusCommand(program, io);
  return program;
}

/** Runs `args` (without `node` and the script) and resolves with the exit code: 0 ok, 1 error. */
export async function runProgram(program: Command, args: string[], io: CliIo): Promise<number> {
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err, io);
  }
}

/** The client commands with the given streams: `await runCli(['db', 'list', '--url', url], io)`. */
export function runCli(args: string[], io: CliIo): Promise<number> {
  return runProgram(createProgram(io), args, io);
}

/** Prints `jadevectordb: CODE: message` for every failure with a code; a stack only for the unexpected. */
export function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // Commander has printed its message already; --help and --version end with exit code 0.
    return err.exitCode;
  }
  if (err instanceof CliError || isJadeClientError(err) || isJadeError(err)) {
    io.stderr.write(`jadevectordb: ${err.code}: ${err.message}\n`);
    return 1;
  }
  io.stderr.write(`jadevectordb: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

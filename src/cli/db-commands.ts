/** `jadevectordb db create|list|get|drop`: manage databases. Definitions are printed as JSON on stdout. */
import type { Command } from 'commander';
import type { CreateDatabaseRequest, DatabaseInfo, JadeClient, Metric } from '../client';
import { choiceOption, clientFor, integerOption, printJson, say, type CliIo, type GlobalOptions } from './cli-io';

export interface CreateDatabaseOptions {
  dimension: number;
  metric: Metric;
  m?: number;
  efConstruction?: number;
  efSearch?: number;
  description?: string;
}

/** Creates `name`; resolves once every shard has it. */
export function createDatabase(client: JadeClient, name: string, options: CreateDatabaseOptions): Promise<DatabaseInfo> {
  const index = {
    ...(options.m === undefined ? {} : { m: options.m }),
    ...(options.efConstruction === undefined ? {} : { efConstruction: options.efConstruction }),
    ...(options.efSearch === undefined ? {} : { efSearch: options.efSearch }),
  };
  const request: CreateDatabaseRequest = {
    name,
    dimension: options.dimension,
    metric: options.metric,
    ...(Object.keys(index).length === 0 ? {} : { index }),
    ...(options.description === undefined ? {} : { description: options.description }),
  };
  return client.databases.create(request);
}

export function registerDbCommands(program: Command, io: CliIo): void {
  const db = program.command('db').description('manage databases');
  const client = (command: Command): JadeClient => clientFor(command.optsWithGlobals<GlobalOptions>(), io);

  db.command('create')
    .description('create a database')
    .argument('<name>', 'database name: lower-case letters, digits, _ and -')
    .requiredOption('--dimension <n>', 'vector dimension (1 to 4096)', integerOption(1, 4096))
    .requiredOption('--metric <metric>', 'cosine, euclidean or dot', choiceOption(['cosine', 'euclidean', 'dot'] as const))
    .option('--m <n>', 'HNSW links per node (default 16)', integerOption(2, 100))
    .option('--ef-construction <n>', 'HNSW build beam (default 200)', integerOption(10, 2000))
    .option('--ef-search <n>', 'default search beam per shard (default 64)', integerOption(1, 10_000))
    .option('--description <text>', 'free text')
    .action(async (name: string, options: CreateDatabaseOptions, command: Command) => {
      printJson(io, await createDatabase(client(command), name, options));
    });

  db.command('list')
    .description('list databases')
    .action(async (_options: unknown, command: Command) => {
      printJson(io, await client(command).databases.list());
    });

  db.command('get')
    .description('a database’s definition and vector count')
    .argument('<name>', 'database name')
    .action(async (name: string, _options: unknown, command: Command) => {
      printJson(io, await client(command).databases.get(name));
    });

  db.command('drop')
    .description('drop a database: its vectors are erased from every shard')
    .argument('<name>', 'database name')
    .action(async (name: string, _options: unknown, command: Command) => {
      await client(command).databases.drop(name);
      say(io, `dropped database ${name}`);
    });
}

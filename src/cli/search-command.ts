/** `jadevectordb search <db> --vector '[...]' | --id <id>`: nearest neighbours, printed as JSON. */
import type { Command } from 'commander';
import type { Consistency, Filter, JadeClient, SearchReply, SearchRequest } from '../client';
import { choiceOption, cliError, clientFor, integerOption, parseJsonOption, printJson, type CliIo, type GlobalOptions } from './cli-io';

export interface SearchOptions {
  /** A JSON array of numbers. */
  vector?: string;
  /** Search with the values of this stored vector. */
  id?: string;
  topK?: number;
  /** A JSON filter object. */
  filter?: string;
  efSearch?: number;
  exact?: boolean;
  includeValues?: boolean;
  consistency?: 'eventual' | 'strong';
}

/** Runs one search from command-line options. */
export async function searchFromOptions(client: JadeClient, db: string, options: SearchOptions): Promise<SearchReply> {
  if ((options.vector === undefined) === (options.id === undefined)) throw cliError('JADE_ERR_CLI_USAGE', 'give exactly one of --vector and --id');
  const consistency: Consistency | undefined = options.consistency;
  let vector: number[];
  if (options.vector !== undefined) {
    const parsed = parseJsonOption('--vector', options.vector);
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((x) => typeof x === 'number')) {
      throw cliError('JADE_ERR_CLI_USAGE', '--vector must be a JSON array of numbers, e.g. [0.1, 0.2, 0.3]');
    }
    vector = parsed;
  } else {
    vector = (await client.vectors.get(db, options.id!, consistency === undefined ? {} : { consistency })).values;
  }
  let filter: Filter | undefined;
  if (options.filter !== undefined) {
    const parsed = parseJsonOption('--filter', options.filter);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw cliError('JADE_ERR_CLI_USAGE', '--filter must be a JSON object');
    filter = parsed as Filter;
  }
  const request: SearchRequest = {
    vector,
    ...(options.topK === undefined ? {} : { topK: options.topK }),
    ...(filter === undefined ? {} : { filter }),
    ...(options.efSearch === undefined ? {} : { efSearch: options.efSearch }),
    ...(options.exact === true ? { exact: true } : {}),
    ...(options.includeValues === true ? { includeValues: true } : {}),
    ...(consistency === undefined ? {} : { consistency }),
  };
  return client.vectors.search(db, request);
}

export function registerSearchCommand(program: Command, io: CliIo): void {
  program
    .command('search')
    .description('nearest neighbours of a vector, or of a stored vector by id')
    .argument('<db>', 'database')
    .option('--vector <json>', 'query vector as a JSON array')
    .option('--id <id>', 'use the values of this stored vector as the query')
    .option('--top-k <n>', 'results (default 10)', integerOption(1, 1000))
    .option('--filter <json>', 'metadata filter, e.g. {"must":[{"key":"lang","match":"en"}]}')
    .option('--ef-search <n>', 'search beam per shard', integerOption(1, 10_000))
    .option('--exact', 'brute force over every vector: exact, slower')
    .option('--include-values', 'return the values of each hit')
    .option('--consistency <level>', 'eventual (default) or strong', choiceOption(['eventual', 'strong'] as const))
    .action(async (db: string, options: SearchOptions, command: Command) => {
      printJson(io, await searchFromOptions(clientFor(command.optsWithGlobals<GlobalOptions>(), io), db, options));
    });
}

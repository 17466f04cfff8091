/** The JadeVectorDB client: stands alone (no imports from the server), on the platform's `fetch`. */
export { JadeClient, DatabasesApi, VectorsApi, SecurityApi, type JadeClientOptions } from './jade-client';
export { JadeClientError, isJadeClientError, CLIENT_ERROR_CODES, type ClientErrorCode } from './errors';
export type * from './types';

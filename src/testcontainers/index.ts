/**
 * `jadevectordb/testcontainers`: a Testcontainers module that starts JadeVectorDB in a container for integration
 * tests. Needs the optional peer dependency `testcontainers` (11.14.0) and a Docker-compatible engine.
 */
export {
  JADE_CONTAINER_DATA_DIR,
  JADE_DEFAULT_IMAGE,
  JADE_DEFAULT_STARTUP_TIMEOUT_MS,
  JADE_REST_PORT,
  JadeVectorDbContainer,
  StartedJadeVectorDbContainer,
  type MintTokenOptions,
} from './jadevectordb-container';

/**
 * LanceDB's Rust core reads its log filter once, when its native module loads, and logs warnings (a new dataset,
 * deprecations) to stderr, where the progress bar lives. Imported before `@lancedb/lancedb` to quiet it.
 */
process.env.LANCEDB_LOG ??= 'error';
process.env.RUST_LOG ??= 'error';

export {};

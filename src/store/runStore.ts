import type { RunStore, StoreOptions } from './types';

// Placeholder until the indexer lands: the signature is the contract the host, CLI and benchmarks use.
export async function openStore(_options: StoreOptions): Promise<RunStore> {
  throw new Error('The run store is not built yet.');
}

// A process for restart.test.ts to SIGKILL (bundled by the test, so it starts in a fraction of tsx's time): indexes the root in small aborted slices, persisting after each, so a
// kill lands in sql.js start-up, mid-pass or mid-persist. Prints "done" when everything is indexed and persisted.
import { openStore } from '../../src/store';

async function main(root: string, dbPath: string, wasmPath: string): Promise<void> {
  const store = await openStore({ roots: [root], dbPath, wasmPath });
  for (let slice = 1; ; slice++) {
    const controller = new AbortController();
    const report = await store
      .index(controller.signal, (done) => {
        if (done >= slice * 8) controller.abort();
      })
      .catch(() => undefined);
    await store.persist();
    if (report && !controller.signal.aborted) break;
  }
  await store.close();
  process.stdout.write('done\n');
}

main(process.argv[2], process.argv[3], process.argv[4]).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

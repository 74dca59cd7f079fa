// `trackside` command line entry point (bundled to dist/cli.js). The same file serves the store's parse workers
// when started as one, so a large `trackside index` parses on every core.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { serveParseJobs, setParseWorkerScript } from '../store';
import { main } from './cli';

if (!isMainThread && parentPort !== null && (workerData as { tracksideParseWorker?: boolean } | undefined)?.tracksideParseWorker) {
  serveParseJobs(parentPort);
} else {
  if (__filename.endsWith('.js')) setParseWorkerScript(__filename);
  main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`trackside: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 3;
    },
  );
}

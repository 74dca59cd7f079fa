import { vscodeTest } from './harness';
vscodeTest('probe: a hanging test is stopped at its timeout', {}, async () => {
  await new Promise(() => {});
}, 30_000);

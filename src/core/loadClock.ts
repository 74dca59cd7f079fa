// Imported first by src/extension.ts, so its one line runs before the rest of the bundle is evaluated: the
// activation log line (issue 18) splits VS Code's part of activation from loading the bundle and registering.
export const bundleStartedAt = Date.now();

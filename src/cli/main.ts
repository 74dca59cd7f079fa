// `trackside` command line: placeholder until the CLI lands.
console.error('trackside: the CLI is not built yet.');
process.exit(2);

export * from './types';
export { openStore, pointsDir, LOG_FILE, USER_FILE } from './runStore';
export { intTag, intTagDigits, MAX_INT_DIGITS, needsDigits, parseWithFloats, stringifyWithFloats, type IntTag } from './ingest/floats';
export { setOwn } from './ingest/records';
export type { UserEdits } from './ingest/runState';
export { parseUserEdits } from './ingest/userEdits';
export { downsampleIndices } from './query/downsample';
// For bundles: name a script whose worker-thread start calls serveParseJobs (dist/cli.js does).
export { setParseWorkerScript } from './ingest/parsePool';
export { serveParseJobs } from './ingest/parseWorker';
export * as models from './models';
// Team runs (src/team writes what src/store/sources/team reads): the series.bin codec and the cache's file names.
export { CodecError, decodeSeries, encodeSeries, type SeriesColumns } from './sources/team/seriesCodec';
export { META_FILE, ORIGIN_FILE, SERIES_FILE } from './sources/team/teamReader';
export { TEAM_FOLDER } from './sources/team/source';

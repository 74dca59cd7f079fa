// The model registry (no `vscode`): named, versioned models under `<root>/models/`, used by the CLI, the extension
// and mirrored by the Python logger (logger/trackside/_models.py) on the same files.
export { aliasProblem, MAX_ALIAS, MAX_NAME, ModelError, type ModelErrorKind, modelNameProblem, parseModelRef, type ModelRef } from './names';
export type { AliasMove, JsonValue, ModelEdit, ModelVersionRecord } from './format';
export { DigestCache, digest, fileStatus, type FileState, type FileStatus } from './files';
export { artifactOf, editModel, listModels, MODELS_DIR, moveAlias, readModel, registerModel, resolveModel, versionsOfRun, type ModelInfo, type ModelProblem, type ModelVersion, type RegisterInput } from './registry';
export { lineage, type Lineage, type LineageStep } from './lineage';

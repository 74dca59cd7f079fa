// The Python extension's selected interpreter, when that extension is installed; its absence is normal. Reruns and
// sweeps both start Python with it.
import * as vscode from 'vscode';

interface PythonApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { path?: string } | undefined;
  };
}

export async function pythonExtensionInterpreter(resource: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension<PythonApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const path = api?.environments?.getActiveEnvironmentPath?.(resource)?.path;
    return typeof path === 'string' && path.length > 0 ? path : undefined;
  } catch (err) {
    log.warn(`The Python extension did not give its interpreter: ${String(err)}`);
    return undefined;
  }
}

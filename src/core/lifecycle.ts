import type * as vscode from 'vscode';

/** Disposes every item, keeps going after an error, and rethrows the first one at the end. */
export function disposeAll(items: Iterable<vscode.Disposable>): void {
  let first: unknown;
  for (const item of items) {
    try {
      item.dispose();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

/** Owns what it registers and disposes it, newest first, exactly once. */
export class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  register<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.owned.push(item);
    return item;
  }

  /** Stops owning an item that ended on its own (a closed panel), without disposing it, so owners do not grow. */
  release(item: vscode.Disposable): void {
    const at = this.owned.indexOf(item);
    if (at >= 0) this.owned.splice(at, 1);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.owned.splice(0).reverse());
  }
}

// The Runs tree's nodes. Only run nodes carry `runId`: that name makes a node a RunRef, and run-scoped commands
// (copy run id, delete, rerun, compare) take every RunRef in the selection. Rows under a run name their run
// `ownerRunId` instead, so Delete on an artifact row never offers to delete the run.
import type { RunRef } from '../../core/runRef';
import type { Row, SectionKind } from './present';
import type { ExplorerRun } from './run';

/** A run row. `runId` makes it a RunRef, so other features' commands accept it from menus. */
export interface RunNode extends RunRef {
  kind: 'run';
  run: ExplorerRun;
  /** Row id of the run this one is nested under, when it is a child run. */
  parentRowId?: string;
}

export interface SectionNode {
  kind: 'section';
  ownerRunId: string;
  section: SectionKind;
  row: Row;
}

export interface DetailNode {
  kind: 'detail';
  ownerRunId: string;
  row: Row;
}

export type Node = { kind: 'project'; project: string } | { kind: 'group'; project: string; name: string } | RunNode | SectionNode | DetailNode;

/** Section kind from a section row's context value (`section params`). */
export function sectionOf(row: Row): SectionKind {
  return row.contextValue.split(' ')[1] as SectionKind;
}

/** The node for a row under a run: a leaf, or a section when it expands. */
export function rowNode(ownerRunId: string, row: Row): SectionNode | DetailNode {
  return row.collapsible === 'none' ? { kind: 'detail', ownerRunId, row } : { kind: 'section', ownerRunId, section: sectionOf(row), row };
}

/** What the rows in a selection say to copy, when it holds rows rather than runs (Ctrl+C on a param row). */
export function rowCopyTexts(selection: unknown): string[] {
  if (!Array.isArray(selection)) return [];
  return selection.flatMap((node: unknown) => {
    const row = node && typeof node === 'object' ? (node as { row?: { copyText?: unknown } }).row : undefined;
    return typeof row?.copyText === 'string' ? [row.copyText] : [];
  });
}

/** True when a command got neither a node nor a selection: from the palette with nothing selected, so ask. */
export function nothingGiven(arg: unknown, selection: unknown): boolean {
  return arg === undefined && (!Array.isArray(selection) || selection.length === 0);
}

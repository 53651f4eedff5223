/**
 * Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): the
 * `meta.k8s.io/v1` Table kubectl renders for `kubectl get`. Built-in kinds get the columns
 * kube-apiserver prints for them; CRD kinds get `additionalPrinterColumns` (JSONPath) or
 * Name/Age; anything else Name/Age.
 */
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../types.js';
import { evaluateJsonPath } from './jsonpath.js';
import { builtinPrinter } from './printers.js';
import type { Column, Printer } from './columns.js';
import { AGE_COLUMN, NAME_COLUMN, since } from './columns.js';

export type { Column, Printer } from './columns.js';
export { humanDuration, since } from './columns.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const defaultPrinter: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (obj, now) => [obj.metadata.name, since(obj.metadata.creationTimestamp, now)],
};

interface PrinterColumnSpec {
  name: string;
  type: string;
  jsonPath: string;
  format?: string;
  description?: string;
  priority?: number;
}

function jsonCell(type: string, value: unknown, now: number): unknown {
  switch (type) {
    case 'date':
      return typeof value === 'string' ? since(value, now) : null;
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** The printer of a CRD version: its `additionalPrinterColumns`, or Name and Age. */
export function crdPrinter(crd: KubeObject, version: string): Printer {
  const versions = ((crd.spec as { versions?: { name: string; additionalPrinterColumns?: PrinterColumnSpec[] }[] } | undefined)?.versions ?? []);
  const specs = versions.find((v) => v.name === version)?.additionalPrinterColumns ?? [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
  const columns: Column[] = [
    NAME_COLUMN,
    ...specs.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? 'Custom resource definition column (in JSONPath format): ' + c.jsonPath, priority: c.priority ?? 0 })),
  ];
  return {
    columns,
    cells: (obj, now) => [
      obj.metadata.name,
      ...specs.map((c) => {
        let results: unknown[];
        try {
          results = evaluateJsonPath(obj, c.jsonPath);
        } catch {
          return null;
        }
        return results.length ? jsonCell(c.type, results[0], now) : null;
      }),
    ],
  };
}

export function printerFor(info: ResourceInfo, crd: KubeObject | undefined): Printer {
  if (crd) return crdPrinter(crd, info.version);
  return builtinPrinter(info.group, info.kind) ?? defaultPrinter;
}

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  const { managedFields: _m, ...metadata } = obj.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export function toTable(printer: Printer, objects: readonly KubeObject[], resourceVersion: string, now: number, include: IncludeObject = 'Metadata'): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: printer.columns.map((c) => ({ format: '', description: '', priority: 0, ...c })),
    rows: objects.map((obj) => {
      const row: Record<string, unknown> = { cells: printer.cells(obj, now) };
      const o = rowObject(obj, include);
      if (o !== undefined) row.object = o;
      return row;
    }),
  };
}

// What every semantic check needs: the document (for positions), the catalog, and a place to report.
import { isScalar, Scalar } from 'yaml';
import type { FieldCatalog } from './catalog/types.ts';
import { type Diagnostic, type DiagnosticCode, formatPath, type PathSegment } from './diagnostics.ts';
import type { CloudCXSalesforceMapping } from './generated/mapping.ts';
import { diag, type LoadedDocument, nodeAt, position } from './load.ts';

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    readonly loaded: LoadedDocument,
    readonly mapping: CloudCXSalesforceMapping,
    readonly catalog: FieldCatalog,
  ) {}

  /** Reports at the value at `path`, or at its key with `atKey`. */
  report(
    path: PathSegment[],
    code: DiagnosticCode,
    message: string,
    opts: { atKey?: boolean; severity?: 'error' | 'warning' } = {},
  ): void {
    const { node, key } = nodeAt(this.loaded, path);
    const { line, col } = position(this.loaded, opts.atKey ? (key ?? node) : (node ?? key));
    this.diagnostics.push(diag(this.loaded.file, line, col, formatPath(path), code, message, opts.severity));
  }

  /** Reports at a line/column inside the template string at `path` (1-based within the template). */
  reportInTemplate(
    path: PathSegment[],
    tline: number,
    tcol: number,
    code: DiagnosticCode,
    message: string,
  ): void {
    const { node } = nodeAt(this.loaded, path);
    let { line, col } = position(this.loaded, node);
    if (isScalar(node)) {
      const type = node.type;
      if (type === Scalar.BLOCK_LITERAL || type === Scalar.BLOCK_FOLDED) {
        // Block scalars start on the line after their header; content is indented.
        const contentLine = this.loaded.text.split('\n')[line + tline - 1] ?? '';
        const indent = contentLine.length - contentLine.trimStart().length;
        line += tline;
        col = indent + tcol;
      } else {
        const quote = type === Scalar.QUOTE_DOUBLE || type === Scalar.QUOTE_SINGLE ? 1 : 0;
        col = tline === 1 ? col + quote + tcol - 1 : tcol;
        line += tline - 1;
      }
    }
    this.diagnostics.push(diag(this.loaded.file, line, col, formatPath(path), code, message));
  }
}

// Ends the run with one plain line that any CI can read and that agrees with vitest's exit code:
// `vitest: N passed, N failed[, N skipped][, N files failed][, N unhandled errors] — PASSED|FAILED`.
// A file whose setup fails (a missing browser, a database down) fails the run even though its tests only show as
// skipped, so such files are counted too, as are errors thrown outside any test.
import type { Reporter, SerializedError, TestModule, TestRunEndReason } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let failedFiles = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (module.state() === 'failed' || module.errors().length > 0) failedFiles++;
    }
    const parts = [`${passed} passed`, `${failed} failed`];
    if (skipped) parts.push(`${skipped} skipped`);
    if (failedFiles) parts.push(`${failedFiles} ${failedFiles === 1 ? 'file' : 'files'} failed`);
    if (unhandledErrors.length) parts.push(`${unhandledErrors.length} unhandled errors`);
    const verdict = reason === 'passed' && failed === 0 && failedFiles === 0 ? 'PASSED' : 'FAILED';
    console.log(`\nvitest: ${parts.join(', ')} — ${verdict}`);
  }
}

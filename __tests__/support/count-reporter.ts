/**
 * Prints the plain closing line CI reads, `N passed, N failed[, N skipped]`, after vitest's own
 * summary. Errors outside tests (unhandled rejections, failed suites) count as failures.
 */
import type { Reporter, TestModule } from 'vitest/node'

export default class CountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      let moduleFailures = 0
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed += 1
        else if (state === 'failed') moduleFailures += 1
        else skipped += 1
      }
      // A file that failed to load, or whose hooks threw, failed without a failed test to show
      // for it (a `beforeAll` that throws leaves its tests skipped): it counts as one failure.
      failed += module.state() === 'failed' ? Math.max(1, moduleFailures) : moduleFailures
    }
    failed += unhandledErrors.length
    const tail = skipped > 0 ? `, ${skipped} skipped` : ''
    process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`)
  }
}

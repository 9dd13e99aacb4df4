// How long the runner lets one test file run: the default, or more when the file's header asks (pure).

/**
 * A file whose real components take longer than most (two whole database recoveries) says so in its header, as
 * `// test-timeout: 450 s`; the larger of that and the default bounds it, so a busy machine does not kill it while
 * every other file keeps the tight default.
 */
export function fileBudgetS(source: string, defaultS: number): number {
  const declared = Number(source.slice(0, 4000).match(/^\/\/ test-timeout: (\d+) s$/m)?.[1] ?? 0)
  return Math.max(defaultS, declared)
}

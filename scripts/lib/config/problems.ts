// How configuration problems reach the user: each pinned to file:line:col, all of them at once (pure).
import type { Problem } from './model.ts'

export const formatProblem = (p: Problem) => `${p.file}:${p.line}:${p.col}: ${p.message}`

/** Bad input: every problem, each pinned to file:line:col; the CLI prints them and exits 1. */
export class ConfigError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'))
  }
}

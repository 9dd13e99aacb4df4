// Errors that map to the CLI contract's exit codes: 1 wrong input or target, 2 usage.
import type { Problem } from '../config/model.ts'

export class UsageError extends Error {}

/** A wrong input or a missing prerequisite the user can fix: one line, exit 1, no stack trace. */
export class InputError extends Error {}

/** Bad input: every problem, each pinned to file:line:col. */
export class ConfigError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'))
  }
}

export const formatProblem = (p: Problem) => `${p.file}:${p.line}:${p.col}: ${p.message}`

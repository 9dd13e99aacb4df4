// JUnit XML of validation results, one test case per checked file, for a CodeBuild report group (pure).
import type { Problem } from '../config/model.ts'
import { formatProblem } from '../config/problems.ts'

const xml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '')

export function junitReport(suite: string, files: string[], problems: Problem[]): string {
  const cases = files.map((file) => {
    const mine = problems.filter((p) => p.file === file)
    if (!mine.length) return `    <testcase classname="${xml(suite)}" name="${xml(file)}"/>`
    const body = mine.map(formatProblem).join('\n')
    return [
      `    <testcase classname="${xml(suite)}" name="${xml(file)}">`,
      `      <failure message="${xml(`${mine.length} problem(s)`)}" type="${xml(mine[0]!.rule)}">${xml(body)}</failure>`,
      '    </testcase>',
    ].join('\n')
  })
  const failures = files.filter((f) => problems.some((p) => p.file === f)).length
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(suite)}" tests="${files.length}" failures="${failures}">`,
    `  <testsuite name="${xml(suite)}" tests="${files.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}

// The rule that no secret is ever written in git: secret-named keys and secret-looking values (pure).
import { isScalar, visit, type Scalar } from 'yaml'
import type { Problem } from '../model.ts'
import type { Source } from '../source.ts'

const SECRET_KEY =
  /(pass(word|wd|phrase)?|secret|token|credential|api[-_]?key|private[-_]?key|access[-_]?key|client[-_]?key)$/i
// A reference names where the secret lives instead of holding it.
const REFERENCE = /^(s3:\/\/|arn:aws[a-z-]*:(secretsmanager|ssm|kms):|ssm:|alias\/)/
const SECRET_VALUES: [RegExp, string][] = [
  [/mongodb(\+srv)?:\/\/[^/\s:@]+:[^@\s]+@/, 'a MongoDB URI with a password'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\b[a-z]+:\/\/[^/\s:@]+:[^@\s/]+@/, 'a URL with a password'],
]

const HINT =
  "never commit secrets: put it in the app's .env in the secrets bucket (s3://<secrets.bucket>/<secrets.prefix>/<app>/.env) and rotate the leaked value"

export function literalSecrets(source: Source): Problem[] {
  const problems: Problem[] = []
  const push = (node: Scalar, message: string) => {
    const { line, col } = source.lines.linePos(node.range?.[0] ?? 0)
    problems.push({ file: source.file, line, col, message, rule: 'no-literal-secret' })
  }
  visit(source.doc, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : ''
      if (!isScalar(pair.value) || pair.value.value === null || pair.value.value === '') return
      const value = String(pair.value.value)
      if (SECRET_KEY.test(key) && !REFERENCE.test(value)) push(pair.value, `'${key}' holds a literal secret; ${HINT}`)
    },
    Scalar(_, node) {
      if (typeof node.value !== 'string') return
      const found = SECRET_VALUES.find(([re]) => re.test(node.value as string))
      if (found) push(node, `value looks like ${found[1]}; ${HINT}`)
    },
  })
  return problems.filter((p, i) => problems.findIndex((q) => q.line === p.line && q.col === p.col) === i)
}

// Unit tests of deploy/hook.env: shell-safe lines that bash reads back unchanged (spawns bash once).
import { execFileSync } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hookSettings, renderHookSettings, shellQuote } from '../../scripts/lib/render/hook-settings.ts'
import { fixtureApp, fixtureModel } from '../fixtures/model.ts'

test("every line is KEY='value', sorted", () => {
  const { path, contents } = renderHookSettings(fixtureApp(), fixtureModel())
  assert.is(path, 'deploy/hook.env')
  const lines = contents.split('\n').filter((l) => l && !l.startsWith('#'))
  for (const l of lines) assert.match(l, /^[A-Z0-9_]+='[^']*'$/)
  assert.equal(lines, [...lines].sort())
  assert.ok(lines.includes("SECRETS_KEY='secrets/production/patient-api/.env'"))
  assert.ok(lines.includes("HEALTH_OK_MIN='200'"))
})

test('bash reads back exactly the values, even hostile ones', () => {
  const hostile = `a'b"$(touch /tmp/pwned)\`x\`;\n`
  const out = execFileSync('bash', ['-c', `X=${shellQuote(hostile)}; printf %s "$X"`]).toString()
  assert.is(out, hostile)
  const settings = hookSettings(fixtureApp(), fixtureModel())
  const env = execFileSync('bash', ['-c', 'set -a; eval "$(cat)"; printf "%s|%s" "$APP_NAME" "$ENV_FILE"'], {
    input: renderHookSettings(fixtureApp(), fixtureModel()).contents,
  }).toString()
  assert.is(env, `${settings.APP_NAME}|${settings.ENV_FILE}`)
})

test('a 200-299 matcher becomes a range', () => {
  const app = fixtureApp({ healthCheck: { ...fixtureApp().healthCheck, matcher: '200-299' } })
  const s = hookSettings(app, fixtureModel())
  assert.equal([s.HEALTH_OK_MIN, s.HEALTH_OK_MAX], ['200', '299'])
})

test.run()

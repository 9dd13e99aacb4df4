// The code is formatted as `npm run format` leaves it (prettier, .prettierrc.json): a review reads changes, not layout.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as prettier from 'prettier'

const root = new URL('../', import.meta.url).pathname
const FORMATTED = /^(scripts\/.*\.(ts|cjs)|tests\/.*\.ts|bench\/.*\.ts|hooks\/.*\.mjs)$/

test('every script, test, bench and hook module is formatted', async () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => FORMATTED.test(f) && !f.startsWith('tests/fixtures/'))
  const unformatted: string[] = []
  for (const file of files) {
    const path = `${root}${file}`
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch {
      continue // listed but deleted in the working tree
    }
    const options = { ...(await prettier.resolveConfig(path)), filepath: path }
    if (!(await prettier.check(text, options))) unformatted.push(file)
  }
  assert.ok(files.length > 250, `only ${files.length} files found`)
  assert.equal(unformatted, [], 'run `npm run format`')
})

test.run()

// A file a flag named: written, or one line that says why not and what to do (I/O in a temporary folder).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { InputError } from '../../scripts/lib/cli/errors.ts'
import { writeOutputFile } from '../../scripts/lib/cli/output-file.ts'

const dir = mkdtempSync(join(tmpdir(), 'output-file-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

const refusal = (path: string) => {
  try {
    writeOutputFile('--junit', path, '<x/>')
  } catch (e) {
    assert.instance(e, InputError)
    return (e as Error).message
  }
  assert.unreachable(`${path} was written`)
}

test('writes the file', () => {
  writeOutputFile('--out', join(dir, 'plan.md'), '# plan\n')
  assert.is(readFileSync(join(dir, 'plan.md'), 'utf8'), '# plan\n')
})

test('a missing folder or a folder for a file: one line naming the flag, the path and the fix', () => {
  assert.is(
    refusal(join(dir, 'no-such', 'v.xml')),
    `--junit ${join(dir, 'no-such', 'v.xml')}: cannot write: its folder does not exist; create it first`,
  )
  assert.is(refusal(dir), `--junit ${dir}: cannot write: it is a folder; name a file`)
})

test.run()

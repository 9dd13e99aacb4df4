// How the runner reads the CodeDeploy agent's log and reports its failures (temp files; the agent's own wording).
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { agentError, readFrom, scriptFailure } from '../../scripts/lib/deploy-local/agent.ts'

const dir = mkdtempSync(join(tmpdir(), 'agent-log-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

test('complete lines only, from the offset; a log rolled by copy-truncate is read again from its start', () => {
  const file = join(dir, 'codedeploy-local.log')
  assert.equal(readFrom(file, 0), { lines: [], offset: 0 }, 'no log yet')
  writeFileSync(file, 'one\ntwo\nthr')
  const a = readFrom(file, 0)
  assert.equal(a.lines, ['one', 'two'])
  appendFileSync(file, 'ee — déjà\n')
  const b = readFrom(file, a.offset)
  assert.equal(b.lines, ['three — déjà'], 'a line split across reads, with multi-byte characters, comes whole')
  writeFileSync(file, 'after the roll\n') // the logger copied the file away and truncated it
  assert.equal(readFrom(file, b.offset).lines, ['after the roll'])
})

test("script failures in CodeDeploy's terms, from what the agent logged", () => {
  assert.is(
    scriptFailure(['… HookExecutor: Script at specified location: hooks/a.sh timed out'], 'hooks/a.sh'),
    'ScriptTimedOut: hooks/a.sh did not finish within its timeout',
  )
  assert.is(
    scriptFailure(['… Script at specified location: hooks/a.sh failed to close STDOUT'], 'hooks/a.sh'),
    'OutputsLeftOpen: hooks/a.sh exited but left a process holding its output',
  )
  assert.is(
    scriptFailure(
      ['DEBUG … Script failed. Diagnostics={:coredump?=>false, :exited=>true, :exitstatus=>3, :pid=>7}'],
      'hooks/a.sh',
    ),
    'ScriptFailed: hooks/a.sh exited with code 3',
  )
  assert.is(
    agentError(
      '',
      "/opt/codedeploy-agent/lib/x.rb:187:in `set_permissions': The deployment failed because the permissions setting for (/a) is specified more than once. (RuntimeError)\n\tfrom …",
    ),
    'The deployment failed because the permissions setting for (/a) is specified more than once.',
  )
  assert.is(
    agentError('ERROR: location /x is specified as a file or directory which does not exist\n', ''),
    'location /x is specified as a file or directory which does not exist',
  )
})

test.run()

import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { UsageError } from '../../scripts/lib/cli/errors.ts'

const commands = ['backup', 'restore', 'verify', 'prune'] as const

for (const name of commands) {
  test(`${name}: a summary, and usage errors (exit 2) for a missing ENV or an unknown flag`, async () => {
    const cmd = await import(`../../scripts/commands/${name}.ts`)
    assert.type(cmd.summary, 'string')
    for (const argv of [[], ['staging', '--no-such-flag'], ['a', 'b']]) {
      try {
        await cmd.run(argv)
        assert.unreachable(`${name} ${argv.join(' ')} ran`)
      } catch (e) {
        assert.instance(e, UsageError)
        assert.match((e as Error).message, new RegExp(`usage: npm run ops -- ${name} ENV`))
      }
    }
  })
}

test.run()

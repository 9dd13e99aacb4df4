// Desired revisions: stable, and changed by the version or a hook (the sample's render, in memory).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { desiredApps } from '../../scripts/lib/apply/desired.ts'
import { loadNginxTemplates } from '../../scripts/lib/render/render-all.ts'
import { readModel } from '../../scripts/lib/config/read.ts'

test('desired revisions are stable and change with the version or a hook', () => {
  const model = readModel(new URL('../../', import.meta.url).pathname, 'staging')
  const hooks = [{ path: 'a.sh', data: Buffer.from('echo a\n'), mode: 0o755 }]
  const one = desiredApps(model, hooks, loadNginxTemplates()).map((d) => d.revision)
  assert.equal(
    desiredApps(model, hooks, loadNginxTemplates()).map((d) => d.revision),
    one,
  )
  assert.ok(
    one.every((r, i) => r.startsWith(`${model.apps[i]!.version}+`) && /\+[0-9a-f]{12}$/.test(r)),
    one.join(),
  )
  const other = desiredApps(model, [{ ...hooks[0]!, data: Buffer.from('echo b\n') }], loadNginxTemplates()).map(
    (d) => d.revision,
  )
  assert.ok(other.every((r, i) => r !== one[i]))
})

test.run()

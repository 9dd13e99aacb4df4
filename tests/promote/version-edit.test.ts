// The promotion's edit: the version scalar and not one other character, or a refusal (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { setAppVersion } from '../../scripts/lib/promote/version-edit.ts'

test('the edit changes the version scalar and not one other character', () => {
  const text = readFileSync(new URL('../../environments/production.yaml', import.meta.url), 'utf8')
  const edited = setAppVersion(text, 'environments/production.yaml', 'patient-api', '1.15.0')
  const changed = text
    .split('\n')
    .map((line, i) => [line, edited.split('\n')[i]] as const)
    .filter(([a, b]) => a !== b)
  assert.equal(changed, [['    version: 1.14.2', '    version: 1.15.0']])
  assert.is(edited.length, text.length)
})

test('an app the environment does not run is refused, not added', () => {
  assert.throws(
    () => setAppVersion('apps:\n  doctor-api:\n    version: 1.0.0\n', 'environments/x.yaml', 'patient-api', '2.0.0'),
    /environments\/x\.yaml: apps\.patient-api\.version not found/,
  )
})

test('an anchored, aliased or block version is refused: changing it in place would change more', () => {
  const refused = (text: string) => {
    try {
      setAppVersion(text, 'e.yaml', 'patient-api', '2.0.0')
      return 'changed'
    } catch (e) {
      return (e as Error).message
    }
  }
  assert.is(
    refused('apps:\n  patient-api:\n    version: &v 1.0.0\n  doctor-api:\n    version: *v\n'),
    'e.yaml: apps.patient-api.version carries an anchor (&v) that other keys may use; write the version out plainly first',
  )
  assert.is(
    refused('x: &v 1.0.0\napps:\n  patient-api:\n    version: *v\n'),
    'e.yaml: apps.patient-api.version is an alias (*v); write the version out plainly first',
  )
  assert.is(
    refused('apps:\n  patient-api:\n    version: >-\n      1.0.0\n'),
    "e.yaml: apps.patient-api.version is a block scalar; write the version on its key's line first",
  )
  assert.is(
    setAppVersion('apps:\n  patient-api: { version: "1.0.0", instanceGroup: api }\n', 'e.yaml', 'patient-api', '2.0.0'),
    'apps:\n  patient-api: { version: 2.0.0, instanceGroup: api }\n',
  )
})

test.run()

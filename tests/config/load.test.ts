// loadConfig's own checks beside the rules: the name inside a file matches the file; through the sample.
import { test } from 'uvu'
import { PATIENT, problemsWith, expectOnly } from './variant.ts'

test('file-name: the name inside matches the file name', () => {
  expectOnly(
    problemsWith({ file: PATIENT, from: 'name: patient-api', to: 'name: patients-api' }),
    "apps/patient-api.yaml:4:7: name 'patients-api' must match the file name 'patient-api'; rename one of them",
  )
})

test.run()

// Reference rules (rules/references.ts): what an environment names exists, with suggestions; through the sample.
import { test } from 'uvu'
import { P, problemsWith, expectOnly } from '../variant.ts'

test('app-exists: every app an environment names has a file, with a suggestion', () => {
  expectOnly(
    problemsWith({ file: P, from: '  doctor-api:\n    version', to: '  docter-api:\n    version' }),
    "environments/production.yaml:63:3: app 'docter-api' has no file apps/docter-api.yaml; did you mean 'doctor-api'?",
    "environments/production.yaml:120:5: database client 'doctor-api' is not an app of this environment; MongoDB users are made for its apps only (known: patient-api, docter-api, admin-portal)",
    "environments/production.yaml:161:10: alarm 'doctor-api-5xx': app 'doctor-api' is not deployed in this environment",
    "environments/production.yaml:213:10: alarm 'doctor-api-capacity': app 'doctor-api' is not deployed in this environment",
  )
})

test('references: topics, stop alarms and instance groups exist, with suggestions', () => {
  expectOnly(
    problemsWith({ file: P, from: 'notify: [deployments]', to: 'notify: [deploymnts]' }),
    "environments/production.yaml:83:12: notification topic 'deploymnts' is not defined in notifications; did you mean 'deployments'?",
  )
  expectOnly(
    problemsWith({ file: P, from: 'stopOnAlarms: [patient-api-5xx,', to: 'stopOnAlarms: [patient-api-500,' }),
    "environments/production.yaml:82:18: alarm 'patient-api-500' is not defined in alarms; did you mean 'patient-api-5xx'?",
  )
  expectOnly(
    problemsWith({ file: P, from: '    instanceGroup: portal\n', to: '    instanceGroup: portl\n' }),
    "environments/production.yaml:69:20: instance group 'portl' is not defined in instanceGroups; did you mean 'portal'?",
  )
})

test.run()

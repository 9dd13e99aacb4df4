// The failure alert: what failed, even without diagnostics (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { deploymentAlert } from '../../scripts/lib/apply/alert.ts'

test('the alert without diagnostics still says what failed', () => {
  const a = deploymentAlert({
    environment: 'production',
    app: 'api',
    version: '1.2',
    revision: '1.2+c',
    commit: 'c',
    who: 'ci',
    followed: {
      state: {
        id: 'd-9',
        status: 'Stopped',
        overview: { Pending: 1, InProgress: 0, Succeeded: 1, Failed: 0, Skipped: 0 },
        error: { code: 'ALARM_ACTIVE', message: 'api-5xx in ALARM' },
      },
      failure: undefined,
    },
  })
  assert.is(a.subject, '[production] api deployment failed')
  assert.fixture(
    a.message,
    'Deployment d-9 of api 1.2 to production stopped.\n\nrevision: 1.2+c\ncommit: c\nstarted by: ci\ninstances: 1 succeeded, 0 failed, 1 not finished\nerror: ALARM_ACTIVE: api-5xx in ALARM\n\nCodeDeploy rolls the instances back automatically (DEPLOYMENT_FAILURE).\n',
  )
})

test.run()

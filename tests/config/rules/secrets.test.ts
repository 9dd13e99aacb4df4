// No literal secret in the YAML (rules/secrets.ts): secret-named keys and secret-looking values.
import { test } from 'uvu'
import { P, PATIENT, problemsWith, expectOnly } from '../variant.ts'

test('no-literal-secret: secret-named keys and secret-looking values, with a hint', () => {
  expectOnly(
    problemsWith({ file: P, from: 'audit:\n', to: 'mongoPassword: hunter2\naudit:\n' }),
    "environments/production.yaml:240:16: 'mongoPassword' holds a literal secret; never commit secrets: put it in the app's .env in the secrets bucket (s3://<secrets.bucket>/<secrets.prefix>/<app>/.env) and rotate the leaked value",
  )
  expectOnly(
    problemsWith({
      file: PATIENT,
      from: 'description: REST API of the patient mobile app',
      to: 'description: "key AKIAABCDEFGHIJKLMNOP"',
    }),
    "apps/patient-api.yaml:6:14: value looks like an AWS access key id; never commit secrets: put it in the app's .env in the secrets bucket (s3://<secrets.bucket>/<secrets.prefix>/<app>/.env) and rotate the leaked value",
  )
  expectOnly(
    problemsWith({ file: P, from: '  operation: Install', to: '  operation: "mongodb://admin:s3cret@db:27017"' }),
    "environments/production.yaml:236:14: value looks like a MongoDB URI with a password; never commit secrets: put it in the app's .env in the secrets bucket (s3://<secrets.bucket>/<secrets.prefix>/<app>/.env) and rotate the leaked value",
  )
})

test.run()

// Rendering reads nothing itself: the nginx and CloudFormation templates are loaded at the edge and passed in (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../scripts/lib/config/read.ts'
import { renderEnvironment } from '../../scripts/lib/render/environment.ts'
import { loadNginxTemplates, loadRenderInputs } from '../../scripts/lib/render/render-all.ts'

const model = readModel('.', 'staging')

test('an nginx/ given in memory is what renders: vhosts from its template, snippets from its files', () => {
  const nginx = {
    files: new Map([
      ['vhost.conf.njk', 'server { listen {{ app.proxyPort }}; } # {{ env.name }}\n'],
      ['snippets/only.conf', 'gzip off;\n'],
    ]),
  }
  const files = renderEnvironment(model, { nginx })
  const patient = files.find((f) => f.path === 'apps/patient-api/nginx/patient-api.conf')
  assert.is(
    patient?.contents,
    `server { listen ${model.apps.find((a) => a.name === 'patient-api')!.proxyPort}; } # staging\n`,
  )
  assert.equal(
    files.filter((f) => f.path.startsWith('apps/patient-api/nginx/drsignet/')).map((f) => [f.path, f.contents]),
    [['apps/patient-api/nginx/drsignet/only.conf', 'gzip off;\n']],
  )
  assert.not.ok(
    files.some((f) => f.path.startsWith('cloudformation/')),
    'no stack templates given, no stack files',
  )
})

test('a template the loaded set lacks is named, not looked for on disk', () => {
  const nginx = { files: new Map([['vhost.conf.njk', '{% include "partials/proxy.njk" %}\n']]) }
  assert.throws(() => renderEnvironment(model, { nginx }), /nginx template partials\/proxy\.njk is not in nginx\//)
})

test('the loaders read each folder once per process, and the full render uses both', () => {
  assert.ok(loadNginxTemplates() === loadNginxTemplates())
  const inputs = loadRenderInputs()
  assert.ok(inputs.stacks!.has('instance-group.yaml') && inputs.nginx.files.has('partials/proxy.njk'))
  assert.ok(renderEnvironment(model, inputs).some((f) => f.path.startsWith('cloudformation/')))
})

test.run()

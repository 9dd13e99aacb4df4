// The instances' boot scripts as CloudFormation resolves them for the fixture environment: shellcheck-clean,
// sshd moved to the custom port, and the app groups given what the hooks run (spawns shellcheck).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Resolver } from '../../scripts/lib/cloudformation/resolve.ts'
import { stackInstances } from '../../scripts/lib/render/stack-parameters.ts'
import { requireTool } from '../harness/tools.ts'
import { fixtureModel } from './fixture-model.ts'
import { allTemplates } from './templates.ts'

const templates = allTemplates()
const model = fixtureModel()
const pm2Version = JSON.parse(readFileSync('node_modules/pm2/package.json', 'utf8')).version as string

/** Each instance group's boot script, decoded from its launch template. */
const scripts = stackInstances(model).filter((s) => s.template === 'instance-group.yaml').map((s) => {
  const r = new Resolver({
    template: templates[s.template], parameters: s.parameters, accountId: model.env.account, region: model.env.region,
    stackName: s.stack, importValue: (name) => `import:${name}`,
  })
  const data = (r.resources().LaunchTemplate as any).Properties.LaunchTemplateData.UserData as string
  return { group: s.parameters.GroupName!, purpose: s.parameters.Purpose!, script: Buffer.from(data, 'base64').toString() }
})

test('every instance group boots with a script that is clean under shellcheck', () => {
  assert.equal(scripts.map((s) => s.group), ['api', 'database', 'portal'])
  const shellcheck = requireTool('shellcheck')
  for (const { group, script } of scripts) {
    const r = spawnSync(shellcheck, ['--shell=bash', '--severity=style', '-'], { input: script, encoding: 'utf8' })
    assert.is(r.status, 0, `${group}:\n${r.stdout}${r.stderr}`)
    assert.match(script, /^set -euo pipefail$/m, group)
  }
})

test('sshd listens on the environment custom SSH port, the one the security groups open to the VPN', () => {
  for (const { group, script } of scripts) {
    assert.match(script, new RegExp(`^sed -i -E 's/\\^#\\?Port \\[0-9\\]\\+\\$/Port ${model.env.network.sshPort}/' /etc/ssh/sshd_config$`, 'm'), group)
    assert.match(script, /^systemctl restart sshd$/m, group)
  }
})

test('app groups get nginx, Node.js and the pm2 version the tests run; the database group does not', () => {
  for (const { group, purpose, script } of scripts) {
    assert.match(script, new RegExp(`^purpose='${purpose}'$`, 'm'), group)
    assert.is(purpose, group === 'database' ? 'database' : 'app', group)
    assert.match(script, /^if \[ "\$purpose" = app \]; then\n(.+\n)*?  dnf install -y nginx nodejs22 nodejs22-npm$/m, group)
    assert.match(script, new RegExp(`npm-22 install -g pm2@${pm2Version.replace(/\./g, '\\.')}$`, 'm'), group)
  }
})

test.run()

// The instances' boot scripts as CloudFormation resolves them for the fixture environment: shellcheck-clean,
// sshd moved to the custom port, the app groups given what the hooks run, the database group MongoDB on its
// custom port (spawns shellcheck and bash on a copy of mongod.conf).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { stackInstances } from '../../scripts/lib/render/stack-parameters.ts'
import { requireTool } from '../harness/tools.ts'
import { productionModel } from '../fixtures/model.ts'
import { stackResources } from './stack-resources.ts'

const model = productionModel()
const pm2Version = JSON.parse(readFileSync('node_modules/pm2/package.json', 'utf8')).version as string

/** Each instance group's boot script, decoded from its launch template. */
const parameters = new Map(stackInstances(model).map((s) => [s.stack, s.parameters]))
const scripts = stackResources(model)
  .filter((r) => r.template === 'instance-group.yaml' && r.Type === 'AWS::EC2::LaunchTemplate')
  .map((r) => ({
    group: parameters.get(r.stack)!.GroupName!,
    purpose: parameters.get(r.stack)!.Purpose!,
    script: Buffer.from(r.Properties.LaunchTemplateData.UserData as string, 'base64').toString(),
  }))

test('every instance group boots with a script that is clean under shellcheck', () => {
  assert.equal(
    scripts.map((s) => s.group),
    ['api', 'database', 'portal'],
  )
  const shellcheck = requireTool('shellcheck')
  for (const { group, script } of scripts) {
    const r = spawnSync(shellcheck, ['--shell=bash', '--severity=style', '-'], { input: script, encoding: 'utf8' })
    assert.is(r.status, 0, `${group}:\n${r.stdout}${r.stderr}`)
    assert.match(script, /^set -euo pipefail$/m, group)
  }
})

test('sshd listens on the environment custom SSH port, the one the security groups open to the VPN', () => {
  for (const { group, script } of scripts) {
    assert.match(
      script,
      new RegExp(
        `^sed -i -E 's/\\^#\\?Port \\[0-9\\]\\+\\$/Port ${model.env.network.sshPort}/' /etc/ssh/sshd_config$`,
        'm',
      ),
      group,
    )
    assert.match(script, /^systemctl restart sshd$/m, group)
  }
})

/** The body of the script's `if [ "$purpose" = NAME ]; then ... fi` block. */
function block(script: string, purpose: string): string {
  const m = new RegExp(`^if \\[ "\\$purpose" = ${purpose} \\]; then\n([\\s\\S]*?)^fi$`, 'm').exec(script)
  if (!m) throw new Error(`no ${purpose} block`)
  return m[1]!
}

test('every group gets Node.js 22; app groups nginx and the pm2 version the tests run; the database group MongoDB', () => {
  for (const { group, purpose, script } of scripts) {
    assert.match(script, new RegExp(`^purpose='${purpose}'$`, 'm'), group)
    assert.is(purpose, group === 'database' ? 'database' : 'app', group)
    assert.match(script, /^dnf install -y nodejs22 nodejs22-npm$/m, group)
    const app = block(script, 'app')
    const db = block(script, 'database')
    assert.match(app, /^  dnf install -y nginx$/m)
    assert.match(app, new RegExp(`^  npm-22 install -g pm2@${pm2Version.replace(/\./g, '\\.')}$`, 'm'))
    assert.not.match(app, /mongo/)
    assert.match(db, /^  dnf install -y mongodb-org$/m)
    // mongod never starts on the root volume: only on the data volume ops database-up mounts.
    assert.match(
      db,
      /^  printf '%s\\n' '\[Unit\]' 'RequiresMountsFor=\/var\/lib\/mongo' 'ConditionPathIsMountPoint=\/var\/lib\/mongo'/m,
    )
    assert.match(db, /^  systemctl disable --now mongod \|\| true$/m)
    assert.not.match(db, /enable --now mongod/)
    assert.not.match(db, /nginx|pm2/)
  }
})

test("the database group's script moves mongod to the custom port, on loopback until TLS is set, with authorization", () => {
  const db = block(scripts.find((s) => s.purpose === 'database')!.script, 'database')
  const dir = mkdtempSync(join(tmpdir(), 'mongod-conf-'))
  // The network and security part of the mongod.conf that MongoDB's package installs.
  writeFileSync(
    join(dir, 'mongod.conf'),
    '# network interfaces\nnet:\n  port: 27017\n  bindIp: 127.0.0.1  # Enter 0.0.0.0,:: to bind to all IPv4 and IPv6 addresses\n\n#security:\n',
  )
  const edits = db
    .split('\n')
    .filter((l) => /mongod\.conf$/.test(l) && !l.includes('yum.repos.d'))
    .map((l) => l.trim().replaceAll('/etc/mongod.conf', join(dir, 'mongod.conf')))
  assert.is(edits.length, 2, edits.join('\n'))
  for (let i = 0; i < 2; i++) {
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', edits.join('\n')], { encoding: 'utf8' })
    assert.is(r.status, 0, r.stderr)
  }
  const conf = readFileSync(join(dir, 'mongod.conf'), 'utf8')
  rmSync(dir, { recursive: true })
  assert.match(conf, `  port: ${model.env.network.mongoPort}\n`)
  assert.match(conf, '  bindIp: 127.0.0.1\n')
  assert.is(conf.match(/^security:\n  authorization: enabled$/gm)?.length, 1, 'twice run, once written')
})

test.run()

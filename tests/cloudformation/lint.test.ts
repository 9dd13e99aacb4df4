// cfn-lint and checkov over every template, each run once; a known-bad template rides along to prove
// both tools still report problems (I/O: copies templates to a temp dir, runs two processes).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireTool } from '../harness/tools.ts'
import { allTemplates, TEMPLATE_DIR, templateFiles } from './templates.ts'

const BAD = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Open:
    Type: AWS::S3::Bucket
  Wide:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: wide open
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
      UnknownProperty: 1
`

const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-'))
cpSync(TEMPLATE_DIR, dir, { recursive: true, filter: (src) => !src.endsWith('.md') })
writeFileSync(join(dir, 'zz-known-bad.yaml'), BAD)
const files = templateFiles()

// Both tools start at once; each is slow to boot, not to scan.
const run = (bin: string, args: string[], env = process.env) =>
  new Promise<{ stdout: string; stderr: string }>((resolve) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', () => resolve({ stdout, stderr }))
  })

type LintMatch = {
  Rule: { Id: string }
  Filename: string
  Location: { Start: { LineNumber: number } }
  Message: string
  Level: string
}
const lintRun = async () => {
  // cfn-lint exits non-zero when it finds anything; the JSON on stdout is what we judge.
  // W1101 (YAML aliases): CloudFormation never sees our YAML; apply parses each template and sends it as JSON, with
  // every alias resolved. The aliases keep a deny list identical in the two roles that carry it.
  const r = await run(requireTool('cfn-lint'), [
    '--format',
    'json',
    '--ignore-checks',
    'W1101',
    '--',
    ...files.map((f) => join(dir, f)),
    join(dir, 'zz-known-bad.yaml'),
  ])
  if (!r.stdout.trim().startsWith('[')) throw new Error(`cfn-lint failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as LintMatch[]
}

type CheckovResult = { check_id: string; file_path: string; resource: string; check_name: string }
type CheckovReport = {
  summary: { passed: number; failed: number; skipped: number; parsing_errors: number }
  results: { failed_checks: CheckovResult[] }
}
const checkovRun = async (): Promise<CheckovReport> => {
  // --skip-download: no calls to the vendor's platform, so the scan works offline.
  const r = await run(requireTool('checkov'), [
    '-d',
    dir,
    '--framework',
    'cloudformation',
    '--quiet',
    '--compact',
    '--skip-download',
    '-o',
    'json',
  ])
  if (!r.stdout.trim().startsWith('{') && !r.stdout.trim().startsWith('['))
    throw new Error(`checkov failed: ${r.stderr.slice(-2000)}`)
  const parsed = JSON.parse(r.stdout) as CheckovReport | CheckovReport[]
  return Array.isArray(parsed) ? parsed[0] : parsed
}

const lint = lintRun()
const scan = checkovRun()
// Neither promise may reject unobserved before its test awaits it.
lint.catch(() => {})
scan.catch(() => {})

test('cfn-lint: every template has 0 errors and 0 warnings; the known-bad one is caught', async () => {
  const matches = await lint
  const ours = matches.filter((m) => !m.Filename.endsWith('zz-known-bad.yaml'))
  assert.equal(
    ours.map(
      (m) => `${m.Filename.replace(dir, 'cloudformation')}:${m.Location.Start.LineNumber}: ${m.Rule.Id} ${m.Message}`,
    ),
    [],
  )
  assert.ok(
    matches.some((m) => m.Filename.endsWith('zz-known-bad.yaml') && m.Level === 'Error'),
    'cfn-lint found nothing in the bad template',
  )
})

test('checkov: 0 failed checks in our templates; the known-bad one fails', async () => {
  const report = await scan
  const ours = report.results.failed_checks.filter((c) => !c.file_path.endsWith('zz-known-bad.yaml'))
  assert.equal(
    ours.map((c) => `${c.file_path} ${c.resource} ${c.check_id} ${c.check_name}`),
    [],
  )
  assert.ok(
    report.results.failed_checks.some((c) => c.file_path.endsWith('zz-known-bad.yaml')),
    'checkov found nothing in the bad template',
  )
  assert.is(report.summary.parsing_errors, 0)
  assert.ok(report.summary.passed >= 200, `only ${report.summary.passed} checks passed`)
  console.log(
    `checkov: ${report.summary.passed} passed, ${ours.length} failed, ${report.summary.skipped} skipped (with reasons)`,
  )
})

test('every checkov skip carries its reason in the template Metadata', () => {
  const missing: string[] = []
  let skips = 0
  for (const [file, t] of Object.entries(allTemplates())) {
    for (const [id, res] of Object.entries(t.Resources)) {
      const skip = ((res.Metadata?.checkov ?? {}) as { skip?: { id?: string; comment?: string }[] }).skip ?? []
      for (const s of skip) {
        skips++
        if (!s.id || !s.comment || s.comment.length < 20) missing.push(`${file} ${id} ${s.id ?? '?'}`)
      }
    }
  }
  assert.equal(missing, [])
  assert.ok(skips > 0)
})

test.after(() => rmSync(dir, { recursive: true, force: true }))
test.run()

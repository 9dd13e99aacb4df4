// Plan formatting: summary first, replacements stand out in text and markdown, the comment stays under its cap (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Plan } from '../../scripts/lib/plan/build-plan.ts'
import { formatMarkdown, formatText } from '../../scripts/lib/plan/format.ts'

const plan = (patchLines = 3): Plan => ({
  environment: 'production',
  stacks: [
    { stack: 'drsignet-production-data', template: 'data.yaml', action: 'none', changes: [] },
    {
      stack: 'drsignet-production-load-balancer',
      template: 'load-balancer.yaml',
      action: 'update',
      changes: [
        {
          action: 'Modify',
          logicalId: 'LoadBalancer',
          type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          replacement: 'True',
        },
        {
          action: 'Modify',
          logicalId: 'HttpsListener',
          type: 'AWS::ElasticLoadBalancingV2::Listener',
          replacement: 'False',
        },
      ],
    },
    {
      stack: 'drsignet-production-vpn',
      template: 'vpn.yaml',
      action: 'skipped',
      changes: [],
      note: '--skip-template vpn.yaml',
    },
  ],
  apps: [
    {
      app: 'doctor-api',
      deployed: { version: '1.0.0', revision: '1.0.0+aaa' },
      desired: { version: '1.0.0', revision: '1.0.0+aaa' },
      changed: false,
    },
    {
      app: 'patient-api',
      deployed: { version: '1.0.0', revision: '1.0.0+bbb' },
      desired: { version: '1.1.0', revision: '1.1.0+ccc' },
      changed: true,
    },
  ],
  diffs: [
    {
      path: 'apps/patient-api/appspec.yml',
      patch:
        ['--- a', '+++ b', '@@ -1 +1 @@', ...Array.from({ length: patchLines }, (_, i) => `+line ${i}`)].join('\n') +
        '\n',
    },
  ],
})

test('text: summary, stacks with the replacement marked, apps, diffs', () => {
  assert.fixture(
    formatText(plan()),
    [
      'plan production: stacks 0 to create, 1 to update, 1 unchanged, 1 skipped; 1 replacement(s); apps to deploy: patient-api',
      '',
      'stacks:',
      '  none     drsignet-production-data (data.yaml)',
      '  update   drsignet-production-load-balancer (load-balancer.yaml)',
      '    !! REPLACE Modify LoadBalancer (AWS::ElasticLoadBalancingV2::LoadBalancer) replacement=True',
      '    Modify HttpsListener (AWS::ElasticLoadBalancingV2::Listener) replacement=False',
      '  skipped  drsignet-production-vpn (vpn.yaml): --skip-template vpn.yaml',
      '',
      'apps:',
      '  current  doctor-api: 1.0.0+aaa -> 1.0.0+aaa',
      '  deploy   patient-api: 1.0.0+bbb -> 1.1.0+ccc',
      '',
      'file changes against the last apply:',
      '--- a',
      '+++ b',
      '@@ -1 +1 @@',
      '+line 0',
      '+line 1',
      '+line 2',
      '',
    ].join('\n'),
  )
})

test('markdown: the summary and a replacement warning come first', () => {
  const md = formatMarkdown(plan())
  assert.is(
    md.split('\n').slice(0, 5).join('\n'),
    [
      '## Plan for `production`',
      '',
      '**stacks 0 to create, 1 to update, 1 unchanged, 1 skipped; 1 replacement(s); apps to deploy: patient-api**',
      '',
      '> :warning: **1 resource(s) will be REPLACED**: `drsignet-production-load-balancer/LoadBalancer`',
    ].join('\n'),
  )
  assert.ok(
    md.includes(
      '| `drsignet-production-load-balancer` | update | **:warning: REPLACE LoadBalancer** (AWS::ElasticLoadBalancingV2::LoadBalancer)<br>Modify HttpsListener (AWS::ElasticLoadBalancingV2::Listener) |',
    ),
  )
  assert.ok(md.includes('| patient-api | `1.0.0+bbb` | `1.1.0+ccc` | **deploy** |'))
})

test('markdown over the cap is cut at a line, its fences closed, with a note', () => {
  const md = formatMarkdown(plan(20_000), 60_000)
  assert.ok(Buffer.byteLength(md) <= 60_000, String(Buffer.byteLength(md)))
  assert.ok(
    md.endsWith(
      "```\n</details>\n\n_Plan truncated at 60000 bytes: the full plan is build/plan/plan.txt, printed in the build's log._\n",
    ),
  )
  assert.ok(md.startsWith('## Plan for `production`'))
})

test('parameter changes show beside the resource changes, in text and markdown', () => {
  const p: Plan = {
    environment: 'staging',
    apps: [],
    diffs: [],
    stacks: [
      {
        stack: 'drsignet-staging-data',
        template: 'data.yaml',
        action: 'update',
        parameters: [
          { key: 'BackupRetentionDays', from: '7', to: '10' },
          { key: 'NewOne', to: '' },
        ],
        changes: [{ action: 'Modify', logicalId: 'BackupBucket', type: 'AWS::S3::Bucket', replacement: 'False' }],
      },
    ],
  }
  assert.ok(
    formatText(p).includes(
      [
        '  update   drsignet-staging-data (data.yaml)',
        '    parameter BackupRetentionDays: 7 -> 10',
        '    parameter NewOne: (none) -> (empty)',
        '    Modify BackupBucket (AWS::S3::Bucket) replacement=False',
      ].join('\n'),
    ),
    formatText(p),
  )
  assert.ok(
    formatMarkdown(p).includes(
      '| `drsignet-staging-data` | update | `BackupRetentionDays`: `7` → `10`<br>`NewOne`: `(none)` → `(empty)`<br>Modify BackupBucket (AWS::S3::Bucket) |',
    ),
    formatMarkdown(p),
  )
})

test.run()

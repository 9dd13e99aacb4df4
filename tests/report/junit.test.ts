// JUnit XML of validation results for a CodeBuild report group: one case per file, escaped (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { junitReport } from '../../scripts/lib/report/junit.ts'

const problem = (file: string, message: string, rule = 'port') => ({ file, line: 3, col: 5, message, rule })

test('one test case per file; a failing file carries its problems as file:line:col lines', () => {
  const xml = junitReport(
    'validate',
    ['apps/a.yaml', 'environments/staging.yaml'],
    [
      problem('environments/staging.yaml', 'port 80 is taken'),
      problem('environments/staging.yaml', 'host clash', 'hosts'),
    ],
  )
  assert.is(
    xml,
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<testsuites name="validate" tests="2" failures="1">',
      '  <testsuite name="validate" tests="2" failures="1" errors="0" skipped="0">',
      '    <testcase classname="validate" name="apps/a.yaml"/>',
      '    <testcase classname="validate" name="environments/staging.yaml">',
      '      <failure message="2 problem(s)" type="port">environments/staging.yaml:3:5: port 80 is taken',
      'environments/staging.yaml:3:5: host clash</failure>',
      '    </testcase>',
      '  </testsuite>',
      '</testsuites>',
      '',
    ].join('\n'),
  )
})

test('markup and control characters in a message cannot break the XML', () => {
  const xml = junitReport('validate', ['a.yaml'], [problem('a.yaml', `"</failure><x a='1'>&\u0001\u0007`)])
  assert.match(xml, /&#34;&#60;\/failure&#62;&#60;x a=&#39;1&#39;&#62;&#38;<\/failure>/)
  assert.not.match(xml, /[\u0001\u0007]/)
})

test.run()

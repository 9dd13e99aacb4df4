// Finds the external tools a suite needs and fails loudly with the install command when one is missing.
import { execFileSync } from 'node:child_process'

const installHints: Record<string, string> = {
  nginx: 'apt-get install -y nginx-light',
  moto_server: "pip install 'moto[server]'",
  'cfn-lint': 'pip install cfn-lint',
  checkov: 'pip install checkov',
  shellcheck: 'apt-get install -y shellcheck',
  wrk: 'apt-get install -y wrk',
  chromium: 'apt-get install -y chromium',
  go: 'apt-get install -y golang (or the machine toolchain)',
}

export function requireTool(name: string, extraDirs: string[] = []): string {
  const path = [...extraDirs, '/usr/sbin', '/usr/local/sbin', process.env.PATH ?? ''].join(':')
  try {
    return execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { env: { ...process.env, PATH: path } })
      .toString()
      .trim()
  } catch {
    const hint = installHints[name] ?? `install ${name}`
    throw new Error(
      `required tool '${name}' is not installed: run \`${hint}\` (or bash .ci/run, which installs everything)`,
    )
  }
}

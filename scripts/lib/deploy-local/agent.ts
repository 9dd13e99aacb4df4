// Runs one revision through the real CodeDeploy agent's codedeploy-local inside an instance, as a systemd service
// like the agent's own unit, and follows it through the agent's log: which lifecycle event it is in, and why it
// failed (I/O).
import { $, type ProcessOutput } from '../shell.ts'
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import { execArgv, isRunning, writtenPath, type Instance } from './instance.ts'

export type AgentDeployment = {
  bundle: string // a file in the fleet's revisions folder
  groupId: string // the deployment group's id: the agent keeps its revisions and last good install per group
  groupName: string
  application: string
  unit: string // the transient unit the agent runs as, unique per run
}

/** An event the agent started, or finished (`scripts`: whether the revision had scripts for it). */
export type AgentEvent = { event: string; phase: 'start' | 'done'; at: number; scripts?: boolean }
export type AgentResult = {
  ok: boolean
  deploymentId?: string // the agent's own id (d-XXXXXXXXX-local), what hooks see as DEPLOYMENT_ID
  event?: string // the event that failed
  reason?: string
  scriptLog?: string // host path of the deployment's logs/scripts.log
}

const AGENT_LOG = '/var/log/aws/codedeploy-agent/codedeploy-local.log'
const ROOT_DIR = '/opt/codedeploy-agent/deployment-root'

/** The agent's own unit runs `bash -a -c 'source /etc/profile; …'`; this runs codedeploy-local the same way. */
function agentCommand(d: AgentDeployment): string {
  const lib = '/opt/codedeploy-agent'
  const includes = [
    `${lib}/lib`,
    `${lib}/vendor/gems/process_manager-0.0.13/lib`,
    `${lib}/vendor/gems/codedeploy-commands-1.0.0/lib`,
    `${lib}/vendor/gems/simple_pid-0.2.1/lib`,
    `${lib}/stand-ins`,
  ]
  const args = [
    '--bundle-location',
    `/var/lib/deploy-local/revisions/${basename(d.bundle)}`,
    '--type',
    'tgz',
    '--deployment-group',
    d.groupId,
    '--deployment-group-name',
    d.groupName,
    '--application-name',
    d.application,
  ]
  const safe = [...includes, ...args].every((a) => /^[A-Za-z0-9@%+=:,./_-]+$/.test(a))
  if (!safe)
    throw new Error(`deploy-local: a name with characters the agent's command line cannot carry: ${args.join(' ')}`)
  return `[ -f /etc/profile ] && source /etc/profile; exec ruby -W0 ${includes.map((i) => `-I${i}`).join(' ')} ${lib}/bin/codedeploy-local ${args.join(' ')}`
}

/**
 * Complete lines of the agent's log written since `offset`, and the new offset. The log is one file for every run,
 * and its logger rolls it by copying and truncating (daily): a file shorter than the offset is read from its start.
 */
export function readFrom(file: string, offset: number): { lines: string[]; offset: number } {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return { lines: [], offset: 0 }
  }
  try {
    const size = fstatSync(fd).size
    const from = size < offset ? 0 : offset
    const bytes = Buffer.alloc(size - from)
    readSync(fd, bytes, 0, bytes.length, from)
    const end = bytes.lastIndexOf(0x0a) + 1 // a line still being written waits for the next read
    return { lines: bytes.subarray(0, end).toString('utf8').split('\n').filter(Boolean), offset: from + end }
  } finally {
    closeSync(fd)
  }
}

/** Why a script failed, in CodeDeploy's own error codes, from what the agent logged about it. */
export function scriptFailure(agentLog: string[], location: string | undefined): string {
  const where = location ?? 'a script'
  if (agentLog.some((l) => /Script at specified location: .* timed out/.test(l)))
    return `ScriptTimedOut: ${where} did not finish within its timeout`
  if (agentLog.some((l) => /failed to close STD(OUT|ERR)/.test(l)))
    return `OutputsLeftOpen: ${where} exited but left a process holding its output`
  const status = agentLog
    .map((l) => l.match(/Script failed\. Diagnostics=.*:exitstatus=>(\d+)/)?.[1])
    .filter(Boolean)
    .pop()
  if (status) return `ScriptFailed: ${where} exited with code ${status}`
  return `ScriptFailed: ${where}`
}

/** The message of an error the agent raised outside a script (Install, the appspec), from Ruby's report or codedeploy-local's. */
export function agentError(stdout: string, stderr: string): string | undefined {
  const cli = stdout.match(/^ERROR: (.+)$/m)?.[1]
  if (cli) return cli
  const raised = stderr.match(/:in `[^']*': ([\s\S]+?) \(([\w:]+)\)$/m)
  return raised
    ? raised[1]!.trim()
    : stderr
        .split('\n')
        .find((l) => l.trim())
        ?.trim()
}

export async function runAgent(
  i: Instance,
  d: AgentDeployment,
  onEvent: (e: AgentEvent) => void | Promise<void>,
): Promise<AgentResult> {
  const logFile = writtenPath(i, AGENT_LOG)
  let offset = existsSync(logFile) ? statSync(logFile).size : 0
  const agentLog: string[] = []
  let current: string | undefined
  let deploymentId: string | undefined
  const scriptLog = () =>
    deploymentId ? writtenPath(i, `${ROOT_DIR}/${d.groupId}/${deploymentId}/logs/scripts.log`) : undefined
  const ranScripts = (event: string) => {
    const file = scriptLog()
    return !!file && existsSync(file) && readFileSync(file, 'utf8').includes(`LifecycleEvent - ${event}\n`)
  }
  const follow = async () => {
    const r = readFrom(logFile, offset)
    offset = r.offset
    for (const line of r.lines) {
      agentLog.push(line)
      deploymentId ??= line.match(/"DeploymentId"=>"(d-[A-Z0-9]+-local)"/)?.[1]
      const started = line.match(/CommandExecutor: Command (\w+) maps to method/)?.[1]
      if (started && started !== current) {
        if (current) await onEvent({ event: current, phase: 'done', at: Date.now(), scripts: ranScripts(current) })
        current = started
        await onEvent({ event: started, phase: 'start', at: Date.now() })
      }
    }
  }

  // The agent runs as a transient unit of the instance's systemd, as the codedeploy-agent service would on EC2. Its
  // stdin is /dev/null (shell.ts), as a service's is: --pipe would otherwise hand it ours.
  const agent = $({ nothrow: true, quiet: true })`${execArgv(i, [
    'systemd-run',
    '--quiet',
    '--pipe',
    '--wait',
    '--collect',
    '--service-type=exec',
    '--property=KillMode=process',
    `--unit=${d.unit}`,
    '--',
    '/bin/bash',
    '-a',
    '-c',
    agentCommand(d),
  ])}`
  let finished: ProcessOutput | undefined
  void agent.then((out) => (finished = out))
  // Follow the agent's log while it works, so each lifecycle event is reported as it starts.
  while (!finished) {
    await follow()
    await Promise.race([agent, new Promise((r) => setTimeout(r, 100))])
  }
  await follow()
  const { exitCode: code, stdout, stderr } = finished
  deploymentId ??= stdout.match(/deployment-root\/[^/]+\/(d-[A-Z0-9]+-local)/)?.[1]
  if (code === 0) {
    if (current) await onEvent({ event: current, phase: 'done', at: Date.now(), scripts: ranScripts(current) })
    return { ok: true, deploymentId, scriptLog: scriptLog() }
  }
  const event = current ?? 'DownloadBundle'
  if (!isRunning(i))
    return { ok: false, deploymentId, event, reason: `the instance stopped during ${event}`, scriptLog: scriptLog() }
  const script = stdout.match(/failed while trying to execute your script at \S+\/deployment-archive\/(\S+)/)?.[1]
  const reason = script
    ? scriptFailure(agentLog, script)
    : (agentError(stdout, stderr) ?? `codedeploy-local exited with ${code}`)
  return { ok: false, deploymentId, event, reason, scriptLog: scriptLog() }
}
